"""``coacte check``: validate every debate page; publish the report for editors."""

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
from coacte.jobs import check as check_job


@click.command("check")
@json_option
@dry_run_option
def command(json_path, dry_run) -> None:
    """Check every debate page against the wiki contract and the grid.

    Each problem names the page, the post-it's number on it (or the page itself), the
    field and what to fix. The report is printed, published on the report page
    (CO-ACTE/Rapport de vérification by default) and, with --json, written as a list of
    {"page", "index", "field", "message"}. Exits with status 1 when problems exist.
    """
    try:
        result = check_job.check(open_wiki(), dry_run=dry_run, report=ClickReport(),
                                 stores=open_stores())
    except check_job.Halted as exc:
        write_json(json_path, exc.result.data["problems"])
        raise click.ClickException(str(exc)) from None
    write_json(json_path, result.data["problems"])
    sys.exit(result.status)
