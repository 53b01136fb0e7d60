"""Saves at the same moment, through the service: kept, lost and refused (issue 22).

Against the local wiki (run ``coacte demo`` or ``coacte wiki up`` first): a new debate
page, then ``--saves`` paste previews (one post-it each, a text of its own), all
confirmed at once from as many browsers, first by one facilitator's account, then by the
three local accounts in turn. A post-it is *kept* when the page holds it once, *lost*
when its confirmation answered "saved" but the page lacks it, *refused* when the answer
was not "saved" (the preview is then kept for another try). Goal: 0 lost.

    python bench/concurrent_saves.py --saves 20
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browsers import csrf, logged_in  # noqa: E402
from coacte import config  # noqa: E402
from coacte.web import create_app  # noqa: E402
from coacte.wiki.client import connect  # noqa: E402
from coacte.wikitext.debate_page import debate_page  # noqa: E402

ACCOUNTS = ("editor", "moderator", "admin")


def _preview(client, title: str, text: str) -> tuple[str, str]:
    token = csrf(client, "/debates/paste")
    answer = client.post("/debates/paste", data={
        "csrf_token": token, "page": title, "question": "1", "lines": text + "\n"})
    confirm = re.search(r'name="token" value="([^"]+)"', answer.get_data(as_text=True))
    if confirm is None:
        raise SystemExit(f"no preview for {title}: {answer.status_code}")
    return token, confirm.group(1)


def run(saves: int, accounts: tuple[str, ...]) -> tuple[int, int, int, float]:
    """Kept, lost, refused, and the seconds the confirmations took."""
    cfg = config.load()
    app = create_app(cfg)
    bot = connect(cfg)
    territory = f"Charge {uuid.uuid4().hex[:6]}"
    title = f"Débat:{territory}/Tour 1"
    bot.save(title, debate_page({"territoire": territory, "tour": 1},
                                [{"question": 1, "texte": "Déjà là."}]), "bench setup", None)
    texts = [f"Post-it {n} {uuid.uuid4().hex[:6]}" for n in range(saves)]
    browsers = [logged_in(app, cfg, accounts[n % len(accounts)]) for n in range(saves)]
    previews = [_preview(b, title, t) for b, t in zip(browsers, texts, strict=True)]
    answers: list[int] = [0] * saves
    start = threading.Barrier(saves)

    def confirm(n: int) -> None:
        token, preview = previews[n]
        start.wait()
        answers[n] = browsers[n].post("/debates/confirm", data={
            "csrf_token": token, "token": preview}).status_code

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(saves)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    page = bot.read([title])[title].text
    kept = sum(page.count(t) == 1 for t in texts)
    lost = sum(answers[n] == 302 and page.count(t) != 1 for n, t in enumerate(texts))
    refused = sum(code != 302 for code in answers)
    return kept, lost, refused, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    for name, accounts in (("one account", ACCOUNTS[:1]), ("three accounts", ACCOUNTS)):
        kept, lost, refused, took = run(args.saves, accounts)
        print(f"{args.saves} confirmations at once, {name}: kept {kept}, lost {lost}, "
              f"refused {refused} ({took:.1f} s)")


if __name__ == "__main__":
    main()
