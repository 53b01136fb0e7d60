"""The bots' jobs, callable from any door: the CLI, the web service, the watcher.

A job wires the core's stages (read → validate → synthesize → render → publish) for one
purpose and returns what happened; how it is shown is the caller's business, through a
:class:`Report` (the CLI prints, the service logs). ``inputs`` lets a caller that runs
several jobs read the wiki once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from coacte import charts_upload, contract, incremental, jsondata
from coacte.dossier.compute import compute
from coacte.i18n import message
from coacte.pipeline import Inputs, read_inputs
from coacte.problems import Problem
from coacte.publish import CONFLICT, UNCHANGED, Outcome, publish
from coacte.synthesis import delphi
from coacte.synthesis.rounds import CLOSED, FROZEN, OPEN
from coacte.synthesis.territory import names as territory_names
from coacte.synthesis.territory import pair as territory_pair
from coacte.synthesis.territory import synthesize as territory_syntheses
from coacte.validate import read_contributions, read_debates, read_grid
from coacte.wiki import StopRequested, Wiki, WikiError
from coacte.wikitext import render
from coacte.wikitext.render_round import delphi_section
from coacte.wikitext.synthesis_page import state

log = logging.getLogger(__name__)

#: Exit statuses shared by the bots.
DONE, CONFLICTS, HALTED, FROZEN_ROUND = 0, 2, 3, 4


class Report:
    """What a job tells as it goes; this base class logs (the service's choice)."""

    def problems(self, problems: list[Problem]) -> None:
        for p in problems:
            log.info("%s: %s", p.location("en"), p.message("en"))

    def outcome(self, outcome: Outcome, n: int, total: int) -> None:
        if outcome.status != UNCHANGED:
            log.info("[%d/%d] %s: %s", n, total, outcome.title, outcome.status)

    def line(self, text: str, err: bool = False) -> None:
        log.info("%s", text)


@dataclass
class Result:
    status: int
    outcomes: list[Outcome] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)

    @property
    def edits(self) -> int:
        return sum(o.status not in (UNCHANGED, CONFLICT) for o in self.outcomes)


def _publish(wiki: Wiki, bodies: dict, report: Report, dry_run: bool,
             current: dict | None = None) -> tuple[list[Outcome], StopRequested | None]:
    try:
        return publish(wiki, bodies, dry_run=dry_run, progress=report.outcome,
                       current=current), None
    except StopRequested as exc:
        return [], exc


def synthesize(wiki: Wiki, *, round_: int | None = None, territory: str | None = None,
               only: Collection[tuple[str, int]] | None = None, dry_run: bool = False,
               report: Report | None = None, inputs: Inputs | None = None) -> Result:
    """Territory syntheses, all or those chosen by round, territory or ``only`` (pairs of
    territory, compared without case, and round)."""
    report = report or Report()
    config = wiki.config
    inputs = inputs or read_inputs(wiki)
    report.problems(inputs.problems)
    prefix = wiki.namespace_prefix(config.synthesis_namespace, "Synthèse")
    wanted = {(t.casefold(), r) for t, r in only} if only is not None else None
    chosen = [
        s for s in territory_syntheses(inputs.debates, inputs.grid,
                                       config.near_duplicate_threshold)
        if (round_ is None or s.round == round_)
        and (territory is None or s.territory.casefold() == territory.casefold())
        and (wanted is None or (s.territory.casefold(), s.round) in wanted)
    ]
    titled = [(render.synthesis_title(prefix, s.territory, s.round), s) for s in chosen]
    lang = wiki.language
    bodies = {
        title: (render.synthesis(s, inputs.grid, lang),
                message("coacte-summary-synthesis", s.territory, s.round, s.postits,
                        len(s.ideas), lang=lang))
        for title, s in titled
    }
    outcomes, halted = _publish(wiki, bodies, report, dry_run)
    result = Result(DONE, outcomes, jsondata.syntheses(titled),
                    [config.page_url(t) for t, _ in titled])
    conflicts = sum(o.status == CONFLICT for o in outcomes)
    report.line(
        f"synthesize: {len(inputs.pages)} pages read, {sum(s.postits for s in chosen)} "
        f"post-its, {sum(len(s.ideas) for s in chosen)} ideas, {len(chosen)} syntheses, "
        f"{'would edit' if dry_run else 'edits'} {result.edits}, conflicts {conflicts}, "
        f"problems {len(inputs.problems)} ({wiki.total_requests} API requests)", err=True)
    if halted:
        report.line(str(halted), err=True)
        result.status = HALTED
    elif conflicts:
        result.status = CONFLICTS
    return result


def state_key(wiki: Wiki, grid_revid: int | None) -> str:
    """What invalidates an incremental run's state: the bot's code
    (:func:`~coacte.incremental.code_version`), the wiki and account, the grid's revision
    and every setting that changes a synthesis page."""
    c = wiki.config
    return "|".join(map(str, (incremental.code_version(), c.wiki_url, c.bot_user, grid_revid,
                              wiki.language, c.near_duplicate_threshold, c.header_template,
                              c.postit_template, c.synthesis_namespace, c.approval)))


def synthesize_changed(wiki: Wiki, state_path: Path, *,
                       report: Report | None = None) -> Result:
    """All the territory syntheses, reading and writing only what changed since the run
    that wrote ``state_path`` (:mod:`coacte.incremental`); the first run is a full one.

    Revision ids are listed first (no texts); then only the debate pages of the
    (territory, round) pairs touched by an edit, or whose synthesis page someone else
    edited, are read, parsed, synthesized and published.
    """
    report = report or Report()
    config = wiki.config
    grid_page = wiki.read([config.grid_page])[config.grid_page]
    state = incremental.load(state_path, state_key(wiki, grid_page.revid if grid_page else None))
    listed = wiki.transcluding_revids(config.header_template)
    changed, gone = incremental.changed_pages(state, listed)
    pairs = state.pairs_of(changed | gone)
    if state.targets:
        pairs |= incremental.edited_targets(state, wiki.revids(state.targets))
    fresh = [p for p in wiki.read(sorted(changed)).values() if p is not None]
    parsed: dict = {}
    grid = read_grid(grid_page)
    debates, _ = read_debates(fresh, grid[0], known=parsed)
    pairs |= {territory_pair(d) for d in debates}
    siblings = state.pages_feeding(pairs) - changed - gone
    pages = fresh + [p for p in wiki.read(sorted(siblings)).values() if p is not None]
    inputs = read_inputs(wiki, pages=pages, grid_page=grid_page, grid=grid, known=parsed)
    prefix = wiki.namespace_prefix(config.synthesis_namespace, "Synthèse")
    pair_of = {render.synthesis_title(prefix, name, round_): (key, round_)
               for (key, round_), name in territory_names(inputs.debates).items()}
    written: dict[str, tuple[int | None, incremental.Pair]] = {}
    recorder = _Recording(report, lambda o: written.__setitem__(o.title, (
        o.revid if o.status != CONFLICT else None, pair_of[o.title])) if o.title in pair_of
        else None)
    found: dict[str, int] = {}
    for problem in inputs.problems:
        found[problem.page] = found.get(problem.page, 0) + 1
    fed = {d.page: [territory_pair(d)] for d in inputs.debates}
    read = {p.title: (p.revid, fed.get(p.title, []), found.get(p.title, 0)) for p in pages}
    try:
        result = synthesize(wiki, only=pairs, inputs=inputs, report=recorder)
    except WikiError:
        # Keep what is done: the pages of the syntheses written (or left unchanged, or
        # found in conflict) are recorded; the others are done again by the next run.
        done = {pair for _, pair in written.values()}
        incremental.save(state_path, incremental.update(
            state, {t: v for t, v in read.items() if set(v[1]) <= done},
            {t for t in gone if set(state.pairs_of({t})) <= done}, written))
        raise
    if result.status != HALTED:
        incremental.save(state_path, incremental.update(state, read, gone, written))
    report.line(f"synthesize: incremental run, {len(listed)} debate pages listed, "
                f"{len(changed)} changed, {len(gone)} gone, {len(pairs)} syntheses to "
                f"check, {state.problems} problems left on pages not re-read", err=True)
    return result


class _Recording(Report):
    """Passes everything to ``report`` and each outcome to ``record`` as it happens (a
    run that fails midway keeps what it did)."""

    def __init__(self, report: Report, record) -> None:
        self.report, self.record = report, record

    def problems(self, problems: list[Problem]) -> None:
        self.report.problems(problems)

    def outcome(self, outcome: Outcome, n: int, total: int) -> None:
        self.record(outcome)
        self.report.outcome(outcome, n, total)

    def line(self, text: str, err: bool = False) -> None:
        self.report.line(text, err)


def global_inputs_key(wiki: Wiki, round_: int, close: bool) -> tuple[str, str, int | None]:
    """A fingerprint of everything round ``round_``'s global page is computed from
    (revision ids only: debate pages, contribution pages, the grid, the earlier rounds'
    global pages; settings and version), the page's title and its current revision."""
    config = wiki.config
    prefix = wiki.namespace_prefix(config.synthesis_namespace, "Synthèse")
    titles = [render.synthesis_title(prefix, contract.GLOBAL_TERRITORY, n)
              for n in range(1, round_ + 1)]
    revids = wiki.revids([config.grid_page, *titles])
    material = json.dumps([
        state_key(wiki, revids[config.grid_page]), round_, close,
        sorted(wiki.transcluding_revids(config.header_template).items()),
        sorted(wiki.transcluding_revids(contract.CONTRIBUTION.name).items()),
        [revids[t] for t in titles[:-1]],
    ])
    return hashlib.sha1(material.encode()).hexdigest(), titles[-1], revids[titles[-1]]


def global_synthesis(wiki: Wiki, round_: int, *, dry_run: bool = False, close: bool = False,
                     report: Report | None = None, inputs: Inputs | None = None,
                     state_path: Path | None = None) -> Result:
    """``Synthèse:Globale/Tour <n>``; ``close`` marks the round closed (`round close`).

    The synthesis itself is :func:`coacte.dossier.compute.compute`'s (the export dossier
    computes the very same); this job adds the frozen-page check, the charts, rendering and
    publishing. With ``state_path``, a run whose inputs have the same revisions as when
    it last wrote (or left) the page, which nobody has edited since, stops there: it
    would compute the same page (a few revision-id reads instead of every page).
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
                                  report=report, inputs=inputs)
        left = [o.revid for o in result.outcomes if o.title == title]
        if result.status == DONE and left and left[0]:
            incremental.save_fingerprint(state_path, [key, left[0]])
        return result
    prefix = wiki.namespace_prefix(config.synthesis_namespace, "Synthèse")
    titles = {n: render.synthesis_title(prefix, contract.GLOBAL_TERRITORY, n)
              for n in range(1, round_ + 1)}
    current = wiki.read(titles.values())
    page = current[titles[round_]]
    now = state(page.text if page else None)
    if now == FROZEN:  # said before reading every debate page
        report.line(f"{titles[round_]} is frozen: round {round_ + 1} is open, so its ideas "
                    "and keys no longer change.", err=True)
        return Result(FROZEN_ROUND)
    inputs = inputs or read_inputs(wiki)
    report.problems(inputs.problems)
    contributions, problems = read_contributions(wiki.transcluding(contract.CONTRIBUTION.name))
    computed = compute(inputs, round_, {n: current[t] for n, t in titles.items()},
                       contributions,
                       threshold=config.near_duplicate_threshold, close=close)
    g = computed.synthesis
    problems += computed.problems
    view = computed.views.get(round_)
    lang = wiki.language
    reactions = delphi_section(view, lang) if view is not None else []
    report.problems(problems)
    sources = [render.synthesis_title(prefix, s.territory, s.round) for s in g.syntheses
               if s.postits]
    try:
        shown = _charts(wiki, computed.dossier(), titles[round_], lang, dry_run, report)
    except StopRequested as exc:
        report.line(str(exc), err=True)
        return Result(HALTED)
    closed = close or now == CLOSED
    body = render.global_synthesis(g, inputs.grid, sources, lang, failed=problems,
                                   state=CLOSED if closed else OPEN, reactions=reactions,
                                   charts=shown)
    summary = message("coacte-summary-global", round_, len(g.territories), len(g.ideas),
                      lang=lang)
    outcomes, halted = _publish(wiki, {titles[round_]: (body, summary)}, report, dry_run,
                                current)
    data = jsondata.global_synthesis(g)
    if view is not None:
        data["reactions"] = [delphi.as_dict(view.stats[i.key]) for i in view.ideas]
        if view.pending is not None:
            data["pending"] = {"territories": view.pending[0], "ideas": view.pending[1]}
    result = Result(DONE, outcomes, data, [config.page_url(titles[round_])])
    shared = sum(len(i.territories) > 1 for i in g.ideas)
    report.line(
        f"global: round {round_}, {len(g.territories)} territories, {g.postits} post-its, "
        f"{len(g.ideas)} global ideas ({shared} shared by several territories), "
        f"{'would edit' if dry_run else 'edits'} {result.edits} "
        f"({wiki.total_requests} API requests)", err=True)
    if halted:
        report.line(str(halted), err=True)
        result.status = HALTED
    elif any(o.status == CONFLICT for o in outcomes):
        result.status = CONFLICTS
    return result


def _charts(wiki: Wiki, dossier, page: str, lang: str, dry_run: bool,
            report: Report) -> list[tuple[str, str]]:
    """Draw the round's charts and upload those whose bytes changed (no new file
    revision otherwise); the (file name, caption) to embed in the page."""
    pngs = charts_upload.draw(dossier, lang)
    charts = [charts_upload.chart(name, dossier.round, png, page, lang)
              for name, png in pngs.items()]
    for outcome in charts_upload.upload_charts(wiki, charts, dry_run=dry_run):
        if outcome.status != charts_upload.UNCHANGED:
            report.line(f"File:{outcome.name}: {outcome.status}")
    return [(c.name, message(f"coacte-chart-{name}", dossier.round, lang=lang))
            for c, name in zip(charts, pngs, strict=True)]
