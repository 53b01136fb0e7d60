"""Previewed post-its waiting for their confirmation, kept on the server.

Paste and import show a preview first; the rows previewed are kept here under a random
token, bound to the person's session, for an hour, and exactly those are written when the
person confirms (:func:`coacte.web.forms.confirm`). The store is the service's own state:
one per app (``app.extensions``), nothing on the wiki.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

#: How long a previewed paste or import waits for its confirmation.
PENDING_SECONDS = 3600


@dataclass
class Pending:
    """What a confirmation will write: post-its for a debate page."""

    sid: str
    title: str
    header: dict[str, str]
    postits: list[dict[str, str]]
    source: str  # "paste" or "import"
    created: float = field(default_factory=time.monotonic)


class PendingStore:
    """Previews waiting for confirmation, by random token (thread-safe, expiring)."""

    def __init__(self, ttl: float = PENDING_SECONDS):
        self.ttl = ttl
        self._items: dict[str, Pending] = {}
        self._lock = threading.Lock()

    def put(self, pending: Pending) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._purge()
            self._items[token] = pending
        return token

    def take(self, token: str, sid: str) -> Pending | None:
        """The pending write of ``token`` if it is the same person's and not expired;
        it is removed, so a double click cannot write it twice."""
        with self._lock:
            self._purge()
            pending = self._items.get(token or "")
            if pending is None or not secrets.compare_digest(pending.sid, sid or ""):
                return None
            return self._items.pop(token)

    def give_back(self, token: str, pending: Pending) -> None:
        """Keep a taken preview again under its token: its write was refused (a
        conflict, the wiki unreachable), so the person can confirm it again."""
        with self._lock:
            self._items[token] = pending

    def _purge(self) -> None:
        now = time.monotonic()
        for token in [k for k, p in self._items.items() if now - p.created > self.ttl]:
            del self._items[token]
