"""Previewed post-its kept on the server until confirmed: by token, one person's, once,
for a while only. No wiki needed."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from coacte.web.pending import PENDING_SECONDS, Pending, PendingStore


def pending(sid: str = "sid-1", **kw) -> Pending:
    return Pending(sid, "Débat:X/Tour 1", {"territoire": "X", "tour": "1"},
                   [{"question": "1", "texte": "Un post-it"}], "paste", **kw)


def test_a_preview_is_taken_once_by_its_own_session():
    store = PendingStore()
    item = pending()
    token = store.put(item)
    assert len(token) >= 32
    assert store.take(token, "sid-2") is None      # another person's session
    assert store.take(token, "sid-1") is item      # still there for its own
    assert store.take(token, "sid-1") is None      # a double click writes nothing twice


def test_unknown_or_empty_tokens_give_nothing():
    store = PendingStore()
    store.put(pending())
    assert store.take("", "sid-1") is None
    assert store.take("not-a-token", "sid-1") is None
    assert store.take(None, "sid-1") is None


def test_an_empty_session_id_matches_no_preview():
    store = PendingStore()
    token = store.put(pending(sid="sid-1"))
    assert store.take(token, "") is None
    assert store.take(token, None) is None


def test_a_preview_expires():
    assert PENDING_SECONDS == 3600
    store = PendingStore(ttl=60)
    old = store.put(pending(created=time.monotonic() - 61))
    fresh = store.put(pending())
    assert store.take(old, "sid-1") is None
    assert store.take(fresh, "sid-1") is not None


def test_tokens_are_distinct_under_concurrent_puts():
    store = PendingStore()
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda i: store.put(pending(f"sid-{i}")), range(200)))
    assert len(set(tokens)) == 200
    assert all(store.take(token, f"sid-{i}") is not None for i, token in enumerate(tokens))
