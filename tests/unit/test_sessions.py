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


def test_the_session_cookie_is_secure_behind_https():
    """Issue 22: ``Secure`` when the service's address is https (or when
    ``[web] secure_cookies`` says so), so the cookie never travels in clear."""
    from coacte.config import Config
    from coacte.web import create_app

    def secure(web: dict) -> bool:
        app = create_app(Config(extra={"web": {"secret_key": "k", **web}}), TESTING=True)
        with app.test_request_context("/"):
            from flask import session

            session["x"] = 1
            response = app.make_response("ok")
            app.session_interface.save_session(app, session, response)
            return "Secure" in response.headers.get("Set-Cookie", "")

    assert secure({"url": "https://coacte.example.org"})
    assert not secure({"url": "http://127.0.0.1:5000"})
    assert secure({"url": "http://127.0.0.1:5000", "secure_cookies": True})
    assert not secure({"url": "https://coacte.example.org", "secure_cookies": False})
