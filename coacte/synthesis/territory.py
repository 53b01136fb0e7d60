"""A territory's synthesis: every valid post-it of its debates, in exactly one idea.

Post-its are grouped by round and territory, then merged within the same question (and,
for question 3, the same kind: a blocker never merges with a lever) when they say the
same thing (:mod:`coacte.synthesis.similarity`). Nothing is cut: a single post-it is an
idea of its own. Ideas are ordered by question, kind, grid dimension, then frequency.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from coacte import contract
from coacte.model import Debate, GlobalIdea, Grid, Idea, PostIt, Synthesis
from coacte.synthesis.similarity import normalize, same_idea

UNCLASSIFIED = "~"


def pair(debate: Debate) -> tuple[str, int]:
    """The synthesis a debate page feeds: (territory without case, round)."""
    return debate.territory.casefold(), debate.round


def _grouped(debates: list[Debate]) -> dict[tuple[str, int], list[Debate]]:
    grouped: dict[tuple[str, int], list[Debate]] = defaultdict(list)
    for debate in sorted(debates, key=lambda d: d.page):
        grouped[pair(debate)].append(debate)
    return grouped


def names(debates: list[Debate]) -> dict[tuple[str, int], str]:
    """Each synthesis's (territory, round) pair → the territory's name as its synthesis
    spells it (that of its first page, by title)."""
    return {key: same[0].territory for key, same in _grouped(debates).items()}


def synthesize(debates: list[Debate], grid: Grid, threshold: float = 92) -> list[Synthesis]:
    """One synthesis per (territory, round), territories compared without case."""
    grouped = _grouped(debates)
    syntheses = []
    for (_, round_), same in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        postits = [p for d in same for p in d.postits]
        syntheses.append(Synthesis(same[0].territory, round_, same,
                                   ideas(postits, grid, threshold)))
    return syntheses


def ideas(postits: list[PostIt], grid: Grid, threshold: float = 92) -> list[Idea]:
    """Merge post-its that say the same thing; keep every post-it in exactly one idea."""
    clusters: dict[tuple[int, str], list[list[tuple[str, PostIt]]]] = defaultdict(list)
    normalized: dict[str, str] = {}
    for postit in postits:
        norm = normalized.get(postit.text)
        if norm is None:
            norm = normalized[postit.text] = normalize(postit.text)
        bucket = clusters[(postit.question, postit.kind)]
        for cluster in bucket:
            if any(same_idea(norm, other, threshold) for other, _ in cluster):
                cluster.append((norm, postit))
                break
        else:
            bucket.append([(norm, postit)])
    result = [
        _idea(question, kind, cluster)
        for (question, kind), bucket in clusters.items()
        for cluster in bucket
    ]
    result.sort(key=lambda idea: (
        idea.question, kind_rank(idea.kind), dimension_rank(idea, grid),
        -idea.occurrences, normalized[idea.statement],  # a statement is a post-it's text
    ))
    return result


def dimension_code(idea: Idea | GlobalIdea, grid: Grid) -> str:
    """The grid dimension an idea is shown under, or :data:`UNCLASSIFIED`."""
    entry = grid.dimension_of(idea.code) if idea.code else None
    return entry.code if entry else UNCLASSIFIED


def dimension_rank(idea: Idea | GlobalIdea, grid: Grid) -> int:
    """Position of the idea's dimension in the grid (unclassified last)."""
    order = [e.code for e in grid.dimensions()]
    dim = dimension_code(idea, grid)
    return order.index(dim) if dim in order else len(order)


def kind_rank(kind: str) -> int:
    """Questions 1–2 (no kind) first, then blockers, then levers."""
    return contract.KINDS.index(kind) if kind in contract.KINDS else -1


def _idea(question: int, kind: str, cluster: list[tuple[str, PostIt]]) -> Idea:
    sources = [p for _, p in cluster]
    wordings = Counter(p.text for p in sources)
    first = {}
    for p in sources:
        first.setdefault(p.text, len(first))
    ranked = sorted(wordings, key=lambda t: (-wordings[t], first[t]))
    codes = Counter(p.code for p in sources if p.code)
    code = min(codes, key=lambda c: (-codes[c], c)) if codes else ""
    return Idea(idea_key(question, kind, min(n for n, _ in cluster)), question, kind, code,
                ranked[0], ranked[1:], sources)


def idea_key(question: int, kind: str, normalized: str) -> str:
    """A key that stays the same across runs while the idea's wording persists: the
    question, the kind's initial and a hash of its smallest normalised wording."""
    digest = hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:8]
    return f"q{question}{kind[:1]}-{digest}"
