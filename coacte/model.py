"""The method's concepts as plain data: post-its, debates, the grid, ideas, syntheses.

Nothing here reads or writes a wiki; :mod:`coacte.validate` builds these objects from
parsed pages and :mod:`coacte.synthesis` consolidates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from coacte.contract import GROUP_LANGUAGES, fold
from coacte.problems import Problem


@dataclass(frozen=True)
class PageRevision:
    """One revision of a wiki page, as read in a batch: what a bot bases its work on."""

    title: str
    revid: int
    timestamp: str
    text: str
    #: Who saved this revision (to tell the bot's own revisions from humans').
    user: str = ""
    #: Decisions on the page written by accounts without the moderators' right, as
    #: ``(decision id, user)`` (:mod:`coacte.jobs.authority`): listed, never applied.
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PostIt:
    """One criterion: an idea written by one participant and validated by their group.

    ``index`` is the post-it's ordinal on its page (1-based, in document order), which
    is how problems and sources point back at it. Post-its are anonymous: no author.
    """

    page: str
    revid: int
    index: int
    question: int
    text: str
    group: str = ""
    kind: str = ""
    code: str = ""
    levels: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()


@dataclass
class Debate:
    """One debate page: a territory's answers for one round."""

    page: str
    revid: int
    territory: str
    round: int
    country: str = ""
    date: str = ""
    formula: str = ""
    participants: int | None = None
    language: str = ""
    postits: list[PostIt] = field(default_factory=list)
    #: Post-its left out because they are invalid (their problems say why).
    excluded: int = 0
    #: Round 2+: the groups' reactions to the previous round's global ideas.
    reactions: list[Reaction] = field(default_factory=list)


@dataclass(frozen=True)
class GridEntry:
    """A code of the classification grid: a dimension (``A``), a component (``A01``) or
    a meaning code (``P``, ``P15``)."""

    code: str
    label: str
    parent: str = ""
    kind: str = "objet"
    #: The label in other languages (``libellé en``, ``libellé pt``), by language.
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def label_in(self, lang: str) -> str:
        """The label a reader of ``lang`` sees: theirs when the grid page gives it, else
        the page's own (French) label."""
        return self.labels.get(lang) or self.label


@dataclass
class Grid:
    """The classification grid, read from the wiki so moderators adapt it without a
    release (design §5)."""

    entries: dict[str, GridEntry] = field(default_factory=dict)

    def dimension_of(self, code: str) -> GridEntry | None:
        """The dimension an object code belongs to (``C01/P15`` → ``C``)."""
        letter = code[:1].upper()
        entry = self.entries.get(letter)
        return entry if entry and entry.kind == "objet" else None

    def dimensions(self) -> list[GridEntry]:
        return [e for e in self.entries.values() if e.kind == "objet" and not e.parent]

    def knows(self, code: str, kind: str) -> bool:
        entry = self.entries.get(code)
        return entry is not None and entry.kind == kind


@dataclass(frozen=True)
class GroupKind:
    """One kind of homogeneous group of the groups page (``{{CO-ACTE groupe}}``):
    "Jeunes", "Young people" and "Jovens" are one kind, ``jeunes``. ``key`` is the
    identifier as written; ``names`` the names by language, in page order."""

    key: str
    names: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def name(self, lang: str = "fr") -> str:
        """The name shown to a reader of ``lang``: the kind's first name in that language,
        else its first name in another (French, English, Portuguese), else its key."""
        for language in (lang, *GROUP_LANGUAGES, *self.names):
            if self.names.get(language):
                return self.names[language][0]
        return self.key


#: rapidfuzz WRatio (0–100) below which a group name has no closest kind: "Jovem" finds
#: "Jovens" (73) and "Élus municipaux" "Élus" (90), "Agriculteurs" finds nothing (68).
CLOSEST_SCORE = 70


@dataclass
class GroupKinds:
    """The vocabulary of group kinds, read from the groups page so the secretariat
    extends it without a release (design §5, "Homogeneous groups across languages").

    ``kinds`` maps each kind's folded key to it, ``names`` every folded name (the keys
    included) to its kind's folded key. Without a vocabulary (empty), every group name
    is its own kind, folded: the rule before the groups page existed.
    """

    kinds: dict[str, GroupKind] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    #: The page it was read from (named when an unknown group is reported).
    page: str = ""

    def kind_of(self, name: str) -> str:
        """The kind a group name stands for, compared folded (any case, with or without
        accents): the kind's folded key, or the folded name itself when no kind has it
        ("" for no group)."""
        folded = fold(name)
        return self.names.get(folded, folded)

    def knows(self, name: str) -> bool:
        """Whether some kind has this name (an empty name needs none)."""
        folded = fold(name)
        return not folded or folded in self.names

    def closest(self, name: str) -> str | None:
        """The kind whose name is nearest to ``name`` (rapidfuzz WRatio of the folded
        names, at least :data:`CLOSEST_SCORE`): what to suggest for an unknown name;
        ``None`` when nothing comes close."""
        folded = fold(name)
        if not folded or not self.names:
            return None
        found = process.extractOne(folded, list(self.names), scorer=fuzz.WRatio,
                                   score_cutoff=CLOSEST_SCORE)
        return None if found is None else self.names[found[0]]

    def display(self, kind: str, lang: str = "fr") -> str | None:
        """The name a kind (as :meth:`kind_of` returns it) is shown by in ``lang``;
        ``None`` for a kind the vocabulary does not have."""
        known = self.kinds.get(kind)
        return None if known is None else known.name(lang)


@dataclass
class Idea:
    """Post-its of one territory that say the same thing, merged into one idea.

    Every source post-it stays listed, so the statement can be traced back to them.
    """

    key: str
    question: int
    kind: str
    code: str
    statement: str
    variants: list[str]
    sources: list[PostIt]

    @property
    def occurrences(self) -> int:
        return len(self.sources)

    @property
    def groups(self) -> list[str]:
        return _distinct(p.group for p in self.sources)

    @property
    def levels(self) -> list[str]:
        return _distinct(level for p in self.sources for level in p.levels)

    @property
    def actors(self) -> list[str]:
        return _distinct(actor for p in self.sources for actor in p.actors)


@dataclass
class Synthesis:
    """A territory's synthesis for one round: every valid post-it in exactly one idea."""

    territory: str
    round: int
    debates: list[Debate]
    ideas: list[Idea]

    @property
    def postits(self) -> int:
        return sum(len(d.postits) for d in self.debates)

    @property
    def excluded(self) -> int:
        return sum(d.excluded for d in self.debates)

    @property
    def groups(self) -> list[str]:
        """The homogeneous groups that took part: wrote post-its, or reacted to the
        previous round's ideas (a Delphi round may have reactions only)."""
        return _distinct([*(p.group for d in self.debates for p in d.postits),
                          *(r.group for d in self.debates for r in d.reactions
                            if r.answered)])


def _distinct(values) -> list[str]:
    """Distinct non-empty values in first-seen order, compared without case."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


@dataclass(frozen=True)
class Member:
    """A territory idea as part of a global idea."""

    territory: str
    idea: Idea

    @property
    def ref(self) -> str:
        """``<territory>/<key>``: how a global idea names its members on the wiki."""
        return f"{self.territory}/{self.idea.key}"


@dataclass(frozen=True)
class MergeDoubt:
    """Why the tool is unsure of a global idea's merge (issue 21: merge generously, mark
    what may be wrong). Its members fall in ``parts``, groups the tool is sure of
    (member references, the lead member's part first); the parts were joined at a
    similarity of ``score``, between the merge bar and the sure bar; ``closest`` is the
    most alike pair of members of two parts. A moderator's ``confirmer`` joins a part to
    the first; ``séparer`` sets one apart."""

    score: float
    closest: tuple[str, str]
    parts: tuple[tuple[str, ...], ...]


@dataclass
class GlobalIdea:
    """Territory ideas that mean the same thing, across territories and languages.

    An idea from a single territory stays one, shown as such: nothing is dropped.
    """

    key: str
    question: int
    kind: str
    code: str
    statement: str
    members: list[Member]
    #: What moderators changed (message key, params, reason), shown on the page.
    curations: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    #: What thematic networks added to it from their own experience.
    contributions: list[Contribution] = field(default_factory=list)
    #: Set when the tool merged it without being sure: to confirm (see MergeDoubt).
    doubt: MergeDoubt | None = None
    #: How its members came together: "tool" (a sure merge, or a single member),
    #: "confirmed" (a tool's merge a moderator confirmed), "moderator" (``fusionner``).
    merged_by: str = "tool"

    @property
    def confirmed(self) -> bool:
        """Whether nobody needs to look at its merge again: the tool was sure of it, or
        a moderator confirmed it."""
        return self.doubt is None

    @property
    def territories(self) -> list[str]:
        return _distinct(m.territory for m in self.members)

    @property
    def sources(self) -> list[tuple[str, PostIt]]:
        return [(m.territory, p) for m in self.members for p in m.idea.sources]

    @property
    def occurrences(self) -> int:
        return sum(m.idea.occurrences for m in self.members)

    @property
    def variants(self) -> list[str]:
        return [s for s in _distinct(m.idea.statement for m in self.members)
                if s != self.statement]

    @property
    def groups(self) -> list[str]:
        return _distinct(g for m in self.members for g in m.idea.groups)

    @property
    def levels(self) -> list[str]:
        return _distinct(level for m in self.members for level in m.idea.levels)

    @property
    def actors(self) -> list[str]:
        return _distinct(a for m in self.members for a in m.idea.actors)

    @property
    def meaning(self) -> str:
        """The meaning category (*code sens*: R, P, O, Q, S) its code carries, or ""."""
        parts = self.code.split("/")
        return parts[1][:1] if len(parts) > 1 and parts[1] else ""

    def level_counts(self) -> dict[str, int]:
        """How many of its post-its name each level (the responsibility matrix row)."""
        counts: dict[str, int] = {}
        for _, postit in self.sources:
            for level in postit.levels:
                counts[level] = counts.get(level, 0) + 1
        return counts


@dataclass
class GlobalSynthesis:
    """The synthesis of syntheses for one round."""

    round: int
    syntheses: list[Synthesis]
    ideas: list[GlobalIdea]
    #: Each key's members as the clustering found them, before any curation: what the
    #: next run matches its clusters against, so curated ideas keep their keys too.
    clusters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def territories(self) -> list[str]:
        return [s.territory for s in self.syntheses]

    @property
    def postits(self) -> int:
        return sum(s.postits for s in self.syntheses)


@dataclass(frozen=True)
class Contribution:
    """A thematic network's contribution to a global idea (``{{CO-ACTE apport}}``)."""

    page: str
    revid: int
    index: int
    network: str
    key: str
    text: str


@dataclass(frozen=True)
class Reaction:
    """A group's reaction, in a Delphi round, to one global idea of the previous round.

    ``agreement`` is ``oui``, ``non``, ``nuancé``, or "" for a slot not filled in yet;
    ``priority`` 1–5 or ``None``.
    """

    page: str
    revid: int
    index: int
    territory: str
    round: int
    key: str
    agreement: str = ""
    priority: int | None = None
    comment: str = ""
    group: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.agreement.strip() or self.priority is not None
                    or self.comment.strip())


@dataclass(frozen=True)
class Commitment:
    """A participant's "what can I do?" (``{{CO-ACTE engagement}}``): the
    co-responsibility programme is made of these."""

    page: str
    revid: int
    index: int
    who: str
    what: str
    start: str = ""
    end: str = ""
    key: str = ""
    round: int | None = None


@dataclass
class Inputs:
    """What a run read from the wiki: the debate pages, the grid, the debates found on
    them, every problem found while reading, and the vocabulary of group kinds (the
    groups page; empty when it is missing)."""

    pages: list[PageRevision]
    grid: Grid
    debates: list[Debate]
    problems: list[Problem] = field(default_factory=list)
    group_kinds: GroupKinds = field(default_factory=GroupKinds)

    @property
    def postits(self) -> int:
        return sum(len(d.postits) for d in self.debates)
