"""The moderators' desk, core side: what awaits a moderator, and their decisions.

Five jobs, each a few functions the web views wire (every wiki access goes through the
moderator's *own* session, so the wiki's rights apply and the history names them):

* **proposals** (approval mode): list ``CO-ACTE/Propositions/…`` pages with a diff
  against the page now; approve (write the proposed text against the revision it was
  computed from: a page changed since is a conflict, never overwritten) or reject; an
  approved or rejected proposal is blanked, which needs no delete right;
* **conflicts**: synthesis pages whose bot region a human changed or damaged (the bot
  refuses to write them), with what the bot last wrote there;
* **input problems**: what ``coacte check`` finds;
* **patrol**: unpatrolled edits of debate pages, with their diff, and marking one
  patrolled;
* **curation**: a ``{{CO-ACTE curation}}`` decision written on a global synthesis page,
  outside the bot's region, refused when :func:`coacte.curation.check` (the rules the
  bot applies at every run) finds it wrong against the ideas the page publishes.

Each decision returns a :class:`Result` whose ``key`` is a message for the person.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from coacte import contract
from coacte.cache.parsed_pages import ParseStore
from coacte.curation import (
    CARRIED_ACTIONS,
    Curation,
    check,
    curation_call,
    insert_curation,
    read_curations,
)
from coacte.i18n import message
from coacte.jobs.authority import vetted
from coacte.jobs.inputs import read_inputs
from coacte.model import Grid, PageRevision
from coacte.problems import Problem
from coacte.synthesis.rounds import FROZEN
from coacte.validate import read_grid
from coacte.wiki.client import Change, Wiki, WikiError
from coacte.wikitext import proposal, region
from coacte.wikitext.synthesis_page import PublishedIdea, published_ideas, state

# Result statuses.
APPROVED, REJECTED, PATROLLED, SAVED = "approved", "rejected", "patrolled", "saved"
CONFLICT, CHANGED, GONE, INVALID, ERROR = "conflict", "changed", "gone", "invalid", "error"

#: Kinds of diff lines (CSS classes of the desk).
ADD, DEL, CONTEXT, HUNK = "add", "del", "ctx", "hunk"


@dataclass(frozen=True)
class Result:
    """The outcome of one decision: a status and a message (key and parameters)."""

    status: str
    key: str
    params: tuple = ()
    page: str = ""
    #: The revision a saved decision made, when the wiki said it.
    revid: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in (APPROVED, REJECTED, PATROLLED, SAVED)


# -- diffs (pure) -----------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str
    text: str

    @property
    def sign(self) -> str:
        return {ADD: "+", DEL: "−", CONTEXT: " "}.get(self.kind, "")


def diff_lines(old: str | None, new: str | None, context: int = 3) -> list[DiffLine]:
    """A line diff of two texts as marked lines (``add``, ``del``, ``ctx``, ``hunk``):
    plain text, for a template to escape; no HTML is built here."""
    lines: list[DiffLine] = []
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    for raw in difflib.unified_diff(old_lines, new_lines, lineterm="", n=context):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(DiffLine(HUNK, raw))
        elif raw.startswith("+"):
            lines.append(DiffLine(ADD, raw[1:]))
        elif raw.startswith("-"):
            lines.append(DiffLine(DEL, raw[1:]))
        else:
            lines.append(DiffLine(CONTEXT, raw[1:]))
    return lines


def history_url(config, title: str) -> str:
    return config.page_url(title) + "&action=history"


def diff_url(config, title: str, oldid: int) -> str:
    """MediaWiki's own diff from revision ``oldid`` to the page's current revision."""
    return config.page_url(title) + f"&diff=cur&oldid={oldid}"


def wiki_error(exc: WikiError) -> Result:
    """A wiki failure or refusal (``code: info``) as the desk tells it."""
    return Result(ERROR, "coacte-mod-wiki-error", (str(exc),))


# -- proposals ------------------------------------------------------------------------------


@dataclass
class Pending:
    """A proposal page awaiting a decision, and the target page as it is now."""

    page: PageRevision
    proposal: proposal.Proposal | None
    current: PageRevision | None = None
    #: Why the proposal page could not be read ("" when it could).
    error: str = ""

    @property
    def target(self) -> str:
        return proposal.target_of(self.page.title) or self.page.title

    @property
    def stale(self) -> bool:
        """The page changed since the proposal was computed: approving would conflict."""
        if self.proposal is None:
            return False
        return (self.current.revid if self.current else None) != self.proposal.base_revid

    @property
    def diff(self) -> list[DiffLine]:
        if self.proposal is None:
            return []
        return diff_lines(self.current.text if self.current else None, self.proposal.text)


def pending(wiki: Wiki) -> list[Pending]:
    """The proposals awaiting a moderator (blank proposal pages are done with), each with
    its target page as it is now (read in one batch)."""
    found: list[Pending] = []
    for page in wiki.pages_with_prefix(proposal.PREFIX):
        if proposal.is_blank(page.text):
            continue
        try:
            parsed = proposal.parse(page.text)
        except proposal.MalformedProposal as exc:
            found.append(Pending(page, None, error=str(exc)))
            continue
        if parsed.page != proposal.target_of(page.title):
            found.append(Pending(page, None, error=f"page = {parsed.page}"))
            continue
        found.append(Pending(page, parsed))
    targets = wiki.read([p.proposal.page for p in found if p.proposal]) if found else {}
    for item in found:
        if item.proposal:
            item.current = targets.get(item.proposal.page)
    return found


def approve(wiki: Wiki, target: str, seen_revid: int | None = None) -> Result:
    """Write the proposed text of ``target`` with this session, against the revision it
    was computed from, then blank the proposal.

    ``seen_revid`` is the proposal page's revision the moderator reviewed: if the bot
    proposed something else since, nothing is written. A target changed since the
    proposal is a conflict: nothing is written either.
    """
    title = proposal.title_for(target)
    try:
        pages = wiki.read([title, target])
        page = pages[title]
        if page is None or proposal.is_blank(page.text):
            return Result(GONE, "coacte-mod-proposal-gone", (target,), target)
        if seen_revid is not None and page.revid != seen_revid:
            return Result(CHANGED, "coacte-mod-proposal-changed", (target,), target)
        try:
            proposed = proposal.parse(page.text)
        except proposal.MalformedProposal:
            return Result(INVALID, "coacte-mod-proposal-malformed", (title,), target)
        if proposed.page != target:
            return Result(INVALID, "coacte-mod-proposal-malformed", (title,), target)
        current = pages[target]
        if (current.revid if current else None) != proposed.base_revid:
            return Result(CONFLICT, "coacte-mod-approve-conflict", (target,), target)
        base = None if proposed.creates else PageRevision(
            target, proposed.base_revid, proposed.base_timestamp, "")
        lang = wiki.language
        summary = message("coacte-mod-summary-approve", proposed.summary, title, lang=lang)
        saved = wiki.save(target, proposed.text, summary, base)
        if not saved.ok:
            return Result(CONFLICT, "coacte-mod-approve-conflict", (target,), target)
        closed = wiki.save(title, "", message("coacte-mod-summary-approved", target,
                                              lang=lang), page)
    except WikiError as exc:
        return wiki_error(exc)
    if not closed.ok:
        return Result(APPROVED, "coacte-mod-approved-proposal-kept", (target, title), target)
    return Result(APPROVED, "coacte-mod-approved", (target,), target)


def reject(wiki: Wiki, target: str, reason: str, seen_revid: int | None = None) -> Result:
    """Blank the proposal of ``target`` (the page itself is not touched)."""
    title = proposal.title_for(target)
    try:
        page = wiki.read([title])[title]
        if page is None or proposal.is_blank(page.text):
            return Result(GONE, "coacte-mod-proposal-gone", (target,), target)
        if seen_revid is not None and page.revid != seen_revid:
            return Result(CHANGED, "coacte-mod-proposal-changed", (target,), target)
        summary = message("coacte-mod-summary-reject", target, reason.strip() or "—",
                          lang=wiki.language)
        saved = wiki.save(title, "", summary, page)
    except WikiError as exc:
        return wiki_error(exc)
    if not saved.ok:
        return Result(CHANGED, "coacte-mod-proposal-changed", (target,), target)
    return Result(REJECTED, "coacte-mod-rejected", (target,), target)


def approve_many(wiki: Wiki, seen: list[tuple[str, int | None]]) -> list[Result]:
    """Approve each ``(target, proposal revid)`` in turn; one result per page."""
    return [approve(wiki, target, revid) for target, revid in seen]


# -- conflicts ---------------------------------------------------------------------------


@dataclass
class Conflict:
    """A page whose bot region a human changed (``coacte-conflict-human-edit``) or whose
    markers are damaged (``coacte-conflict-markers``)."""

    page: PageRevision
    reason: str
    #: Filled by :func:`conflict_detail`: the last revision the bot's region was intact in.
    intact: PageRevision | None = None
    diff: list[DiffLine] = field(default_factory=list)


def conflict_reason(text: str) -> str:
    """The conflict key of a page's text, or "" when the bot could write it."""
    placed = region.place(text, region.body_of(text) or "")
    return placed.reason if placed.status == region.CONFLICT else ""


def recorded_fingerprint(text: str) -> str | None:
    """The fingerprint the opening marker records (what the bot wrote there)."""
    marks = region.begin_marks(text)
    return marks[0].group(1) if len(marks) == 1 else None


def inside(text: str) -> str | None:
    """What is between the markers now (``None`` when they are damaged)."""
    begins = region.begin_marks(text)
    ends = region.end_marks(text)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return None
    return text[begins[0].end() : ends[0].start()].strip("\n")


def conflicts(wiki: Wiki) -> list[Conflict]:
    """Synthesis pages the bot refuses to write: every page of the synthesis namespace
    and every page with a synthesis header, read with their text in batches."""
    pages = {p.title: p for p in wiki.pages_with_prefix(
        "", wiki.config.synthesis_namespace)}
    for p in wiki.transcluding(contract.SYNTHESIS.name):
        pages.setdefault(p.title, p)
    found = []
    for title in sorted(pages):
        reason = conflict_reason(pages[title].text)
        if reason:
            found.append(Conflict(pages[title], reason))
    return found


def last_intact(revisions: list[PageRevision], fingerprint: str | None) -> PageRevision | None:
    """The newest revision (``revisions`` newest first) whose region is what the bot
    wrote: with the recorded ``fingerprint`` when one is known, else any intact one."""
    for rev in revisions:
        body = region.body_of(rev.text)
        if body is None or conflict_reason(rev.text):
            continue
        if fingerprint is None or region.fingerprint(body) == fingerprint:
            return rev
    return None


def conflict_detail(wiki: Wiki, title: str, depth: int = 50) -> Conflict | None:
    """One conflict with the change that made it: the region as the bot wrote it (found
    in the page's last ``depth`` revisions by its fingerprint) against the region now,
    or, when the markers are damaged, the whole page then and now."""
    revisions = wiki.history(title, depth)
    if not revisions:
        return None
    now = revisions[0]
    reason = conflict_reason(now.text)
    if not reason:
        return None
    conflict = Conflict(now, reason)
    if reason == "coacte-conflict-human-edit":
        conflict.intact = last_intact(revisions[1:], recorded_fingerprint(now.text))
        if conflict.intact is not None:
            conflict.diff = diff_lines(region.body_of(conflict.intact.text), inside(now.text))
    else:
        conflict.intact = last_intact(revisions[1:], None)
        if conflict.intact is not None:
            conflict.diff = diff_lines(conflict.intact.text, now.text)
    return conflict


# -- input problems -----------------------------------------------------------------------


def input_problems(wiki: Wiki, parse_store: ParseStore | None = None) -> list[Problem]:
    """What ``coacte check`` reports, read with this session (``parse_store``: the
    service's parsed pages, so only new revisions are parsed)."""
    return sorted(read_inputs(wiki, parse_store=parse_store).problems, key=Problem.sort_key)


# -- patrol -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """An unpatrolled edit of a debate page, with its diff."""

    change: Change
    diff: list[DiffLine]


def unpatrolled(wiki: Wiki, limit: int = 50) -> list[Edit]:
    """The newest unpatrolled edits of debate pages, each with its diff (the texts of
    both revisions read in batches by revision id)."""
    changes = wiki.unpatrolled_edits(wiki.config.debate_namespace, limit)
    texts = wiki.revision_texts(i for c in changes for i in (c.revid, c.old_revid) if i)
    return [Edit(c, diff_lines(texts.get(c.old_revid), texts.get(c.revid, "")))
            for c in changes]


def patrol(wiki: Wiki, revid: int) -> Result:
    """Mark an edit patrolled, with this session's patrol token."""
    try:
        wiki.patrol(revid)
    except WikiError as exc:
        return wiki_error(exc)
    return Result(PATROLLED, "coacte-mod-patrolled", (revid,))


# -- curation -----------------------------------------------------------------------------


@dataclass
class CurationPage:
    title: str
    page: PageRevision | None
    grid: Grid
    ideas: list[PublishedIdea]
    curations: list[Curation]
    problems: list[Problem]
    #: The header's ``état``: ``figé`` once the next round is open (decisions no longer apply).
    state: str = ""


def global_title(wiki: Wiki, round_: int) -> str:
    return wiki.titles.global_synthesis(round_)


def curation_page(wiki: Wiki, round_: int) -> CurationPage:
    """A round's global page: its ideas, the decisions on it, the grid (one read)."""
    title = global_title(wiki, round_)
    grid_page = wiki.config.grid_page
    pages = wiki.read([title, grid_page])
    page = vetted(wiki, pages[title])  # a decision not by a moderator: listed, not kept
    grid, _ = read_grid(pages[grid_page])
    curations, problems = read_curations(page)
    text = page.text if page else None
    return CurationPage(title, page, grid, published_ideas(text), curations, problems,
                        state(text))


def add_curation(wiki: Wiki, round_: int, d: Curation) -> tuple[Result, list[Problem]]:
    """Write a decision on the round's global page with this session; the result and,
    when the decision is refused, what is wrong with it (nothing written then): what
    the bot would report at its next run, by the same rules.

    On a frozen round (the next one is open) the page never changes again: a
    ``fusionner`` or ``distinguer`` is written on the next round's page instead, with
    ``tour = <round>``, and applies from that round on (the ideas its territories react
    to); other decisions are refused."""
    try:
        view = curation_page(wiki, round_)
        if view.page is None or region.body_of(view.page.text) is None:
            return Result(INVALID, "coacte-mod-curation-no-page", (view.title,)), []
        target, decision = view.page, d
        if view.state == FROZEN:
            if d.action not in CARRIED_ACTIONS:
                return Result(INVALID, "coacte-mod-curation-frozen", (round_ + 1,)), []
            title = global_title(wiki, round_ + 1)
            target, decision = wiki.read([title])[title], replace(d, round=round_)
            if target is not None and region.body_of(target.text) is None:
                return Result(INVALID, "coacte-mod-curation-no-page", (title,)), []
        errors = check(d, view.ideas, view.grid)
        if errors:
            return Result(INVALID, "coacte-mod-curation-refused"), errors
    except WikiError as exc:
        return wiki_error(exc), []
    title = target.title if target else global_title(wiki, round_ + 1)
    return write_decision(wiki, title, target, decision), []


def write_decision(wiki: Wiki, title: str, page: PageRevision | None, d: Curation) -> Result:
    """Write a checked decision on ``title``, read as revision ``page``: a page changed
    since gets it on its latest revision (nothing overwritten, the decision once). The
    next round's page may not exist yet (no `coacte global` since `round open`): it
    starts with the decision and an empty bot region, which the next run fills."""
    summary = message("coacte-mod-summary-curation", d.action, d.idea or ", ".join(d.ideas),
                      lang=wiki.language)
    call = curation_call(d)
    try:  # a page moved meanwhile gets the decision on its latest revision: none lost
        saved = wiki.update(title, lambda at: insert_curation(
            at.text if at else region.wrap(""), call), summary, page)
    except WikiError as exc:
        return wiki_error(exc)
    if not saved.ok:
        return Result(CONFLICT, "coacte-mod-curation-conflict", (title,))
    return Result(SAVED, "coacte-mod-curation-saved", (d.action, title), title, saved.revid)
