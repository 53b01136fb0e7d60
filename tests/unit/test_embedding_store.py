"""Sentence vectors kept between runs: read back exactly, never trusted when damaged."""

from __future__ import annotations

import logging
import sqlite3

import numpy as np
import pytest

from coacte.cache.vectors import EmbeddingStore, _key
from coacte.synthesis import encoder as sentence_encoder

TEXTS = ["Les bénévoles sont fatigués", "The volunteers are tired", "Créer des jardins"]


@pytest.fixture
def counted(monkeypatch):
    """Counts the texts really encoded."""
    encoded: list[str] = []
    real = sentence_encoder._encode

    def counting(texts):
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(sentence_encoder, "_encode", counting)
    return encoded


def test_vectors_are_read_back_exactly_by_a_later_run(tmp_path):
    vectors = np.random.default_rng(1).random((3, 512), dtype=np.float32)
    EmbeddingStore(tmp_path / "v.sqlite").store(TEXTS, vectors)
    later = EmbeddingStore(tmp_path / "v.sqlite")  # another process, another run
    found = later.lookup(TEXTS + ["never stored"])
    assert set(found) == set(TEXTS) and len(later) == 3
    for text, vector in zip(TEXTS, vectors, strict=True):
        assert np.array_equal(found[text], vector)


def test_embed_encodes_only_what_the_store_lacks(tmp_path, counted):
    plain = sentence_encoder.embed(TEXTS)
    store = EmbeddingStore(tmp_path / "v.sqlite")
    counted.clear()
    first = sentence_encoder.embed(TEXTS[:2], store)
    second = sentence_encoder.embed(TEXTS, store)
    assert counted == ["les bénévoles sont fatigués", "the volunteers are tired",
                       "créer des jardins"]  # each text once, over both calls
    assert np.allclose(first, plain[:2], atol=1e-6) and np.allclose(second, plain, atol=1e-6)


def test_a_damaged_row_is_encoded_again(tmp_path, counted):
    store = EmbeddingStore(tmp_path / "v.sqlite")
    sentence_encoder.embed(TEXTS, store)
    with sqlite3.connect(tmp_path / "v.sqlite") as db:
        db.execute("UPDATE vectors SET vector = ? WHERE key = ?",
                   (b"\x00" * 12, _key(TEXTS[0].lower())))
    counted.clear()
    vectors = sentence_encoder.embed(TEXTS, store)
    assert counted == [TEXTS[0].lower()] and vectors.shape == (3, 512)


def test_each_call_uses_the_store_it_is_given_and_no_other(tmp_path, counted):
    one, two = EmbeddingStore(tmp_path / "one.sqlite"), EmbeddingStore(tmp_path / "two.sqlite")
    sentence_encoder.embed(TEXTS[:1], one)
    sentence_encoder.embed(TEXTS[1:], two)
    assert (len(one), len(two)) == (1, 2)
    counted.clear()
    sentence_encoder.embed(TEXTS[:1], one)
    assert counted == []  # found in its store
    sentence_encoder.embed(TEXTS[:1], two)
    assert counted == [TEXTS[0].lower()]  # not in this one: nothing is shared
    counted.clear()
    sentence_encoder.embed(TEXTS[:1])
    assert counted == [TEXTS[0].lower()] and len(one) == 1  # no store: none is used


def test_the_clustering_keeps_its_vectors_in_the_store_it_is_given(tmp_path, counted):
    from coacte.synthesis.cross_territory import default_cluster

    store = EmbeddingStore(tmp_path / "v.sqlite")
    cluster = default_cluster(store)
    labels = cluster(TEXTS, ["b"] * 3)
    assert len(store) > 0 and counted
    counted.clear()
    assert cluster(TEXTS, ["b"] * 3) == labels and counted == []  # sentences and words
    assert default_cluster()(TEXTS, ["b"] * 3) == labels and counted  # no store: encoded


def test_an_unreadable_file_is_set_aside_with_a_warning(tmp_path, caplog):
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING):
        store = EmbeddingStore(path)
    assert "v.sqlite cannot be read" in caplog.text and "v.sqlite.damaged" in caplog.text
    assert (tmp_path / "v.sqlite.damaged").read_bytes().startswith(b"not a database")
    store.store(["x"], np.ones((1, 512), dtype=np.float32))
    assert len(EmbeddingStore(path)) == 1


def test_a_file_damaged_during_a_run_is_set_aside_and_the_run_goes_on(tmp_path, caplog):
    """Issue 22: the file is overwritten while the store is open (a disk filling up, a
    copy over it): the next lookup finds nothing instead of raising ("database disk image
    is malformed"), the next store writes a new file, and a new run opens it."""
    path = tmp_path / "vectors.sqlite"
    store = EmbeddingStore(path)
    texts = [f"texte {n}" for n in range(3000)]  # more pages than SQLite keeps in memory
    store.store(texts, np.random.default_rng(0).random((3000, 512), dtype=np.float32))
    path.write_bytes(b"not a database at all " * 100_000)
    with caplog.at_level(logging.WARNING):
        assert store.lookup(texts) == {}
    assert "failed during the run" in caplog.text and (tmp_path / "vectors.sqlite.damaged").exists()
    store.store(TEXTS[:1], np.eye(1, 512, dtype=np.float32))
    again = EmbeddingStore(path)
    assert list(again.lookup(TEXTS)) == TEXTS[:1]


def test_a_cache_that_cannot_start_again_is_left_off(tmp_path, monkeypatch, caplog):
    path = tmp_path / "vectors.sqlite"
    store = EmbeddingStore(path)
    store._db.db.close()
    from coacte.cache import files

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(files, "_connect", refuse)
    with caplog.at_level(logging.WARNING):
        store.store(TEXTS, np.eye(3, 512, dtype=np.float32))  # no error: skipped
        assert store.lookup(TEXTS) == {} and len(store) == 0
    assert "going on without the cache" in caplog.text
