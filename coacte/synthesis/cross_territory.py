"""The synthesis of syntheses: territory ideas that mean the same thing, merged.

Ideas of different territories (other words, other languages) are clustered within the
same question and kind, the grid dimension weighing as a signal; each cluster is a
global idea listing its territories and source ideas. A global idea keeps its key
across runs while its content persists: new clusters inherit the key of the previous
run's idea they share most members with. Ideas are ranked by number of territories,
then occurrences.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from coacte import curation
from coacte.curation import read_curations
from coacte.model import (
    Contribution,
    GlobalIdea,
    GlobalSynthesis,
    Grid,
    Member,
    PageRevision,
    Synthesis,
)
from coacte.problems import Problem
from coacte.synthesis.similarity import normalize, same_idea
from coacte.synthesis.territory import UNCLASSIFIED, dimension_code, kind_rank
from coacte.wikitext.synthesis_page import idea_members

if TYPE_CHECKING:
    from coacte.cache.vectors import EmbeddingStore

#: ``cluster(texts, buckets, codes=...) -> labels``: texts with equal labels are one
#: idea; ``codes`` (optional) is each text's ``(dimension, code)`` in the grid.
ClusterFn = Callable[..., list[int]]


def surface_cluster(texts: list[str], buckets: list[Hashable],
                    threshold: float = 92, *, codes: object = None) -> list[int]:
    """Letters-only clustering (the territory rule), for wikis without the encoder.
    Look-alike letters are one idea whatever their codes, so ``codes`` is ignored."""
    labels: list[int] = []
    firsts: list[int] = []
    norms = [normalize(t) for t in texts]
    for i, norm in enumerate(norms):
        for first in firsts:
            if buckets[first] == buckets[i] and same_idea(norms[first], norm, threshold):
                labels.append(first)
                break
        else:
            firsts.append(i)
            labels.append(i)
    return labels


def default_cluster(store: EmbeddingStore | None = None) -> ClusterFn:
    """The multilingual clustering of :mod:`coacte.synthesis.semantic`, keeping sentence
    vectors in ``store`` between runs when one is given."""
    from coacte.synthesis.semantic import cluster

    return cluster if store is None else partial(cluster, store=store)


def global_synthesis(syntheses: list[Synthesis], grid: Grid, round_: int, *,
                     cluster: ClusterFn | None = None,
                     previous: Mapping[str, frozenset[str]] | None = None,
                     apart: Sequence[Sequence[str]] = ()) -> GlobalSynthesis:
    """Merge the round's territory syntheses into one global synthesis.

    ``previous`` maps the keys of the last published global ideas to their members
    (``territory/key``), so keys survive re-runs. ``apart`` lists groups of those keys a
    moderator keeps apart (``distinguer``): a cluster holding members of two of them is
    cut (:func:`keep_apart`), so they are never merged automatically.
    """
    chosen = [s for s in syntheses if s.round == round_]
    members = [Member(s.territory, idea) for s in chosen for idea in s.ideas]
    buckets = [(m.idea.question, m.idea.kind) for m in members]
    labels = (cluster or default_cluster())([m.idea.statement for m in members], buckets,
                                            codes=[_place(m, grid) for m in members])
    clusters: dict[int, list[Member]] = {}
    for label, member in zip(labels, members, strict=True):
        clusters.setdefault(label, []).append(member)
    groups = keep_apart(list(clusters.values()), previous or {}, apart)
    keys = assign_keys(groups, previous or {})
    ideas = [_global_idea(key, group) for key, group in zip(keys, groups, strict=True)]
    clusters = {key: [m.ref for m in group] for key, group in zip(keys, groups, strict=True)}
    return GlobalSynthesis(round_, chosen, rank(ideas), clusters)


def keep_apart(groups: list[list[Member]], previous: Mapping[str, frozenset[str]],
               apart: Sequence[Sequence[str]]) -> list[list[Member]]:
    """The clusters, each cut where it holds members of two ideas a moderator keeps
    apart: one part per such idea (its members as last published), and the cluster's
    other members with the largest part (the first on a tie), so nothing is lost."""
    for keys in apart:
        sets = [previous[k] for k in keys if k in previous]
        cut: list[list[Member]] = []
        for group in groups:
            parts = [[m for m in group if m.ref in refs] for refs in sets]
            parts = [p for p in parts if p]
            if len(parts) < 2:
                cut.append(group)
                continue
            claimed = {m.ref for p in parts for m in p}
            largest = max(range(len(parts)), key=lambda n: (len(parts[n]), -n))
            parts[largest] += [m for m in group if m.ref not in claimed]
            cut += parts
        groups = cut
    return groups


def rank(ideas: list[GlobalIdea]) -> list[GlobalIdea]:
    """By question and kind, then most territories, then most post-its."""
    return sorted(ideas, key=lambda i: (
        i.question, kind_rank(i.kind), -len(i.territories), -i.occurrences,
        normalize(i.statement),
    ))


def _place(member: Member, grid: Grid) -> tuple[str, str]:
    """The member's ``(dimension, code)`` in the grid, empty when uncoded: the merge
    weighs it as a signal (ideas are compared within their question and kind)."""
    dimension = dimension_code(member.idea, grid)
    if dimension == UNCLASSIFIED:
        return ("", "")
    return (dimension, member.idea.code)


def _global_idea(key: str, members: list[Member]) -> GlobalIdea:
    lead = max(members, key=lambda m: m.idea.occurrences)  # first of the most frequent
    codes: Counter[str] = Counter()
    for m in members:
        if m.idea.code:
            codes[m.idea.code] += m.idea.occurrences
    code = min(codes, key=lambda c: (-codes[c], c)) if codes else ""
    return GlobalIdea(key, lead.idea.question, lead.idea.kind, code, lead.idea.statement,
                      members)


def assign_keys(groups: list[list[Member]], previous: Mapping[str, frozenset[str]]) -> list[str]:
    """A key per group: the previous idea's key it shares most members with, else new.

    Pairs are taken by decreasing overlap, so each previous key goes to at most one
    group; a new key is a hash of the group's smallest member reference.
    """
    refs = [frozenset(m.ref for m in group) for group in groups]
    pairs = sorted(
        ((len(r & old), i, key) for i, r in enumerate(refs) for key, old in previous.items()
         if r & old),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    keys: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for _, i, key in pairs:
        if keys[i] is None and key not in taken:
            keys[i] = key
            taken.add(key)
    for i, group in enumerate(groups):
        if keys[i] is None:
            first = group[0].idea
            base = f"g{first.question}{first.kind[:1]}-"
            digest = hashlib.sha1(min(refs[i]).encode("utf-8")).hexdigest()
            size = 8
            while base + digest[:size] in taken:
                size += 2
            keys[i] = base + digest[:size]
            taken.add(keys[i])
    return keys  # type: ignore[return-value]


def attach_contributions(ideas: list[GlobalIdea], contributions: list[Contribution],
                         round_: int) -> list[Problem]:
    """Put each network contribution under the idea it enriches; report unknown keys."""
    by_key = {i.key: i for i in ideas}
    problems = []
    for c in contributions:
        idea = by_key.get(c.key)
        if idea is None:
            problems.append(Problem(c.page, c.index, "idée", "coacte-contribution-unknown-idea",
                                    (c.key, round_), blocking=False, item="contribution"))
        else:
            idea.contributions.append(c)
    return problems


def build(syntheses: list[Synthesis], grid: Grid, round_: int, page: PageRevision | None,
          contributions: list[Contribution] = (), *,
          cluster: ClusterFn | None = None) -> tuple[GlobalSynthesis, list[Problem]]:
    """The global synthesis as it should now read: merged, keyed like the published
    ``page``, curated by the decisions written on that page, enriched by the networks.
    Returns it with the problems to show (failed curations, unknown keys)."""
    decisions, problems = read_curations(page)
    decisions = curation.this_round(decisions, round_)
    g = global_synthesis(syntheses, grid, round_, cluster=cluster,
                         previous=idea_members(page.text if page else None),
                         apart=curation.kept_apart(decisions))
    ideas, failed = curation.apply(g.ideas, decisions, grid)
    g.ideas = rank(ideas)
    return g, problems + failed + attach_contributions(g.ideas, list(contributions), round_)
