"""``coacte synthesize``: the territory syntheses, all of them or only what changed.

``inputs`` lets a caller that runs several jobs read the wiki once.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from coacte.cache.stores import NONE, Stores
from coacte.i18n import message
from coacte.jobs.inputs import read_inputs
from coacte.jobs.lock import locked
from coacte.jobs.publish import CONFLICT
from coacte.jobs.report import DONE, HALTED, Recording, Report, Result, publish_all
from coacte.model import Inputs, Synthesis
from coacte.render import jsondata
from coacte.render import synthesis_pages as render
from coacte.synthesis.territory import names as territory_names
from coacte.synthesis.territory import pair as territory_pair
from coacte.synthesis.territory import synthesize as territory_syntheses
from coacte.validate import read_debates, read_grid
from coacte.wiki import incremental
from coacte.wiki.client import Wiki, WikiError


@locked("coacte synthesize")
def synthesize(wiki: Wiki, *, round_: int | None = None, territory: str | None = None,
               only: Collection[tuple[str, int]] | None = None, dry_run: bool = False,
               report: Report | None = None, inputs: Inputs | None = None,
               stores: Stores = NONE) -> Result:
    """Territory syntheses, all or those chosen by round, territory or ``only`` (pairs of
    territory, compared without case, and round). ``stores`` keeps parsed pages between
    runs (when ``inputs`` are not given)."""
    report = report or Report()
    config = wiki.config
    inputs = inputs or read_inputs(wiki, parse_store=stores.parsed)
    report.problems(inputs.problems)
    named = wiki.titles
    wanted = {(t.casefold(), r) for t, r in only} if only is not None else None
    chosen = [
        s for s in territory_syntheses(inputs.debates, inputs.grid,
                                       config.near_duplicate_threshold)
        if (round_ is None or s.round == round_)
        and (territory is None or s.territory.casefold() == territory.casefold())
        and (wanted is None or (s.territory.casefold(), s.round) in wanted)
    ]
    titled = _worth_a_page(wiki, [(named.synthesis(s.territory, s.round), s) for s in chosen])
    chosen = [s for _, s in titled]
    lang = wiki.language
    bodies = {
        title: (render.synthesis(s, inputs.grid, lang),
                message("coacte-summary-synthesis", s.territory, s.round, s.postits,
                        len(s.ideas), lang=lang))
        for title, s in titled
    }
    outcomes, halted = publish_all(wiki, bodies, report, dry_run)
    result = Result(DONE, outcomes, jsondata.syntheses(titled),
                    [config.page_url(t) for t, _ in titled])
    conflicts = sum(o.status == CONFLICT for o in outcomes)
    report.line(
        f"synthesize: {len(inputs.pages)} pages read, {sum(s.postits for s in chosen)} "
        f"post-its, {sum(len(s.ideas) for s in chosen)} ideas, {len(chosen)} syntheses, "
        f"{'would edit' if dry_run else 'edits'} {result.edits}, conflicts {conflicts}, "
        f"problems {len(inputs.problems)} ({wiki.total_requests} API requests)", err=True)
    return result.settle(halted, report)


def _worth_a_page(wiki: Wiki, titled: list[tuple[str, Synthesis]]
                  ) -> list[tuple[str, Synthesis]]:
    """The syntheses to publish: a debate without post-its (a Delphi round's page that
    only reacts, so far) gets no new synthesis page, which would say "0 post-its"; a
    page that exists is still updated (its post-its may all have been removed)."""
    empty = [title for title, s in titled if not s.postits]
    if not empty:
        return titled
    exists = wiki.revids(empty)
    return [(title, s) for title, s in titled if s.postits or exists.get(title)]


def state_key(wiki: Wiki, grid_revid: int | None) -> str:
    """What invalidates an incremental run's state: the bot's code
    (:func:`~coacte.wiki.incremental.code_version`), the wiki and account, the grid's revision
    and every setting that changes a synthesis page."""
    c = wiki.config
    return "|".join(map(str, (incremental.code_version(), c.wiki_url, c.bot_user, grid_revid,
                              wiki.language, c.near_duplicate_threshold, c.header_template,
                              c.postit_template, c.synthesis_namespace, c.approval)))


@locked("coacte synthesize")
def synthesize_changed(wiki: Wiki, state_path: Path, *,
                       report: Report | None = None) -> Result:
    """All the territory syntheses, reading and writing only what changed since the run
    that wrote ``state_path`` (:mod:`coacte.wiki.incremental`); the first run is a full one.

    Revision ids are listed first (no texts); then only the debate pages of the
    (territory, round) pairs touched by an edit, or whose synthesis page someone else
    edited, are read, parsed, synthesized and published.
    """
    report = report or Report()
    config = wiki.config
    first = wiki.read([config.grid_page, config.groups_page])  # one request for both
    grid_page = first[config.grid_page]
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
    inputs = read_inputs(wiki, pages=pages, grid_page=grid_page, grid=grid, known=parsed,
                         groups_page=first[config.groups_page])
    named = wiki.titles
    pair_of = {named.synthesis(name, round_): (key, round_)
               for (key, round_), name in territory_names(inputs.debates).items()}
    written: dict[str, tuple[int | None, incremental.Pair]] = {}
    recorder = Recording(report, lambda o: written.__setitem__(o.title, (
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


