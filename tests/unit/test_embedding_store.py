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
    """Installs no store at the end of the test, and counts the texts really encoded."""
    encoded: list[str] = []
    real = sentence_encoder._encode

    def counting(texts):
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(sentence_encoder, "_encode", counting)
    yield encoded
    sentence_encoder.use_store(None)


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
    sentence_encoder.use_store(EmbeddingStore(tmp_path / "v.sqlite"))
    counted.clear()
    first = sentence_encoder.embed(TEXTS[:2])
    second = sentence_encoder.embed(TEXTS)
    assert counted == ["les bénévoles sont fatigués", "the volunteers are tired",
                       "créer des jardins"]  # each text once, over both calls
    assert np.allclose(first, plain[:2], atol=1e-6) and np.allclose(second, plain, atol=1e-6)


def test_a_damaged_row_is_encoded_again(tmp_path, counted):
    store = EmbeddingStore(tmp_path / "v.sqlite")
    sentence_encoder.use_store(store)
    sentence_encoder.embed(TEXTS)
    with sqlite3.connect(tmp_path / "v.sqlite") as db:
        db.execute("UPDATE vectors SET vector = ? WHERE key = ?",
                   (b"\x00" * 12, _key(TEXTS[0].lower())))
    counted.clear()
    vectors = sentence_encoder.embed(TEXTS)
    assert counted == [TEXTS[0].lower()] and vectors.shape == (3, 512)


def test_an_unreadable_file_is_set_aside_with_a_warning(tmp_path, caplog):
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING):
        store = EmbeddingStore(path)
    assert "v.sqlite cannot be read" in caplog.text and "v.sqlite.damaged" in caplog.text
    assert (tmp_path / "v.sqlite.damaged").read_bytes().startswith(b"not a database")
    store.store(["x"], np.ones((1, 512), dtype=np.float32))
    assert len(EmbeddingStore(path)) == 1
