"""Debate pages parsed once per revision, across runs.

Parsing is most of a global synthesis's time at network scale: 3,000 debate pages of
post-its and Delphi reactions (1.2 million template parameters) take about a minute
with mwparserfromhell, and from one run to the next almost none has a new revision.
:func:`coacte.jobs.inputs.read_inputs` hands :func:`coacte.validate.read_debates` the
view of the store it is given (see :class:`coacte.cache.stores.Stores`), which then
parses only the revisions it lacks.

A SQLite file (``<home>/cache/parsed.sqlite``): one row per page and *context* (the
bot's code and the grid's revision, which change what a page reads as), holding the
revision id and what the validator found on it, pickled. Only this program writes the
file, next to its settings: it is as trusted as the code. Deleting it only costs time.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from coacte.cache.files import Cache


class ParseStore:
    """Parsed pages by (title, context); safe to share between threads."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        self.db = Cache(path, "CREATE TABLE IF NOT EXISTS parsed (title TEXT, "
                             "context TEXT, revid INTEGER, value BLOB, "
                             "PRIMARY KEY (title, context))", autocommit=True)

    def view(self, context: str) -> ParsedPages:
        """The pages parsed in ``context``, as ``{(title, revid): found}``."""
        return ParsedPages(self, context)


class ParsedPages(MutableMapping):
    """``{(title, revid): what read_debate found}`` for one context; a page's older
    revisions are replaced, not kept."""

    def __init__(self, store: ParseStore, context: str):
        self.store, self.context = store, context
        self.memory: dict[tuple[str, int], object] = {}

    def _load(self, key: tuple[str, int]) -> bool:
        if key in self.memory:
            return True
        with self.store.lock:
            rows = self.store.db.rows(
                "SELECT revid, value FROM parsed WHERE title = ? AND context = ?",
                (key[0], self.context))
        row = rows[0] if rows else None
        if row is None or row[0] != key[1]:
            return False
        try:
            self.memory[key] = pickle.loads(row[1])
        except Exception:  # noqa: BLE001 — a damaged or outdated row is parsed again
            return False
        return True

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self._load(key)  # type: ignore[arg-type]

    def __getitem__(self, key: tuple[str, int]) -> object:
        if not self._load(key):
            raise KeyError(key)
        return self.memory[key]

    def __setitem__(self, key: tuple[str, int], value: object) -> None:
        self.memory[key] = value
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self.store.lock:
            self.store.db.write("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?, ?)",
                                (key[0], self.context, key[1], blob))

    def __delitem__(self, key: tuple[str, int]) -> None:
        self.memory.pop(key, None)
        with self.store.lock:
            self.store.db.write("DELETE FROM parsed WHERE title = ? AND context = ?",
                                (key[0], self.context))

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self.memory)

    def __len__(self) -> int:
        return len(self.memory)
