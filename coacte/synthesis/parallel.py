"""Spread independent pieces of the global synthesis over the machine's cores.

The heavy parts of the merge (encoding sentences, comparing the texts of one bucket,
clustering one component) are numpy, scipy, sentencepiece and rapidfuzz calls that
release the GIL, so plain threads run them side by side. BLAS is held to one thread
per worker while they do: a 2-core machine runs two single-threaded matrix products
about 30% faster than one product on two threads (the encoder's products are small).

Results come back in input order, so the output does not depend on the number of
cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from threadpoolctl import threadpool_limits

from coacte.config import environment

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """Cores this process may use (``COACTE_WORKERS`` overrides; 1 = no threads)."""
    configured = environment("COACTE_WORKERS").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ValueError(
                f"COACTE_WORKERS must be a whole number, not {configured!r}") from None
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def parallel_map(function: Callable[[T], R], items: Iterable[T],
                 cost: Callable[[T], float] | None = None) -> list[R]:
    """``[function(item) for item in items]``, run on :func:`workers` threads.

    With ``cost`` (an estimate of each item's work), the costliest items start first:
    a big bucket left for the end would keep one core busy while the others wait.
    """
    items = list(items)
    count = min(workers(), len(items))
    if count <= 1:
        return [function(item) for item in items]
    order = list(range(len(items)))
    if cost is not None:
        order.sort(key=lambda i: -cost(items[i]))
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(count) as pool:
        futures = {i: pool.submit(function, items[i]) for i in order}
        return [futures[i].result() for i in range(len(items))]
