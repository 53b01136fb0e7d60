"""The read half of every bot run: wiki → pages → grid, group kinds and debates, with
problems.

``coacte check`` and ``coacte synthesize`` both start here, so they can never disagree
on what a debate page says.
"""

from __future__ import annotations

from coacte.cache.parsed_pages import ParseStore
from coacte.model import Grid, Inputs, PageRevision
from coacte.problems import Problem
from coacte.validate import read_debates, read_grid, read_groups
from coacte.wiki.client import Wiki
from coacte.wiki.incremental import code_version


def read_inputs(wiki: Wiki, *, pages: list[PageRevision] | None = None,
                grid_page: PageRevision | None | bool = False,
                grid: tuple[Grid, list[Problem]] | None = None,
                known: dict | None = None, parse_store: ParseStore | None = None,
                groups_page: PageRevision | None | bool = False) -> Inputs:
    """Read the grid page, the groups page (one batch) and every debate page (found by
    transclusion of the header, whatever their namespace) in batches, then validate them.

    ``pages``, ``grid_page`` and ``groups_page`` are those the caller already read (an
    incremental run reads only some debate pages): they are not read again (the groups
    page alone is read when only the grid page is handed); ``known`` holds the pages
    already parsed (see :func:`~coacte.validate.read_debates`); ``grid`` is what
    :func:`~coacte.validate.read_grid` found on ``grid_page``, if the caller has it.
    Without ``known``, the revisions ``parse_store`` holds (for this code and grid
    revision) are not parsed again (the bots pass ``<home>/cache/parsed.sqlite``, see
    :class:`~coacte.cache.stores.Stores`; tests and the core alone pass none).
    """
    config = wiki.config
    wanted = [t for t, given in ((config.grid_page, grid_page),
                                 (config.groups_page, groups_page)) if given is False]
    read = wiki.read(wanted) if wanted else {}
    grid_page = read[config.grid_page] if grid_page is False else grid_page
    groups_page = read[config.groups_page] if groups_page is False else groups_page
    grid, problems = read_grid(grid_page) if grid is None else (grid[0], list(grid[1]))
    if grid_page is None:
        problems.append(Problem(config.grid_page, None, None, "coacte-problem-no-grid",
                                blocking=False))
    group_kinds, found = read_groups(groups_page)
    problems += found
    if groups_page is None:
        problems.append(Problem(config.groups_page, None, None, "coacte-problem-no-groups",
                                blocking=False))
    if pages is None:
        pages = wiki.transcluding(config.header_template)
    if known is None and parse_store is not None:
        known = parse_store.view(f"{code_version()}|grid {grid_page.revid if grid_page else None}")
    debates, found = read_debates(pages, grid, known=known)
    return Inputs(pages, grid, debates, problems + found, group_kinds)
