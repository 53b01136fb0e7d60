"""The moderators' desk under several readers at once: time per page (goal: p95 under
500 ms with 4 readers on the demo, issue 22).

On the running local wiki (``coacte demo`` first): ``--readers`` moderators, each in a
browser of their own (a logged-in client of the Flask app in this process, one thread
each), open every desk page ``--rounds`` times in turn, all at once. It prints, per
page and in all, the median, the 95th percentile and the longest answer.

    python bench/desk_latency.py [--readers 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browsers import logged_in  # noqa: E402
from coacte import config  # noqa: E402
from coacte.web import create_app  # noqa: E402

PAGES = ["/moderation/", "/moderation/proposals", "/moderation/conflicts",
         "/moderation/problems", "/moderation/patrol", "/moderation/curation?round=1",
         "/moderation/review?round=1"]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cfg = config.load()
    app = create_app(cfg)
    readers = [logged_in(app, cfg) for _ in range(args.readers)]
    for path in PAGES:  # each page once, alone: what the service computes and keeps
        status = readers[0].get(path).status_code
        if status != 200:
            raise SystemExit(f"{path}: {status} (is the demo's wiki running?)")
    times: dict[str, list[float]] = {path: [] for path in PAGES}
    lock = threading.Lock()
    start = threading.Barrier(args.readers)

    def read(n: int) -> None:
        start.wait()
        for _ in range(args.rounds):
            for path in PAGES[n % len(PAGES):] + PAGES[:n % len(PAGES)]:
                began = time.perf_counter()
                readers[n].get(path)
                took = time.perf_counter() - began
                with lock:
                    times[path].append(took)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(args.readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"{args.readers} readers x {args.rounds} rounds of {len(PAGES)} desk pages "
          "(ms: median / p95 / longest)")
    every = [t for values in times.values() for t in values]
    for path, values in [*times.items(), ("all pages", every)]:
        print(f"  {path:32} {statistics.median(values) * 1000:7.0f} "
              f"{_p95(values) * 1000:7.0f} {max(values) * 1000:7.0f}")


if __name__ == "__main__":
    main()
