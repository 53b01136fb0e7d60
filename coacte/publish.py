"""The write half of every bot run: bodies → the bot's region of each page, safely.

All target pages are read in one batch, each body is placed in its page's region
(:func:`coacte.wikitext.region.place`), and only pages whose text really changes are
saved, each against the revision it was computed from. A page a human changed inside
the region, or that changed during the run, is a conflict: reported, not written.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from coacte.model import PageRevision
from coacte.wiki import Wiki
from coacte.wikitext import region

CREATED, UPDATED, UNCHANGED, CONFLICT = "created", "updated", "unchanged", "conflict"


@dataclass(frozen=True)
class Outcome:
    title: str
    status: str
    reason: str = ""
    #: In a dry run, the change that would be saved.
    diff: str = ""


def diff(title: str, old: str | None, new: str) -> str:
    """A unified diff of a page, as ``--dry-run`` prints it."""
    return "".join(difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{title} (wiki)" if old is not None else "/dev/null",
        tofile=f"{title} (bot)",
    ))


def publish(wiki: Wiki, bodies: dict[str, tuple[str, str]], *, dry_run: bool = False,
            progress: Callable[[Outcome, int, int], None] | None = None,
            current: dict[str, PageRevision | None] | None = None) -> list[Outcome]:
    """Write ``{title: (body, summary)}`` into the pages' bot regions.

    With ``dry_run`` nothing is written: each outcome carries the diff that would be
    saved. A :class:`~coacte.wiki.StopRequested` stops the loop before the next write.
    ``current`` holds the pages already read by the caller (not read again).
    """
    current = dict(current or {})
    missing = [t for t in bodies if t not in current]
    if missing:
        current.update(wiki.read(missing))
    outcomes: list[Outcome] = []
    for n, (title, (body, summary)) in enumerate(bodies.items(), 1):
        base = current.get(title)
        placed = region.place(base.text if base else None, body)
        if placed.status == region.UNCHANGED:
            outcome = Outcome(title, UNCHANGED)
        elif placed.status == region.CONFLICT:
            outcome = Outcome(title, CONFLICT, placed.reason)
        else:
            status = CREATED if base is None else UPDATED
            if dry_run:
                outcome = Outcome(title, status,
                                  diff=diff(title, base.text if base else None, placed.text))
            else:
                saved = wiki.save(title, placed.text, summary, base)
                outcome = (Outcome(title, status) if saved.status == "saved"
                           else Outcome(title, CONFLICT, "coacte-conflict-edit"))
        outcomes.append(outcome)
        if progress:
            progress(outcome, n, len(bodies))
    return outcomes
