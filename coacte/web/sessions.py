"""Server-side sessions: a person's wiki cookies stay on the server.

The browser only holds a signed, random session id. The wiki session (cookies) and what
the wiki said of the person (name, groups, rights) are kept here, in memory, and expire
after a period without use. No password is ever stored: it is used once, to log in.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar


@dataclass
class UserSession:
    """One signed-in person: the wiki's cookies for them (the wiki client's jar: the
    service never speaks to the wiki's API itself) and what the wiki said of them."""

    cookies: CookieJar
    userinfo: dict
    last_seen: float = field(default_factory=time.monotonic)

    @property
    def name(self) -> str:
        return self.userinfo.get("name", "")

    @property
    def rights(self) -> list[str]:
        return self.userinfo.get("rights", [])


class SessionStore:
    """Sessions by id, thread-safe (the WSGI server runs several threads)."""

    def __init__(self, hours: float = 8):
        self.ttl = hours * 3600
        self._sessions: dict[str, UserSession] = {}
        self._lock = threading.Lock()

    def create(self, cookies, userinfo: dict) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[sid] = UserSession(cookies, userinfo)
        return sid

    def get(self, sid: str | None) -> UserSession | None:
        """The live session, or ``None`` (unknown or expired: then it is forgotten)."""
        if not sid:
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if time.monotonic() - session.last_seen > self.ttl:
                del self._sessions[sid]
                return None
            session.last_seen = time.monotonic()
            return session

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._sessions.pop(sid or "", None)

    def expire(self, sid: str) -> None:
        """Make a session old (tests of the expired-session path)."""
        with self._lock:
            if sid in self._sessions:
                self._sessions[sid].last_seen -= self.ttl + 1
