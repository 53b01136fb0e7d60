"""The whole pipeline at network scale on the configured wiki: requests, seconds, floor.

Creates N debate pages of M post-its (bench/corpus.py; territories "Bench 0000"…) when
missing, then runs, as the bots would, and prints for each step: API requests by kind,
content reads against the lower bound ceil(N/50), edits, wall time, the bot's own CPU
time, and the time spent waiting for HTTP answers:

1. ``coacte synthesize`` first run (no state: reads and writes everything);
2. the same again with nothing changed (incremental), and with ``--full``;
   for both, the *floor*: the very same API requests replayed with plain ``requests``;
3. a run after K human edits of debate pages, for each K of ``--edits``;
4. ``coacte global --round 1``;
5. with ``--rounds 3``: ``round open 2``, every territory's reactions filled in,
   ``synthesize`` and ``round close 2``, then the same for round 3.

    coacte wiki up && coacte install
    python bench/scale.py --pages 1000 --postits 60 --edits 1,10 --rounds 3
"""

from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from click.testing import CliRunner

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus  # noqa: E402
from coacte import config as settings  # noqa: E402
from coacte.cli import main as cli  # noqa: E402
from coacte.jobs import synthesize as synthesize_job  # noqa: E402
from coacte.wiki.client import Wiki, connect  # noqa: E402
from coacte.wikitext.values import encode  # noqa: E402

STOP_PAGE = settings.Config().stop_page
#: Every HTTP exchange of the process: (method, url, body, seconds, action kind).
EXCHANGES: list[tuple[str, str, bytes | str | None, float, str]] = []
_send = requests.Session.send


def _kind(request) -> str:
    """What an API request does, e.g. ``query:embeddedin+info`` or ``edit``; content
    reads are marked. (mwclient adds ``meta=userinfo`` to every query: left out.)"""
    body = request.body or ""
    if isinstance(body, bytes):
        if b"multipart/form-data" in (request.headers.get("Content-Type") or "").encode():
            return "upload (multipart)"
        body = body.decode("utf-8", "replace")
    fields = parse_qs(body) if body else parse_qs(urlsplit(request.url).query)
    action = fields.get("action", ["?"])[0]
    if action != "query":
        return action
    parts = [v for key in ("generator", "prop", "list", "meta")
             for v in fields.get(key, [""])[0].split("|") if v and v != "userinfo"]
    content = "content" in fields.get("rvprop", [""])[0]
    titles = fields.get("titles", [""])[0].split("|")
    if content and len(titles) == 2 and titles[0] == STOP_PAGE:
        return "query:revisions (write guard: stop page + the page, before each edit)"
    return "query:" + "+".join(parts) + (" (content)" if content else "")


def _recording_send(self, request, **kwargs):
    response = _send(self, request, **kwargs)
    EXCHANGES.append((request.method, request.url, request.body,
                      response.elapsed.total_seconds(), _kind(request)))
    return response


requests.Session.send = _recording_send


@contextmanager
def measured(label: str, pages: int, session: Wiki | None = None):
    """Print what the block cost; with the block's ``session``, the floor: the block's
    requests (reads only) replayed in the same order with plain ``requests``."""
    first = len(EXCHANGES)
    wall, cpu = time.perf_counter(), time.process_time()
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        yield out
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out.wall, out.floor = wall, None
    done = EXCHANGES[first:]
    kinds = Counter(kind for *_, kind in done)
    content = sum(n for k, n in kinds.items() if "(content)" in k)
    guards = sum(n for k, n in kinds.items() if "write guard" in k)
    edits = kinds.get("edit", 0)
    http = sum(seconds for *_, seconds, _ in done)
    print(f"\n{label}: {wall:.2f} s wall, {cpu:.2f} s bot CPU, {http:.2f} s in HTTP, "
          f"{len(done)} requests ({content} content reads, lower bound "
          f"ceil({pages}/50) = {math.ceil(pages / 50)}; {guards} write guards), {edits} edits")
    for kind, count in sorted(kinds.items()):
        print(f"    {kind:52} {count}")
    for line in out.getvalue().splitlines():
        if line.startswith(("synthesize:", "global:", "round ")):
            print(f"    | {line}")
    if session is not None:
        replay = requests.Session()
        replay.cookies = session.site.connection.cookies
        replay.headers.update(session.site.connection.headers)
        reads = [(m, u, b) for m, u, b, _, kind in done
                 if kind.startswith("query") or m == "GET"]
        start = time.perf_counter()
        for method, url, body in reads:
            replay.request(method, url, data=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"}
                           if body else None).raise_for_status()
        floor_s = time.perf_counter() - start
        out.floor = floor_s
        print(f"    floor (the same {len(reads)} requests with plain requests): "
              f"{floor_s:.2f} s -> this run is {wall / floor_s:.2f} x the floor")


def repeated(label: str, pages: int, run, config, times: int) -> None:
    """A sub-second step measured ``times`` times (each with its floor): one sample of
    0.2 s moves by a third with the machine's other work, the median does not."""
    walls, floors = [], []
    for attempt in range(1, times + 1):
        session = connect(config)
        with measured(f"{label} [{attempt}/{times}]", pages, session=session) as out:
            run(session)
        walls.append(out.wall)
        floors.append(out.floor)
    wall, floor = statistics.median(walls), statistics.median(floors)
    print(f"  => {label}, median of {times}: {wall:.3f} s wall, floor {floor:.3f} s: "
          f"{wall / floor:.2f} x the floor")


def setup(wiki: Wiki, pages: int, postits: int) -> None:
    titles = [corpus.debate_title(n) for n in range(pages)]
    existing = wiki.revids(titles)
    missing = [n for n, t in enumerate(titles) if existing[t] is None]
    if not missing:
        return
    print(f"setup: creating {len(missing)} debate pages…", flush=True)
    rng, pool = random.Random(1), corpus.ideas()
    token = wiki.site.get_token("csrf")
    for n in missing:
        wiki.site.api("edit", title=titles[n], text=corpus.debate(n, postits, rng, pool),
                      summary="benchmark setup", token=token, createonly=1, bot=1)


def human_edits(config, k: int, round_: int, tag: str) -> None:
    """K debate pages get one more post-it, saved by a human account."""
    local = config.extra.get("local", {})
    person = Wiki(settings.Config(config.wiki_url)).user_login(
        local.get("moderator_user", "Moderateur"), local.get("moderator_password", ""))
    token = person.site.get_token("csrf")
    for n in range(k):
        title = corpus.debate_title(n, round_)
        text = person.read([title])[title].text
        person.site.api("edit", title=title, token=token, summary="benchmark edit",
                        text=text + f"\n{{{{CO-ACTE post-it|question=1|texte="
                        f"{encode(f'Nouvelle idée {tag} {n}')}|groupe=G1}}}}")


def fill_reactions(wiki: Wiki, pages: int, postits: int, round_: int,
                   rng: random.Random) -> None:
    """Every seeded round page gets its groups' reactions and ``postits`` new post-its
    (a facilitator's job)."""
    pool = corpus.ideas()
    token = wiki.site.get_token("csrf")
    titles = [corpus.debate_title(n, round_) for n in range(pages)]
    current = wiki.read(titles)
    for title in titles:
        page = current[title]
        if page is None or "| accord = \n" not in page.text:
            continue
        text = page.text
        while "| accord = \n" in text:
            text = text.replace("| accord = \n| priorité = \n| commentaire = \n| groupe = \n",
                                f"| accord = {rng.choice(['oui', 'oui', 'non', 'nuancé'])}\n"
                                f"| priorité = {rng.randint(1, 5)}\n| commentaire = \n"
                                f"| groupe = G{rng.randint(0, 3)}\n", 1)
        n = int(title.split("Bench ")[1][:4])
        text += "\n" + corpus.debate(n, postits, rng, pool, round_).split("\n", 1)[1]
        wiki.site.api("edit", title=title, text=text, summary="benchmark reactions",
                      token=token, bot=1, nocreate=1)


def cli_step(args: list[str], out) -> None:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    out.write(result.output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--postits", type=int, default=60)
    parser.add_argument("--edits", default="1,10", help="Comma-separated values of K.")
    parser.add_argument("--rounds", type=int, default=1, choices=(1, 2, 3))
    parser.add_argument("--repeat", type=int, default=5,
                        help="Times the no-change run is measured (the median is kept).")
    args = parser.parse_args()
    config = settings.load()
    wiki = connect(config)
    setup(wiki, args.pages, args.postits)
    listed = len(wiki.transcluding_revids(config.header_template))
    print(f"{listed} debate pages on the wiki ({args.pages} bench pages x {args.postits} "
          "post-its)")
    state = Path(tempfile.mkdtemp()) / "state.json"

    def synthesize(session: Wiki, full: bool = False) -> None:
        if full:
            synthesize_job.synthesize(session)
        else:
            synthesize_job.synthesize_changed(session, state)

    # Logged-in sessions are opened before each measure (a cron job logs in once too).
    session = connect(config)
    with measured("synthesize, first run (no state)", listed):
        synthesize(session)
    repeated("synthesize, no change (incremental)", listed, synthesize, config, args.repeat)
    session = connect(config)
    with measured("synthesize, no change, --full", listed, session=session):
        synthesize(session, full=True)
    for k in [int(k) for k in args.edits.split(",") if k]:
        human_edits(config, k, 1, f"K{k}-{time.time():.0f}")
        session = connect(config)
        with measured(f"synthesize after {k} human edit(s) (incremental)", listed):
            synthesize(session)
    with measured("global --round 1", listed) as out:
        cli_step(["global", "--round", "1"], out)
    with measured("global --round 1, no change", listed) as out:
        cli_step(["global", "--round", "1"], out)
    rng = random.Random(2)
    for round_ in range(2, args.rounds + 1):
        with measured(f"round open {round_}", listed) as out:
            cli_step(["round", "open", str(round_)], out)
        fill_reactions(wiki, args.pages, args.postits // 3, round_, rng)
        listed = len(wiki.transcluding_revids(config.header_template))
        session = connect(config)
        with measured(f"synthesize, round {round_} pages filled in (incremental)", listed):
            synthesize(session)
        with measured(f"round close {round_}", listed) as out:
            cli_step(["round", "close", str(round_)], out)


if __name__ == "__main__":
    main()
