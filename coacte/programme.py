"""The co-responsibility programme: who commits to do what, when, for which idea.

Participants answer "what can I do?" with ``{{CO-ACTE engagement | qui | quoi | début |
fin | idée | tour}}`` calls on any page (a debate page, a network's page, an
organisation's own page). This module reads those calls, with located problems as
:mod:`coacte.validate` does for post-its, and builds each round's plan: the commitments
grouped by actor, each flagged *overdue* (its end date is past) or *undated* (no start,
no end), and a Gantt-style timeline by actor. Nothing here talks to a wiki; ``today`` is a
parameter, so the same input always gives the same plan.

Rules (the method's "nothing typed in good faith is lost"):

- a commitment without ``qui`` or ``quoi``, or whose round cannot be known, is left out
  of the programme until fixed (blocking problem);
- a malformed date is reported and ignored (the commitment stays, without that date);
  an end before the start, an unknown idea key, an unknown or doubled parameter are
  reported and the commitment stays as written.

A commitment's round is its ``tour``; without one, the round of the page it is on when
the title ends with ``/Tour <n>`` (``Débat:Mulhouse/Tour 2``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from coacte import contract
from coacte.model import Commitment, PageRevision
from coacte.problems import Problem
from coacte.validate import Reader
from coacte.wikitext.parse import calls

#: What ``Problem.index`` counts on a page: the ``{{CO-ACTE engagement}}`` calls.
ITEM = "commitment"
#: A commitment's status in a plan.
OVERDUE, UNDATED, PLANNED = "overdue", "undated", "planned"
STATUSES = (OVERDUE, UNDATED, PLANNED)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TITLE_ROUND = re.compile(r"/Tour (\d+)$")


def page_round(title: str) -> int | None:
    """The round a page stands for by its title (``…/Tour 2`` → 2), or ``None``."""
    match = _TITLE_ROUND.search(title.replace("_", " ").strip())
    return int(match.group(1)) if match and int(match.group(1)) >= 1 else None


def parse_date(text: str) -> date | None:
    """A ``YYYY-MM-DD`` date (the contract's only date format), or ``None``."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_commitments(
    pages: Iterable[PageRevision], *, round_: int | None = None,
    known_keys: Collection[str] | None = None, ideas_page: str = "",
) -> tuple[list[Commitment], list[Problem]]:
    """Every ``{{CO-ACTE engagement}}`` call on ``pages`` → commitments and problems.

    With ``round_``, only the calls of that round are read (those of other rounds belong
    to other programmes; a call whose round cannot be known is reported). With
    ``known_keys`` (the keys of the round's global synthesis, on ``ideas_page``), an
    ``idée`` that is not among them is reported. Problems are sorted by place.
    """
    found: list[Commitment] = []
    problems: list[Problem] = []
    for page in pages:
        for call in calls(page.text):
            if call.template is not contract.COMMITMENT:
                continue
            mine: list[Problem] = []
            r = Reader(page.title, call, call.ordinal, mine)
            commitment_round, ok = _round(r, page.title)
            if round_ is not None and commitment_round not in (round_, None):
                continue
            mine[:] = [replace(p, blocking=False) if p.key == "coacte-problem-duplicate-param"
                       else p for p in mine]  # the last value is read, as MediaWiki does
            who, what = " ".join(r.get("qui").split()), r.get("quoi").strip()
            for name, value in (("qui", who), ("quoi", what)):
                if not value:
                    r.report(name, "coacte-problem-commitment-required", name)
                    ok = False
            start, end = _date(r, "début"), _date(r, "fin")
            if start and end and parse_date(end) < parse_date(start):
                r.report("fin", "coacte-problem-commitment-order", start, end, blocking=False)
            key = r.get("idée").strip()
            if key and known_keys is not None and key not in known_keys:
                r.report("idée", "coacte-problem-commitment-idea", key, ideas_page,
                         blocking=False)
            problems += [replace(p, item=ITEM) for p in mine]
            if ok:
                found.append(Commitment(page.title, page.revid, call.ordinal, who, what,
                                        start, end, key, commitment_round))
    problems.sort(key=Problem.sort_key)
    return found, problems


def _round(r: Reader, title: str) -> tuple[int | None, bool]:
    """The call's round and whether it is usable (reports a bad or missing one)."""
    raw = r.get("tour").strip()
    if raw:
        if re.fullmatch(r"\d+", raw) and int(raw) >= 1:
            return int(raw), True
        r.report("tour", "coacte-problem-commitment-round", raw)
        return None, False
    from_title = page_round(title)
    if from_title is None:
        r.report("tour", "coacte-problem-commitment-no-round")
        return None, False
    return from_title, True


def _date(r: Reader, name: str) -> str:
    """A date parameter, "" when empty or malformed (reported, not blocking)."""
    raw = r.get(name).strip()
    if raw and parse_date(raw) is None:
        r.report(name, "coacte-problem-commitment-date", raw, blocking=False)
        return ""
    return raw


# -- the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A commitment in a plan, with its status on the plan's day."""

    commitment: Commitment
    status: str

    @property
    def start(self) -> date | None:
        return parse_date(self.commitment.start)

    @property
    def end(self) -> date | None:
        return parse_date(self.commitment.end)

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def undated(self) -> bool:
        return self.status == UNDATED


@dataclass
class Actor:
    """Everyone who wrote the same ``qui`` (compared without case, accents or spacing):
    their commitments, in date order."""

    name: str
    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    """One row of the timeline: a dated commitment of an actor. ``start`` or ``end``
    may be missing (a start with no end, a deadline with no start), not both."""

    actor: str
    label: str
    start: date | None
    end: date | None
    status: str


@dataclass
class Plan:
    """A round's co-responsibility programme on the day ``today``."""

    round: int
    today: date
    actors: list[Actor]

    @property
    def entries(self) -> list[Entry]:
        return [e for a in self.actors for e in a.entries]

    @property
    def commitments(self) -> int:
        return len(self.entries)

    @property
    def overdue(self) -> int:
        return sum(e.overdue for e in self.entries)

    @property
    def undated(self) -> int:
        return sum(e.undated for e in self.entries)

    @property
    def statuses_since(self) -> date | None:
        """The day from which the statuses shown hold: the day after the last end date
        that passed (``None``: none has passed yet). Unlike ``today``, it changes only
        when a status does, so the page is not edited every day."""
        ends = [e.end for e in self.entries if e.end is not None and e.end < self.today]
        return max(ends) + timedelta(days=1) if ends else None

    def timeline(self) -> list[Bar]:
        """The Gantt rows, actor by actor (the tables' order); undated ones are not on it."""
        return [Bar(a.name, e.commitment.what, e.start, e.end, e.status)
                for a in self.actors for e in a.entries if not e.undated]

    def chronology(self) -> list[tuple[Actor, Entry]]:
        """Every dated commitment by date (start, else end), then the undated ones."""
        pairs = [(a, e) for a in self.actors for e in a.entries]
        return sorted(pairs, key=lambda p: (p[1].undated, _entry_key(p[1]), _fold(p[0].name)))


def status(c: Commitment, today: date) -> str:
    """``undated`` without start and end; ``overdue`` when the end date is before
    ``today`` (the commitment was due and nobody moved its date); else ``planned``."""
    start, end = parse_date(c.start), parse_date(c.end)
    if start is None and end is None:
        return UNDATED
    if end is not None and end < today:
        return OVERDUE
    return PLANNED


def build_plan(commitments: Iterable[Commitment], round_: int, today: date) -> Plan:
    """The round's plan: its commitments grouped by actor, actors in alphabetical order,
    each actor's commitments by date (undated last), statuses as of ``today``."""
    actors: dict[str, Actor] = {}
    for c in commitments:
        if c.round != round_:
            continue
        actor = actors.setdefault(_fold(c.who), Actor(c.who))
        actor.entries.append(Entry(c, status(c, today)))
    for actor in actors.values():
        actor.entries.sort(key=_entry_key)
    return Plan(round_, today, [actors[k] for k in sorted(actors)])


def _entry_key(e: Entry) -> tuple:
    c = e.commitment
    first = c.start or c.end
    return (not first, first, c.end or c.start, c.page, c.index)


def _fold(text: str) -> str:
    """How actors are compared and sorted: no case, no accents, single spaces."""
    text = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))
