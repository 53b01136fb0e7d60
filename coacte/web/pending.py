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
#: Previews waiting at once, per person and for the whole service (``[web]
#: previews_per_session``, ``previews_total``): an import preview holds its rows (up to
#: 5,000 rows, some 6 MB), so a person's oldest is dropped beyond these.
PER_SESSION, TOTAL = 5, 60


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

    def __init__(self, ttl: float = PENDING_SECONDS, *, per_session: int = PER_SESSION,
                 total: int = TOTAL):
        self.ttl, self.per_session, self.total = ttl, max(per_session, 1), max(total, 1)
        self._items: dict[str, Pending] = {}  # oldest first
        #: Tokens dropped to make room, with their owner's session: told when confirmed.
        self._dropped: dict[str, str] = {}
        self._lock = threading.Lock()

    def put(self, pending: Pending) -> str:
        """Keep a preview; beyond the caps, the oldest of the same person (else the
        oldest of all) is dropped, and its confirmation will say why."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._purge()
            own = [k for k, p in self._items.items() if p.sid == pending.sid]
            for old in own[:max(len(own) - self.per_session + 1, 0)]:
                self._drop(old)
            for old in list(self._items)[:max(len(self._items) - self.total + 1, 0)]:
                self._drop(old)
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

    def dropped(self, token: str, sid: str) -> bool:
        """Whether this person's preview ``token`` was dropped to make room (not
        expired, not confirmed): what to tell them."""
        with self._lock:
            owner = self._dropped.get(token or "")
            return owner is not None and secrets.compare_digest(owner, sid or "")

    def _drop(self, token: str) -> None:
        self._dropped[token] = self._items.pop(token).sid
        while len(self._dropped) > 10 * self.total:  # the memory of drops is bounded too
            self._dropped.pop(next(iter(self._dropped)))

    def give_back(self, token: str, pending: Pending) -> None:
        """Keep a taken preview again under its token: its write was refused (a
        conflict, the wiki unreachable), so the person can confirm it again."""
        with self._lock:
            self._items[token] = pending

    def _purge(self) -> None:
        now = time.monotonic()
        for token in [k for k, p in self._items.items() if now - p.created > self.ttl]:
            del self._items[token]
