"""Delphi rounds: what round n's global synthesis says of the reactions to round n−1.

Round n ≥ 2 reacts to the global ideas of question 3 of round n−1, as published (and
frozen) on ``Synthèse:Globale/Tour n−1``; the statistics are
:mod:`coacte.synthesis.delphi`'s. New post-its of round n that mean the same as a frozen
idea take its key, so they are merged in under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from coacte.contract import fold
from coacte.curation import Curation, merge_published
from coacte.model import Debate, GlobalIdea, GroupKinds, PageRevision, Reaction
from coacte.problems import Problem
from coacte.synthesis import delphi
from coacte.synthesis.cross_territory import ClusterFn, clustering, default_cluster
from coacte.wikitext.synthesis_page import PublishedIdea, published_ideas

FROZEN, OPEN, CLOSED = "figé", "ouvert", "clos"


@dataclass
class DelphiView:
    """What the round-n global page shows of the reactions to round n−1's ideas."""

    previous_round: int
    previous_page: str
    ideas: list[PublishedIdea]
    stats: dict[str, delphi.IdeaStats]
    #: While the round is open: territories and idea keys nobody answered yet.
    pending: tuple[list[str], list[str]] | None = None
    #: The vocabulary the groups were counted by: each kind's name in a reader's language.
    group_kinds: GroupKinds = field(default_factory=GroupKinds)


def question3(page: PageRevision | None) -> list[PublishedIdea]:
    """The blockers and levers of a published global synthesis: what round n reacts to."""
    return [i for i in published_ideas(page.text if page else None) if i.question == 3]


def reactions_of(debates: list[Debate], round_: int):
    return [r for d in debates if d.round == round_ for r in d.reactions]


def delphi_view(debates: list[Debate], round_: int, previous: PageRevision,
                before_previous: PageRevision | None, *, closed: bool,
                settings: delphi.Settings = delphi.DEFAULT_SETTINGS,
                group_kinds: GroupKinds | None = None,
                carried: Sequence[Curation] = (),
                ) -> tuple[DelphiView, list[Problem]]:
    """Round n's reactions to the ideas of ``previous`` (round n−1's global page), with
    the change since round n−1's own reactions to ``before_previous``; while the round is
    open, the territories and ideas still waiting. Groups count by their kind in
    ``group_kinds`` (the groups page; none: each name is its own kind).

    ``carried`` holds the moderators' decisions about round n−1's ideas written on round
    n's page since n−1 was frozen: ideas they merge are one idea here, and a reaction to
    a merged idea counts for the idea it joined (once per group: the first)."""
    group_kinds = group_kinds or GroupKinds()
    ideas, moved, carried_problems = merge_published(question3(previous), carried)
    keys = [i.key for i in ideas]
    earlier = None
    if before_previous is not None:
        earlier, _ = delphi.round_stats(reactions_of(debates, round_ - 1),
                                        [i.key for i in question3(before_previous)],
                                        settings=settings, kinds=group_kinds)
    reactions = _moved(reactions_of(debates, round_), moved)
    stats, problems = delphi.round_stats(reactions, keys, earlier, settings, group_kinds)
    problems = carried_problems + problems
    pending = None
    if not closed:
        territories = list(dict.fromkeys(d.territory for d in debates if d.round == round_))
        pending = delphi.pending(reactions, keys, territories)
    return DelphiView(round_ - 1, previous.title, ideas, stats, pending, group_kinds), problems


def _moved(reactions: list[Reaction], moved: dict[str, str]) -> list[Reaction]:
    """Reactions to merged ideas given to the idea they joined; a group that reacted to
    two of them counts once, by its first reaction (in document order)."""
    if not moved:
        return reactions
    targets = set(moved.values())
    seen: set[tuple[str, str, str]] = set()
    result = []
    for r in reactions:
        key = moved.get(r.key, r.key)
        who = (fold(r.territory), fold(r.group), key)
        if key in targets and who in seen:
            continue
        seen.add(who)
        result.append(replace(r, key=key) if key != r.key else r)
    return result


def adopt_keys(ideas: list[GlobalIdea], frozen: list[PublishedIdea],
               cluster: ClusterFn | None = None) -> None:
    """Give a new idea the key of the frozen idea it means the same as (same question
    and kind), so round n's new post-its are merged in under round n−1's idea."""
    if not frozen or not ideas:
        return
    texts = [f.statement for f in frozen] + [i.statement for i in ideas]
    buckets = [(f.question, f.kind) for f in frozen] + [(i.question, i.kind) for i in ideas]
    labels = clustering((cluster or default_cluster())(texts, buckets))[0]
    owner = {labels[n]: f.key for n, f in enumerate(frozen)}
    used = {i.key for i in ideas}
    for n, idea in enumerate(ideas, start=len(frozen)):
        key = owner.get(labels[n])
        if key and (key not in used or idea.key == key):
            used.discard(idea.key)
            idea.key = key
            used.add(key)
            del owner[labels[n]]
