"""Refreshing the syntheses an edit touches, seconds after it (webhook or watcher).

A burst of edits (a facilitator saving post-its one by one, an import) is *debounced*:
the refresh waits until edits stop for a moment (``quiet``), or at most ``max_wait``
seconds after the first one, then rebuilds, in one pass that reads the wiki once, the
territory syntheses of the (territory, round) pairs the edited pages belong to and the
global synthesis of their rounds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from coacte.cache.stores import NONE, Stores
from coacte.contract import DEBATE
from coacte.jobs.global_round import global_synthesis
from coacte.jobs.inputs import read_inputs
from coacte.jobs.lock import locked
from coacte.jobs.report import Report, Result
from coacte.jobs.synthesize import synthesize
from coacte.model import PageRevision
from coacte.wiki.client import Wiki
from coacte.wikitext.parse import calls

log = logging.getLogger(__name__)


def touched(pages: Iterable[PageRevision]) -> set[tuple[str, int]]:
    """The (territory, round) pairs whose debate headers these pages hold."""
    pairs = set()
    for page in pages:
        for call in calls(page.text):
            if call.template is not DEBATE:
                continue
            values = call.values()
            territory = " ".join(values.get("territoire", "").split())
            round_ = values.get("tour", "").strip()
            if territory and round_.isdigit():
                pairs.add((territory, int(round_)))
    return pairs


@locked("the service's refresh")
def refresh(wiki: Wiki, titles: Iterable[str], report: Report | None = None,
            stores: Stores = NONE) -> list[Result]:
    """Rebuild what the pages ``titles`` touch; the jobs' results. ``stores`` keeps
    parsed pages and sentence vectors between refreshes."""
    pages = [p for p in wiki.read(titles).values() if p is not None]
    pairs = touched(pages)
    if not pairs:
        return []
    inputs = read_inputs(wiki, parse_store=stores.parsed)  # only new revisions parsed
    results = [synthesize(wiki, only=pairs, inputs=inputs, report=report)]
    for round_ in sorted({r for _, r in pairs}):
        results.append(global_synthesis(wiki, round_, inputs=inputs, report=report,
                                        stores=stores))
    return results


class Debouncer:
    """Collects edited titles and runs ``job(titles)`` in a background thread once edits
    pause. Thread-safe; a failing job is logged and the titles are not lost (retried
    with the next batch)."""

    def __init__(self, job: Callable[[set[str]], object], quiet: float = 0.5,
                 max_wait: float = 2.0, *, backoff: float = 2.0, longest: float = 300.0):
        self.job, self.quiet, self.max_wait = job, quiet, max_wait
        #: After a failure, the pause before the next try: ``backoff`` seconds, doubled
        #: at each failure in a row up to ``longest`` (a wrong bot password must not
        #: retry every second forever).
        self.backoff, self.longest = backoff, longest
        self.failures = 0
        self._said: set[str] = set()
        self._pending: set[str] = set()
        self._first = self._last = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coacte-refresh", daemon=True)
        self._thread.start()

    def add(self, title: str) -> None:
        with self._lock:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.add(title)
            self._last = now
        self._wake.set()

    def _due(self) -> float | None:
        """Seconds until the pending batch is due (0: now), or None when idle."""
        with self._lock:
            if not self._pending:
                return None
            now = time.monotonic()
            return max(0.0, min(self._last + self.quiet, self._first + self.max_wait) - now)

    def _run(self) -> None:
        while True:
            wait = self._due()
            if wait is None:
                self._wake.wait()
                self._wake.clear()
                continue
            if wait > 0:
                time.sleep(min(wait, 0.1))
                continue
            with self._lock:
                batch, self._pending = self._pending, set()
            try:
                self.job(batch)
            except Exception as exc:  # noqa: BLE001 — a refresh must never kill the service
                pause = self.failed(exc, batch)
                with self._lock:
                    self._pending |= batch
                    self._first = self._last = time.monotonic()
                time.sleep(pause)
            else:
                if self.failures:
                    log.warning("CO-ACTE refresh works again after %d failures",
                                self.failures)
                self.failures, self._said = 0, set()

    def failed(self, exc: Exception, batch: set[str]) -> float:
        """Log a failure (a traceback the first time a kind of failure is met, one line
        after) and give the pause before the next try."""
        self.failures += 1
        pause = min(self.backoff * 2 ** (self.failures - 1), self.longest)
        kind = type(exc).__name__
        if kind in self._said:
            log.warning("CO-ACTE refresh of %d pages failed again (%s: %s); next try in "
                        "%.0f s", len(batch), kind, exc, pause)
        else:
            self._said.add(kind)
            log.error("CO-ACTE refresh of %s failed; next try in %.0f s", sorted(batch),
                      pause, exc_info=exc)
        return pause
