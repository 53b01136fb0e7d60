"""The dossier's content as plain data: key figures, ideas, views, quotes, convergence.

:func:`build` turns a round's :class:`~coacte.model.GlobalSynthesis` (and the Delphi
views of the rounds that reacted) into a :class:`Dossier`, which every output reads: the
HTML and PDF dossier, the charts and the open data files. Pure: no wiki, no I/O, no
clock, no language (labels are translated by the renderers; grid labels are the wiki's,
in each language its grid page gives).

Quotes are post-it texts: post-its carry no author, so a quote names its territory and
group only. They are chosen deterministically (see :func:`quotes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from statistics import median

from coacte import contract
from coacte.model import (
    Commitment,
    GlobalIdea,
    GlobalSynthesis,
    Grid,
    GroupKind,
    GroupKinds,
    Synthesis,
)
from coacte.programme import status as commitment_status
from coacte.synthesis import delphi
from coacte.synthesis.delphi import IdeaStats
from coacte.synthesis.global_round import Computed
from coacte.synthesis.rounds import DelphiView
from coacte.synthesis.similarity import normalize
from coacte.synthesis.territory import UNCLASSIFIED, dimension_code, kind_rank

#: How many quotes a dossier shows per idea at most.
QUOTES_PER_IDEA = 3
#: The sections of a synthesis, in order: questions 1 and 2, then blockers and levers.
SECTIONS = ((1, ""), (2, ""), (3, "blocage"), (3, "levier"))
#: An idea divides the groups when its agreement lies in this range (0–1) and it has at
#: least :data:`DIVIDED_REACTIONS` reactions: about as many groups for as against.
DIVIDED = (0.3, 0.7)
DIVIDED_REACTIONS = 2
#: An idea's agreement is stable between two Delphi rounds when it moved by less than
#: this (0–1: 15 points). Delphi studies measure stability apart from consensus: a round
#: can stop when answers no longer move, agreed or not.
STABLE_MOVE = 0.15
#: How many proposals per level, and ideas per list, the first page shows.
FIRST_PAGE = 3
#: The moderators' decisions the method card counts: the note each leaves on an idea.
DECISION_NOTES = {"fusionner": "coacte-curation-note-merged",
                  "séparer": "coacte-curation-note-split",
                  "distinguer": "coacte-curation-note-distinguished",
                  "reformuler": "coacte-curation-note-reworded",
                  "recoder": "coacte-curation-note-recoded"}


@dataclass(frozen=True)
class Figures:
    """The key figures. ``groups`` counts each territory's homogeneous groups (the same
    name in two territories is two groups); ``participants`` is the sum declared on the
    debate pages (``None`` when no page declares it); ``shared`` the ideas of several
    territories; ``excluded`` the post-its left out as invalid."""

    territories: int
    debates: int
    groups: int
    postits: int
    excluded: int
    ideas: int
    shared: int
    blockers: int
    levers: int
    participants: int | None


@dataclass(frozen=True)
class Territory:
    name: str
    country: str
    language: str
    debates: tuple[str, ...]
    participants: int | None
    groups: tuple[str, ...]
    postits: int
    excluded: int
    ideas: int


@dataclass(frozen=True)
class Quote:
    """A post-it's text, where it comes from (territory, group, page revision, ordinal)."""

    key: str
    text: str
    territory: str
    group: str
    page: str
    revid: int
    index: int


@dataclass(frozen=True)
class NetworkContribution:
    key: str
    network: str
    text: str
    page: str


@dataclass(frozen=True)
class Idea:
    """A global idea. ``levels`` counts, per level of :data:`contract.LEVELS` (all of
    them, in that order), the post-its that name it; ``dimension`` is "" when the idea's
    code is not in the grid (or it has none); ``code_label`` is the grid's label of the
    code's object part (``C01`` of ``C01/P15``), "" when the grid does not have it.
    The first quote is the statement's own post-it."""

    key: str
    question: int
    kind: str
    code: str
    code_label: str
    dimension: str
    dimension_label: str
    meaning: str
    meaning_label: str
    statement: str
    variants: tuple[str, ...]
    territories: tuple[str, ...]
    groups: tuple[str, ...]
    postits: int
    levels: tuple[tuple[str, int], ...]
    actors: tuple[str, ...]
    quotes: tuple[Quote, ...]
    contributions: tuple[NetworkContribution, ...]
    #: The idea's statement in each language its territories wrote in: ``(language,
    #: statement)``, the most frequent member's (empty: languages not declared).
    statements: tuple[tuple[str, str], ...] = ()

    @property
    def level_counts(self) -> dict[str, int]:
        return dict(self.levels)

    def statement_in(self, lang: str) -> str:
        """The statement a reader of ``lang`` sees: in their language when a member is,
        otherwise the idea's own."""
        return dict(self.statements).get(lang, self.statement)

    def also_said(self, lang: str) -> list[tuple[str, str]]:
        """The statement in the idea's other languages, beside :meth:`statement_in`."""
        shown = self.statement_in(lang)
        return [(language, text) for language, text in self.statements
                if language != lang and text != shown]


@dataclass(frozen=True)
class Group:
    """Ideas under one grid dimension or one meaning code (``code`` "" = unclassified)."""

    code: str
    label: str
    keys: tuple[str, ...]
    #: Ideas per section of :data:`SECTIONS`, in that order.
    by_section: tuple[int, ...]
    postits: int


@dataclass(frozen=True)
class Proposal:
    """A blocker or lever whose post-its name a level: ``territories`` are those whose
    post-its of this idea name the level, ``postits`` how many post-its do."""

    key: str
    kind: str
    statement: str
    territories: tuple[str, ...]
    postits: int


@dataclass(frozen=True)
class LevelProposals:
    level: str
    proposals: tuple[Proposal, ...]


@dataclass(frozen=True)
class GroupAgreement:
    """One kind of homogeneous group's agreement with an idea in a Delphi round. ``kind``
    is the kind as counted (:meth:`~coacte.model.GroupKinds.kind_of`), ``label`` its entry
    on the groups page (``None`` when the page lacks it), ``spelling`` the first name its
    reactions used."""

    kind: str
    label: GroupKind | None
    spelling: str
    agreement: float | None

    def name(self, lang: str = "fr") -> str:
        """The kind's name in ``lang`` when the groups page has it, else its spelling
        ("" for reactions without a group)."""
        return self.label.name(lang) if self.label is not None else self.spelling


@dataclass(frozen=True)
class RoundStat:
    """One idea's statistics in one Delphi round (``round`` reacted to round − 1);
    ``by_group`` its agreement per kind of group, in first-seen order."""

    round: int
    key: str
    statement: str
    kind: str
    reactions: int
    territories: int
    agreement: float | None
    priority_median: float | None
    priority_iqr: float | None
    consensus: bool
    votes: tuple[tuple[str, int], ...]
    by_group: tuple[GroupAgreement, ...] = ()
    #: The groups' comments: ``(territory, group, text)``, anonymous like the quotes.
    comments: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class RoundSummary:
    """A Delphi round at a glance: the ideas it could react to, those that received a
    reaction, the groups' reactions counted and their territories, the mean agreement of
    the ideas that have one, the median of their IQRs, the ideas at consensus."""

    round: int
    ideas: int
    answered: int
    reactions: int
    territories: int
    mean_agreement: float | None
    median_iqr: float | None
    consensus: int
    #: Against the Delphi round before it: the ideas with an agreement in both, and the
    #: share of them whose agreement moved by less than :data:`STABLE_MOVE` (``None``
    #: for the first Delphi round, or when no idea has an agreement in both).
    compared: int = 0
    stable: float | None = None


def _merges(g: GlobalSynthesis) -> tuple[int, int, int, int]:
    """How the published ideas of several members came together (see Method.merges)."""
    several = [i for i in g.ideas if len(i.members) > 1]
    return (sum(i.merged_by == "tool" and i.doubt is None for i in several),
            sum(i.doubt is not None for i in several),
            sum(i.merged_by == "confirmed" and i.doubt is None for i in several),
            sum(i.merged_by == "moderator" and i.doubt is None for i in several))


@dataclass(frozen=True)
class Method:
    """The method card: where every post-it read went (nothing lost), what merged them,
    the decisions moderators took, the consensus rule, who took part.

    ``read`` = ``valid`` + ``excluded``; the valid post-its made ``territory_ideas``
    (near-identical post-its of a territory are one idea), which made ``ideas`` global
    ideas, ``merged_by_tool`` of them joining several territory ideas. ``decisions``
    counts, per curation action, the ideas it changed (see :data:`DECISION_NOTES`).
    """

    read: int
    valid: int
    excluded: int
    territory_ideas: int
    ideas: int
    merged_by_tool: int
    decisions: tuple[tuple[str, int], ...]
    territories: int
    groups: int
    languages: tuple[str, ...]
    reactions: int
    consensus_agreement: float
    consensus_iqr: float
    nuance_weight: float
    #: The ideas of several members as published: merged by the tool and sure, merged
    #: by the tool and still to confirm, confirmed by a moderator, merged by moderators.
    merges: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment of the co-responsibility programme, with the idea it answers (its
    statement "" when the key names no idea of the dossier) and its status on the day
    the dossier was made."""

    who: str
    what: str
    key: str
    idea: str
    start: str
    end: str
    status: str
    round: int | None


@dataclass(frozen=True)
class Convergence:
    """One idea across the Delphi rounds: ``stats`` in round order."""

    key: str
    statement: str
    kind: str
    stats: tuple[RoundStat, ...]


@dataclass(frozen=True)
class Dossier:
    """Everything a dossier of round ``round`` shows, in the order it shows it: ideas
    ranked as on the wiki; ``rounds`` and ``convergence`` for the Delphi rounds 2..N
    that reacted (empty before round 2). ``ideas_round`` is the round whose post-its the
    ideas come from: ``round`` itself, or the round a Delphi round without post-its of
    its own reacted to."""

    round: int
    figures: Figures
    territories: tuple[Territory, ...]
    ideas: tuple[Idea, ...]
    dimensions: tuple[Group, ...]
    meanings: tuple[Group, ...]
    proposals: tuple[LevelProposals, ...]
    rounds: tuple[RoundSummary, ...] = ()
    convergence: tuple[Convergence, ...] = ()
    #: The round's global page (``ouvert``, ``clos``, ``figé`` or "") and its address.
    state: str = ""
    page: str = ""
    url: str = ""
    ideas_round: int = 0
    method: Method | None = None
    programme: tuple[CommitmentRow, ...] = ()
    #: The day the programme's statuses are computed for (``None``: no programme).
    today: date | None = None
    #: The grid's labels in other languages: code → language → label.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)

    def grid_label(self, code: str, lang: str, label: str) -> str:
        """A grid code's label for a reader of ``lang``: the grid page's translation
        when it gives one, else ``label`` (the page's own)."""
        return self.labels.get(code, {}).get(lang) or label

    @cached_property
    def _by_key(self) -> dict[str, Idea]:
        return {i.key: i for i in self.ideas}

    def idea(self, key: str) -> Idea:
        return self._by_key[key]

    def section(self, question: int, kind: str) -> list[Idea]:
        return [i for i in self.ideas if (i.question, i.kind) == (question, kind)]

    @property
    def matrix(self) -> list[Idea]:
        """The responsibility matrix's rows: blockers, then levers, most shared first."""
        return [i for i in self.ideas if i.kind]

    @property
    def quotes(self) -> list[Quote]:
        return [q for i in self.ideas for q in i.quotes]

    @property
    def contributions(self) -> list[NetworkContribution]:
        return [c for i in self.ideas for c in i.contributions]

    @property
    def current(self) -> RoundSummary | None:
        """This round's Delphi summary, when it is a Delphi round that reacted."""
        return next((r for r in self.rounds if r.round == self.round), None)

    @property
    def round_stats(self) -> list[RoundStat]:
        return [s for c in self.convergence for s in c.stats]

    # -- the first page: what a decision maker reads -----------------------------------

    def asks(self, limit: int = FIRST_PAGE) -> list[LevelProposals]:
        """Per level that is asked something, its ``limit`` first proposals."""
        return [LevelProposals(p.level, p.proposals[:limit]) for p in self.proposals
                if p.proposals]

    @property
    def latest(self) -> list[RoundStat]:
        """The ideas' statistics in the latest Delphi round shown."""
        if not self.rounds:
            return []
        last = self.rounds[-1].round
        return [s for s in self.round_stats if s.round == last]

    def agreed(self, limit: int = FIRST_PAGE) -> list[RoundStat]:
        """The ideas at consensus in the latest Delphi round, most agreed first."""
        found = [s for s in self.latest if s.consensus]
        return sorted(found, key=lambda s: (-(s.agreement or 0), -s.reactions))[:limit]

    def divided(self, limit: int = FIRST_PAGE) -> list[RoundStat]:
        """The ideas that divide the groups in the latest Delphi round (agreement within
        :data:`DIVIDED`, at least :data:`DIVIDED_REACTIONS` reactions), the most evenly
        split first."""
        low, high = DIVIDED
        found = [s for s in self.latest if not s.consensus and s.agreement is not None
                 and low <= s.agreement <= high and s.reactions >= DIVIDED_REACTIONS]
        return sorted(found, key=lambda s: (abs(s.agreement - 0.5), -s.reactions))[:limit]

    def most_shared(self, limit: int = FIRST_PAGE) -> list[Idea]:
        """Without a Delphi round: the ideas most territories share (at least two)."""
        shared = [i for i in self.ideas if len(i.territories) > 1]
        return sorted(shared, key=lambda i: (-len(i.territories), -i.postits))[:limit]

    def known(self, key: str) -> Idea | None:
        return self._by_key.get(key)

    @property
    def stability(self) -> list[RoundSummary]:
        """The Delphi rounds that can be compared with the round before them."""
        return [r for r in self.rounds if r.stable is not None]


def build(g: GlobalSynthesis, grid: Grid, views: Mapping[int, DelphiView] | None = None, *,
          state: str = "", page: str = "", url: str = "", round_: int | None = None,
          commitments: Iterable[Commitment] = (), today: date | None = None,
          settings: delphi.Settings = delphi.DEFAULT_SETTINGS) -> Dossier:
    """The dossier of round ``round_`` (default: ``g``'s) showing ``g``'s ideas;
    ``views`` maps Delphi rounds to their views (see
    :class:`coacte.synthesis.global_round.Computed`); ``commitments`` of the rounds from
    ``g``'s to ``round_`` make its programme, statuses as of ``today`` (no programme
    without a day: the core reads no clock);
    ``settings`` are the consensus rule the views were computed with."""
    languages = {s.territory: d.language.strip().lower()[:2] for s in g.syntheses
                 for d in s.debates if d.language.strip()}
    ideas = tuple(_idea(i, grid, languages) for i in g.ideas)
    views = dict(sorted((views or {}).items()))
    rounds = _with_stability([_summary(r, v) for r, v in views.items()], views)
    number = g.round if round_ is None else round_
    return Dossier(
        round=number,
        figures=figures(g),
        territories=tuple(_territory(s) for s in g.syntheses),
        ideas=ideas,
        dimensions=tuple(_by_dimension(ideas, grid)),
        meanings=tuple(_by_meaning(ideas, grid)),
        proposals=tuple(proposals(g)),
        rounds=tuple(rounds),
        convergence=tuple(convergence(views)),
        state=state, page=page, url=url,
        ideas_round=g.round,
        method=method(g, views, settings),
        programme=tuple(programme(commitments, ideas, range(g.round, number + 1), today)
                        if today else ()),
        today=today,
        labels={code: dict(e.labels) for code, e in grid.entries.items() if e.labels},
    )


def method(g: GlobalSynthesis, views: Mapping[int, DelphiView],
           settings: delphi.Settings = delphi.DEFAULT_SETTINGS) -> Method:
    """The method card's figures for ``g`` and the Delphi rounds of ``views``."""
    notes = [note[0] for i in g.ideas for note in i.curations]
    decisions = tuple((action, notes.count(key)) for action, key in DECISION_NOTES.items()
                      if notes.count(key))
    clusters = g.clusters.values() if g.clusters else [i.members for i in g.ideas]
    languages = sorted({d.language.strip().lower()[:2] for s in g.syntheses
                        for d in s.debates if d.language.strip()})
    return Method(
        read=g.postits + sum(s.excluded for s in g.syntheses),
        valid=g.postits,
        excluded=sum(s.excluded for s in g.syntheses),
        territory_ideas=sum(len(s.ideas) for s in g.syntheses),
        ideas=len(g.ideas),
        merged_by_tool=sum(len(members) > 1 for members in clusters),
        decisions=decisions,
        merges=_merges(g),
        territories=len(g.territories),
        groups=sum(len(s.groups) for s in g.syntheses),
        languages=tuple(languages),
        reactions=sum(len(s.reactions) for v in views.values() for s in v.stats.values()),
        consensus_agreement=settings.consensus_agreement,
        consensus_iqr=settings.consensus_iqr,
        nuance_weight=settings.nuance_weight,
    )


def programme(commitments: Iterable[Commitment], ideas: Iterable[Idea], rounds: range,
              today: date) -> list[CommitmentRow]:
    """The commitments of ``rounds`` (those without a round count for the first), by
    round then actor, each with the idea it names and its status on ``today``."""
    statements = {i.key: i.statement for i in ideas}
    rows = [CommitmentRow(c.who, c.what, c.key, statements.get(c.key, ""), c.start, c.end,
                          commitment_status(c, today), c.round)
            for c in commitments if (c.round or rounds.start) in rounds]
    return sorted(rows, key=lambda r: (r.round or 0, normalize(r.who)))


def _with_stability(rounds: list[RoundSummary], views: Mapping[int, DelphiView]
                    ) -> list[RoundSummary]:
    """Each Delphi round after the first with its stability against the one before."""
    found = [rounds[0]] if rounds else []
    for before, now in zip(rounds, rounds[1:], strict=False):
        old, new = views[before.round].stats, views[now.round].stats
        moves = [abs(new[k].agreement - old[k].agreement) for k in new
                 if k in old and new[k].agreement is not None
                 and old[k].agreement is not None]
        stable = sum(m < STABLE_MOVE for m in moves) / len(moves) if moves else None
        found.append(replace(now, compared=len(moves), stable=stable))
    return found


def figures(g: GlobalSynthesis) -> Figures:
    declared = [d.participants for s in g.syntheses for d in s.debates
                if d.participants is not None]
    return Figures(
        territories=len(g.territories),
        debates=sum(len(s.debates) for s in g.syntheses),
        groups=sum(len(s.groups) for s in g.syntheses),
        postits=g.postits,
        excluded=sum(s.excluded for s in g.syntheses),
        ideas=len(g.ideas),
        shared=sum(len(i.territories) > 1 for i in g.ideas),
        blockers=sum(i.kind == "blocage" for i in g.ideas),
        levers=sum(i.kind == "levier" for i in g.ideas),
        participants=sum(declared) if declared else None,
    )


def _territory(s: Synthesis) -> Territory:
    declared = [d.participants for d in s.debates if d.participants is not None]
    return Territory(
        name=s.territory,
        country=_first(d.country for d in s.debates),
        language=_first(d.language for d in s.debates),
        debates=tuple(d.page for d in s.debates),
        participants=sum(declared) if declared else None,
        groups=tuple(s.groups),
        postits=s.postits,
        excluded=s.excluded,
        ideas=len(s.ideas),
    )


def _first(values: Iterable[str]) -> str:
    return next((v for v in values if v), "")


def statements_by_language(i: GlobalIdea, languages: Mapping[str, str]
                           ) -> tuple[tuple[str, str], ...]:
    """Per language of ``languages`` (territory → declared language), the statement of
    the idea's most frequent member in it (the first on a tie), the idea's own language
    first."""
    best: dict[str, tuple[int, str]] = {}
    for m in i.members:
        language = languages.get(m.territory, "")
        if language and (language not in best or m.idea.occurrences > best[language][0]):
            best[language] = (m.idea.occurrences, m.idea.statement)
    own = next((lang for lang, (_, text) in best.items() if text == i.statement), "")
    order = sorted(best, key=lambda lang: (lang != own, lang))
    return tuple((lang, best[lang][1]) for lang in order)


def _idea(i: GlobalIdea, grid: Grid, languages: Mapping[str, str] | None = None) -> Idea:
    dimension = dimension_code(i, grid)
    dimension = "" if dimension == UNCLASSIFIED else dimension
    counts = i.level_counts()
    meaning = grid.entries.get(i.meaning) if i.meaning else None
    component = grid.entries.get(i.code.split("/")[0]) if i.code else None
    return Idea(
        key=i.key, question=i.question, kind=i.kind, code=i.code,
        code_label=component.label if component and component.kind == "objet" else "",
        dimension=dimension,
        dimension_label=grid.entries[dimension].label if dimension else "",
        meaning=i.meaning,
        meaning_label=meaning.label if meaning and meaning.kind == "sens" else "",
        statement=i.statement,
        variants=tuple(i.variants),
        territories=tuple(i.territories),
        groups=tuple(i.groups),
        postits=i.occurrences,
        levels=tuple((level, counts.get(level, 0)) for level in contract.LEVELS),
        actors=tuple(i.actors),
        quotes=tuple(quotes(i)),
        contributions=tuple(NetworkContribution(i.key, c.network, c.text, c.page)
                            for c in i.contributions),
        statements=statements_by_language(i, languages or {}),
    )


def quotes(i: GlobalIdea, limit: int = QUOTES_PER_IDEA) -> list[Quote]:
    """Up to ``limit`` post-its of an idea, deterministically: first the statement's own
    post-it (the first, in page and ordinal order, whose text is the statement), then one
    territory after the other (in the idea's order, the statement's territory last), each
    territory's post-its in page and ordinal order, skipping a text already quoted
    (compared by its letters): a quote shows another territory or another wording
    whenever there is one."""
    sources = sorted(i.sources, key=lambda tp: (tp[1].page, tp[1].index))
    lead = next((tp for tp in sources if tp[1].text == i.statement), None)
    by_territory: dict[str, list] = {t.casefold(): [] for t in i.territories}
    for territory, postit in sources:
        by_territory[territory.casefold()].append((territory, postit))
    if lead is not None:
        own = by_territory.pop(lead[0].casefold())
        by_territory[lead[0].casefold()] = own
    queues = list(by_territory.values())
    chosen: list[Quote] = []
    seen: set[str] = set()

    def take(territory: str, p) -> None:
        seen.add(normalize(p.text) or p.text)
        chosen.append(Quote(i.key, p.text, territory, p.group, p.page, p.revid, p.index))

    if lead is not None and limit:
        take(*lead)
    while len(chosen) < limit and any(queues):
        for queue in queues:
            while queue:
                territory, p = queue.pop(0)
                if (normalize(p.text) or p.text) not in seen:
                    take(territory, p)
                    break
            if len(chosen) == limit:
                break
    return chosen


def _sections(ideas: Iterable[Idea]) -> tuple[int, ...]:
    ideas = list(ideas)
    return tuple(sum((i.question, i.kind) == s for i in ideas) for s in SECTIONS)


def _group(code: str, label: str, ideas: list[Idea]) -> Group:
    """The ideas of a dimension or meaning code, most territories first (stable)."""
    ideas = sorted(ideas, key=lambda i: -len(i.territories))
    return Group(code, label, tuple(i.key for i in ideas), _sections(ideas),
                 sum(i.postits for i in ideas))


def _by_dimension(ideas: tuple[Idea, ...], grid: Grid) -> list[Group]:
    """Every dimension of the grid that has ideas, in grid order, unclassified last."""
    order = [e.code for e in grid.dimensions()]
    groups = []
    for code in [*order, ""]:
        mine = [i for i in ideas if i.dimension == code]
        if mine:
            groups.append(_group(code, grid.entries[code].label if code else "", mine))
    return groups


def _by_meaning(ideas: tuple[Idea, ...], grid: Grid) -> list[Group]:
    """The meaning codes (R, P, O, Q, S…) ideas carry, in grid order then by letter."""
    known = [e.code for e in grid.entries.values() if e.kind == "sens" and not e.parent]
    letters = [*known, *sorted({i.meaning for i in ideas if i.meaning} - set(known))]
    groups = []
    for letter in letters:
        mine = [i for i in ideas if i.meaning == letter]
        if mine:
            groups.append(_group(letter, mine[0].meaning_label, mine))
    return groups


def proposals(g: GlobalSynthesis) -> list[LevelProposals]:
    """For each level, the blockers and levers whose post-its name it: what each level
    is asked to do. Most territories first, then most post-its, blockers before levers,
    then by statement. Every level is listed, even with nothing asked of it."""
    found: dict[str, list[Proposal]] = {level: [] for level in contract.LEVELS}
    for i in g.ideas:
        if not i.kind:
            continue
        territories: dict[str, list[str]] = {}
        postits: dict[str, int] = {}
        for territory, p in i.sources:
            for level in p.levels:
                if level in found:
                    names = territories.setdefault(level, [])
                    if territory.casefold() not in (t.casefold() for t in names):
                        names.append(territory)
                    postits[level] = postits.get(level, 0) + 1
        for level, names in territories.items():
            found[level].append(Proposal(i.key, i.kind, i.statement, tuple(names),
                                         postits[level]))
    return [LevelProposals(level, tuple(sorted(items, key=lambda p: (
        -len(p.territories), -p.postits, kind_rank(p.kind), normalize(p.statement), p.key,
    )))) for level, items in found.items()]


def _stat(r: int, key: str, statement: str, kind: str, s: IdeaStats,
          group_kinds: GroupKinds) -> RoundStat:
    by_group = tuple(GroupAgreement(k, group_kinds.kinds.get(k), s.group_names.get(k, ""), v)
                     for k, v in s.agreement_by_group.items())
    return RoundStat(r, key, statement, kind, len(s.reactions), len(s.territories),
                     s.agreement, s.priority_median, s.priority_iqr, s.consensus,
                     tuple(s.votes.items()), by_group, tuple(s.comments))


def convergence(views: Mapping[int, DelphiView]) -> list[Convergence]:
    """Each idea reacted to in some Delphi round, with its statistics round by round.
    Ideas in the order of the latest round's view, then those only reacted to earlier;
    the statement and kind are the latest published ones."""
    rows: dict[str, dict] = {}
    for r in sorted(views, reverse=True):
        view = views[r]
        for idea in view.ideas:
            row = rows.setdefault(idea.key, {"statement": idea.statement, "kind": idea.kind,
                                             "stats": {}})
            s = view.stats.get(idea.key) or IdeaStats(idea.key)
            row["stats"][r] = _stat(r, idea.key, row["statement"], row["kind"], s,
                                    view.group_kinds)
    return [Convergence(key, row["statement"], row["kind"],
                        tuple(row["stats"][r] for r in sorted(row["stats"])))
            for key, row in rows.items()]


def _summary(r: int, view: DelphiView) -> RoundSummary:
    stats = [view.stats.get(i.key) or IdeaStats(i.key) for i in view.ideas]
    agreements = [s.agreement for s in stats if s.agreement is not None]
    iqrs = sorted(s.priority_iqr for s in stats if s.priority_iqr is not None)
    return RoundSummary(
        round=r,
        ideas=len(stats),
        answered=sum(bool(s.reactions) for s in stats),
        reactions=sum(len(s.reactions) for s in stats),
        territories=len({t.casefold() for s in stats for t in s.territories}),
        mean_agreement=sum(agreements) / len(agreements) if agreements else None,
        median_iqr=float(median(iqrs)) if iqrs else None,
        consensus=sum(s.consensus for s in stats),
    )


def for_round(computed: Computed, ideas: Computed | None = None, *,
              commitments: Iterable[Commitment] = (), today: date | None = None) -> Dossier:
    """The dossier of a computed round (:func:`coacte.synthesis.global_round.compute`),
    its ideas those of ``ideas`` when given (a Delphi round without post-its of its own
    shows the ideas it reacted to) and its programme ``commitments``' as of ``today``."""
    shown = ideas or computed
    return build(shown.synthesis, computed.grid, computed.views, state=computed.state,
                 page=computed.page, url=computed.url, round_=computed.round,
                 commitments=commitments, today=today)
