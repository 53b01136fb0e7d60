"""The review queue of the moderators' desk: one question at a time, best first.

The merge leaves pairs of global ideas that may be one, and merges it is unsure of
(:mod:`coacte.synthesis.suggestions`); a moderator answers both kinds in one stream with
the same keys. Each answer is a decision written at once on the round's global page
under the moderator's own account, by :func:`coacte.jobs.desk.add_curation` (the same
rules and conflict check as the curation form): about two ideas, "same" writes
``fusionner`` and "different" ``distinguer``; about members of an idea ("do they
belong?"), "same" writes ``confirmer`` and "different" ``séparer``. The next question
comes from the updated ideas (:class:`~coacte.synthesis.suggestions.Review`), so once
A = B the pairs A–C and B–C are one question; the next ``coacte global`` applies the
decisions.

Computing the queue reads every debate page and clusters (seconds on a large wiki), so
a :class:`Queue` is kept for the page revision it reflects: an answer written from the
desk moves it to the revision it wrote, with the answer applied in memory (no wiki
read beyond the decision itself); any other edit of the page makes it computed again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from coacte.cache.stores import NONE, Stores
from coacte.curation import (
    Curation,
    action_named,
    carried,
    curation_call,
    decision_of,
    read_curations,
    remove_curation,
)
from coacte.curation import split_key as curation_split_key
from coacte.i18n import message
from coacte.jobs import desk
from coacte.jobs.authority import vetted_pages
from coacte.jobs.global_round import load
from coacte.model import GlobalIdea, Member
from coacte.synthesis import suggestions
from coacte.synthesis.rounds import FROZEN
from coacte.synthesis.suggestions import LIKELY, Check, Review, Suggestion, check_id
from coacte.wiki.client import Wiki, WikiError
from coacte.wikitext.synthesis_page import state

SAME, DIFFERENT = "same", "different"
#: Questions the progress line counts, at most (as many as ``coacte global --json``
#: lists; beyond them the pairs are far apart).
SHOWN = 300
#: The curation action each answer writes, about two ideas and about members of one.
ACTIONS = {SAME: "fusionner", DIFFERENT: "distinguer"}
CHECK_ACTIONS = {SAME: "confirmer", DIFFERENT: "séparer"}


@dataclass(frozen=True)
class Source:
    """One post-it behind an idea, as the reviewer reads it: in its own words."""

    territory: str
    group: str
    code: str
    text: str
    page: str


@dataclass(frozen=True)
class Side:
    """One idea of a question: its key, statement and every source post-it."""

    key: str
    statement: str
    code: str
    territories: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Question:
    """Two ideas ("same idea?"), or for a check the members asked about (``first``)
    and the rest of their idea (``second``): "do they belong?"."""

    suggestion: Suggestion | Check
    first: Side
    second: Side

    @property
    def is_check(self) -> bool:
        return isinstance(self.suggestion, Check)


@dataclass(frozen=True)
class Progress:
    """Answered questions, questions left (and how many of them are likely one idea),
    and the share of post-its that sit in ideas shared by several territories."""

    answered: int
    #: Questions left among the best :data:`SHOWN` (more when ``more``).
    left: int
    likely: int
    shared: float
    more: bool = False


@dataclass(frozen=True)
class Queue:
    """A round's review queue as of the revisions ``revids`` of its global page and of
    the next round's (where answers go once the round is frozen)."""

    round: int
    title: str
    revids: tuple[int, int]
    frozen: bool
    review: Review
    #: Each idea's members, by key (the ideas merged in memory included).
    members: dict[str, tuple[Member, ...]]
    statements: dict[str, tuple[str, str]]
    #: Decisions that answer the queue on the page (fusionner, distinguer, confirmer,
    #: séparer).
    answers: int = 0

    def question(self, skipped: frozenset = frozenset()) -> Question | None:
        """The best question not answered yet nor skipped, with the post-its of both
        sides (two ideas, or a check's members and the rest of their idea)."""
        best = self.review.next(skipped)
        if not best:
            return None
        q = best[0]
        if isinstance(q, Check):
            rest = tuple(m.ref for m in self.members[q.idea] if m.ref not in q.members)
            return Question(q, self._side(q.idea, only=q.members),
                            self._side(q.idea, only=rest))
        a, b = q.ideas
        return Question(q, self._side(a), self._side(b))

    def progress(self, skipped: frozenset[frozenset[str]] = frozenset()) -> Progress:
        left = self.review.next(skipped, limit=SHOWN + 1)
        counts = {key: sum(m.idea.occurrences for m in ms) for key, ms in self.members.items()}
        shared = sum(counts[k] for k, ms in self.members.items()
                     if len({m.territory for m in ms}) > 1)
        total = sum(counts.values())
        return Progress(self.answers, min(len(left), SHOWN),
                        sum(isinstance(s, Suggestion) and s.score >= LIKELY
                            for s in left[:SHOWN]),
                        shared / total if total else 0.0, len(left) > SHOWN)

    def checked(self, answer: str, idea: str, members: tuple[str, ...], revid: int,
                key: str = "") -> Queue:
        """This queue once ``answer`` about ``members`` of ``idea`` is written as
        ``revid``: confirmed, or set apart as the idea ``key`` (as ``séparer`` names
        it)."""
        revids = (revid, self.revids[1])
        if answer == SAME:
            return replace(self, revids=revids, review=self.review.confirm(idea, members),
                           answers=self.answers + 1)
        review = self.review.split(idea, members, key)
        kept = dict(self.members)
        kept[key] = tuple(m for m in kept[idea] if m.ref in members)
        kept[idea] = tuple(m for m in kept[idea] if m.ref not in members)
        statements = dict(self.statements)
        statements[key] = (kept[key][0].idea.statement, kept[key][0].idea.code)
        return replace(self, revids=revids, review=review, members=kept,
                       statements=statements, answers=self.answers + 1)

    def answered(self, answer: str, a: str, b: str, revid: int) -> Queue:
        """This queue once ``answer`` about ``a`` and ``b`` is written as ``revid`` (of
        the round's page, or of the next round's when this one is frozen)."""
        revids = (self.revids[0], revid) if self.frozen else (revid, self.revids[1])
        if answer == SAME:
            members = dict(self.members)
            members[a] = members[a] + members.pop(b)
            return replace(self, revids=revids, review=self.review.same(a, b),
                           members=members, answers=self.answers + 1)
        return replace(self, revids=revids, review=self.review.different(a, b),
                       answers=self.answers + 1)

    def answers_go_to(self, wiki: Wiki) -> tuple[str, int]:
        """The page the answers are written on (the next round's once this one is
        frozen) and the revision of it this queue reflects."""
        this, following = titles(wiki, self.round)
        return (following, self.revids[1]) if self.frozen else (this, self.revids[0])

    def _side(self, key: str, only: tuple[str, ...] | None = None) -> Side:
        statement, code = self.statements[key]
        members = [m for m in self.members[key] if only is None or m.ref in only]
        if only is not None:
            statement, code = members[0].idea.statement, members[0].idea.code
        sources = tuple(Source(m.territory, p.group, p.code, p.text, p.page)
                        for m in members for p in m.idea.sources)
        return Side(key, statement, code, tuple(dict.fromkeys(m.territory for m in members)),
                    sources)


def titles(wiki: Wiki, round_: int) -> tuple[str, str]:
    """The round's global page and the next round's: a queue is valid for their
    revisions (see :class:`Queue`)."""
    return wiki.titles.global_synthesis(round_), wiki.titles.global_synthesis(round_ + 1)


def compute(wiki: Wiki, round_: int, stores: Stores = NONE) -> Queue:
    """The round's queue computed as ``coacte global`` computes its page now (the
    page's decisions applied, the pairs they answer never asked). On a frozen round, the
    decisions carried to the next round's page count too, merges applied."""
    this, following = titles(wiki, round_)
    pages = vetted_pages(wiki, wiki.read([this, following]))  # moderators' decisions only
    page, next_page = pages[this], pages[following]
    frozen = state(page.text if page else None) == FROZEN
    computed = load(wiki, round_, stores=stores)
    g = computed.synthesis
    curations = read_curations(page)[0]
    later = carried(read_curations(next_page)[0], round_ + 1)[0] if frozen else []
    pool = suggestions.pool(g, stores.vectors)
    # Members cannot be confirmed or set apart on a frozen round's page (its next
    # round reacts to its ideas as they are): its queue asks about pairs only.
    checked = suggestions.confirmed(curations) | (
        frozenset(r for i in g.ideas for m in i.members for r in [m.ref]) if frozen
        else frozenset())
    queue = Queue(round_, computed.page, (page.revid if page else 0,
                                          next_page.revid if next_page else 0),
                  frozen, Review(pool, suggestions.answered(curations), checked),
                  {i.key: tuple(i.members) for i in g.ideas}, _statements(g.ideas),
                  sum(action_named(c.action) in (*ACTIONS.values(), *CHECK_ACTIONS.values())
                      for c in curations))
    for c in later:
        keys = list(dict.fromkeys(c.ideas))
        if any(k not in queue.members for k in keys):
            continue  # reported by coacte global (merge_published), never dropped
        for other in keys[1:]:
            answer_ = SAME if c.action == "fusionner" else DIFFERENT
            queue = queue.answered(answer_, keys[0], other, queue.revids[1])
    return queue


def _statements(ideas: list[GlobalIdea]) -> dict[str, tuple[str, str]]:
    return {i.key: (i.statement, i.code) for i in ideas}


def answer(wiki: Wiki, queue: Queue, answer_: str, a: str, b: str,
           reason: str = "") -> tuple[desk.Result, Queue | None]:
    """Write the answer as a curation on the round's page (the next round's once it is
    frozen); the result and, when it was saved, the queue with the answer applied (None
    otherwise: compute it again).

    The queue's ideas are the ideas ``coacte global`` computes, so a pair it asks is a
    valid decision: the answer reads only the page it writes (not the whole synthesis
    page's ideas, as the curation form does). A page changed since the queue was
    computed goes through the form's full check instead."""
    if answer_ not in ACTIONS:
        raise ValueError(f"unknown answer {answer_!r}")
    if a == b or a not in queue.members or b not in queue.members:
        return desk.Result(desk.INVALID, "coacte-mod-review-stale"), None
    result, applies = _write(wiki, queue, _pair_decision(queue, answer_, a, b, reason))
    return result, queue.answered(answer_, a, b, result.revid) if applies else None


def check(wiki: Wiki, queue: Queue, answer_: str, idea: str, members: tuple[str, ...],
          reason: str = "") -> tuple[desk.Result, Queue | None]:
    """Answer "do these members belong to ``idea``?": ``confirmer`` (same) or
    ``séparer`` (different), written on the round's page as :func:`answer` writes; the
    result and, when it was saved from the revision the queue reflects, the queue with
    the answer applied (None otherwise: compute it again)."""
    if answer_ not in CHECK_ACTIONS:
        raise ValueError(f"unknown answer {answer_!r}")
    known = {m.ref for m in queue.members.get(idea, ())}
    if queue.frozen or not members or not set(members) <= known or (
            answer_ == DIFFERENT and set(members) >= known):
        return desk.Result(desk.INVALID, "coacte-mod-review-stale"), None
    result, applies = _write(wiki, queue, _check_decision(answer_, idea, members, reason))
    if not applies:
        return result, None
    return result, queue.checked(answer_, idea, members, result.revid,
                                 split_key(idea, members))


def _write(wiki: Wiki, queue: Queue, decision: Curation) -> tuple[desk.Result, bool]:
    """Write ``decision`` on the page answers go to; and whether it was saved from the
    revision the queue reflects (so the queue may apply it). A page changed since the
    queue was computed goes through the form's full check instead."""
    title, revid = queue.answers_go_to(wiki)
    try:
        page = wiki.read([title])[title]
    except WikiError as exc:
        return desk.wiki_error(exc), False
    if (page.revid if page else 0) != revid:
        return desk.add_curation(wiki, queue.round, replace(decision, round=0))[0], False
    result = desk.write_decision(wiki, title, page, decision)
    return result, result.status == desk.SAVED and result.revid is not None


def _pair_decision(queue: Queue, answer_: str, a: str, b: str, reason: str) -> Curation:
    """The decision that answers a pair: ``fusionner`` or ``distinguer`` (naming the
    frozen round it answers, once written on the next round's page)."""
    return Curation(ACTIONS[answer_], ideas=(a, b), reason=reason,
                    round=queue.round if queue.frozen else 0)


def _check_decision(answer_: str, idea: str, members: tuple[str, ...],
                    reason: str) -> Curation:
    """The decision that answers a check: ``confirmer`` or ``séparer``."""
    return Curation(CHECK_ACTIONS[answer_], idea=idea, members=members, reason=reason)


def split_key(idea: str, members: tuple[str, ...]) -> str:
    """The key ``séparer`` gives the members it sets apart (see :mod:`coacte.curation`)."""
    return curation_split_key(idea, members)


def undo(wiki: Wiki, queue: Queue | None, title: str, call: str,
         answered_as: int) -> tuple[desk.Result, Queue | None]:
    """Take back a decision the queue wrote on page ``title`` (``call``, as written,
    saved as revision ``answered_as``): removed from the page against the revision read,
    so a page changed meanwhile is never overwritten. ``queue`` is the queue from before
    that answer: when nothing else was written since, it is the queue again (returned
    with the new revision); otherwise None (compute it again)."""
    try:
        page = wiki.read([title])[title]
        decision = decision_of(call)
        without = remove_curation(page.text, decision) if page and decision else None
        if without is None:
            return desk.Result(desk.GONE, "coacte-mod-review-undo-gone", (title,)), None
        summary = message("coacte-mod-summary-review-undo", lang=wiki.language)
        saved = wiki.save(title, without, summary, page)
    except WikiError as exc:
        return desk.wiki_error(exc), None
    if not saved.ok:
        return desk.Result(desk.CONFLICT, "coacte-mod-curation-conflict", (title,)), None
    result = desk.Result(desk.SAVED, "coacte-mod-review-undone", (title,), title, saved.revid)
    if queue is None or page.revid != answered_as or saved.revid is None:
        return result, None
    revids = (queue.revids[0], saved.revid) if queue.frozen else (saved.revid, queue.revids[1])
    return result, replace(queue, revids=revids)


def written_call(queue: Queue, answer_: str, a: str, b: str, reason: str = "") -> str:
    """The call :func:`answer` writes (what :func:`undo` looks for)."""
    return curation_call(_pair_decision(queue, answer_, a, b, reason))


def written_check(answer_: str, idea: str, members: tuple[str, ...], reason: str = "") -> str:
    """The call :func:`check` writes (what :func:`undo` looks for)."""
    return curation_call(_check_decision(answer_, idea, members, reason))


def skip_id(question: Question) -> frozenset[str] | str:
    """How a skipped question is remembered: its pair of keys, or its check's name."""
    q = question.suggestion
    return check_id(q) if isinstance(q, Check) else frozenset(q.ideas)
