"""The SQLite files of ``<home>/cache/``: opened the same way, and never a reason to stop.

A cache only saves time (sentence vectors, parsed pages), so a file that SQLite cannot
read (a disk that filled up, a copy cut short, another program's file at that name) is
set aside as ``<name>.damaged`` with a warning naming it, and a new one is started.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)


def open_cache(path: Path, schema: str, *, autocommit: bool = False) -> sqlite3.Connection:
    """A connection to the cache file ``path`` holding ``schema`` (``CREATE TABLE IF NOT
    EXISTS ...``), shareable between threads (callers hold their own lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path, schema, autocommit)
    except sqlite3.DatabaseError as error:
        aside = path.with_name(path.name + ".damaged")
        log.warning("cache file %s cannot be read (%s): set aside as %s, starting a new "
                    "one (this only costs time)", path, error, aside.name)
        os.replace(path, aside)
        for companion in (path.with_name(path.name + "-wal"),
                          path.with_name(path.name + "-shm")):
            companion.unlink(missing_ok=True)
        return _connect(path, schema, autocommit)


def _connect(path: Path, schema: str, autocommit: bool) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False,
                         **({"isolation_level": None} if autocommit else {}))
    try:
        db.execute("PRAGMA journal_mode=WAL")  # reads while another run writes
        db.execute("PRAGMA synchronous=OFF")  # a row lost in a crash is only computed again
        db.execute(schema)
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
