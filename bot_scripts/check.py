"""``coacte check``: validate every debate page; publish the report for editors."""

from __future__ import annotations

import sys

import click

from bot_scripts._shared import (
    dry_run_option,
    echo_outcome,
    echo_problems,
    json_option,
    open_wiki,
    write_json,
)
from coacte.i18n import language, message
from coacte.jobs.inputs import read_inputs
from coacte.jobs.publish import publish
from coacte.render import synthesis_pages as render
from coacte.wiki.client import StopRequested


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
    sys.exit(run(json_path, dry_run))


def run(json_path=None, dry_run: bool = False) -> int:
    """Check, print, publish; the exit status (1 when problems exist)."""
    wiki = open_wiki()
    inputs = read_inputs(wiki)
    lang = language()
    echo_problems(inputs.problems, lang)
    write_json(json_path, [p.as_dict(lang) for p in inputs.problems])
    report_page = wiki.config.report_page
    body = render.report(inputs.problems, len(inputs.pages), wiki.language)
    summary = message("coacte-summary-report", len(inputs.problems), len(inputs.pages),
                      lang=wiki.language)
    try:
        publish(wiki, {report_page: (body, summary)}, dry_run=dry_run, progress=echo_outcome)
    except StopRequested as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"check: {len(inputs.pages)} debate pages, {inputs.postits} valid post-its, "
        f"{len(inputs.problems)} problems — report: {wiki.config.page_url(report_page)} "
        f"({wiki.total_requests} API requests)",
        err=True,
    )
    return 1 if inputs.problems else 0
