"""A round's global synthesis and Delphi views, computed without writing anything.

:func:`compute` is the pure core of ``coacte global``
(:func:`coacte.jobs.global_round.global_synthesis` reads its inputs, then renders and
publishes what it returns): territory syntheses → the global synthesis keyed and curated
like the published page → the Delphi view of the round's reactions, with round n−1's
frozen keys adopted. It also computes the views of the earlier Delphi rounds (2..n−1),
so a dossier can show convergence across rounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from coacte import curation
from coacte.curation import Curation, carried, read_curations
from coacte.model import Contribution, GlobalIdea, GlobalSynthesis, Grid, Inputs, PageRevision
from coacte.problems import Problem
from coacte.synthesis import delphi
from coacte.synthesis.cross_territory import ClusterFn, build, rank
from coacte.synthesis.rounds import (
    CLOSED,
    FROZEN,
    DelphiView,
    adopt_keys,
    delphi_view,
    question3,
)
from coacte.synthesis.territory import synthesize as territory_syntheses
from coacte.wikitext.synthesis_page import state


@dataclass
class Computed:
    """What round ``round``'s global page says, or would say if the bot ran now.

    ``views`` maps each Delphi round r (2..``round``) whose round r−1 global page exists
    to its :class:`DelphiView` (round r's reactions to round r−1's ideas). ``state`` is
    the published page's (``ouvert``, ``clos``, ``figé``, or "" when unpublished).
    ``problems`` are those ``coacte global`` would report for this round.
    """

    round: int
    synthesis: GlobalSynthesis
    grid: Grid
    views: dict[int, DelphiView] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    state: str = ""
    #: The global page's title and address (filled by :func:`load`).
    page: str = ""
    url: str = ""
    #: For a Delphi round without post-its of its own: the round it reacted to, when
    #: asked for (:func:`coacte.jobs.global_round.load`), whose ideas a dossier shows.
    reacted_to: Computed | None = None

    @property
    def has_debates(self) -> bool:
        """Whether some debate page belongs to the round."""
        return bool(self.synthesis.syntheses)



def compute(inputs: Inputs, round_: int, pages: Mapping[int, PageRevision | None],
            contributions: Sequence[Contribution] = (), *, threshold: float = 92,
            close: bool = False, cluster: ClusterFn | None = None,
            settings: delphi.Settings = delphi.DEFAULT_SETTINGS) -> Computed:
    """Round ``round_``'s global synthesis from ``inputs``, as ``coacte global`` builds it.

    ``pages`` maps round numbers to the published global pages (``None`` or missing when
    a round has none): round ``round_``'s gives the keys and the moderators' curations,
    the earlier ones the ideas each Delphi round reacted to. The round counts as closed
    (no list of what is pending) when ``close`` is set or its page is closed or frozen.
    Pure: no wiki, no I/O.

    :func:`coacte.jobs.global_round.global_synthesis` does these very steps between ``read_inputs``
    and ``render.global_synthesis``; it can call this instead (with its three pages,
    its contributions and ``close``) and keep the frozen-page check, rendering and
    publishing, using ``views[round_]`` for the reactions section.
    """
    page = pages.get(round_)
    now = state(page.text if page else None)
    syntheses = territory_syntheses(inputs.debates, inputs.grid, threshold)
    g, problems = build(syntheses, inputs.grid, round_, page, list(contributions),
                        cluster=cluster)
    views: dict[int, DelphiView] = {}
    # Each round that has a page, and this one (round numbers need not follow each other).
    for r in sorted({n for n in pages if 2 <= n < round_} | ({round_} if round_ >= 2 else set())):
        previous = pages.get(r - 1)
        if previous is None:
            continue
        closed = r < round_ or close or now in (CLOSED, FROZEN)
        decisions, wrong = carried(read_curations(pages.get(r))[0], r)
        view, found = delphi_view(inputs.debates, r, previous, pages.get(r - 2),
                                  closed=closed, settings=settings,
                                  group_kinds=inputs.group_kinds, carried=decisions)
        views[r] = view
        if r == round_:
            problems += wrong + found
            adopt_keys(g.ideas, question3(previous), cluster)
            g.ideas = _carry(g.ideas, decisions, inputs.grid)
    return Computed(round_, g, inputs.grid, views, problems, now)


def _carry(ideas: list[GlobalIdea], decisions: list[Curation], grid: Grid) -> list[GlobalIdea]:
    """Round n's ideas with the merges decided on round n−1's ideas applied where round
    n's new post-its took both keys (:func:`adopt_keys`): from round n on, one idea."""
    keys = {i.key for i in ideas}
    merges = [c for c in decisions if c.action == "fusionner" and set(c.ideas) <= keys]
    if not merges:
        return ideas
    merged, _ = curation.apply(ideas, merges, grid)
    return rank(merged)
