"""Logging in against the real wiki; sessions kept server side; CSRF; languages."""

from __future__ import annotations

import pytest

from tests.web.helpers import app_for, csrf, login


@pytest.fixture()
def app(local_wiki):
    return app_for(local_wiki)


def test_login_page_in_both_languages(app):
    client = app.test_client()
    assert "Se connecter" in client.get("/login", headers={"Accept-Language": "fr"}).text
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-GB,en"}).text
    assert "Log in" in client.get("/login?uselang=en").text


def test_login_with_the_wiki_account_keeps_the_password_nowhere(app, local_wiki):
    client = app.test_client()
    response = login(client, local_wiki, "moderator")
    assert response.status_code == 302
    home = client.get("/").text
    assert local_wiki.extra["local"]["moderator_user"] in home
    store = app.extensions["coacte_sessions"]
    (session,) = store._sessions.values()
    assert "coacte-moderate" in session.rights
    password = local_wiki.extra["local"]["moderator_password"]
    assert password not in repr(session.userinfo) and password not in str(dict(session.cookies))
    with client.session_transaction() as cookie_session:
        assert set(cookie_session) <= {"sid", "_flashes", "csrf_token"}


def test_wrong_password_is_refused(app, local_wiki):
    client = app.test_client()
    response = client.post("/login", data={
        "csrf_token": csrf(client), "username": local_wiki.extra["local"]["editor_user"],
        "password": "wrong-password"}, headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "refused this name and password" in response.text


def test_login_without_csrf_token_is_refused(app, local_wiki):
    local = local_wiki.extra["local"]
    response = app.test_client().post("/login", data={
        "username": local["editor_user"], "password": local["editor_password"]})
    assert response.status_code == 400
    assert not app.extensions["coacte_sessions"]._sessions


def test_logout_needs_csrf_and_ends_the_session(app, local_wiki):
    client = app.test_client()
    login(client, local_wiki)
    assert client.post("/logout").status_code == 400
    token = csrf(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not app.extensions["coacte_sessions"]._sessions


def test_next_only_goes_to_local_paths(app, local_wiki):
    client = app.test_client()
    local = local_wiki.extra["local"]
    response = client.post("/login?next=https://evil.example/x", data={
        "csrf_token": csrf(client), "username": local["editor_user"],
        "password": local["editor_password"]})
    assert response.headers["Location"] == "/"
