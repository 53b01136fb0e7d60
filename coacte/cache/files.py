"""The SQLite files of ``<home>/cache/``: opened the same way, and never a reason to stop.

A cache only saves time (sentence vectors, parsed pages), so a file that SQLite cannot
read (a disk that filled up, a copy cut short, another program's file at that name) is
set aside as ``<name>.damaged`` with a warning naming it, and a new one is started:
when it is opened, and at any moment of a run (:class:`Cache`), where the question asked
then answers "nothing stored" and the run goes on. When no new file can be started
either (a read-only or full disk), the run goes on without the cache.
"""

from __future__ import annotations

import contextlib
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


class Cache:
    """A cache file that heals: :meth:`rows` and :meth:`write` never raise a SQLite
    error. The first one sets the file aside (as :func:`open_cache` does) and starts a
    new one; a read then finds nothing, a write is made in the new file (or skipped,
    with the cache off for the rest of the run, when no file can be started). Callers
    hold their own lock, as with :func:`open_cache`."""

    def __init__(self, path: Path, schema: str, *, autocommit: bool = False):
        self.path, self.schema, self.autocommit = path, schema, autocommit
        self.db: sqlite3.Connection | None = open_cache(path, schema, autocommit=autocommit)

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        """The rows a query answers (none once the file was found damaged)."""
        if self.db is None:
            return []
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            self._heal(error)
            return []

    def write(self, sql: str, params: tuple | list = (), *, many: bool = False) -> None:
        """Run a statement (``many``: once per row of ``params``), committed."""
        for _ in range(2):  # in the file as it is, else once in a new one
            if self.db is None:
                return
            try:
                with self.db:
                    (self.db.executemany if many else self.db.execute)(sql, params)
                return
            except sqlite3.DatabaseError as error:
                self._heal(error)

    def _heal(self, error: sqlite3.DatabaseError) -> None:
        log.warning("cache file %s failed during the run (%s): set aside as %s, going on "
                    "with a new one (this only costs time)", self.path, error,
                    self.path.name + ".damaged")
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        try:
            os.replace(self.path, self.path.with_name(self.path.name + ".damaged"))
            for companion in (self.path.with_name(self.path.name + "-wal"),
                              self.path.with_name(self.path.name + "-shm")):
                companion.unlink(missing_ok=True)
            self.db = _connect(self.path, self.schema, self.autocommit)
        except (OSError, sqlite3.Error) as again:
            log.warning("no new cache file at %s (%s): going on without the cache",
                        self.path, again)
            self.db = None
