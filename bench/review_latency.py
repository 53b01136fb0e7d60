"""Server time per answer of the desk's review queue (goal: p95 <= 300 ms on the demo).

On the running local wiki (``coacte demo`` first), writes the labelled debates of
``eval/debates.jsonl`` (415 post-its, 15 territories) as a round of their own, runs
``coacte global`` on it, then, through the Flask app in this process, logs in as the
moderator and answers the queue as the labels do ("same" when both ideas' post-its
share their main gold idea, "different" otherwise). It times, for each answer, the
server's work: the POST that writes the decision and the GET that shows the next
question. The first GET (computing the queue) is timed apart.

    python bench/review_latency.py [--answers 40] [--round N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browsers import logged_in  # noqa: E402
from coacte import config as settings  # noqa: E402
from coacte.jobs.global_round import global_synthesis, load  # noqa: E402
from coacte.web import create_app  # noqa: E402
from coacte.wiki.client import Wiki, connect  # noqa: E402
from coacte.wikitext.values import encode  # noqa: E402

DEBATES = ROOT / "eval" / "debates.jsonl"


def debate_pages(round_: int) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The set's debate pages for ``round_`` and each post-it's gold idea, by
    (territory, text)."""
    items = [json.loads(line) for line in DEBATES.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    pages: dict[str, list[str]] = {}
    gold = {}
    for item in items:
        territory = f"Bench {item['territory']}"
        lines = pages.setdefault(territory, [
            f"{{{{CO-ACTE débat|territoire={encode(territory)}|tour={round_}|pays=FR}}}}"])
        fields = {"question": item["question"], "texte": item["text"],
                  "groupe": item.get("group", ""), "code": item["code"],
                  "nature": item["kind"]}
        lines.append("{{CO-ACTE post-it" + "".join(
            f"\n| {k} = {encode(str(v))}" for k, v in fields.items() if v != "") + "\n}}")
        gold[(territory, item["text"])] = item["cluster"]
    return {f"Débat:{t}/Tour {round_}": "\n".join(lines) for t, lines in pages.items()}, gold


def field(page: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    return unescape(found.group(1)) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=40)
    parser.add_argument("--round", type=int, default=None)
    args = parser.parse_args(argv)
    config = settings.load()
    round_ = args.round or 900 + random.randrange(100_000)
    wiki = connect(config)
    pages, gold = debate_pages(round_)
    current = wiki.read(list(pages))
    for title, text in pages.items():
        wiki.save(title, text, "benchmark: review queue", current[title])
    start = time.perf_counter()
    global_synthesis(wiki, round_)
    print(f"round {round_}: {len(pages)} debate pages written; coacte global "
          f"{time.perf_counter() - start:.1f} s")
    # Each global idea's gold ideas, from its post-its (as the page has them now).
    golds = {i.key: [gold[(m.territory, p.text)] for m in i.members for p in m.idea.sources]
             for i in load(wiki, round_).synthesis.ideas}

    # The wiki's own time, to tell it from the service's: every save the desk makes.
    saving: list[float] = []
    save = Wiki.save

    def timed_save(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return save(self, *args, **kwargs)
        finally:
            saving.append(1000 * (time.perf_counter() - start))

    Wiki.save = timed_save
    app = create_app(config, TESTING=True)
    client = logged_in(app, config)
    start = time.perf_counter()
    page = client.get(f"/moderation/review?round={round_}").get_data(as_text=True)
    print(f"first view (the queue computed): {1000 * (time.perf_counter() - start):.0f} ms")

    times, answers = [], Counter()
    saving.clear()
    for _ in range(args.answers):
        a, b = field(page, "a"), field(page, "b")
        if not a:
            break
        same = _main(golds[a]) == _main(golds[b])
        start = time.perf_counter()
        client.post("/moderation/review", data={
            "csrf_token": field(page, "csrf_token"), "round": str(round_),
            "answer": "same" if same else "different", "a": a, "b": b})
        page = client.get(f"/moderation/review?round={round_}").get_data(as_text=True)
        times.append(1000 * (time.perf_counter() - start))
        answers["same" if same else "different"] += 1
        if same:
            golds[a] = golds[a] + golds.pop(b)
    if not times:
        print("no question to answer")
        return 1
    own = sorted(t - w for t, w in zip(times, saving, strict=True))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{len(times)} answers ({answers['same']} same, {answers['different']} different): "
          f"server time per answer p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
          f"max {times[-1]:.0f} ms")
    print(f"  of which MediaWiki's save of the page (edit API, read-back): p50 "
          f"{statistics.median(saving):.0f} ms; the service's own time p50 "
          f"{statistics.median(own):.0f} ms, p95 "
          f"{own[min(len(own) - 1, round(0.95 * (len(own) - 1)))]:.0f} ms")
    return 0


def _main(golds: list[str]) -> str:
    """An idea's main gold idea (the most frequent among its post-its)."""
    return Counter(golds).most_common(1)[0][0]


if __name__ == "__main__":
    sys.exit(main())
