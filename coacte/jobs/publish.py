"""The write half of every bot run: bodies → the bot's region of each page, safely.

All target pages are read in one batch, each body is placed in its page's region
(:func:`coacte.wikitext.region.place`), and only pages whose text really changes are
saved, each against the revision it was computed from. A page a human changed inside
the region, or that changed during the run, is a conflict: reported, not written.

In approval mode (``Config.approval``) the bot writes no page itself: the text it would
save goes to the page's proposal page (:mod:`coacte.wikitext.proposal`), with the
revision it was computed from, for a moderator to approve; the outcome is ``proposed``.
An identical proposal is not saved again (its outcome is ``unchanged``, with the reason
``coacte-proposal-pending``), and a pending proposal the page no longer needs (the page
already has that text) is blanked. The check report is not held for approval: it is a
working list for editors, not a publication.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from coacte.i18n import message
from coacte.model import PageRevision
from coacte.wiki.client import Wiki
from coacte.wikitext import proposal, region

CREATED, UPDATED, UNCHANGED, CONFLICT = "created", "updated", "unchanged", "conflict"
PROPOSED = "proposed"
#: The reason of an ``unchanged`` outcome whose identical proposal already awaits approval.
PENDING = "coacte-proposal-pending"


@dataclass(frozen=True)
class Outcome:
    title: str
    status: str
    reason: str = ""
    #: In a dry run, the change that would be saved.
    diff: str = ""
    #: The page's revision after the run (saved or left unchanged), when known.
    revid: int | None = None


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
    saved. A :class:`~coacte.wiki.client.StopRequested` stops the loop before the next write.
    ``current`` holds the pages already read by the caller (not read again).
    """
    current = dict(current or {})
    held = {t: proposal.title_for(t) for t in bodies if _held(wiki, t)}
    missing = [t for t in bodies if t not in current]
    if missing or held:
        current.update(wiki.read(missing + list(held.values())))
    outcomes: list[Outcome] = []
    for n, (title, (body, summary)) in enumerate(bodies.items(), 1):
        base = current.get(title)
        placed = region.place(base.text if base else None, body)
        if placed.status == region.UNCHANGED:
            outcome = Outcome(title, UNCHANGED, revid=base.revid if base else None)
            if title in held and not dry_run:
                _withdraw(wiki, held[title], current.get(held[title]), summary)
        elif placed.status == region.CONFLICT:
            outcome = Outcome(title, CONFLICT, placed.reason)
        elif title in held:
            outcome = _propose(wiki, title, placed.text, summary, base,
                               current.get(held[title]), dry_run)
        else:
            status = CREATED if base is None else UPDATED
            if dry_run:
                outcome = Outcome(title, status,
                                  diff=diff(title, base.text if base else None, placed.text))
            else:
                saved = wiki.save(title, placed.text, summary, base)
                outcome = (Outcome(title, status, revid=saved.revid)
                           if saved.ok
                           else Outcome(title, CONFLICT, "coacte-conflict-edit"))
        outcomes.append(outcome)
        if progress:
            progress(outcome, n, len(bodies))
    return outcomes


def _held(wiki: Wiki, title: str) -> bool:
    """Whether a page the bot writes waits for a moderator's approval."""
    config = wiki.config
    return bool(config.approval and config.bot_user and title != config.report_page)


def _propose(wiki: Wiki, title: str, text: str, summary: str, base: PageRevision | None,
             pending: PageRevision | None, dry_run: bool) -> Outcome:
    """Save (or, in a dry run, show) the proposal of ``text`` for ``title``."""
    if dry_run:
        return Outcome(title, PROPOSED, diff=diff(title, base.text if base else None, text))
    page = proposal.render(proposal.Proposal(
        title, text, base.revid if base else None, base.timestamp if base else "", summary))
    if pending is not None and pending.text == page:
        return Outcome(title, UNCHANGED, PENDING)
    saved = wiki.save(proposal.title_for(title), page, summary, pending)
    if not saved.ok:
        return Outcome(title, CONFLICT, "coacte-conflict-edit")
    return Outcome(title, PROPOSED)


def _withdraw(wiki: Wiki, title: str, pending: PageRevision | None, summary: str) -> None:
    """Blank a proposal the page no longer needs (it already has the bot's text), so a
    moderator is not asked to approve a stale one."""
    if pending is None or proposal.is_blank(pending.text):
        return
    wiki.save(title, "", message("coacte-proposal-withdrawn", summary, lang=wiki.language),
              pending)
