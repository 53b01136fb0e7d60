"""The desk's lists kept while the wiki has not changed.

Each desk page lists what the wiki holds now (proposals, conflicts, input problems,
unpatrolled edits), and computing a list reads many pages. Several moderators open the
same pages at once, again and again, while the wiki seldom changes between two clicks;
so a list is kept with the wiki's newest change when it was computed (the ids of its
newest recent change and of its newest patrol, which the wiki logs but does not list
among recent changes: one small request), and served again only while those are still
the newest. Nobody sees a list older than the wiki: any edit or patrol anywhere computes
it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g

from coacte.wiki.client import Wiki

T = TypeVar("T")


class Fresh:
    """Lists by name, each with the change it was computed at (thread-safe)."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[object, object]] = {}
        self._lock = threading.Lock()

    def get(self, name: str, stamp: object, compute: Callable[[], T]) -> T:
        """The list ``name`` as of change ``stamp``: kept, or computed now."""
        with self._lock:
            kept = self._items.get(name)
        if kept is not None and kept[0] == stamp:
            return kept[1]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._items[name] = (stamp, value)
        return value


def newest_change(wiki: Wiki) -> tuple[int, int]:
    """The wiki's newest change and patrol (:meth:`~coacte.wiki.client.Wiki.newest_change`),
    read once a request."""
    if "coacte_newest_change" not in g:
        g.coacte_newest_change = wiki.newest_change()
    return g.coacte_newest_change


def fresh(wiki: Wiki, name: str, compute: Callable[[], T]) -> T:
    """The app's list ``name``, computed again only when the wiki changed since."""
    kept = current_app.extensions.setdefault("coacte_fresh", Fresh())
    return kept.get(name, newest_change(wiki), compute)
