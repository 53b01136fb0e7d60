"""The cross-territory merge: what it must merge, what it must never merge, and how well
it does on the labelled set (eval/ideas.jsonl). Uses the real encoder (loaded once)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bench import eval_similarity as bench
from coacte.synthesis import semantic
from coacte.synthesis.encoder import DIMENSIONS, embed
from coacte.synthesis.semantic import Settings, cluster

FRENCH_ENGLISH_PORTUGUESE = [
    "Les bénévoles sont fatigués",
    "The volunteers are tired",
    "Os voluntários estão cansados",
]


def test_embed_is_normalised_and_deduplicated():
    vectors = embed(["Les bénévoles sont fatigués", "Créer des jardins partagés",
                     "Les bénévoles sont fatigués"])
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    assert embed([]).shape == (0, DIMENSIONS)


def test_empty_and_single_input():
    assert cluster([], []) == []
    assert cluster(["Les bénévoles sont fatigués"], [("q3", "blocage", "H")]) == [0]


def test_lengths_must_match():
    with pytest.raises(ValueError):
        cluster(["a", "b"], [1])


def test_a_french_english_portuguese_paraphrase_triple_merges():
    assert cluster(FRENCH_ENGLISH_PORTUGUESE, [0, 0, 0]) == [0, 0, 0]


def test_buckets_are_never_crossed():
    texts = FRENCH_ENGLISH_PORTUGUESE + FRENCH_ENGLISH_PORTUGUESE
    buckets = [(3, "blocage", "H")] * 3 + [(3, "levier", "H")] * 3
    assert cluster(texts, buckets) == [0, 0, 0, 3, 3, 3]
    # Even identical vectors do not cross a bucket (no encoder needed for this one).
    same = np.ones((4, DIMENSIONS), dtype=np.float32)
    labels = cluster(["a b", "c d", "e f", "g h"], ["x", "y", "x", "y"],
                     Settings(word_threshold=None), embeddings=same)
    assert labels == [0, 1, 0, 1]


def test_the_grid_dimension_is_a_signal_not_a_wall():
    french, english, portuguese = FRENCH_ENGLISH_PORTUGUESE
    pair = [french, portuguese]
    # A coded and an uncoded member of one idea meet.
    assert cluster(pair, [0, 0], codes=[("H", "H03"), ("", "")]) == [0, 0]
    assert cluster(pair, [0, 0], codes=[("H", "H03"), ("H", "H01")]) == [0, 0]
    # Codes of two dimensions raise the bar: this pair alone no longer clears it...
    assert cluster(pair, [0, 0], codes=[("H", "H03"), ("C", "C01")]) == [0, 1]
    # ... but an uncoded paraphrase close to both brings them together on average.
    assert cluster([french, english, portuguese], [0] * 3,
                   codes=[("H", "H03"), ("", ""), ("C", "C01")]) == [0, 0, 0]
    with pytest.raises(ValueError, match="codes"):
        cluster(pair, [0, 0], codes=[("H", "H03")])


def test_a_shared_code_lowers_the_bar():
    french, _, portuguese = FRENCH_ENGLISH_PORTUGUESE
    strict = Settings(sentence_threshold=0.80, shared_code_bonus=0.0)
    assert cluster([french, portuguese], [0, 0], strict,
                   codes=[("H", "H03"), ("H", "H03")]) == [0, 1]
    lowered = dataclasses.replace(strict, shared_code_bonus=0.2)
    assert cluster([french, portuguese], [0, 0], lowered,
                   codes=[("H", "H03"), ("H", "H03")]) == [0, 0]
    assert cluster([french, portuguese], [0, 0], lowered,
                   codes=[("H", "H03"), ("H", "H01")]) == [0, 1]


def test_identical_texts_share_a_label():
    texts = ["Les bénévoles sont épuisés", "Créer des jardins partagés",
             "Les bénévoles sont épuisés", "LES BENEVOLES SONT EPUISES !"]
    assert cluster(texts, [0] * 4) == [0, 1, 0, 0]


@pytest.mark.parametrize("pair", [
    ("Young people are heard", "Young people are not heard"),
    ("Os jovens são ouvidos", "Les jeunes ne sont pas écoutés"),
])
def test_a_negation_pair_does_not_merge(pair):
    assert cluster(list(pair), [0, 0]) == [0, 1]
    # The guard is what keeps them apart: the encoder alone would merge them.
    assert cluster(list(pair), [0, 0], Settings(negation_guard=False)) == [0, 0]


def test_portuguese_no_is_not_a_negation():
    assert not semantic._negated(semantic.normalize("Criar um espaço no bairro"))
    assert semantic._negated(semantic.normalize("No bus on Sundays"))
    assert not semantic._negated(semantic.normalize("De plus en plus de familles"))


def test_ideas_about_different_groups_of_people_do_not_merge():
    pair = ["Les jeunes ne sont pas associés aux décisions",
            "Les personnes âgées ne sont pas associées aux décisions"]
    assert semantic.groups(pair[0]) == {"youth"}
    assert semantic.groups(pair[1]) == {"elderly"}
    assert cluster(pair, [0, 0]) == [0, 1]
    assert cluster(pair, [0, 0], Settings(group_guard=False)) == [0, 0]


def test_an_unrelated_pair_does_not_merge():
    assert cluster(["Les bénévoles sont fatigués", "La cantine sert des produits locaux"],
                   [0, 0]) == [0, 1]


def test_labels_are_deterministic_and_ordered():
    texts = ["Manque de logements sociaux", *FRENCH_ENGLISH_PORTUGUESE,
             "Lack of social housing", "Young people are not heard"]
    labels = cluster(texts, [0] * len(texts))
    assert labels == cluster(texts, [0] * len(texts))
    assert labels == [0, 1, 1, 1, 0, 5]
    for i, label in enumerate(labels):
        assert label <= i and labels[label] == label


def test_an_oversized_group_is_cut_in_input_order():
    texts = [f"idée {chr(97 + i)} sur les bus" for i in range(12)]
    same = np.ones((12, DIMENSIONS), dtype=np.float32)
    labels = cluster(texts, [0] * 12, Settings(word_threshold=None, max_component=5),
                     embeddings=same)
    assert labels == [0] * 5 + [5] * 5 + [10] * 2


def test_look_alikes_are_found_among_alphabetical_neighbours_in_a_huge_bucket():
    texts = ["le bus passe trop rarement le soir", "le bus passe trop rarement le soi",
             "xle bus passe trop rarement le soir", "les jardins partagés du quartier",
             "un budget participatif pour les jeunes"]
    rows, cols = semantic._neighbours_alike(texts, 92.0, window=1)
    pairs = {frozenset(p) for p in zip(rows.tolist(), cols.tolist(), strict=True)}
    assert {frozenset((0, 1)), frozenset((0, 2))} <= pairs  # typo at the end, at the start
    assert all(not ({3, 4} & p) for p in pairs)
    # Orthogonal embeddings: only the letters can merge; the scan and the neighbours agree.
    vectors = np.eye(len(texts), DIMENSIONS, dtype=np.float32)
    scan = cluster(texts, [0] * 5, Settings(word_threshold=None), embeddings=vectors)
    neighbours = cluster(texts, [0] * 5, Settings(word_threshold=None, surface_scan_limit=2),
                         embeddings=vectors)
    assert scan == neighbours == [0, 0, 0, 3, 4]


@pytest.fixture(scope="module")
def evaluation() -> dict:
    return bench.evaluate(bench.load(), Settings())


def test_the_evaluation_set_is_consistent():
    items = bench.load()
    assert len(items) >= 200
    clusters: dict[str, set] = {}
    for item in items:
        clusters.setdefault(item["cluster"], set()).add(bench.bucket(item))
    assert all(len(buckets) == 1 for buckets in clusters.values())
    assert {item["lang"] for item in items} == {"fr", "en", "pt"}


def test_evaluation_precision_goal(evaluation):
    """A wrong merge hides a minority view: at least 9 merged pairs in 10 are right."""
    assert evaluation["precision"] >= 0.9


def test_evaluation_ari_does_not_regress(evaluation):
    """The level reached with the defaults (0.54 when written): a floor, not the goal."""
    assert evaluation["ari"] >= 0.5


@pytest.mark.xfail(strict=True, reason="USE v3 misses deep paraphrases: ARI is ~0.54 at "
                   "precision >= 0.9 (see eval/README.md); remove this mark when reached")
def test_evaluation_ari_goal(evaluation):
    assert evaluation["ari"] >= 0.8


def test_a_looser_setting_trades_precision_for_recall():
    """The defaults are not the only knob: documents the trade-off the sweep shows."""
    items = bench.load()
    loose = bench.evaluate(items, dataclasses.replace(Settings(), word_threshold=None,
                                                      sentence_threshold=0.46))
    strict = bench.evaluate(items, Settings())
    assert loose["recall"] > strict["recall"]
    assert loose["precision"] < 0.9 <= strict["precision"]


def test_components_merged_block_by_block_are_the_connected_components():
    which = np.arange(6)
    which = semantic._merge(which, np.array([0]), np.array([5]))
    which = semantic._merge(which, np.array([2]), np.array([3]))
    assert len(set(which)) == 4 and which[0] == which[5] and which[2] == which[3]
    which = semantic._merge(which, np.array([3]), np.array([5]))
    assert which[0] == which[2] == which[3] == which[5] and len(set(which)) == 3
