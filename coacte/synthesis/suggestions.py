"""The moderators' review queue, ranked: which global ideas may be one, which members
may not belong, in one order.

The merge (:mod:`coacte.synthesis.semantic`) is generous and marks what it is unsure
of, so the queue asks two kinds of question, best first in one ranking: "same idea?"
about two global ideas of the same question and kind (:func:`ranked`; "same" writes
``fusionner``, "different" ``distinguer``), and "do these members belong here?" about a
sure part of a merge to confirm or a member the old walls flag (:func:`checks`; "yes"
writes ``confirmer``, "no" ``séparer``). A question answered is never asked again;
after each answer the queue is computed again from the updated synthesis
(:class:`Review`), so once A = B the pairs A–C and B–C are one question.

The order is the expected gain of an answer: the chance it changes the synthesis (a
merge's from its score, a check's from the members' distance to the rest of the idea
and the flags), times the pairs of post-its it puts right (:class:`Weights`, chosen on
half A of ``eval/debates.jsonl`` by ``bench/eval_similarity.py --sweep-queue``, which
answers the queue from the top as the labels would). A pair's score:

- its best sentence cosine: of any member of one with any member of the other (the
  closest two; vectors centred on their language's mean as the merge centres them). It
  can be blended with the members' mean cosine (:attr:`Weights.best`);
- the grid as a signal, not a wall: a code both ideas carry raises it, codes of another
  dimension (a little less: another code of the same dimension) lower it, and an
  uncoded idea is neutral;
- a little for size.

On the held-out half B, from the unattended merge (ARI 0.82), the queue reaches ARI
0.85 after 1 answer and 0.90 after 18 (``python bench/eval_similarity.py``).

The ranking works on :class:`Pool`, plain arrays that both the global synthesis
(:func:`pool`) and the benchmark fill, so the benchmark measures this very code. Cost:
per (question, kind) bucket, blocks of the member-by-member cosine matrix (memory stays
linear); in a bucket of more than :data:`DENSE` ideas each member keeps only its
:data:`NEIGHBOURS` nearest members of other ideas (searched in
:data:`SEARCH_DIMENSIONS` dimensions, scored with exact cosines), so 100,000 post-its
stay feasible.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from coacte.cache.vectors import EmbeddingStore
from coacte.curation import Curation
from coacte.i18n import message
from coacte.model import GlobalSynthesis
from coacte.synthesis.cross_territory import language_of
from coacte.synthesis.encoder import embed
from coacte.synthesis.languages import guess
from coacte.synthesis.semantic import Settings, centred, guard_flags, word_vectors

#: Largest bucket (in ideas) in which every pair of ideas is a candidate.
DENSE = 1500
#: The score from which a suggested pair is likely one idea: of the suggestions scoring
#: at least this on half A of ``eval/debates.jsonl`` (where it was chosen), 98% are one
#: idea (94 of 96); 89% on the held-out half B (102 of 114), from today's unattended
#: merge. ``coacte round open`` counts those still unanswered.
LIKELY = 0.55
#: Largest bucket (in members) whose ideas' closest members are found with exact cosines.
EXACT_MEMBERS = 4000
#: Beyond :data:`DENSE`: how many nearest members of other ideas each member keeps.
NEIGHBOURS = 20
#: Beyond :data:`DENSE`: the dimensions neighbours are searched in (see ``_reduced``).
SEARCH_DIMENSIONS = 128
#: Largest block of member-by-member cosines computed at once (float32 cells: 16 MB).
_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class Suggestion:
    """Two global ideas (keys) that may be one idea; ``reason`` is what drove the score
    as a ``coacte-why-*`` message and its parameters, said in a reader's language by
    :meth:`explain` (``why``: in English, for ``--json`` and logs)."""

    ideas: tuple[str, str]
    score: float
    reason: tuple[str, tuple[str, ...]]
    #: What answering it is expected to put right (see :class:`Weights`): the queue's
    #: order, merges and checks together.
    gain: float = 0.0

    def explain(self, lang: str) -> str:
        key, params = self.reason
        return message(key, *params, lang=lang)

    @property
    def why(self) -> str:
        return self.explain("en")


@dataclass(frozen=True)
class Check:
    """"Do these members belong to this idea?": a part of a merge the tool is unsure of,
    or a member the old walls flag (:func:`~coacte.synthesis.semantic.guard_flags`).
    ``score`` is the members' best cosine with the rest of the idea (the closest two);
    "yes" writes ``confirmer``, "no" ``séparer``."""

    idea: str
    members: tuple[str, ...]
    score: float
    reason: tuple[str, tuple[str, ...]]
    gain: float = 0.0
    #: A sure part of a merge the tool is unsure of (not only a member the walls flag).
    doubtful: bool = False

    def explain(self, lang: str) -> str:
        key, params = self.reason
        if key == "coacte-why-check-flags":  # the flags named in the reader's language
            flags = ", ".join(message(f"coacte-why-flag-{f}", lang=lang)
                              for f in params[0].split(", ") if f in FLAG_NAMES)
            params = (flags or "—", *params[1:])
        return message(key, *params, lang=lang)

    @property
    def why(self) -> str:
        return self.explain("en")


#: The flags a check may name (those of :func:`coacte.synthesis.semantic.guard_flags`).
FLAG_NAMES = ("negation", "groups", "dimension", "words")

#: One question of the queue.
Question = Suggestion | Check


@dataclass(frozen=True)
class Weights:
    """How a pair's features make its score (chosen on half A of ``eval/debates.jsonl``)."""

    #: Share of the best member-to-member cosine in the sentence score (the rest is the
    #: mean cosine of the two ideas' members).
    best: float = 1.0
    #: Added when the two ideas share a code (its object part: ``C01`` of ``C01/P15``).
    shared_code: float = 0.05
    #: Taken off when both are coded, in different dimensions and with no code in common.
    other_dimension: float = 0.1
    #: Taken off when both are coded in the same dimension with no code in common.
    other_code: float = 0.03
    #: Times log2 of the two ideas' post-its (each idea's count, multiplied).
    size: float = 0.04
    #: Expected gain (the queue's order, merges and checks together): the chance the
    #: answer changes the synthesis, times the pairs of post-its it puts right to the
    #: power ``size_power``. A merge's chance rises with its score around ``merge_mid``,
    #: a check's with the members' distance to the rest of the idea: it is even at a
    #: closeness of ``check_mid``, each flag of the old walls adds ``flag`` (in units of
    #: ``spread``), a member of a sure merge starts ``sure_prior`` lower.
    #: (Chosen on half A of ``eval/debates.jsonl``: ``bench/eval_similarity.py
    #: --sweep-queue``.)
    merge_mid: float = 0.65
    check_mid: float = 0.35
    spread: float = 0.08
    flag: float = 0.5
    sure_prior: float = 4.0
    size_power: float = 0.25


DEFAULT_WEIGHTS = Weights()


@dataclass
class Pool:
    """Ideas as arrays, what :func:`ranked` and :func:`checks` need.

    Idea ``i`` has key ``keys[i]``, is compared only within ``buckets[i]`` and carries
    the codes ``codes[i]`` (object parts, none when uncoded). Member row ``r`` belongs
    to idea ``owner[r]``, has the unit sentence vector ``vectors[r]`` and stands for
    ``weights[r]`` post-its; ``refs[r]`` names it (``territory/key``).
    """

    keys: list[str]
    buckets: list[Hashable]
    codes: list[frozenset[str]]
    owner: np.ndarray
    vectors: np.ndarray
    weights: np.ndarray
    refs: list[str]
    #: Each member row's sure part: rows of one idea with the same number were merged
    #: surely (None: every idea is one part).
    parts: np.ndarray | None = None
    #: What the old walls flag about each row against its idea's lead (None: nothing).
    flags: list[tuple[str, ...]] | None = None


# -------------------------------------------------------------------------- the doors

def suggest(g: GlobalSynthesis, *, decided: Iterable[Iterable[str]] = frozenset(),
            limit: int = 300, store: EmbeddingStore | None = None,
            weights: Weights = DEFAULT_WEIGHTS) -> list[Suggestion]:
    """Pairs of global ideas of the same question and kind that were not merged and may
    be one idea, best first: ``limit`` of them when that many exist. ``decided`` holds
    the pairs of keys already answered (either order): they are never suggested."""
    return ranked(pool(g, store), decided=decided, limit=limit, weights=weights)


def member_checks(g: GlobalSynthesis, *, checked: Iterable[str] = frozenset(),
                  limit: int = 100, store: EmbeddingStore | None = None) -> list[Check]:
    """"Do these members belong here?" about the global synthesis, best first."""
    return checks(pool(g, store), checked=checked, limit=limit)


def pool(g: GlobalSynthesis, store: EmbeddingStore | None = None,
         settings: Settings | None = None) -> Pool:
    """The global synthesis's ideas as a :class:`Pool`: one row per member (its
    territory idea's statement, which is what the clustering compared), its vector
    centred on its language's mean as the merge centres it, its sure part (from the
    idea's doubt) and what the old walls flag about it against its idea's lead."""
    settings = settings or Settings()
    language = {s.territory: language_of(s) for s in g.syntheses}
    members = [(n, m) for n, idea in enumerate(g.ideas) for m in idea.members]
    texts = [m.idea.statement for _, m in members]
    vectors = embed(texts, store)
    if settings.centre_languages and members:
        vectors = centred(vectors, [language.get(m.territory, "") or guess(m.idea.statement)
                                    for _, m in members], inplace=True)
    codes = [frozenset(c for c in [_object(idea.code)] + [_object(m.idea.code)
                                                          for m in idea.members] if c)
             for idea in g.ideas]
    return Pool(keys=[i.key for i in g.ideas], buckets=[(i.question, i.kind) for i in g.ideas],
                codes=codes, owner=np.array([n for n, _ in members], dtype=np.int64),
                vectors=vectors,
                weights=np.array([m.idea.occurrences for _, m in members], dtype=np.float64),
                refs=[m.ref for _, m in members], parts=_parts(g),
                flags=_flags(g, store))


def _parts(g: GlobalSynthesis) -> np.ndarray:
    """Each member row's sure part, unique in the pool (the idea's rank times
    :data:`_PARTS`, plus the part's rank in its doubt): an idea without doubt is one."""
    parts: list[int] = []
    for n, idea in enumerate(g.ideas):
        of = {ref: k for k, part in enumerate(idea.doubt.parts) for ref in part} \
            if idea.doubt else {}
        parts += [n * _PARTS + of.get(m.ref, 0) for m in idea.members]
    return np.array(parts, dtype=np.int64)


#: More parts than any idea has (its members are fewer than this).
_PARTS = 1 << 20


def _flags(g: GlobalSynthesis, store: EmbeddingStore | None) -> list[tuple[str, ...]]:
    """What the old walls flag about each member against its idea's lead (its first
    most frequent member), for ideas of two members or more. The content words of
    those members are encoded once, in one batch."""
    flags: list[tuple[str, ...]] = []
    several = [i for i in g.ideas if len(i.members) > 1]
    words = word_vectors([m.idea.statement for i in several for m in i.members], store)
    for idea in g.ideas:
        if len(idea.members) < 2:
            flags += [()] * len(idea.members)
            continue
        lead = max(range(len(idea.members)), key=lambda k: (idea.members[k].idea.occurrences,
                                                            -k))
        order = [lead, *(k for k in range(len(idea.members)) if k != lead)]
        found = guard_flags([idea.members[k].idea.statement for k in order],
                            [(m.idea.code[:1].upper(), m.idea.code) if m.idea.code else ("", "")
                             for m in (idea.members[k] for k in order)], words=words)
        by_row = dict(zip(order, found, strict=True))
        flags += [by_row[k] for k in range(len(idea.members))]
    return flags


def _object(code: str) -> str:
    """A code's object part, upper case: ``c01/p15`` → ``C01``."""
    return code.split("/")[0].strip().upper()


# ------------------------------------------------------------------------ suggestions

@dataclass
class _Pairs:
    """Candidate pairs of one bucket, as parallel arrays (idea indices, features)."""

    first: np.ndarray
    second: np.ndarray
    best: np.ndarray
    mean: np.ndarray
    code: np.ndarray  # 0 neutral, 1 shared, 2 same dimension only, 3 other dimension
    score: np.ndarray

    def of(self, ideas: np.ndarray) -> _Pairs:
        """The pairs with positions in a bucket mapped back to idea indices."""
        return _Pairs(ideas[self.first], ideas[self.second], self.best, self.mean,
                      self.code, self.score)


def ranked(p: Pool, *, decided: Iterable[Iterable[str]] = frozenset(), limit: int = 300,
           weights: Weights = DEFAULT_WEIGHTS, at_least: float | None = None,
           by_gain: bool = False) -> list[Suggestion]:
    """The pool's candidate pairs, best first (ties by keys, so the order is stable);
    with ``at_least``, every pair scoring that much instead of the ``limit`` best; with
    ``by_gain``, by expected gain (as the queue mixes them with checks)."""
    answered = {frozenset(pair) for pair in decided}
    found = [pairs for ideas in _buckets(p) for pairs in [_bucket_pairs(p, ideas, weights)]
             if len(pairs.first)]
    if not found or limit <= 0:
        return []
    every = _Pairs(*(np.concatenate([getattr(f, name) for f in found])
                     for name in ("first", "second", "best", "mean", "code", "score")))
    sizes = np.bincount(p.owner, weights=p.weights, minlength=len(p.keys))
    gain = _chance((every.score - weights.merge_mid) / weights.spread) * (
        sizes[every.first] * sizes[every.second]) ** weights.size_power
    score = np.round(gain if by_gain else every.score, 6)
    # Only the best pairs need sorting by keys: those scoring at least the (limit +
    # decided)-th best score, ties included.
    if at_least is not None:
        floor, limit = round(at_least, 6), len(score)
    else:
        wanted = min(limit + len(answered), len(score))
        floor = np.partition(score, len(score) - wanted)[len(score) - wanted]
    keys = p.keys
    order = sorted(np.flatnonzero(score >= floor).tolist(), key=lambda n: (
        -score[n], keys[every.first[n]], keys[every.second[n]]))
    result = []
    for n in order:
        a, b = keys[every.first[n]], keys[every.second[n]]
        if frozenset((a, b)) in answered:
            continue
        result.append(Suggestion((a, b), round(float(every.score[n]), 4), _why(p, every, n),
                                 round(float(gain[n]), 6)))
        if len(result) == limit:
            break
    return result


def _buckets(p: Pool) -> list[np.ndarray]:
    """Each bucket's idea indices, in first-seen order, those of 2+ ideas only (an idea
    without members has nothing to compare)."""
    members = np.bincount(p.owner, minlength=len(p.keys))
    by: dict[Hashable, list[int]] = {}
    for i, bucket in enumerate(p.buckets):
        if members[i]:
            by.setdefault(bucket, []).append(i)
    return [np.array(ideas, dtype=np.int64) for ideas in by.values() if len(ideas) > 1]


def _bucket_pairs(p: Pool, ideas: np.ndarray, weights: Weights) -> _Pairs:
    """A bucket's candidate pairs, scored: every pair of a small bucket, each member's
    :data:`NEIGHBOURS` nearest members of other ideas in a large one."""
    b = _Bucket(p, ideas)
    return _dense_pairs(b, weights) if len(ideas) <= DENSE else _sparse_pairs(b, weights)


class _Bucket:
    """One bucket's ideas with their members' rows in idea order (positions ``0..n-1``
    in ``ideas``): what both ways of finding pairs work on."""

    def __init__(self, p: Pool, ideas: np.ndarray):
        self.ideas = ideas
        position = np.full(len(p.keys), -1, dtype=np.int64)
        position[ideas] = np.arange(len(ideas))
        rows = np.flatnonzero(position[p.owner] >= 0)
        rows = rows[np.argsort(position[p.owner[rows]], kind="stable")]
        #: Each member row's idea (a position in ``ideas``).
        self.local = position[p.owner[rows]]
        self.vectors = p.vectors[rows]
        self.starts = np.searchsorted(self.local, np.arange(len(ideas)))
        self.ends = np.append(self.starts[1:], len(rows))
        self.counts = np.bincount(self.local, minlength=len(ideas)).astype(np.float32)
        self.sums = np.add.reduceat(self.vectors, self.starts, axis=0)
        self.size = np.log2(np.maximum(np.bincount(self.local, weights=p.weights[rows],
                                                   minlength=len(ideas)), 1.0))
        self.codes, self.letters = _incidence([p.codes[i] for i in ideas])

    def score(self, first: np.ndarray, second: np.ndarray, best: np.ndarray,
              mean: np.ndarray, code: np.ndarray, weights: Weights) -> np.ndarray:
        """Pairs' scores from their features (any shape, element by element)."""
        bonus = np.array([0.0, weights.shared_code, -weights.other_code,
                          -weights.other_dimension], dtype=np.float32)
        return (weights.best * best + (1 - weights.best) * mean
                + weights.size * (self.size[first] + self.size[second]) + bonus[code])


def _dense_pairs(b: _Bucket, weights: Weights) -> _Pairs:
    """Every pair of the bucket, by blocks of ideas (the member-by-member cosines of a
    block reduced to its ideas' best). Beyond :data:`EXACT_MEMBERS` members, the
    cosines are those of the vectors on their main axes (see ``_reduced``): a close
    estimate at a quarter of the cost."""
    n, members = len(b.ideas), len(b.local)
    search = b.vectors if members <= EXACT_MEMBERS else _reduced(b.vectors)
    parts = []
    for lo, hi in _blocks(b.starts, members):
        block = search[b.starts[lo]:b.ends[hi - 1]]
        best = np.maximum.reduceat(block @ search.T, b.starts, axis=1)
        best = np.maximum.reduceat(best, b.starts[lo:hi] - b.starts[lo], axis=0)
        mean = (b.sums[lo:hi] @ b.sums.T) / np.outer(b.counts[lo:hi], b.counts)
        r, c = np.nonzero(np.arange(n)[None, :] > np.arange(lo, hi)[:, None])
        first = lo + r
        code = _relations(b, first, c)
        best, mean = best[r, c], mean[r, c]
        parts.append((first, c, best, mean, code, b.score(first, c, best, mean, code,
                                                          weights)))
    return _Pairs(*(np.concatenate(x) for x in zip(*parts, strict=True))).of(b.ideas)


def _sparse_pairs(b: _Bucket, weights: Weights) -> _Pairs:
    """Pairs of ideas whose members are among each other's nearest: each member's
    :data:`NEIGHBOURS` nearest members of other ideas, by blocks of members (memory
    stays linear, the cost is one member-by-member product)."""
    members = len(b.local)
    block = max(1, _BLOCK_CELLS // members)
    search = _reduced(b.vectors)
    found = []
    for lo in range(0, members, block):
        hi = min(lo + block, members)
        cosines = search[lo:hi] @ search.T
        for r in range(lo, hi):  # a member's own idea is no partner
            own = b.local[r]
            cosines[r - lo, b.starts[own]:b.ends[own]] = -np.inf
        keep = min(NEIGHBOURS, members - 1)
        cols = np.argpartition(cosines, members - keep, axis=1)[:, members - keep:]
        rows = np.repeat(np.arange(hi - lo), keep)
        cols = cols.ravel()
        found.append((lo + rows, cols, cosines[rows, cols]))
    u, v, near = (np.concatenate(x) for x in zip(*found, strict=True))
    valid = np.isfinite(near)
    u, v = u[valid], v[valid]
    i, j, cosine = b.local[u], b.local[v], _dots(b.vectors, u, v)  # exact cosines
    first, second = np.minimum(i, j), np.maximum(i, j)
    pair = first * len(b.ideas) + second
    order = np.lexsort((-cosine, pair))  # by pair, best cosine first
    _, once = np.unique(pair[order], return_index=True)
    pick = order[once]
    first, second, best = first[pick], second[pick], cosine[pick]
    mean = _dots(b.sums, first, second) / (b.counts[first] * b.counts[second])
    code = _relations(b, first, second)
    return _Pairs(first, second, best, mean, code,
                  b.score(first, second, best, mean, code, weights)).of(b.ideas)


def _blocks(starts: np.ndarray, members: int) -> list[tuple[int, int]]:
    """Ranges of ideas whose members' rows times ``members`` stay within a block."""
    limit = max(1, _BLOCK_CELLS // max(members, 1))
    ends = np.append(starts[1:], members)
    result, lo = [], 0
    while lo < len(starts):
        hi = int(np.searchsorted(ends, starts[lo] + limit, side="right"))
        hi = min(max(hi, lo + 1), len(starts))
        result.append((lo, hi))
        lo = hi
    return result


def _incidence(codes: Sequence[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Which codes, and which dimensions (a code's letter), each idea carries, as 0/1
    matrices (ideas x distinct codes, ideas x distinct letters)."""
    names = {c: n for n, c in enumerate(sorted({c for cs in codes for c in cs}))}
    dims = {d: n for n, d in enumerate(sorted({c[:1] for c in names}))}
    by_code = np.zeros((len(codes), max(len(names), 1)), dtype=np.float32)
    by_dim = np.zeros((len(codes), max(len(dims), 1)), dtype=np.float32)
    for i, cs in enumerate(codes):
        for c in cs:
            by_code[i, names[c]] = 1.0
            by_dim[i, dims[c[:1]]] = 1.0
    return by_code, by_dim


def _reduced(vectors: np.ndarray) -> np.ndarray:
    """The vectors projected on their :data:`SEARCH_DIMENSIONS` main axes: sentence
    vectors of one bucket vary along far fewer axes than their 512, so neighbours
    are found at a quarter of the cost, then scored with their exact cosines."""
    if vectors.shape[1] <= SEARCH_DIMENSIONS:
        return vectors
    _, axes = np.linalg.eigh(vectors.T @ vectors)  # ascending eigenvalues
    return np.ascontiguousarray(vectors @ axes[:, -SEARCH_DIMENSIONS:])


def _relations(b: _Bucket, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Pairs' codes: 1 when two ideas share a code, 2 when both are coded in a common
    dimension but share no code, 3 when coded in different dimensions only, 0 when one
    is uncoded (an index into the score's code bonus). By chunks of pairs."""
    coded = b.letters.any(axis=1)
    shared = _dots(b.codes, first, second) > 0
    near = _dots(b.letters, first, second) > 0
    both = coded[first] & coded[second]
    return np.where(shared, 1, np.where(both, np.where(near, 2, 3), 0)).astype(np.int8)


def _dots(matrix: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``matrix[first[k]] . matrix[second[k]]`` for each k, by chunks (the rows gathered
    for a million pairs would take gigabytes)."""
    result = np.empty(len(first), dtype=np.float32)
    chunk = max(1, _BLOCK_CELLS // max(matrix.shape[1], 1))
    for lo in range(0, len(first), chunk):
        result[lo:lo + chunk] = np.einsum("ij,ij->i", matrix[first[lo:lo + chunk]],
                                          matrix[second[lo:lo + chunk]])
    return result


def _why(p: Pool, pairs: _Pairs, n: int) -> tuple[str, tuple[str, ...]]:
    """What drove a pair's score, as a message: "same code C01, sentences 0.62"."""
    a, b = p.codes[pairs.first[n]], p.codes[pairs.second[n]]
    relation = int(pairs.code[n])
    best = f"{float(pairs.best[n]):.2f}"
    if relation == 1:
        return "coacte-why-same-code", (", ".join(sorted(a & b)), best)
    if relation > 1:
        return "coacte-why-codes-differ", ("/".join(sorted(a)), "/".join(sorted(b)), best)
    mean = float(pairs.mean[n])
    if mean >= float(pairs.best[n]) - 0.05:
        return "coacte-why-sentences", (best,)
    return "coacte-why-members", (best, f"{mean:.2f}")


def _chance(x: np.ndarray | float) -> np.ndarray:
    """The logistic function: a score's margin as a chance between 0 and 1."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


# ----------------------------------------------------------------------------- checks

def checks(p: Pool, *, checked: Iterable[str] = frozenset(), limit: int | None = None,
           weights: Weights = DEFAULT_WEIGHTS) -> list[Check]:
    """"Do these members belong here?", best first: each sure part of a merge the tool
    is unsure of other than its lead's, and each member the old walls flag; members a
    moderator already confirmed (``checked``, references) are not asked again."""
    done = set(checked)
    parts = p.parts if p.parts is not None else p.owner
    order = np.argsort(p.owner, kind="stable")
    bounds = np.flatnonzero(np.diff(p.owner[order])) + 1
    found: list[Check] = []
    for rows in np.split(order, bounds):
        if len(rows) >= 2:
            found += _idea_checks(p, rows, parts[rows], done, weights)
    found.sort(key=lambda c: (-c.gain, c.idea, c.members))
    return found if limit is None else found[:max(limit, 0)]


def _idea_checks(p: Pool, rows: np.ndarray, parts: np.ndarray, done: set[str],
                 weights: Weights) -> list[Check]:
    """One idea's checks: its parts other than the lead's, its flagged members."""
    lead = parts[int(np.argmax(p.weights[rows]))]
    asked: list[tuple[np.ndarray, bool]] = []
    for part in dict.fromkeys(parts.tolist()):
        inside = np.flatnonzero(parts == part)
        if part != lead and not all(p.refs[rows[k]] in done for k in inside):
            asked.append((inside, True))
    if p.flags is not None:
        for k in np.flatnonzero(parts == lead):
            if p.flags[rows[k]] and p.refs[rows[k]] not in done:
                asked.append((np.array([k]), False))
    if not asked:
        return []
    cosines = p.vectors[rows] @ p.vectors[rows].T
    total = float(p.weights[rows].sum())
    key = p.keys[int(p.owner[rows[0]])]
    result = []
    for inside, doubtful in asked:
        rest = np.setdiff1d(np.arange(len(rows)), inside)
        closeness = float(cosines[np.ix_(inside, rest)].max())
        flags = sorted({f for k in inside for f in (p.flags[rows[k]] if p.flags else ())})
        margin = ((weights.check_mid - closeness) / weights.spread
                  + weights.flag * len(flags) - (0.0 if doubtful else weights.sure_prior))
        size = float(p.weights[rows[inside]].sum())
        gain = float(_chance(margin)) * (size * (total - size)) ** weights.size_power
        members = tuple(sorted(p.refs[rows[k]] for k in inside))
        reason = ("coacte-why-check-doubt", (f"{closeness:.2f}",)) if doubtful and not flags \
            else ("coacte-why-check-flags", (", ".join(flags) or "—", f"{closeness:.2f}"))
        result.append(Check(key, members, round(closeness, 4), reason, round(gain, 6),
                            doubtful))
    return result


# ---------------------------------------------------------------------------- answers

@dataclass(frozen=True)
class Review:
    """A review queue as moderators work through it: the pool of ideas with the answers
    given so far applied. Each answer gives a new ``Review``; :meth:`next` is the best
    question left (merges and checks in one order, by expected gain), computed again
    from the updated ideas."""

    pool: Pool
    decided: frozenset[frozenset[str]] = frozenset()
    #: Members a moderator said belong to their idea (``confirmer``).
    checked: frozenset[str] = frozenset()

    def next(self, skipped: Iterable[Iterable[str] | str] = (), limit: int = 1,
             weights: Weights = DEFAULT_WEIGHTS) -> list[Question]:
        """The ``limit`` best questions not answered yet nor ``skipped`` (pairs of keys,
        or :func:`check_id` of checks)."""
        skipped = list(skipped)
        pairs = {frozenset(s) for s in skipped if not isinstance(s, str)}
        ids = {s for s in skipped if isinstance(s, str)}
        merges = ranked(self.pool, decided=self.decided | pairs, limit=limit,
                        weights=weights, by_gain=True)
        asked = [c for c in checks(self.pool, checked=self.checked, weights=weights)
                 if check_id(c) not in ids][:limit]
        both: list[Question] = [*merges, *asked]
        both.sort(key=lambda q: -q.gain)
        return both[:limit]

    def same(self, a: str, b: str) -> Review:
        """``a`` and ``b`` are one idea: ``b`` joins ``a``; what was answered about ``b``
        now holds for ``a``."""
        decided = frozenset(frozenset(a if k == b else k for k in pair)
                            for pair in self.decided)
        return Review(merged(self.pool, a, b), frozenset(d for d in decided if len(d) == 2),
                      self.checked | set(self.members(b)))

    def different(self, a: str, b: str) -> Review:
        """``a`` and ``b`` are two ideas: never asked again."""
        return Review(self.pool, self.decided | {frozenset((a, b))}, self.checked)

    def confirm(self, idea: str, members: Iterable[str]) -> Review:
        """The members belong to ``idea``: never asked again."""
        return Review(self.pool, self.decided, self.checked | set(members))

    def split(self, idea: str, members: Iterable[str], key: str = "") -> Review:
        """The members are another idea (``séparer``, whose new key ``key`` is; by
        default ``idea~first member``): they leave ``idea`` for a new one, which is never
        suggested back to it."""
        pool, key = separated(self.pool, idea, tuple(members), key)
        return Review(pool, self.decided | {frozenset((idea, key))},
                      self.checked | set(members))

    def members(self, idea: str) -> list[str]:
        """The references of an idea's members."""
        n = self.pool.keys.index(idea)
        return [self.pool.refs[r] for r in np.flatnonzero(self.pool.owner == n)]


def check_id(c: Check) -> str:
    """How a check is named when skipped: its idea and members."""
    return c.idea + "|" + ";".join(c.members)


def merged(p: Pool, a: str, b: str) -> Pool:
    """The pool once a moderator says ideas ``a`` and ``b`` are one: ``b``'s members
    join ``a``, whose key stays (as ``fusionner`` keeps its first key), and ``b`` is
    gone, so the pairs a–c and b–c become one question."""
    i, j = p.keys.index(a), p.keys.index(b)
    keep = [k for k in range(len(p.keys)) if k != j]
    position = np.full(len(p.keys), -1, dtype=np.int64)
    position[keep] = np.arange(len(keep))
    owner = np.where(p.owner == j, i, p.owner)
    codes = list(p.codes)
    codes[i] = codes[i] | codes[j]
    parts = None
    if p.parts is not None:  # a moderator's merge is sure: b's rows join a's lead part
        rows_a = np.flatnonzero(p.owner == i)
        lead = p.parts[rows_a[int(np.argmax(p.weights[rows_a]))]]
        parts = np.where(p.owner == j, lead, p.parts)
    return Pool([p.keys[k] for k in keep], [p.buckets[k] for k in keep],
                [codes[k] for k in keep], position[owner], p.vectors, p.weights, p.refs,
                parts, p.flags)


def separated(p: Pool, idea: str, members: tuple[str, ...], key: str = ""
              ) -> tuple[Pool, str]:
    """The pool once ``members`` leave ``idea`` for an idea of their own (``key``, by
    default ``idea~first member``); and that key."""
    n = p.keys.index(idea)
    key = key or f"{idea}~{min(members)}"
    wanted = set(members)
    rows = np.array([r for r in np.flatnonzero(p.owner == n) if p.refs[r] in wanted],
                    dtype=np.int64)
    owner = p.owner.copy()
    owner[rows] = len(p.keys)
    parts = None if p.parts is None else p.parts.copy()
    if parts is not None:
        parts[rows] = parts.max() + 1
    return Pool([*p.keys, key], [*p.buckets, p.buckets[n]], [*p.codes, p.codes[n]], owner,
                p.vectors, p.weights, p.refs, parts, p.flags), key


#: Curation actions whose ideas are answered pairs: merged, or kept apart.
_ANSWERS = frozenset(("fusionner", "merge", "distinguer", "distinguish"))


def likely(p: Pool, decided: Iterable[Iterable[str]] = frozenset(),
           weights: Weights = DEFAULT_WEIGHTS) -> list[Suggestion]:
    """The unanswered suggestions scoring at least :data:`LIKELY`: pairs that are
    probably one idea, which a review should settle before the round is frozen."""
    return ranked(p, decided=decided, weights=weights, at_least=LIKELY)


def to_confirm(p: Pool, checked: Iterable[str] = frozenset()) -> list[Check]:
    """The merges the tool made but is unsure of, as the checks of their parts that no
    moderator answered yet: what a review should settle before the round is frozen."""
    return [c for c in checks(p, checked=checked) if c.doubtful]


def confirmed(curations: Iterable[Curation]) -> frozenset[str]:
    """The members moderators said belong to their idea (``confirmer``, and those they
    set apart with ``séparer``: their question is answered), never asked again."""
    return frozenset(r for c in curations if c.action in ("confirmer", "séparer")
                     for r in c.members)


def answered(curations: Iterable[Curation]) -> frozenset[frozenset[str]]:
    """The pairs of keys the moderators' decisions already answered (``fusionner``,
    ``distinguer``: every pair of the ideas each names), never to be suggested again."""
    return frozenset(frozenset((a, b)) for c in curations if c.action in _ANSWERS
                     for n, a in enumerate(c.ideas) for b in c.ideas[n + 1:] if a != b)
