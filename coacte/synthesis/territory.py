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
from coacte.model import Debate, Grid, Idea, PostIt, Synthesis
from coacte.synthesis.similarity import normalize, same_idea

UNCLASSIFIED = "~"


def synthesize(debates: list[Debate], grid: Grid, threshold: float = 92) -> list[Synthesis]:
    """One synthesis per (territory, round), territories compared without case."""
    grouped: dict[tuple[str, int], list[Debate]] = defaultdict(list)
    for debate in sorted(debates, key=lambda d: d.page):
        grouped[(debate.territory.casefold(), debate.round)].append(debate)
    syntheses = []
    for (_, round_), same in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        postits = [p for d in same for p in d.postits]
        syntheses.append(Synthesis(same[0].territory, round_, same,
                                   ideas(postits, grid, threshold)))
    return syntheses


def ideas(postits: list[PostIt], grid: Grid, threshold: float = 92) -> list[Idea]:
    """Merge post-its that say the same thing; keep every post-it in exactly one idea."""
    clusters: dict[tuple[int, str], list[list[tuple[str, PostIt]]]] = defaultdict(list)
    for postit in postits:
        norm = normalize(postit.text)
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
    order = {e.code: i for i, e in enumerate(grid.dimensions())}
    result.sort(key=lambda idea: (
        idea.question,
        contract.KINDS.index(idea.kind) if idea.kind in contract.KINDS else -1,
        order.get(dimension_code(idea, grid), len(order)),
        -idea.occurrences,
        normalize(idea.statement),
    ))
    return result


def dimension_code(idea: Idea, grid: Grid) -> str:
    """The grid dimension an idea is shown under, or :data:`UNCLASSIFIED`."""
    entry = grid.dimension_of(idea.code) if idea.code else None
    return entry.code if entry else UNCLASSIFIED


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
