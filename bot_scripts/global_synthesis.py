"""``coacte global``: the synthesis of syntheses for a round, Synthèse:Globale/Tour <n>."""

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
from coacte.jobs import global_round as global_round_job
from coacte.jobs import report as report_job


@click.command("global")
@click.option("--round", "round_", type=click.IntRange(min=1), required=True,
              help="The round to synthesize.")
@click.option("--full", is_flag=True,
              help="Compute the page even if nothing changed since the last run.")
@dry_run_option
@json_option
def command(round_, full, dry_run, json_path) -> None:
    """Write Synthèse:Globale/Tour <n>: ideas that mean the same across territories.

    Territory ideas in other words or other languages (French, English, Portuguese)
    become one global idea listing its territories, groups and source ideas; an idea of
    a single territory stays, shown as such. Ideas are ranked by number of territories.
    Two views: by grid dimension and by meaning code; for blockers and levers, the
    responsibility matrix idea × level. Keys stay the same across runs. Moderators'
    {{CO-ACTE curation}} decisions written on the page (outside the bot's markers) are
    applied at every run; thematic networks' {{CO-ACTE apport}} contributions appear
    under the idea they enrich. Decisions or contributions that match nothing are
    reported (printed, and listed on the page). From round 2 on, the page also shows the
    Delphi reactions to the previous round's ideas (see `coacte round`).
    When no page it is computed from has a new revision since the last run (and nobody
    edited the global page), the run stops after reading revision ids (--full computes
    anyway; so do --dry-run and --json).
    Exit status: 0 done, 2 the page was a conflict, 3 halted by the stop page, 4 the
    round is frozen (the next round is open).
    """
    sys.exit(run(round_, dry_run, json_path, full=full))


def run(round_: int, dry_run: bool = False, json_path=None, close: bool = False,
        full: bool = False) -> int:
    """Write the round's global page; ``close`` marks the round closed (`round close`)."""
    wiki = open_wiki()
    incremental = not (full or dry_run or json_path)
    result = global_round_job.global_synthesis(
        wiki, round_, dry_run=dry_run, close=close, report=ClickReport(),
        state_path=global_round_job.state_path(wiki, round_) if incremental else None,
        stores=open_stores(), queue=json_path is not None)
    if result.status != report_job.FROZEN_ROUND:
        write_json(json_path, result.data)
    for url in result.urls:
        click.echo(url)
    return result.status
