"""What every job returns and tells as it goes, whichever door called it.

A job wires the core's stages (read → validate → synthesize → render → publish) for one
purpose and returns a :class:`Result`; how it is shown is the caller's business, through
a :class:`Report` (the CLI prints, the service logs). What the person who started the
job must act on before it can go on is a :class:`JobError`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from coacte.jobs.publish import CONFLICT, UNCHANGED, Outcome, publish
from coacte.problems import Problem
from coacte.wiki.client import StopRequested, Wiki

log = logging.getLogger(__name__)

#: Exit statuses shared by the bots. ``TO_FIX``: something the user must fix first
#: (problems on the pages, a file's rows, a round without debates).
DONE, TO_FIX, CONFLICTS, HALTED, FROZEN_ROUND = 0, 1, 2, 3, 4
#: Exit statuses of runs that could not start or go on, after 5 (another run holds the
#: wiki: :data:`coacte.jobs.lock.BUSY`): bad settings, a refused login, a wiki that does
#: not answer, a read-only wiki.
CONFIGURATION, LOGIN, NETWORK, READ_ONLY = 6, 7, 8, 9


class JobError(Exception):
    """The job cannot go on until its caller does something; the message says what
    (the CLI prints it as an error, the service shows it)."""


class Report:
    """What a job tells as it goes; this base class logs (the service's choice)."""

    def problems(self, problems: list[Problem]) -> None:
        for p in problems:
            log.info("%s: %s", p.location("en"), p.message("en"))

    def outcome(self, outcome: Outcome, n: int, total: int) -> None:
        if outcome.status != UNCHANGED:
            log.info("[%d/%d] %s: %s", n, total, outcome.title, outcome.status)

    def line(self, text: str, err: bool = False) -> None:
        log.info("%s", text)


@dataclass
class Result:
    status: int
    outcomes: list[Outcome] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)

    @property
    def edits(self) -> int:
        return sum(o.status not in (UNCHANGED, CONFLICT) for o in self.outcomes)

    def settle(self, halted: StopRequested | None, report: Report) -> Result:
        """The status once the pages are published: halted by the stop page (said),
        some page in conflict, or done."""
        if halted:
            report.line(str(halted), err=True)
            self.status = HALTED
        elif any(o.status == CONFLICT for o in self.outcomes):
            self.status = CONFLICTS
        return self


def publish_all(wiki: Wiki, bodies: dict, report: Report, dry_run: bool,
             current: dict | None = None) -> tuple[list[Outcome], StopRequested | None]:
    try:
        return publish(wiki, bodies, dry_run=dry_run, progress=report.outcome,
                       current=current), None
    except StopRequested as exc:
        return [], exc


class Recording(Report):
    """Passes everything to ``report`` and each outcome to ``record`` as it happens (a
    run that fails midway keeps what it did)."""

    def __init__(self, report: Report, record) -> None:
        self.report, self.record = report, record

    def problems(self, problems: list[Problem]) -> None:
        self.report.problems(problems)

    def outcome(self, outcome: Outcome, n: int, total: int) -> None:
        self.record(outcome)
        self.report.outcome(outcome, n, total)

    def line(self, text: str, err: bool = False) -> None:
        self.report.line(text, err)


