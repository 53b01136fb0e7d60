"""``coacte global`` and ``coacte round close``: a round's synthesis of syntheses.

The computation is the core's (:func:`coacte.synthesis.global_round.compute`); this job
reads its inputs, checks the frozen page, draws and uploads the charts, renders and
publishes. :func:`load` is the same reading and computing without writing, for the
export dossier and ``coacte charts``: one way to read a round, whichever job reads it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from coacte import config as settings
from coacte import contract
from coacte.cache.stores import NONE, Stores
from coacte.curation import read_curations
from coacte.dossier import charts
from coacte.dossier.data import for_round
from coacte.i18n import message
from coacte.jobs.authority import vetted_pages
from coacte.jobs.inputs import read_inputs
from coacte.jobs.lock import locked
from coacte.jobs.report import (
    DONE,
    FROZEN_ROUND,
    HALTED,
    Report,
    Result,
    publish_all,
)
from coacte.jobs.synthesize import state_key
from coacte.model import Inputs, PageRevision
from coacte.problems import Problem
from coacte.render import jsondata
from coacte.render import synthesis_pages as render
from coacte.render.round_pages import delphi_section
from coacte.synthesis import delphi, suggestions
from coacte.synthesis.cross_territory import ClusterFn, default_cluster
from coacte.synthesis.global_round import Computed, compute
from coacte.synthesis.rounds import CLOSED, FROZEN, OPEN
from coacte.validate import read_contributions
from coacte.wiki import incremental, uploads
from coacte.wiki.client import StopRequested, Wiki
from coacte.wikitext.synthesis_page import state


def global_inputs_key(wiki: Wiki, round_: int, close: bool) -> tuple[str, str, int | None]:
    """A fingerprint of everything round ``round_``'s global page is computed from
    (revision ids only: debate pages, contribution pages, the grid, the group kinds, the
    earlier rounds' global pages; settings and version), the page's title and its current
    revision."""
    config = wiki.config
    named = wiki.titles
    titles = [named.global_synthesis(n) for n in _rounds_up_to(wiki, round_)]
    revids = wiki.revids([config.grid_page, config.groups_page, *titles])
    material = json.dumps([
        state_key(wiki, revids[config.grid_page]), round_, close,
        sorted(wiki.transcluding_revids(config.header_template).items()),
        sorted(wiki.transcluding_revids(contract.CONTRIBUTION.name).items()),
        [revids[t] for t in titles[:-1]], revids[config.groups_page],
    ])
    return hashlib.sha1(material.encode()).hexdigest(), titles[-1], revids[titles[-1]]


def state_path(wiki: Wiki, round_: int) -> Path:
    """Where an incremental run of round ``round_``'s global page keeps its fingerprint
    (see :func:`global_synthesis`)."""
    return incremental.state_file(settings.home(), wiki.config, f"global-{round_}")


def read_pages(wiki: Wiki, round_: int) -> dict[int, PageRevision | None]:
    """The published global pages of rounds 1..``round_``, read in one batch, by round
    (``round_`` always a key, None when it has no page yet): the run's only read of them
    (keys, curations, state, earlier rounds' ideas)."""
    titles = {n: wiki.titles.global_synthesis(n) for n in _rounds_up_to(wiki, round_)}
    current = wiki.read(titles.values())
    return vetted_pages(wiki, {n: current.get(t) for n, t in titles.items()})


def published_rounds(wiki: Wiki) -> list[int]:
    """The rounds that have a global synthesis page (titles only: one request per 500
    pages), in order."""
    titles = wiki.titles_with_prefix(f"{contract.GLOBAL_TERRITORY}/Tour ",
                                     wiki.config.synthesis_namespace)
    tails = (title.rsplit("/Tour ", 1)[-1] for title in titles)
    return sorted({int(tail) for tail in tails if tail.isdigit()})


def _rounds_up_to(wiki: Wiki, round_: int) -> list[int]:
    """Rounds 1..``round_`` that have a global page, and ``round_`` itself: round
    numbers need not follow each other, so only pages that exist are read."""
    return sorted({n for n in published_rounds(wiki) if n < round_} | {round_})


def _compute(wiki: Wiki, round_: int, pages: dict[int, PageRevision | None], inputs: Inputs,
             cluster: ClusterFn, close: bool = False) -> tuple[Computed, list[Problem]]:
    """:func:`compute` on the networks' contributions read now; with their problems."""
    contributions, problems = read_contributions(wiki.transcluding(contract.CONTRIBUTION.name))
    computed = compute(inputs, round_, pages, contributions,
                       threshold=wiki.config.near_duplicate_threshold, close=close,
                       cluster=cluster)
    return computed, problems


@locked("coacte global")
def global_synthesis(wiki: Wiki, round_: int, *, dry_run: bool = False, close: bool = False,
                     report: Report | None = None, inputs: Inputs | None = None,
                     state_path: Path | None = None, stores: Stores = NONE,
                     queue: bool = False) -> Result:
    """``Synthèse:Globale/Tour <n>``; ``close`` marks the round closed (`round close`).

    The synthesis itself is :func:`coacte.synthesis.global_round.compute`'s (the export
    dossier computes the very same, through :func:`load`); this job adds the frozen-page
    check, the charts, rendering and publishing. With ``state_path``, a run whose inputs
    have the same revisions as when it last wrote (or left) the page, which nobody has
    edited since, stops there: it would compute the same page (a few revision-id reads
    instead of every page). ``stores`` keeps parsed pages and sentence vectors between
    runs. The global pages are read once (:func:`read_pages`); what is published is
    checked against the revision read then. ``queue`` adds the review queue (ranked
    suggestions and splits) to the result's data: ``--json`` asks for it; a run that only
    writes the page does not pay for it.
    """
    report = report or Report()
    config = wiki.config
    if state_path is not None:
        key, title, revid = global_inputs_key(wiki, round_, close)
        if incremental.load_fingerprint(state_path) == [key, revid]:
            report.line(f"global: round {round_}: nothing changed since the last run, "
                        f"{title} is up to date, edits 0 ({wiki.total_requests} API "
                        "requests)", err=True)
            return Result(DONE, urls=[config.page_url(title)])
        result = global_synthesis(wiki, round_, dry_run=dry_run, close=close,
                                  report=report, inputs=inputs, stores=stores)
        left = [o.revid for o in result.outcomes if o.title == title]
        if result.status == DONE and left and left[0]:
            incremental.save_fingerprint(state_path, [key, left[0]])
        return result
    title = wiki.titles.global_synthesis(round_)
    pages = read_pages(wiki, round_)
    page = pages[round_]
    now = state(page.text if page else None)
    if now == FROZEN:  # said before reading every debate page
        report.line(f"{title} is frozen: round {round_ + 1} is open, so its ideas "
                    "and keys no longer change.", err=True)
        return Result(FROZEN_ROUND)
    inputs = inputs or read_inputs(wiki, parse_store=stores.parsed)
    report.problems(inputs.problems)
    computed, problems = _compute(wiki, round_, pages, inputs,
                                  default_cluster(stores.vectors), close)
    g = computed.synthesis
    problems += computed.problems
    view = computed.views.get(round_)
    lang = wiki.language
    reactions = delphi_section(view, lang) if view is not None else []
    report.problems(problems)
    named = wiki.titles
    sources = [named.synthesis(s.territory, s.round) for s in g.syntheses
               if s.postits]
    try:
        shown = _charts(wiki, for_round(computed), title, lang, dry_run, report)
    except StopRequested as exc:
        report.line(str(exc), err=True)
        return Result(HALTED)
    closed = close or now == CLOSED
    body = render.global_synthesis(g, inputs.grid, sources, lang, failed=problems,
                                   state=CLOSED if closed else OPEN, reactions=reactions,
                                   charts=shown)
    summary = message("coacte-summary-global", round_, len(g.territories), len(g.ideas),
                      lang=lang)
    outcomes, halted = publish_all(wiki, {title: (body, summary)}, report, dry_run,
                                   {title: page})
    data = jsondata.global_synthesis(g, *(_queue(computed, page, stores) if queue else ()))
    if view is not None:
        data["reactions"] = [delphi.as_dict(view.stats[i.key]) for i in view.ideas]
        if view.pending is not None:
            data["pending"] = {"territories": view.pending[0], "ideas": view.pending[1]}
    result = Result(DONE, outcomes, data, [config.page_url(title)])
    shared = sum(len(i.territories) > 1 for i in g.ideas)
    report.line(
        f"global: round {round_}, {len(g.territories)} territories, {g.postits} post-its, "
        f"{len(g.ideas)} global ideas ({shared} shared by several territories), "
        f"{'would edit' if dry_run else 'edits'} {result.edits} "
        f"({wiki.total_requests} API requests)", err=True)
    return result.settle(halted, report)


def _queue(computed: Computed, page: PageRevision | None,
           stores: Stores) -> tuple[list[suggestions.Suggestion], list[suggestions.Check]]:
    """The review queue of the synthesis just computed: pairs that may be one idea
    (without those the page's curations already answered) and members that may not
    belong. One pool, so member sentences are embedded once (read from the vector cache
    the clustering filled)."""
    pool = suggestions.pool(computed.synthesis, stores.vectors)
    decided = suggestions.answered(read_curations(page)[0])
    checked = suggestions.confirmed(read_curations(page)[0])
    return (suggestions.ranked(pool, decided=decided),
            suggestions.checks(pool, checked=checked, limit=100))


def _charts(wiki: Wiki, dossier, page: str, lang: str, dry_run: bool,
            report: Report) -> list[tuple[str, str]]:
    """Draw the round's charts and upload those whose bytes changed (no new file
    revision otherwise); the (file name, caption) to embed in the page."""
    pngs = charts.draw(dossier, lang)
    files = [uploads.chart(name, dossier.round, png, page, lang)
             for name, png in pngs.items()]
    for outcome in uploads.upload_charts(wiki, files, dry_run=dry_run):
        if outcome.status != uploads.UNCHANGED:
            report.line(f"File:{outcome.name}: {outcome.status}")
    return [(c.name, message(f"coacte-chart-{name}", dossier.round, lang=lang))
            for c, name in zip(files, pngs, strict=True)]


def load(wiki: Wiki, round_: int, *, cluster: ClusterFn | None = None,
         stores: Stores = NONE, reacted_to: bool = False) -> Computed:
    """Read the debates, the grid, the global pages of rounds 1..``round_`` and the
    networks' contributions, then :func:`compute`, as :func:`global_synthesis` does.
    Reads only: nothing is written.

    With ``reacted_to``, a Delphi round without post-its of its own comes with the round
    it reacted to, computed from the same reads, in ``Computed.reacted_to``: what a
    dossier of the round shows as its ideas."""
    pages = read_pages(wiki, round_)
    inputs = read_inputs(wiki, parse_store=stores.parsed)
    cluster = cluster or default_cluster(stores.vectors)
    contributions, problems = read_contributions(
        wiki.transcluding(contract.CONTRIBUTION.name))
    threshold = wiki.config.near_duplicate_threshold
    computed = compute(inputs, round_, pages, contributions, threshold=threshold,
                       cluster=cluster)
    computed.problems = inputs.problems + problems + computed.problems
    computed.page = wiki.titles.global_synthesis(round_)
    computed.url = wiki.config.page_url(computed.page)
    if reacted_to and not computed.synthesis.postits and round_ in computed.views:
        earlier = {n: page for n, page in pages.items() if n < round_}
        computed.reacted_to = compute(inputs, round_ - 1, earlier, contributions,
                                      threshold=threshold, cluster=cluster)
    return computed
