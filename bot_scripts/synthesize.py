"""``coacte synthesize``: debate pages → one synthesis page per territory and round."""

from __future__ import annotations

import sys

import click

from bot_scripts._shared import (
    ClickReport,
    dry_run_option,
    json_option,
    open_stores,
    open_wiki,
    write_json,
)
from coacte import config as settings
from coacte.jobs import synthesize as synthesize_job
from coacte.wiki import incremental
from coacte.wiki.client import Wiki


@click.command("synthesize")
@click.option("--round", "round_", type=click.IntRange(min=1), help="Only this round.")
@click.option("--territory", help="Only this territory (case does not matter).")
@click.option("--full", is_flag=True,
              help="Read and check every page, even those unchanged since the last run.")
@dry_run_option
@json_option
def command(round_, territory, full, dry_run, json_path) -> None:
    """Write Synthèse:<territoire>/Tour <n> for each territory and round.

    Ideas are grouped by question (blockers and levers apart), then by grid dimension;
    post-its that say the same thing within a territory are merged into one idea that
    lists every source. Invalid post-its are left out and reported (run `coacte check`
    for the full report). Only the bot's marked region of a page is written; a page a
    human changed inside that region is reported as a conflict and left alone.

    A whole-wiki run is incremental: it lists revision ids, and reads and rewrites only
    the syntheses whose debate pages (or synthesis page) changed since the last run,
    remembered in .coacte/state/. --full, --round, --territory, --dry-run and --json
    runs read everything.
    Exit status: 0 done, 2 some pages were conflicts, 3 halted by the stop page.
    """
    sys.exit(run(round_, territory, dry_run, json_path, full=full))


def run(round_=None, territory=None, dry_run: bool = False, json_path=None,
        urls: list[str] | None = None, wiki: Wiki | None = None, full: bool = False) -> int:
    """Synthesize and publish; the exit status. ``urls`` receives the pages' addresses;
    ``wiki`` is a session to use (benchmarks read its request counts afterwards)."""
    wiki = wiki or open_wiki()
    if full or round_ or territory or dry_run or json_path or wiki.config.approval:
        result = synthesize_job.synthesize(wiki, round_=round_, territory=territory,
                                           dry_run=dry_run, report=ClickReport(),
                                           stores=open_stores())
    else:
        result = synthesize_job.synthesize_changed(
            wiki, incremental.state_file(settings.home(), wiki.config), report=ClickReport())
    write_json(json_path, result.data)
    for url in result.urls:
        click.echo(url)
    if urls is not None:
        urls.extend(result.urls)
    return result.status
