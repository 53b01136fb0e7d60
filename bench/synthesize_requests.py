"""What a `coacte synthesize` run costs on the configured wiki: requests and seconds.

Creates N synthetic debate pages (territories "Bench 0001"…, M post-its each, with some
duplicates) when missing, then runs the synthesis twice: a first run that writes the
pages and a no-change re-run that must make no edit. Prints the API requests by kind,
the pages read, and the wall time of each run.

    coacte wiki up && coacte install
    python bench/synthesize_requests.py --pages 200 --postits 60
"""

from __future__ import annotations

import argparse
import io
import random
import time
from contextlib import redirect_stderr, redirect_stdout

from bot_scripts import synthesize
from coacte import config as settings
from coacte.wiki import connect
from coacte.wikitext.values import encode

WORDS = [
    "jardin",
    "logement",
    "transport",
    "jeunes",
    "aînés",
    "budget",
    "école",
    "santé",
    "emploi",
    "culture",
    "voisins",
    "associations",
    "élus",
    "quartier",
    "énergie",
    "eau",
    "alimentation",
    "sport",
]


def debate(n: int, postits: int, rng: random.Random) -> str:
    lines = [f"{{{{CO-ACTE débat|territoire=Bench {n:04d}|tour=1|pays=FR}}}}"]
    for i in range(postits):
        words = " ".join(rng.choice(WORDS) for _ in range(6)) if i % 5 else "Le jardin partagé"
        q = 1 + i % 3
        kind = f"|nature={'blocage' if i % 2 else 'levier'}" if q == 3 else ""
        lines.append(
            f"{{{{CO-ACTE post-it|question={q}|texte={encode(words)}{kind}|groupe=G{i % 4}}}}}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--postits", type=int, default=60)
    args = parser.parse_args()
    config = settings.load()
    wiki = connect(config)
    rng = random.Random(1)
    titles = {f"Débat:Bench {n:04d}/Tour 1": n for n in range(args.pages)}
    existing = wiki.read(titles)
    for title, n in titles.items():
        if existing[title] is None:
            wiki.save(title, debate(n, args.postits, rng), "benchmark setup", None)
    for label in ("first run", "no-change re-run"):
        wiki = connect(config)
        wiki.requests.clear()
        out = io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(out), redirect_stderr(out):
            status = synthesize.run(wiki=wiki)
        seconds = time.perf_counter() - start
        summary = next(
            line for line in out.getvalue().splitlines() if line.startswith("synthesize:")
        )
        print(f"{label}: {seconds:.2f} s, exit {status}, {wiki.total_requests} requests")
        print(f"  {summary}")
        for kind, count in sorted(wiki.requests.items()):
            print(f"  {kind:40} {count}")


if __name__ == "__main__":
    main()
