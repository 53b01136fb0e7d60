"""The synthesis of syntheses: territory ideas that mean the same thing, merged.

Ideas of different territories (other words, other languages) are clustered within the
same question and kind, the grid dimension weighing as a signal and each debate's
language (``langue``) taken into account; each cluster is a global idea listing its
territories and source ideas, marked "to confirm" when the tool joined parts it is not
sure of (:class:`~coacte.model.MergeDoubt`). A global idea keeps its key
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
    MergeDoubt,
    PageRevision,
    Synthesis,
)
from coacte.problems import Problem
from coacte.synthesis.languages import guess
from coacte.synthesis.similarity import normalize, same_idea
from coacte.synthesis.territory import UNCLASSIFIED, dimension_code, kind_rank
from coacte.wikitext.synthesis_page import idea_members

if TYPE_CHECKING:
    from coacte.cache.vectors import EmbeddingStore
    from coacte.synthesis.semantic import Clustering

#: ``cluster(texts, buckets, codes=..., langs=...) -> labels or Clustering``: texts with
#: equal labels are one idea; ``codes`` is each text's ``(dimension, code)`` in the
#: grid, ``langs`` its debate's language. A plain list of labels means every merge is
#: sure; a :class:`~coacte.synthesis.semantic.Clustering` says which are to confirm.
ClusterFn = Callable[..., "list[int] | Clustering"]


def surface_cluster(texts: list[str], buckets: list[Hashable],
                    threshold: float = 92, *, codes: object = None,
                    langs: object = None) -> list[int]:
    """Letters-only clustering (the territory rule), for wikis without the encoder.
    Look-alike letters are one idea whatever their codes and languages, so ``codes`` and
    ``langs`` are ignored."""
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
    from coacte.synthesis.semantic import merge

    return merge if store is None else partial(merge, store=store)


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
    langs = [lang for s in chosen for lang in [language_of(s)] * len(s.ideas)]
    buckets = [(m.idea.question, m.idea.kind) for m in members]
    found = (cluster or default_cluster())([m.idea.statement for m in members], buckets,
                                           codes=[_place(m, grid) for m in members],
                                           langs=langs)
    labels, parts, doubts = clustering(found)
    clusters: dict[int, list[Member]] = {}
    for label, member in zip(labels, members, strict=True):
        clusters.setdefault(label, []).append(member)
    groups = keep_apart(list(clusters.values()), previous or {}, apart)
    keys = assign_keys(groups, previous or {})
    part_of = {m.ref: parts[n] for n, m in enumerate(members)}
    scored = {members[label].ref: doubt for label, doubt in doubts.items()}
    closest = {members[label].ref: (members[doubt.closest[0]].ref,
                                    members[doubt.closest[1]].ref)
               for label, doubt in doubts.items()}
    ideas = [_global_idea(key, group, _doubt(group, part_of, scored, closest))
             for key, group in zip(keys, groups, strict=True)]
    clusters = {key: [m.ref for m in group] for key, group in zip(keys, groups, strict=True)}
    return GlobalSynthesis(round_, chosen, rank(ideas), clusters)


def clustering(found: list[int] | Clustering) -> tuple[list[int], list[int], dict]:
    """Labels, sure parts and doubts of a cluster function's answer (a plain list of
    labels: every merge sure)."""
    if isinstance(found, list):
        return found, found, {}
    return found.labels, found.parts, found.doubts


#: How many post-its of each debate the language of a territory without ``langue`` is
#: guessed from: plenty of common words, at a small cost.
GUESSED_FROM = 50


def language_of(s: Synthesis) -> str:
    """The territory's language as its debate headers give it (``langue``), else guessed
    from the words of all its post-its (:func:`~.languages.guess`): one post-it of three
    words may use no common word, a territory's debate does."""
    return next((d.language for d in s.debates if d.language), "") or guess(
        " ".join(p.text for d in s.debates for p in d.postits[:GUESSED_FROM]))


def _doubt(group: list[Member], part_of: Mapping[str, int],
           scored: Mapping[str, object], closest: Mapping[str, tuple[str, str]]
           ) -> MergeDoubt | None:
    """The group's doubt when its members fall in several sure parts: the score of the
    join the clustering made between them, the closest pair when both are still in the
    group (a ``distinguer`` may have cut it), the parts with the lead member's first."""
    parts: dict[int, list[str]] = {}
    for m in group:
        parts.setdefault(part_of[m.ref], []).append(m.ref)
    if len(parts) < 2:
        return None
    refs = {m.ref for m in group}
    lead = _lead(group).ref
    ordered = sorted(parts.values(), key=lambda p: lead not in p)
    doubt = next((scored[r] for r in refs if r in scored), None)
    pair = next((closest[r] for r in refs if r in closest
                 and set(closest[r]) <= refs), (ordered[0][0], ordered[1][0]))
    score = doubt.score if doubt is not None else 0.0
    return MergeDoubt(score, pair, tuple(tuple(p) for p in ordered))


def _lead(members: list[Member]) -> Member:
    """The member whose statement the global idea takes: the first of the most frequent."""
    return max(members, key=lambda m: m.idea.occurrences)


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


def _global_idea(key: str, members: list[Member], doubt: MergeDoubt | None = None
                 ) -> GlobalIdea:
    lead = _lead(members)
    codes: Counter[str] = Counter()
    for m in members:
        if m.idea.code:
            codes[m.idea.code] += m.idea.occurrences
    code = min(codes, key=lambda c: (-codes[c], c)) if codes else ""
    return GlobalIdea(key, lead.idea.question, lead.idea.kind, code, lead.idea.statement,
                      members, doubt=doubt)


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
