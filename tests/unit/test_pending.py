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
    store = PendingStore(total=200)  # above the cap, the oldest would be dropped
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda i: store.put(pending(f"sid-{i}")), range(200)))
    assert len(set(tokens)) == 200
    assert all(store.take(token, f"sid-{i}") is not None for i, token in enumerate(tokens))


def test_previews_are_capped_per_person_and_in_total_the_oldest_dropped_and_said():
    """Issue 22: 27 import previews of 4,900 rows held 300 MB; now a person keeps the
    last ``per_session``, the service the last ``total``; a dropped preview says so."""
    store = PendingStore(per_session=3, total=5)
    mine = [store.put(pending("me")) for _ in range(4)]
    assert store.take(mine[0], "me") is None and store.dropped(mine[0], "me")
    assert not store.dropped(mine[0], "someone else")  # told to its owner only
    others = [store.put(pending(f"other-{n}")) for n in range(3)]  # 3 + 3 > 5: oldest go
    assert store.dropped(mine[1], "me") and store.take(mine[1], "me") is None
    assert all(store.take(t, f"other-{n}") is not None for n, t in enumerate(others))
    assert store.take(mine[3], "me") is not None
    assert not store.dropped("never-given", "me")


def test_a_refused_write_gives_the_preview_back():
    store = PendingStore()
    token = store.put(pending())
    item = store.take(token, "sid-1")
    store.give_back(token, item)
    assert store.take(token, "sid-1") is item
