"""The signed notification the CoActe extension sends after a debate page is saved.

The wiki signs ``<timestamp>.<nonce>.<body>`` with HMAC-SHA256 and a secret shared with
the service (``$wgCoActeWebhookSecret`` / ``[web] webhook_secret``). The service accepts a
call only if the signature matches, the timestamp is recent (default five minutes either
way) and the nonce was never seen: unsigned, forged, stale and replayed calls are refused
and change nothing. The nonces seen are kept in a SQLite file of the state folder
(:func:`nonce_file`), so a call cannot be replayed after the service restarts either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

MAX_AGE = 300


def sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """``sha256=<hex>``, as the extension computes it."""
    message = timestamp.encode() + b"." + nonce.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(secret: str, body: bytes, *, timestamp: int | None = None,
            nonce: str | None = None) -> dict[str, str]:
    """The headers of a signed call (what the extension sends; tests and tools use it)."""
    import secrets

    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {"Content-Type": "application/json", "X-CoActe-Timestamp": stamp,
            "X-CoActe-Nonce": nonce, "X-CoActe-Signature": sign(secret, stamp, nonce, body)}


def nonce_file(home: Path) -> Path:
    """Where the service keeps the nonces it has seen: ``<home>/state/``, beside the bots'
    other state, not in ``cache/``: deleting it is not free, it lets a call still within
    its five minutes be replayed once."""
    return home / "state" / "webhook-nonces.sqlite"


class Nonces:
    """The nonces of the calls seen within the time they could be replayed, in a SQLite
    file: a restarted service, or another process on the same file, still refuses them.
    Safe to share between threads (one connection, one lock) and between processes (each
    test-and-set is one SQLite transaction)."""

    def __init__(self, path: Path, max_age: int = MAX_AGE):
        self.path, self.max_age = Path(path), max_age
        self._lock = threading.Lock()
        self._db = _open(self.path)

    def first_time(self, nonce: str, now: float) -> bool:
        """Record ``nonce``; False if it was already recorded. ``INSERT OR IGNORE`` tests
        and sets at once, so of two threads or processes with the same nonce only one
        is told True; the nonces too old to matter are pruned in the same transaction."""
        with self._lock, self._db:  # the ``with`` commits, or rolls back on an error
            self._db.execute("BEGIN IMMEDIATE")  # other processes wait (``timeout``)
            self._prune(now)
            added = self._db.execute("INSERT OR IGNORE INTO nonces VALUES (?, ?)",
                                     (nonce, now)).rowcount
        return added == 1

    def _prune(self, now: float) -> None:
        """Forget the nonces that can no longer be replayed, which keeps the file small.
        A timestamp is accepted ``max_age`` either way, so a call first seen ``max_age``
        before its timestamp stays acceptable until ``2 * max_age`` after it was seen."""
        self._db.execute("DELETE FROM nonces WHERE seen_at < ?", (now - 2 * self.max_age,))

    def __len__(self) -> int:
        """How many nonces are remembered (tests check that pruning bounds it)."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM nonces").fetchone()[0]


def _open(path: Path) -> sqlite3.Connection:
    """The nonce file, created with its folder when missing. WAL: readers and the writer
    of several processes do not block one another; ``synchronous=FULL``: an accepted
    nonce survives even a power cut (a sync per call is nothing at the rate of page
    saves); autocommit, so :meth:`Nonces.first_time` opens its transaction itself."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS nonces "
                   "(nonce TEXT PRIMARY KEY, seen_at REAL NOT NULL)")
        db.execute("CREATE INDEX IF NOT EXISTS nonces_seen_at ON nonces (seen_at)")
    except sqlite3.Error:
        db.close()
        raise
    return db


@dataclass(frozen=True)
class Verdict:
    ok: bool
    status: int
    reason: str
    event: dict | None = None


def verify(secret: str, get_header, body: bytes, nonces: Nonces, now: float | None = None,
           max_age: int = MAX_AGE) -> Verdict:
    """Check a call; ``get_header(name)`` reads a request header."""
    now = time.time() if now is None else now
    if not secret:
        return Verdict(False, 503, "no webhook secret configured")
    stamp, nonce = get_header("X-CoActe-Timestamp"), get_header("X-CoActe-Nonce")
    signature = get_header("X-CoActe-Signature")
    if not (stamp and nonce and signature):
        return Verdict(False, 401, "unsigned call")
    # Compared as bytes: a header may hold any character (compare_digest refuses
    # non-ASCII str), and only the exact signature passes.
    expected = sign(secret, stamp, nonce, body).encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "surrogateescape")):
        return Verdict(False, 401, "bad signature")
    try:
        age = abs(now - int(stamp))
    except ValueError:
        return Verdict(False, 401, "bad timestamp")
    if age > max_age:
        return Verdict(False, 401, f"stale call ({int(age)} s old)")
    if not nonces.first_time(nonce, now):
        return Verdict(False, 409, "replayed call")
    try:
        event = json.loads(body)
        title = event["title"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return Verdict(False, 400, "malformed body")
    if not isinstance(title, str) or not title:
        return Verdict(False, 400, "malformed body")
    return Verdict(True, 202, "accepted", event)


def address_warning(webhook_url: str, host: str, port: int) -> str | None:
    """What to tell a person starting the service on ``host:port`` when the wiki
    notifies another address (``[web] webhook_url``): edits would silently stop
    refreshing the syntheses. None when they agree, or when no webhook is configured."""
    if not webhook_url:
        return None
    target = urlsplit(webhook_url)
    expected = target.port or (443 if target.scheme == "https" else 80)
    local = {"127.0.0.1", "localhost", "::1"}
    same_host = (host in ("0.0.0.0", "::")  # every interface: any name may reach it
                 or target.hostname == host or (target.hostname in local and host in local))
    if expected == port and same_host:
        return None
    return (f"warning: the wiki notifies {webhook_url} of every debate edit, but this service "
            f"listens on {host}:{port}: edits will not refresh the syntheses. Start it with "
            f"--port {expected}, or change webhook_url in the [web] table of coacte.toml "
            "(and run `coacte wiki up` again for the local wiki).")
