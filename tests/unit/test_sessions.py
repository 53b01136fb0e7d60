"""Server-side sessions: by random id, expiring after a period without use. No wiki."""

from __future__ import annotations

from http.cookiejar import CookieJar

from coacte.web.sessions import SessionStore


def test_a_session_is_found_by_its_id_and_dropped():
    store = SessionStore(hours=1)
    sid = store.create(CookieJar(), {"name": "Editor", "rights": ["edit"]})
    session = store.get(sid)
    assert session is not None and session.name == "Editor" and session.rights == ["edit"]
    assert store.get("other") is None and store.get(None) is None and store.get("") is None
    store.drop(sid)
    assert store.get(sid) is None
    store.drop(None)  # nothing to drop: no error


def test_an_unused_session_expires_and_is_forgotten():
    store = SessionStore(hours=1)
    sid = store.create(CookieJar(), {})
    store.expire(sid)
    assert store.get(sid) is None
    assert sid not in store._sessions


def test_ids_are_random_and_long():
    store = SessionStore()
    ids = {store.create(CookieJar(), {}) for _ in range(50)}
    assert len(ids) == 50 and all(len(i) >= 40 for i in ids)
