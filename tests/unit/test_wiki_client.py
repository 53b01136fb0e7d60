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
from coacte.wiki.client import Refused, StopRequested, Wiki, WikiError
from coacte.wiki.watching import changes_since

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


# -- named queries: prefixes, history, recent changes, patrol ------------------------------------


def _continued(key, batches, answered=None):
    """An API answer in ``batches`` (lists of items under ``query[key]``), continued with
    ``continue={"c": n}`` while batches remain; ``answered`` records each request."""
    def answer(params):
        if answered is not None:
            answered.append(params)
        n = int(params.get("c", 0))
        result = {"query": {key: batches[n]}}
        if n + 1 < len(batches):
            result["continue"] = {"c": str(n + 1), "continue": "-||"}
        return result
    return answer


@responses.activate
def test_pages_with_prefix_are_read_with_their_text_in_continued_batches():
    asked = []
    add_router(LOGIN + [({"action": "query", "generator": "allpages"}, _continued(
        "pages", [[page("CO-ACTE/Propositions/A", "a")], [page("CO-ACTE/Propositions/B", "b")]],
        asked))])
    wiki = Wiki(CONFIG).login()
    found = wiki.pages_with_prefix("CO-ACTE/Propositions/")
    assert [(p.title, p.text) for p in found] == [("CO-ACTE/Propositions/A", "a"),
                                                   ("CO-ACTE/Propositions/B", "b")]
    assert len(asked) == 2 and asked[0]["gapprefix"] == "CO-ACTE/Propositions/"
    assert asked[0]["gapnamespace"] == "0" and asked[0]["prop"] == "revisions"
    asked.clear()
    wiki.pages_with_prefix("", 3002)
    assert asked[0]["gapnamespace"] == "3002" and "gapprefix" not in asked[0]


@responses.activate
def test_titles_with_prefix_follow_the_continuation():
    asked = []
    add_router(LOGIN + [({"action": "query", "list": "allpages"}, _continued(
        "allpages", [[{"title": "Synthèse:Globale/Tour 2"}],
                     [{"title": "Synthèse:Globale/Tour 1"}]], asked))])
    titles = Wiki(CONFIG).login().titles_with_prefix("Globale/Tour ", 3002)
    assert titles == ["Synthèse:Globale/Tour 1", "Synthèse:Globale/Tour 2"]
    assert [(a["apprefix"], a["apnamespace"]) for a in asked] == [("Globale/Tour ", "3002")] * 2
    assert "prop" not in asked[0]  # titles only, no text


@responses.activate
def test_history_lists_revisions_newest_first_and_nothing_for_a_missing_page():
    def history(params):
        if params["titles"] == "Absente":
            return {"query": {"pages": [{"title": "Absente", "missing": True}]}}
        assert (params["rvlimit"], params["rvprop"]) == ("3", "ids|timestamp|user|content")
        return {"query": {"pages": [{"title": params["titles"], "revisions": [
            {"revid": 9, "timestamp": "t9", "user": "Ana", "slots": {"main": {"content": "v2"}}},
            {"revid": 4, "timestamp": "t4", "slots": {"main": {"content": "v1"}}}]}]}}
    add_router(LOGIN + [({"action": "query", "prop": "revisions"}, history)])
    wiki = Wiki(CONFIG).login()
    revisions = wiki.history("Synthèse:X/Tour 1", 3)
    assert [(r.revid, r.text, r.user) for r in revisions] == [(9, "v2", "Ana"), (4, "v1", "")]
    assert wiki.history("Absente") == []


def _rc(rcid, title, user="Ana", **extra):
    return {"rcid": rcid, "title": title, "revid": rcid * 10, "old_revid": rcid * 10 - 1,
            "user": user, "timestamp": f"t{rcid}", "comment": "", "type": "edit", **extra}


@responses.activate
def test_recent_changes_are_read_lazily_batch_after_batch():
    asked = []
    add_router(LOGIN + [({"action": "query", "list": "recentchanges"}, _continued(
        "recentchanges", [[_rc(5, "B"), _rc(4, "A", type="new", old_revid=0)], [_rc(3, "C")]],
        asked))])
    wiki = Wiki(CONFIG).login()
    changes = wiki.recent_changes(batch=2)
    first = next(changes)
    assert (first.rcid, first.title, first.revid, first.old_revid) == (5, "B", 50, 49)
    assert len(asked) == 1  # the next batch only when read on
    rest = list(changes)
    assert [(c.rcid, c.new, c.old_revid) for c in rest] == [(4, True, 0), (3, False, 29)]
    assert len(asked) == 2 and asked[1]["c"] == "1"
    assert asked[0]["rctype"] == "edit|new" and "rcshow" not in asked[0]


@responses.activate
def test_unpatrolled_edits_ask_one_batch_of_one_namespace():
    asked = []
    add_router(LOGIN + [({"action": "query", "list": "recentchanges"}, _continued(
        "recentchanges", [[_rc(7, "Débat:X/Tour 1"), _rc(6, "Débat:Y/Tour 1")], [_rc(1, "Z")]],
        asked))])
    edits = Wiki(CONFIG).login().unpatrolled_edits(3000, limit=2)
    assert [e.title for e in edits] == ["Débat:X/Tour 1", "Débat:Y/Tour 1"]
    assert len(asked) == 1
    assert (asked[0]["rcshow"], asked[0]["rcnamespace"], asked[0]["rclimit"]) == (
        "!patrolled", "3000", "2")


@responses.activate
def test_changes_since_stops_at_the_last_change_handled_and_skips_the_bots_own():
    asked = []
    add_router(LOGIN + [({"action": "query", "list": "recentchanges"}, _continued(
        "recentchanges", [[_rc(9, "C"), _rc(8, "B", user="Bot")], [_rc(7, "A"), _rc(6, "Old")],
                          [_rc(5, "Older")]], asked))])
    wiki = Wiki(CONFIG).login()
    assert changes_since(wiki, 6) == (["A", "C"], 9)
    assert len(asked) == 2  # the third batch is never asked for
    asked.clear()
    assert changes_since(wiki, None) == ([], 9)  # a first start replays nothing
    assert len(asked) == 1


@responses.activate
def test_patrol_uses_the_sessions_patrol_token():
    seen = {}
    add_router(LOGIN + [
        ({"type": "patrol"}, {"query": {"tokens": {"patroltoken": "p+\\"}}}),
        ({"action": "patrol"}, lambda p: seen.update(p) or {"patrol": {"rcid": 1}}),
    ])
    Wiki(CONFIG).login().patrol(42)
    assert (seen["revid"], seen["token"]) == ("42", "p+\\")


@responses.activate
def test_an_api_error_is_a_wiki_error_with_its_code():
    add_router(LOGIN + [
        ({"type": "patrol"}, {"query": {"tokens": {"patroltoken": "p+\\"}}}),
        ({"action": "patrol"}, {"error": {"code": "permissiondenied", "info": "No right"}}),
    ])
    with pytest.raises(WikiError) as err:
        Wiki(CONFIG).login().patrol(42)
    assert isinstance(err.value, Refused) and err.value.code == "permissiondenied"
    assert str(err.value) == "permissiondenied: No right"


@responses.activate
def test_the_sessions_cookies_and_name_resume_it():
    add_router(LOGIN)
    wiki = Wiki(CONFIG).login()
    wiki.cookies.set("wiki_session", "abc")
    again = Wiki.resume(CONFIG, wiki.cookies, wiki.userinfo())
    assert again.cookies.get("wiki_session") == "abc" and again.username == "Bot"
