"""The webhook's signature: only fresh, signed, never-seen calls are accepted."""

import json

from coacte.web import webhook

SECRET = "s" * 64
BODY = json.dumps({"title": "Débat:X/Tour 1", "revid": 3}).encode()


def check(headers, body=BODY, nonces=None, now=None):
    nonces = nonces or webhook.Nonces()
    return webhook.verify(SECRET, headers.get, body, nonces, now=now)


def test_signed_call_is_accepted_once():
    nonces = webhook.Nonces()
    headers = webhook.headers(SECRET, BODY)
    first = check(headers, nonces=nonces)
    assert (first.ok, first.status, first.event["title"]) == (True, 202, "Débat:X/Tour 1")
    replay = check(headers, nonces=nonces)
    assert (replay.ok, replay.status, replay.reason) == (False, 409, "replayed call")


def test_unsigned_forged_stale_and_malformed_calls_are_refused():
    assert check({}).status == 401
    forged = webhook.headers("another secret", BODY)
    assert check(forged).reason == "bad signature"
    tampered = webhook.headers(SECRET, BODY)
    assert check(tampered, body=BODY.replace(b"X", b"Y")).reason == "bad signature"
    stale = webhook.headers(SECRET, BODY, timestamp=1_000_000)
    assert check(stale).reason.startswith("stale call")
    future = webhook.headers(SECRET, BODY, timestamp=10**10)
    assert check(future).reason.startswith("stale call")
    bad = webhook.headers(SECRET, b"not json")
    assert (check(bad, body=b"not json").status, check(
        webhook.headers(SECRET, b'{"x": 1}'), body=b'{"x": 1}').status) == (400, 400)


def test_no_secret_configured_refuses_everything():
    verdict = webhook.verify("", webhook.headers(SECRET, BODY).get, BODY, webhook.Nonces())
    assert (verdict.ok, verdict.status) == (False, 503)


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
