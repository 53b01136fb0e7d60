"""Following the wiki's recent changes when the webhook is not installed.

The watcher remembers the last change it handled (``rcid``) in a small state file, so
after a restart it resumes exactly there: no edit is missed and none is handled twice.
"""

from __future__ import annotations

import json
from pathlib import Path

from coacte.wiki.client import Wiki
from coacte.wiki.incremental import save_fingerprint


def load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_state(path: Path, state: dict) -> None:
    save_fingerprint(path, state)  # atomic: a crash leaves the old state or the new one


def changes_since(wiki: Wiki, rcid: int | None) -> tuple[list[str], int | None]:
    """Titles edited after change ``rcid`` (oldest first) and the newest rcid seen.

    With no ``rcid`` (first start) nothing is replayed: the watcher starts from now.
    The bot's own edits are left out (they are its refreshes, not input).
    """
    titles: list[str] = []
    newest = rcid
    for change in wiki.recent_changes():
        if newest is None or change.rcid > newest:
            newest = change.rcid
        if rcid is None or change.rcid <= rcid:
            break  # handled already (or, on a first start, only the newest is wanted)
        if change.user != wiki.username:
            titles.append(change.title)
    return list(dict.fromkeys(reversed(titles))), newest
