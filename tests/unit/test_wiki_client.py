"""The wiki client's error paths and request discipline, with HTTP mocked (`responses`).

The happy paths run against the real MediaWiki in tests/integration; here we make the
wiki misbehave in ways a real one rarely does on demand.
"""

import json
from urllib.parse import parse_qs

import pytest
import requests
import responses

from coacte.config import Config
from coacte.model import PageRevision
from coacte.wiki.client import StopRequested, Wiki, WikiError

API = "http://wiki.test/w/api.php"
FAKE_PASSWORD = "fake-" + "pw-for-tests"
CONFIG = Config(wiki_url="http://wiki.test/w", bot_user="Bot@app", bot_password=FAKE_PASSWORD)

SITEINFO = {"query": {
    "general": {"generator": "MediaWiki 1.39.17", "lang": "fr"},
    "namespaces": {"0": {"id": 0, "*": ""}, "3002": {"id": 3002, "*": "Synthèse"}},
    "userinfo": {"id": 1, "name": "Bot", "groups": ["bot"], "rights": ["bot", "edit"]},
}}


def params_of(call) -> dict:
    body = call.request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    query = parse_qs(body) if body else parse_qs(call.request.url.split("?", 1)[1])
    return {k: v[0] for k, v in query.items()}


def router(handlers):
    """A responses callback that answers by the request's action (and meta/prop)."""
    def callback(request):
        class _Call:
            pass
        call = _Call()
        call.request = request
        params = params_of(call)
        for match, answer in handlers:
            if all(params.get(k) == v for k, v in match.items()):
                result = answer(params) if callable(answer) else answer
                if isinstance(result, tuple):
                    return result
                return (200, {}, json.dumps(result))
        raise AssertionError(f"unexpected request {params}")
    return callback


LOGIN = [
    ({"meta": "tokens", "type": "login"}, {"query": {"tokens": {"logintoken": "t+\\"}}}),
    ({"action": "login"}, {"login": {"result": "Success"}}),
    ({"siprop": "general|namespaces"}, SITEINFO),
]


def page(title, text, revid=5):
    return {"title": title, "revisions": [{
        "revid": revid, "timestamp": "2026-01-01T00:00:00Z", "user": "Someone",
        "slots": {"main": {"content": text}}}]}


def add_router(handlers):
    responses.add_callback(responses.POST, API, callback=router(handlers))
    responses.add_callback(responses.GET, API, callback=router(handlers))


@responses.activate
def test_login_refused_names_the_user_and_never_the_password():
    add_router([
        ({"meta": "tokens", "type": "login"}, {"query": {"tokens": {"logintoken": "t"}}}),
        ({"action": "login"}, {"login": {"result": "Failed", "reason": "Incorrect password"}}),
    ])
    with pytest.raises(WikiError) as err:
        Wiki(CONFIG).login()
    assert "Bot@app" in str(err.value) and FAKE_PASSWORD not in str(err.value)


def test_no_wiki_configured_says_what_to_do():
    with pytest.raises(WikiError, match="coacte wiki up"):
        Wiki(Config())


@responses.activate
def test_unreachable_wiki_is_a_clear_error():
    responses.add(responses.GET, API, body=requests.ConnectionError("refused"))
    responses.add(responses.POST, API, body=requests.ConnectionError("refused"))
    with pytest.raises(WikiError, match="did not answer"):
        Wiki(CONFIG, max_retries=1, retry_timeout=0).login()


@responses.activate
def test_reads_are_batched_and_missing_pages_are_none():
    def pages(params):
        titles = params["titles"].split("|")
        assert len(titles) <= 50
        return {"curtimestamp": "2026-01-02T00:00:00Z", "query": {"pages": [
            page(t, f"text of {t}") if not t.endswith("7") else {"title": t, "missing": True}
            for t in titles]}}
    add_router(LOGIN + [({"action": "query", "prop": "revisions"}, pages)])
    wiki = Wiki(CONFIG).login()
    wiki.requests.clear()
    found = wiki.read([f"Page {n}" for n in range(120)])
    assert wiki.requests["query:revisions|userinfo"] == 3
    assert found["Page 7"] is None and found["Page 8"].text == "text of Page 8"
    assert wiki.start_timestamp == "2026-01-02T00:00:00Z"


@responses.activate
def test_maxlag_is_sent_and_waited_out():
    calls = {"n": 0}

    def lagging(params):
        assert params["maxlag"] == "5"
        calls["n"] += 1
        if calls["n"] == 1:
            return (200, {"X-Database-Lag": "7", "Retry-After": "0"},
                    json.dumps({"error": {"code": "maxlag", "info": "lagged"}}))
        return {"query": {"pages": [page("A", "a")]}}
    add_router(LOGIN + [({"action": "query", "prop": "revisions"}, lagging)])
    wiki = Wiki(CONFIG, retry_timeout=0).login()
    assert wiki.read(["A"])["A"].text == "a"
    assert calls["n"] == 2


def _edit_router(edit_answer, stop_text=None, current=None):
    """``current``: the page being written as the wiki has it (default: BASE, unchanged)."""
    def query(params):
        pages = []
        for title in params["titles"].split("|"):
            if title == CONFIG.stop_page:
                pages.append(page(title, stop_text) if stop_text
                             else {"title": title, "missing": True})
            elif title == BASE.title and (current or BASE) is not None:
                now = current or BASE
                pages.append(page(title, now.text, now.revid))
            else:
                pages.append({"title": title, "missing": True})
        return {"query": {"pages": pages}}
    return LOGIN + [
        ({"meta": "tokens", "type": "csrf"}, {"query": {"tokens": {"csrftoken": "c+\\"}}}),
        ({"action": "query", "prop": "revisions"}, query),
        ({"action": "edit"}, edit_answer),
    ]


BASE = PageRevision("Synthèse:X/Tour 1", 5, "2026-01-01T00:00:00Z", "old")


@responses.activate
def test_edit_sends_etiquette_and_conflict_is_reported_not_forced():
    seen = {}

    def conflict(params):
        seen.update(params)
        return {"error": {"code": "editconflict", "info": "Edit conflict"}}
    add_router(_edit_router(conflict))
    wiki = Wiki(CONFIG).login()
    saved = wiki.save("Synthèse:X/Tour 1", "new", "summary", BASE)
    assert saved.status == "conflict" and saved.code == "editconflict"
    assert seen["assert"] == "bot" and seen["bot"] == "1" and seen["nocreate"] == "1"
    assert seen["basetimestamp"] == BASE.timestamp and seen["starttimestamp"]
    assert "createonly" not in seen


@responses.activate
def test_create_is_createonly():
    seen = {}
    add_router(_edit_router(lambda p: seen.update(p) or {"edit": {"result": "Success",
                                                                  "newrevid": 9}}))
    saved = Wiki(CONFIG).login().save("Synthèse:Y/Tour 1", "new", "s", None)
    assert saved.status == "saved" and saved.revid == 9
    assert seen["createonly"] == "1" and "basetimestamp" not in seen


@responses.activate
def test_a_page_changed_since_it_was_read_is_a_conflict_without_writing():
    changed = PageRevision(BASE.title, 6, BASE.timestamp, "a human's text")
    add_router(_edit_router(lambda p: pytest.fail("must not write"), current=changed))
    saved = Wiki(CONFIG).login().save(BASE.title, "new", "s", BASE)
    assert (saved.status, saved.code) == ("conflict", "editconflict")


@responses.activate
def test_read_only_wiki_is_waited_out_then_a_clear_error():
    answers = {"n": 0}

    def readonly(params):
        answers["n"] += 1
        return {"error": {"code": "readonly", "info": "maintenance"}}
    add_router(_edit_router(readonly))
    with pytest.raises(WikiError, match="read-only"):
        Wiki(CONFIG, max_retries=2, retry_timeout=0).login().save(BASE.title, "x", "s", BASE)
    assert answers["n"] == 3  # the first try and two retries


@responses.activate
def test_a_short_read_only_spell_is_waited_out():
    answers = iter([{"error": {"code": "readonly", "info": "maintenance"}},
                    {"edit": {"result": "Success", "newrevid": 8}}])
    add_router(_edit_router(lambda p: next(answers)))
    saved = Wiki(CONFIG, retry_timeout=0).login().save(BASE.title, "x", "s", BASE)
    assert (saved.status, saved.revid) == ("saved", 8)


@responses.activate
def test_stop_page_halts_before_writing():
    add_router(_edit_router(lambda p: pytest.fail("must not write"),
                            stop_text="Explications.\n  stop  \n"))
    with pytest.raises(StopRequested, match="STOP"):
        Wiki(CONFIG).login().save(BASE.title, "x", "s", BASE)


@responses.activate
def test_stop_page_without_a_stop_line_lets_the_bot_write():
    add_router(_edit_router({"edit": {"result": "Success", "newrevid": 3}},
                            stop_text="Écrivez S-T-O-P seul sur une ligne pour arrêter."))
    assert Wiki(CONFIG).login().save(BASE.title, "x", "s", BASE).status == "saved"


@responses.activate
def test_a_page_over_the_wikis_size_limit_is_refused_before_any_request():
    wiki = Wiki(CONFIG)
    wiki.site.site = {"maxarticlesize": 1000}
    with pytest.raises(WikiError, match=r"\$wgMaxArticleSize") as err:
        wiki.save("Synthèse:Globale/Tour 1", "é" * 600, "résumé", None)
    assert "Synthèse:Globale/Tour 1" in str(err.value) and "nothing was written" in str(err.value)
    assert len(responses.calls) == 0  # nothing sent, nothing written
