"""``coacte round open|status``: Delphi rounds on the global synthesis.

Opening round n freezes round n−1's global page (its ideas and keys no longer change)
and seeds a round-n debate page per territory, with a reaction slot per idea of
question 3; the status lists, for the secretariat, who and what is still waiting.
Closing round n is the global synthesis of round n marked closed:
:func:`coacte.jobs.global_round.global_synthesis` with ``close=True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coacte.cache.stores import NONE, Stores
from coacte.curation import read_curations
from coacte.i18n import message
from coacte.jobs.authority import vetted
from coacte.jobs.inputs import read_inputs
from coacte.jobs.lock import locked
from coacte.jobs.publish import CONFLICT, publish
from coacte.jobs.report import DONE, JobError, Report, Result
from coacte.model import Inputs, PageRevision
from coacte.render.round_pages import round_debate
from coacte.synthesis import suggestions
from coacte.synthesis.cross_territory import default_cluster
from coacte.synthesis.global_round import compute
from coacte.synthesis.rounds import DelphiView, delphi_view, question3
from coacte.synthesis.suggestions import Check, Suggestion
from coacte.wiki.client import Wiki
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import freeze


@locked("coacte round open")
def open_round(wiki: Wiki, n: int, extra: Iterable[str] = (), *, dry_run: bool = False,
               report: Report | None = None, stores: Stores = NONE,
               require_review: bool = False) -> Result:
    """Freeze round ``n``−1's global synthesis and seed round ``n``'s debate pages.

    Every territory that took part in round n−1 (and each of ``extra``) gets its
    round-n page, unless it exists (kept). Before freezing, it says how many suggestions
    of round n−1's review queue are likely one idea, and how many of its merges are to
    confirm, still unanswered (:func:`unanswered`); with ``require_review`` it refuses
    while any remain. Raises
    :class:`JobError` then, when round n−1 has no global page yet or when it cannot be
    frozen (a conflict); a :class:`~coacte.wiki.client.StopRequested` goes up to the
    caller.
    """
    report = report or Report()
    previous_title = wiki.titles.global_synthesis(n - 1)
    previous = vetted(wiki, wiki.read([previous_title])[previous_title])
    if previous is None or region.body_of(previous.text) is None:
        raise JobError(
            f"{previous_title} does not exist yet: run `coacte global --round {n - 1}` first.")
    ideas = question3(previous)
    lang = wiki.language
    inputs = read_inputs(wiki, parse_store=stores.parsed)
    waiting = unanswered(inputs, n - 1, previous, wiki.config.near_duplicate_threshold, stores)
    if waiting.count and require_review:
        raise JobError(
            f"{previous_title}: {waiting} still unanswered: answer them (the review desk, "
            f"or `coacte global --round {n - 1} --json FILE` lists them) before opening "
            "the round, or open it without --require-review.")
    report.line(f"round {n - 1}: {waiting} still unanswered", err=True)
    territories = list(dict.fromkeys(
        [d.territory for d in inputs.debates if d.round == n - 1] + list(extra)))
    pages = {wiki.titles.debate(t, n): round_debate(t, n, previous_title, ideas, lang)
             for t in territories}
    existing = wiki.read(pages)
    outcomes = publish(wiki, {previous_title: (
        freeze(region.body_of(previous.text)),
        message("coacte-summary-freeze", n - 1, n, lang=lang))},
        dry_run=dry_run, progress=report.outcome, current={previous_title: previous})
    if any(o.status == CONFLICT for o in outcomes):
        raise JobError(f"{previous_title} could not be frozen (conflict).")
    created = 0
    for title, text in pages.items():
        if existing[title] is not None:
            report.line(f"{title}: kept (exists)")
            continue
        if dry_run:
            report.line(f"{title}: would create")
        else:
            wiki.save(title, text, message("coacte-summary-round-open", n, len(ideas),
                                           lang=lang), None)
            report.line(f"{title}: created")
        created += 1
    report.line(f"round {n}: open — {len(ideas)} ideas to react to, {len(territories)} "
                f"territories, {created} pages {'to create' if dry_run else 'created'}",
                err=True)
    return Result(DONE, outcomes, {"ideas": len(ideas), "territories": territories,
                                   "created": created, "unanswered": waiting.count})


@dataclass(frozen=True)
class Unanswered:
    """What a review should settle before a round is frozen: suggested pairs likely one
    idea, and merges the tool made but is unsure of."""

    pairs: list[Suggestion]
    merges: list[Check]

    @property
    def count(self) -> int:
        return len(self.pairs) + len(self.merges)

    def __str__(self) -> str:
        pairs, merges = len(self.pairs), len(self.merges)
        return (f"{pairs} suggested pair{'' if pairs == 1 else 's'} of ideas likely one "
                f"idea and {merges} merge{'' if merges == 1 else 's'} to confirm")


def unanswered(inputs: Inputs, round_: int, page: PageRevision, threshold: float,
               stores: Stores = NONE) -> Unanswered:
    """The suggestions of round ``round_``'s review queue that are likely one idea
    (:data:`~coacte.synthesis.suggestions.LIKELY`), and the parts of its merges to
    confirm, that no decision on its global ``page`` answers yet, computed as
    ``coacte global`` computes the page now."""
    computed = compute(inputs, round_, {round_: page}, threshold=threshold,
                       cluster=default_cluster(stores.vectors))
    pool = suggestions.pool(computed.synthesis, stores.vectors)
    curations = read_curations(page)[0]
    return Unanswered(suggestions.likely(pool, suggestions.answered(curations)),
                      suggestions.to_confirm(pool, suggestions.confirmed(curations)))


def round_status(wiki: Wiki, n: int, *, report: Report | None = None,
                 stores: Stores = NONE) -> Result:
    """Tell which territories have not reacted to round ``n``−1's ideas yet, and which
    ideas nobody has reacted to (nothing is written). Raises :class:`JobError` when
    round n is not open (round n−1 has no global page)."""
    report = report or Report()
    titles = [wiki.titles.global_synthesis(k) for k in (n - 1, n - 2)]
    pages = wiki.read([t for t in titles if not t.endswith("/Tour 0")])
    previous = pages.get(titles[0])
    if previous is None:
        raise JobError(f"{titles[0]} does not exist: round {n} is not open.")
    inputs = read_inputs(wiki, parse_store=stores.parsed)
    view, problems = delphi_view(inputs.debates, n, previous, pages.get(titles[1]),
                                 closed=False, group_kinds=inputs.group_kinds)
    report.problems(problems)
    for line in status_lines(view, n):
        report.line(line)
    territories, keys = view.pending
    return Result(DONE, data={"territories": territories, "ideas": keys})


def status_lines(view: DelphiView, n: int) -> list[str]:
    """What ``coacte round status`` prints of an open round's view: the counts, the
    territories still waiting, then each idea nobody reacted to (key and statement)."""
    territories, keys = view.pending
    statements = {i.key: i.statement for i in view.ideas}
    reacted = sum(bool(s.reactions) for s in view.stats.values())
    return [f"round {n}: {len(view.ideas)} ideas, {reacted} with reactions",
            "territories that have not reacted yet: " + (", ".join(territories) or "none"),
            "ideas nobody has reacted to yet:",
            *([f"  {key}  {statements[key]}" for key in keys] or ["  none"])]
