"""The webhook's signature: only fresh, signed, never-seen calls are accepted, also
after the service restarts (the nonces seen are kept in the state folder)."""

import json
import threading
from functools import partial

import pytest

from coacte.config import Config
from coacte.web import create_app, webhook

SECRET = "s" * 64
BODY = json.dumps({"title": "Débat:X/Tour 1", "revid": 3}).encode()
NOW = 1_700_000_000


@pytest.fixture()
def nonces(tmp_path):
    return webhook.Nonces(tmp_path / "nonces.sqlite")


def check(headers, nonces, body=BODY, now=None):
    return webhook.verify(SECRET, headers.get, body, nonces, now=now)


class Refreshes:
    """Stands in for the debounced refresh: the titles accepted calls queued."""

    def __init__(self):
        self.titles = []

    def add(self, title):
        self.titles.append(title)


def service(**config):
    """One start of the service (a restart: another one), its refresh recorded."""
    app = create_app(Config(extra={"web": {"webhook_secret": SECRET}}), TESTING=True, **config)
    app.extensions["coacte_refresh"] = Refreshes()
    return app


def post(app, headers):
    return app.test_client().post("/hooks/edit", data=BODY, headers=headers)


def test_signed_call_is_accepted_once(nonces):
    headers = webhook.headers(SECRET, BODY)
    first = check(headers, nonces)
    assert (first.ok, first.status, first.event["title"]) == (True, 202, "Débat:X/Tour 1")
    replay = check(headers, nonces)
    assert (replay.ok, replay.status, replay.reason) == (False, 409, "replayed call")


def test_unsigned_forged_stale_and_malformed_calls_are_refused(nonces):
    assert check({}, nonces).status == 401
    forged = webhook.headers("another secret", BODY)
    assert check(forged, nonces).reason == "bad signature"
    tampered = webhook.headers(SECRET, BODY)
    assert check(tampered, nonces, body=BODY.replace(b"X", b"Y")).reason == "bad signature"
    stale = webhook.headers(SECRET, BODY, timestamp=1_000_000)
    assert check(stale, nonces).reason.startswith("stale call")
    future = webhook.headers(SECRET, BODY, timestamp=10**10)
    assert check(future, nonces).reason.startswith("stale call")
    bad = webhook.headers(SECRET, b"not json")
    assert (check(bad, nonces, body=b"not json").status, check(
        webhook.headers(SECRET, b'{"x": 1}'), nonces, body=b'{"x": 1}').status) == (400, 400)


def test_no_secret_configured_refuses_everything(nonces):
    verdict = webhook.verify("", webhook.headers(SECRET, BODY).get, BODY, nonces)
    assert (verdict.ok, verdict.status) == (False, 503)


def test_a_restarted_service_still_refuses_a_replayed_call(tmp_path):
    state = tmp_path / "nonces.sqlite"
    headers = webhook.headers(SECRET, BODY)
    first = service(COACTE_WEBHOOK_NONCES=state)
    assert post(first, headers).status_code == 202
    restarted = service(COACTE_WEBHOOK_NONCES=state)
    replay = post(restarted, headers)
    assert (replay.status_code, replay.json["error"]) == (409, "replayed call")
    assert restarted.extensions["coacte_refresh"].titles == []  # nothing queued
    assert post(restarted, webhook.headers(SECRET, BODY)).status_code == 202  # a new call


def test_the_nonces_are_kept_in_the_state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COACTE_HOME", str(tmp_path))
    headers = webhook.headers(SECRET, BODY)
    assert post(service(), headers).status_code == 202
    assert (tmp_path / "state" / "webhook-nonces.sqlite").is_file()
    assert post(service(), headers).status_code == 409


def test_an_unusable_nonce_file_refuses_the_call(tmp_path):
    state = tmp_path / "nonces.sqlite"
    state.write_bytes(b"not a database " * 100)
    app = service(COACTE_WEBHOOK_NONCES=state)
    refused = post(app, webhook.headers(SECRET, BODY))
    assert (refused.status_code, refused.json["error"]) == (503, "nonce store unavailable")
    assert app.extensions["coacte_refresh"].titles == []


def test_a_call_past_the_window_is_refused_as_stale_and_its_nonce_pruned(tmp_path):
    state = tmp_path / "nonces.sqlite"
    old = webhook.headers(SECRET, BODY, timestamp=NOW, nonce="old")
    assert check(old, webhook.Nonces(state), now=NOW).ok
    later = NOW + 2 * webhook.MAX_AGE + 1  # "old" can no longer be replayed: stale
    restarted = webhook.Nonces(state)
    assert check(old, restarted, now=later).reason.startswith("stale call")
    assert len(restarted) == 1  # a stale call is not recorded
    fresh = webhook.headers(SECRET, BODY, timestamp=later, nonce="fresh")
    assert check(fresh, restarted, now=later).ok
    assert len(restarted) == 1  # "old" pruned: the file holds only the window's nonces


def test_a_nonce_is_kept_as_long_as_its_call_could_be_replayed(nonces):
    # Timestamps are accepted MAX_AGE either way: a call first seen MAX_AGE before its
    # timestamp is replayable until 2 * MAX_AGE after it was seen.
    early = webhook.headers(SECRET, BODY, timestamp=NOW + webhook.MAX_AGE, nonce="early")
    assert check(early, nonces, now=NOW).ok
    other = webhook.headers(SECRET, BODY, timestamp=NOW + 2 * webhook.MAX_AGE, nonce="other")
    assert check(other, nonces, now=NOW + 2 * webhook.MAX_AGE).ok  # prunes as it records
    assert check(early, nonces, now=NOW + 2 * webhook.MAX_AGE).reason == "replayed call"


def race(calls):
    """Run ``calls`` in threads released together; their results."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_threads_sharing_a_store_accept_a_nonce_once(nonces):
    for n in range(30):
        headers = webhook.headers(SECRET, BODY, nonce=f"n{n}")
        verdicts = race([partial(check, headers, nonces)] * 2)
        assert sorted(v.status for v in verdicts) == [202, 409]


def test_two_services_on_one_state_folder_accept_a_nonce_once(tmp_path):
    # Two processes (or the old and the new one during a restart) share the file.
    state = tmp_path / "nonces.sqlite"
    apps = [service(COACTE_WEBHOOK_NONCES=state), service(COACTE_WEBHOOK_NONCES=state)]
    for _ in range(30):
        headers = webhook.headers(SECRET, BODY)
        responses = race([partial(post, app, headers) for app in apps])
        assert sorted(r.status_code for r in responses) == [202, 409]
    assert sum(len(app.extensions["coacte_refresh"].titles) for app in apps) == 30


def test_signature_matches_the_extensions_formula():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1700000000.abc." + BODY, hashlib.sha256).hexdigest()
    assert webhook.sign(SECRET, "1700000000", "abc", BODY) == "sha256=" + expected


def test_the_service_warns_when_the_wiki_notifies_another_address():
    from coacte.web.webhook import address_warning

    url = "http://127.0.0.1:5000/hooks/edit"
    assert address_warning(url, "127.0.0.1", 5000) is None
    assert address_warning(url, "localhost", 5000) is None
    assert address_warning("", "127.0.0.1", 5050) is None  # no webhook configured
    warning = address_warning(url, "127.0.0.1", 5050)
    assert warning and url in warning and "--port 5000" in warning
    assert "5050" in warning
    assert address_warning("https://forms.example.org/hooks/edit", "0.0.0.0", 443) is None
    assert address_warning("http://10.0.0.2:5000/hooks/edit", "127.0.0.1", 5000)

