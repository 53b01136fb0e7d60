"""CPU time and peak memory of the core's stages, without a wiki: parse and validate,
territory synthesis, render, global synthesis (the cross-language merge) and its render.

Generates ``--pages`` debate pages of ``--postits`` post-its (bench/corpus.py), then runs
each stage once and prints its wall time, CPU time (all threads) and the process's peak
resident memory after it (the high-water mark, encoder included). The goal (issues 7
and 14) is the global synthesis of 100,000 post-its with its review queue in <= 60 s and
<= 1 GB from the second run (``--store``: the warm run and the queue):

    python bench/core_scale.py --pages 1667 --postits 60 --store
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus  # noqa: E402
from coacte.model import Inputs  # noqa: E402
from coacte.render import synthesis_pages as render  # noqa: E402
from coacte.synthesis.cross_territory import default_cluster  # noqa: E402
from coacte.synthesis.global_round import compute  # noqa: E402
from coacte.synthesis.territory import synthesize  # noqa: E402
from coacte.validate import read_debates, read_grid  # noqa: E402

ROWS: list[tuple[str, float, float, float]] = []


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def stage(name: str):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    ROWS.append((name, time.perf_counter() - wall, time.process_time() - cpu, peak_mb()))
    print(f"  {name:34} {ROWS[-1][1]:8.2f} s wall {ROWS[-1][2]:8.2f} s CPU "
          f"{ROWS[-1][3]:8.0f} MB peak", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--postits", type=int, default=60)
    parser.add_argument("--no-global", action="store_true",
                        help="Stop after the territory pages.")
    parser.add_argument("--store", action="store_true",
                        help="Keep sentence vectors in a fresh store (as the bots do) and "
                             "run the global synthesis twice: cold, then warm.")
    args = parser.parse_args()
    print(f"core stages, {args.pages} pages x {args.postits} post-its "
          f"(start: {peak_mb():.0f} MB)")
    with stage("generate wikitext (not the bot)"):
        pages = list(corpus.pages(args.pages, args.postits))
    grid, _ = read_grid(None)
    with stage("parse + validate"):
        debates, problems = read_debates(pages, grid)
    postits = sum(len(d.postits) for d in debates)
    with stage("territory synthesis"):
        syntheses = synthesize(debates, grid)
    with stage("render territory pages"):
        texts = [render.synthesis(s, grid, "fr") for s in syntheses]
    ideas = sum(len(s.ideas) for s in syntheses)
    print(f"  -> {len(debates)} debates, {postits} post-its, {ideas} territory ideas, "
          f"{sum(map(len, texts)) / 1e6:.1f} MB of wikitext, {len(problems)} problems")
    del texts, syntheses  # `coacte global` neither renders nor keeps territory pages
    if args.no_global:
        return
    inputs = Inputs(pages, grid, debates, problems)
    with stage("global synthesis (encoder load)"):
        from coacte.synthesis.encoder import encoder

        encoder()
    store = None
    if args.store:
        from coacte.cache.vectors import EmbeddingStore

        store = EmbeddingStore(Path(tempfile.mkdtemp()) / "vectors.sqlite")
    cluster = default_cluster(store)
    with stage("global synthesis" + (" (cold store)" if args.store else "")):
        computed = compute(inputs, 1, {}, cluster=cluster)
    if args.store:
        computed = None  # not counted in the warm run's memory
        with stage("global synthesis (warm store)"):
            computed = compute(inputs, 1, {}, cluster=cluster)
    g = computed.synthesis
    with stage("review queue (pairs and checks, as global --json)"):
        from coacte.synthesis import suggestions

        pool = suggestions.pool(g, store)
        queue = suggestions.ranked(pool)
        checks = suggestions.checks(pool, limit=100)
        to_confirm = sum(i.doubt is not None for i in g.ideas)
        del pool
    print(f"  -> {len(queue)} suggested pairs, {len(checks)} checks, "
          f"{to_confirm} merges to confirm")
    with stage("render global page"):
        body = render.global_synthesis(g, grid, [], "fr")
    shared = sum(len(i.territories) > 1 for i in g.ideas)
    print(f"  -> {len(g.ideas)} global ideas ({shared} shared by several territories), "
          f"page {len(body) / 1e6:.1f} MB")
    total = sum(r[1] for r in ROWS[1:])
    print(f"total (without generation): {total:.1f} s wall, peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
