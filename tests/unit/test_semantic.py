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
    """Surely: translations score far above the sure bar."""
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
    # A coded and an uncoded member of one idea meet, and so do two dimensions.
    assert cluster(pair, [0, 0], codes=[("H", "H03"), ("", "")]) == [0, 0]
    assert cluster(pair, [0, 0], codes=[("H", "H03"), ("H", "H01")]) == [0, 0]
    assert cluster(pair, [0, 0], codes=[("H", "H03"), ("C", "C01")]) == [0, 0]
    # Codes of two dimensions lower the score: at a bar this pair just clears, it
    # no longer does...
    cosine = float(np.dot(*embed(pair)))
    tight = Settings(sentence_threshold=round(cosine - 0.02, 3), centre_languages=False,
                     sure_threshold=None)
    assert cluster(pair, [0, 0], tight, codes=[("H", "H03"), ("", "")]) == [0, 0]
    assert cluster(pair, [0, 0], tight, codes=[("H", "H03"), ("C", "C01")]) == [0, 1]
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
def test_the_negation_guard_is_a_setting_not_a_wall(pair):
    # Merged by default: the review queue asks about it (a flag, not a wall)...
    assert cluster(list(pair), [0, 0]) == [0, 0]
    flags = semantic.guard_flags(list(pair))
    assert flags[0] == () and "negation" in flags[1]
    # ... and kept apart when the wall is asked for.
    assert cluster(list(pair), [0, 0], Settings(negation_guard=True)) == [0, 1]


def test_portuguese_no_is_not_a_negation():
    assert not semantic._negated(semantic.normalize("Criar um espaço no bairro"))
    assert semantic._negated(semantic.normalize("No bus on Sundays"))
    assert not semantic._negated(semantic.normalize("De plus en plus de familles"))


def test_ideas_about_different_groups_of_people_are_flagged():
    pair = ["Les jeunes ne sont pas associés aux décisions",
            "Les personnes âgées ne sont pas associées aux décisions"]
    assert semantic.groups(pair[0]) == {"youth"}
    assert semantic.groups(pair[1]) == {"elderly"}
    flags = semantic.guard_flags(pair)
    assert flags[0] == () and "groups" in flags[1] and "negation" not in flags[1]
    assert cluster(pair, [0, 0], Settings(group_guard=True)) == [0, 1]


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


@pytest.fixture(scope="module")
def held_out() -> dict:
    """Half B of the ordinary debates: the settings were chosen on half A."""
    return bench.evaluate(bench.halves(bench.load(bench.DEBATES))[1], Settings())


def test_the_evaluation_set_is_consistent():
    items = bench.load()
    assert len(items) >= 200
    clusters: dict[str, set] = {}
    for item in items:
        clusters.setdefault(item["cluster"], set()).add(bench.bucket(item))
    assert all(len(buckets) == 1 for buckets in clusters.values())
    assert {item["lang"] for item in items} == {"fr", "en", "pt"}


def test_ordinary_debates_held_out_goal(held_out):
    """Issue 21: ARI >= 0.80 at merge precision >= 0.88 on half B (0.817 / 0.943)."""
    assert held_out["ari"] >= 0.80
    assert held_out["precision"] >= 0.88


def test_the_stress_set_does_not_regress(evaluation):
    """``ideas.jsonl`` is a stress test of near misses (no floor in issue 21; its near
    misses are the queue's first questions): the level when written (0.575) is a floor
    against regressions, not a goal."""
    assert evaluation["ari"] >= 0.55
    assert evaluation["recall"] >= 0.9


def test_a_stricter_setting_trades_recall_for_precision():
    """The defaults are not the only knob: documents the trade-off the sweep shows."""
    items = bench.halves(bench.load(bench.DEBATES))[1]
    strict = bench.evaluate(items, dataclasses.replace(Settings(), sentence_threshold=0.40))
    loose = bench.evaluate(items, Settings())
    assert strict["precision"] > loose["precision"]
    assert strict["recall"] < loose["recall"]


def test_centring_takes_each_languages_mean_off():
    rng = np.random.default_rng(1)
    french = rng.normal(size=(60, 8)) + 3.0 * np.eye(8)[0]  # a shared "French" component
    english = rng.normal(size=(40, 8)) + 3.0 * np.eye(8)[1]
    vectors = np.vstack([french, english]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    langs = ["fr"] * 60 + ["en"] * 40
    out = semantic.centred(vectors, langs)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    # The language's component is mostly gone: French rows no longer point along axis 0.
    assert vectors[:60, 0].mean() > 0.6 > 0.3 > out[:60, 0].mean()
    assert vectors[60:, 1].mean() > 0.6 > 0.3 > out[60:, 1].mean()
    # Shrunk towards zero: a language with one text keeps most of its own vector.
    alone = semantic.centred(vectors[:1], ["pt"])
    assert float(alone[0] @ vectors[0]) > 0.99
    # The same vector for every text of a language leaves no direction: it is kept.
    same = np.tile(vectors[:1], (3, 1))
    assert np.allclose(semantic.centred(same, ["fr"] * 3), same, atol=1e-5)


def _line(points: list[float]) -> np.ndarray:
    """Unit vectors at the given angles (degrees) in a plane: cosines are chosen."""
    radians = np.radians(points)
    vectors = np.zeros((len(points), DIMENSIONS), dtype=np.float32)
    vectors[:, 0], vectors[:, 1] = np.cos(radians), np.sin(radians)
    return vectors


def test_two_bars_sure_merges_and_merges_to_confirm():
    """Above the sure bar a merge is plain; between the bars it is made but doubted,
    with the join's score and its closest pair."""
    settings = Settings(sentence_threshold=0.5, sure_threshold=0.9, centre_languages=False)
    # 0 and 1 at 10 degrees (cosine 0.98: sure), 2 at 50 degrees from 1 (0.64: between
    # the bars), 3 far (cosine < 0.5 with all: alone).
    vectors = _line([0, 10, 60, 150])
    texts = ["un", "deux", "trois", "quatre"]
    result = semantic.merge(texts, [0] * 4, settings, vectors)
    assert result.labels == [0, 0, 0, 3]
    assert result.parts == [0, 0, 2, 3]
    (label, doubt), = result.doubts.items()
    assert label == 0 and doubt.closest == (1, 2)
    # Average linkage: the join's score is the mean of cos 60 and cos 50 degrees.
    assert doubt.score == pytest.approx((np.cos(np.radians(60)) + np.cos(np.radians(50))) / 2,
                                        abs=1e-3)
    # Without a sure bar, or with the sure bar at the merge bar, every merge is sure.
    for sure in (None, 0.5):
        plain = semantic.merge(texts, [0] * 4, dataclasses.replace(settings,
                                                                  sure_threshold=sure),
                               vectors)
        assert plain.labels == [0, 0, 0, 3] and plain.parts == plain.labels
        assert plain.doubts == {}


def test_three_translations_merge_and_say_how_sure():
    result = semantic.merge(FRENCH_ENGLISH_PORTUGUESE, [0, 0, 0],
                            langs=["fr", "en", "pt"])
    assert result.labels == [0, 0, 0]
    strict = semantic.merge(FRENCH_ENGLISH_PORTUGUESE, [0, 0, 0],
                            Settings(sure_threshold=0.99), langs=["fr", "en", "pt"])
    assert strict.labels == [0, 0, 0] and len(set(strict.parts)) > 1
    assert 0.25 <= strict.doubts[0].score < 0.99


def test_components_merged_block_by_block_are_the_connected_components():
    which = np.arange(6)
    which = semantic._merge(which, np.array([0]), np.array([5]))
    which = semantic._merge(which, np.array([2]), np.array([3]))
    assert len(set(which)) == 4 and which[0] == which[5] and which[2] == which[3]
    which = semantic._merge(which, np.array([3]), np.array([5]))
    assert which[0] == which[2] == which[3] == which[5] and len(set(which)) == 3
