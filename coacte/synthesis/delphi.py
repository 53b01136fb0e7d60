"""Delphi statistics: how the territories' groups react to the previous round's ideas.

In round n ≥ 2 every territory's homogeneous groups react, with ``{{CO-ACTE réaction}}``,
to the global ideas of round n−1: do they agree (``oui``, ``non``, ``nuancé``), how high a
priority is it (1–5), what do they want to add. For each idea this module measures:

* **agreement**: the mean score of the reactions that give one, ``oui`` = 1, ``non`` = 0,
  ``nuancé`` = :attr:`Settings.nuance_weight` (½ by default: a qualified yes is half a
  yes). Also per *kind of group* (elected officials, youth…), so that a consensus of one
  kind of group alone is seen as such and not mistaken for everyone's. Kinds come from the
  groups page (:class:`~coacte.model.GroupKinds`): "Élus", "Councillors" and "Eleitos"
  are one kind; a name the page lacks is reported once, with the closest kind;
* **priority**: the median and the interquartile range (Q3 − Q1, quartiles by
  :func:`statistics.quantiles` with ``method="inclusive"``; 0 for a single value) of the
  priorities given: the IQR is the spread of opinions, Delphi's measure of convergence;
* **consensus**: agreement ≥ :attr:`Settings.consensus_agreement` *and* IQR ≤
  :attr:`Settings.consensus_iqr`, with at least one reaction giving both an agreement and
  a priority;
* **change** against the same idea (same stable key) in the previous round.

A group counts once per idea: the unit of a debate is the homogeneous group that
validates an answer, so the same group (by :func:`group_kind`) of the same territory
reacting twice to one idea is reported and only its first reaction counts. Reaction
slots the bot seeded and nobody filled in (``not answered``) are neither counted nor
reported. Pure functions: no wiki, no I/O.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coacte.contract import AGREEMENTS
from coacte.model import GroupKinds, Reaction
from coacte.problems import Problem
from coacte.validate import agreement_value, priority_value, reaction_value_problems

#: Tolerance of the threshold comparisons (agreement is a mean of floats).
_EPSILON = 1e-9


@dataclass(frozen=True)
class Settings:
    """The thresholds of a round's statistics.

    ``nuance_weight`` is how much a ``nuancé`` counts towards agreement, between 0 (as a
    ``non``) and 1 (as a ``oui``); ``oui`` always counts 1 and ``non`` 0. An idea reaches
    consensus when its agreement is at least ``consensus_agreement`` (0–1) and the
    interquartile range of its priorities at most ``consensus_iqr``.
    """

    consensus_agreement: float = 0.75
    consensus_iqr: float = 1.0
    nuance_weight: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.nuance_weight <= 1:
            raise ValueError(f"nuance_weight must be between 0 and 1, not {self.nuance_weight}")
        if not 0 <= self.consensus_agreement <= 1:
            raise ValueError("consensus_agreement must be between 0 and 1, "
                             f"not {self.consensus_agreement}")
        if self.consensus_iqr < 0:
            raise ValueError(f"consensus_iqr must be >= 0, not {self.consensus_iqr}")

    def score(self, agreement: str) -> float:
        """The weight of one (canonical) agreement value: oui 1, non 0, nuancé the weight."""
        return {"oui": 1.0, "non": 0.0, "nuancé": self.nuance_weight}[agreement]


#: The default thresholds (frozen, so sharing one instance is safe).
DEFAULT_SETTINGS = Settings()


@dataclass
class IdeaStats:
    """One global idea's reactions in a Delphi round, and what they say.

    ``reactions`` are the reactions counted (answered, to this idea, first of their group);
    ``territories`` the distinct territories among them, first-seen order. ``votes``
    counts each agreement value. ``agreement`` is ``None`` when no reaction gives one;
    ``agreement_by_group`` maps each :func:`group_kind` (``""`` for reactions without a
    group) that gave an agreement to its own agreement, and ``group_names`` each kind to
    the first spelling seen (for display). ``priority_median``/``priority_iqr`` are
    ``None`` when no priority is given. ``comments`` are ``(territory, group, text)``.
    ``change`` compares with the previous round (see :func:`change`), ``None`` without one.
    """

    key: str
    reactions: list[Reaction] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)
    votes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGREEMENTS, 0))
    agreement: float | None = None
    agreement_by_group: dict[str, float] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    priority_median: float | None = None
    priority_iqr: float | None = None
    consensus: bool = False
    comments: list[tuple[str, str, str]] = field(default_factory=list)
    change: dict | None = None


def group_kind(group: str, kinds: GroupKinds | None = None) -> str:
    """The kind of homogeneous group a group name stands for in the vocabulary ``kinds``
    (:meth:`~coacte.model.GroupKinds.kind_of`: "Councillors" is ``elus`` when the groups
    page says so). A name the vocabulary lacks, or any name without one, is its own kind,
    folded like the contract's group identity (the forms and the page edits use it too),
    so "Élus" and " elus" are one kind; "" for a reaction without group."""
    return (kinds or GroupKinds()).kind_of(group)


def round_stats(
    reactions: list[Reaction],
    keys: Sequence[str],
    previous: Mapping[str, IdeaStats] | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    kinds: GroupKinds | None = None,
) -> tuple[dict[str, IdeaStats], list[Problem]]:
    """The statistics of one Delphi round: one :class:`IdeaStats` per key of ``keys``
    (in that order, also for ideas nobody reacted to), and the problems found.

    ``reactions`` are the round's reactions in document order (pages by title, then
    position): "first" below means first in that order. The rules:

    * a slot not answered (no agreement, priority or comment) is ignored, silently;
    * a reaction to a key not in ``keys`` is reported (blocking) and not counted;
    * the same group kind of the same territory (territories compared without case)
      reacting again to the same idea is reported (blocking) and not counted: the first
      reaction counts;
    * an agreement other than oui/non/nuancé, or a priority outside 1–5, is reported as
      :mod:`coacte.validate` reports it (here not blocking; a reaction read from a page
      has been checked already): that answer is left out, the rest of the reaction counts;
    * a priority without an agreement (or the reverse) is fine;
    * a group name the vocabulary ``kinds`` lacks (when it has some) is reported once,
      not blocking, with the closest kind: it still counts, as a kind of its own.

    ``previous`` holds the previous round's statistics by key, to fill ``change``.
    """
    kinds = kinds or GroupKinds()
    known = set(keys)
    counted: dict[str, list[Reaction]] = {key: [] for key in keys}
    firsts: dict[tuple[str, str, str], Reaction] = {}
    kept: list[Reaction] = []  # counted, in document order
    problems: list[Problem] = []
    for reaction in reactions:
        if not reaction.answered:
            continue
        if reaction.key not in known:
            problems.append(Problem(reaction.page, reaction.index, "idée",
                                    "coacte-problem-reaction-unknown-idea", (reaction.key,),
                                    blocking=True, item="reaction"))
            continue
        identity = (reaction.territory.casefold(), kinds.kind_of(reaction.group), reaction.key)
        first = firsts.get(identity)
        if first is not None:
            problems.append(_duplicate(reaction, first))
            continue
        firsts[identity] = reaction
        problems.extend(_value_problems(reaction))
        counted[reaction.key].append(reaction)
        kept.append(reaction)
    problems += unknown_groups(kept, kinds)
    stats = {key: idea_stats(key, counted[key], settings, kinds) for key in keys}
    if previous:
        for key, current in stats.items():
            before = previous.get(key)
            if before is not None:
                current.change = change(current, before)
    return stats, problems


def idea_stats(key: str, reactions: Sequence[Reaction],
               settings: Settings = DEFAULT_SETTINGS,
               kinds: GroupKinds | None = None) -> IdeaStats:
    """The statistics of one idea from its counted reactions (see :func:`round_stats`
    for which reactions count; values that are not accepted are skipped here), groups
    counted by their kind in ``kinds``."""
    kinds = kinds or GroupKinds()
    stats = IdeaStats(key, reactions=list(reactions))
    scores: list[float] = []
    by_group: dict[str, list[float]] = {}
    priorities: list[int] = []
    both = False
    for reaction in reactions:
        kind = kinds.kind_of(reaction.group)
        stats.group_names.setdefault(kind, reaction.group.strip())
        agreement = agreement_value(reaction.agreement) if reaction.agreement else None
        priority = priority_value(_text(reaction.priority))
        if agreement is not None:
            stats.votes[agreement] += 1
            scores.append(settings.score(agreement))
            by_group.setdefault(kind, []).append(settings.score(agreement))
        if priority is not None:
            priorities.append(priority)
        both = both or (agreement is not None and priority is not None)
        if reaction.comment.strip():
            stats.comments.append((reaction.territory, reaction.group, reaction.comment))
    stats.territories = _distinct(r.territory for r in reactions)
    stats.agreement = _mean(scores)
    stats.agreement_by_group = {kind: _mean(values) for kind, values in by_group.items()}
    stats.priority_median, stats.priority_iqr = median_iqr(priorities)
    stats.consensus = (
        both
        and stats.agreement is not None
        and stats.priority_iqr is not None
        and stats.agreement >= settings.consensus_agreement - _EPSILON
        and stats.priority_iqr <= settings.consensus_iqr + _EPSILON
    )
    return stats


def unknown_groups(reactions: Iterable[Reaction], kinds: GroupKinds) -> list[Problem]:
    """Each group name of ``reactions`` that the vocabulary lacks, once (at its first
    reaction, not blocking), with the closest kind when one comes close: what the
    secretariat adds to the groups page. Nothing without a vocabulary."""
    if not kinds.names:
        return []
    problems: list[Problem] = []
    seen: set[str] = set()
    for reaction in reactions:
        name = reaction.group.strip()
        kind = kinds.kind_of(name)
        if kinds.knows(name) or kind in seen:
            continue
        seen.add(kind)
        closest = kinds.closest(name)
        key, params = "coacte-problem-group-unknown", (name, kinds.page)
        if closest is not None:
            key, params = "coacte-problem-group-unknown-closest", (*params,
                                                                   kinds.kinds[closest].key)
        problems.append(Problem(reaction.page, reaction.index, "groupe", key, params,
                                blocking=False, item="reaction"))
    return problems


def median_iqr(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Median and interquartile range (Q3 − Q1, inclusive quartiles) of ``values``;
    ``(None, None)`` when empty, IQR 0 for a single value."""
    if not values:
        return None, None
    median = float(statistics.median(values))
    if len(values) == 1:
        return median, 0.0
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return median, float(q3 - q1)


def change(current: IdeaStats, before: IdeaStats) -> dict:
    """What moved since the previous round: ``agreement``, ``median`` and ``iqr`` are
    current − previous (``None`` when either side has no value); ``consensus`` is
    ``"gained"``, ``"lost"`` or ``None`` when it did not change. A falling IQR means the
    groups' priorities converge."""
    consensus = None
    if current.consensus and not before.consensus:
        consensus = "gained"
    elif before.consensus and not current.consensus:
        consensus = "lost"
    return {
        "agreement": _delta(current.agreement, before.agreement),
        "median": _delta(current.priority_median, before.priority_median),
        "iqr": _delta(current.priority_iqr, before.priority_iqr),
        "consensus": consensus,
    }


def pending(reactions: Iterable[Reaction], keys: Sequence[str],
            territories: Sequence[str]) -> tuple[list[str], list[str]]:
    """The secretariat's to-do list while a round is open: the ``territories`` (in the
    given order, compared without case) with no answered reaction to a known idea yet,
    and the ``keys`` (in order) that no territory has answered yet."""
    known = set(keys)
    answered = [r for r in reactions if r.answered and r.key in known]
    done_territories = {r.territory.casefold() for r in answered}
    done_keys = {r.key for r in answered}
    return (
        [t for t in territories if t.casefold() not in done_territories],
        [k for k in keys if k not in done_keys],
    )


def as_dict(stats: IdeaStats) -> dict:
    """The JSON form of an idea's statistics (``reactions`` is their number; shares and
    deltas are rounded to 4 decimals; comments are ``{"territory", "group", "text"}``)."""
    return {
        "key": stats.key,
        "reactions": len(stats.reactions),
        "territories": list(stats.territories),
        "votes": dict(stats.votes),
        "agreement": _round(stats.agreement),
        "agreement_by_group": {k: _round(v) for k, v in stats.agreement_by_group.items()},
        "group_names": dict(stats.group_names),
        "priority_median": stats.priority_median,
        "priority_iqr": stats.priority_iqr,
        "consensus": stats.consensus,
        "comments": [{"territory": t, "group": g, "text": c} for t, g, c in stats.comments],
        "change": None if stats.change is None else {
            k: (_round(v) if isinstance(v, float) else v) for k, v in stats.change.items()
        },
    }


def _duplicate(reaction: Reaction, first: Reaction) -> Problem:
    if group_kind(reaction.group):
        return Problem(reaction.page, reaction.index, "groupe",
                       "coacte-problem-reaction-duplicate",
                       (reaction.group.strip(), reaction.territory, reaction.key, first.page,
                        first.index),
                       blocking=True, item="reaction")
    return Problem(reaction.page, reaction.index, "groupe",
                   "coacte-problem-reaction-duplicate-no-group",
                   (reaction.territory, reaction.key, first.page, first.index),
                   blocking=True, item="reaction")


def _value_problems(reaction: Reaction) -> list[Problem]:
    """:func:`coacte.validate.reaction_value_problems`, not blocking here: a reaction
    read from a page was checked already, one made otherwise still counts the rest."""
    return [Problem(reaction.page, reaction.index, field, key, tuple(params),
                    blocking=False, item="reaction")
            for field, key, *params in reaction_value_problems(
                reaction.agreement, _text(reaction.priority))]


def _text(priority: int | None) -> str:
    return "" if priority is None else str(priority)


def _distinct(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _delta(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
