"""``coacte programme``: the co-responsibility programme of a round, CO-ACTE/Programme/Tour <n>."""

from __future__ import annotations

import sys
from datetime import date

import click

from bot_scripts._shared import ClickReport, dry_run_option, fail_on, open_wiki
from coacte.jobs import programme as programme_job
from coacte.wiki.client import WikiError


@click.command("programme")
@click.option("--round", "round_", type=click.IntRange(min=1), required=True,
              help="The round whose commitments to gather.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day statuses are computed on, YYYY-MM-DD (default: today).")
@dry_run_option
def command(round_, today, dry_run) -> None:
    """Write CO-ACTE/Programme/Tour <n> from every {{CO-ACTE engagement}} of the round.

    Reads every page that transcludes {{CO-ACTE engagement}} (whatever its namespace) and
    keeps the commitments of round N (its `tour`, else the page's `/Tour N` title). The
    page shows the counts, a timeline by actor (a Gantt chart uploaded as
    File:CO-ACTE Tour <n> - programme.png, and the same as text), a table per actor
    (what, start, end, idea, status) and the commitments to fix. A commitment is overdue
    when its end date is before --today, undated without start and end. Problems
    (missing who or what, malformed dates, an end before the start, an idea key the
    round's global synthesis does not have, unknown parameters) are printed and listed
    on the page. The page is saved only when its text changes and the chart uploaded only
    when its bytes change.
    Exit status: 0 done, 2 the page was a conflict, 3 halted by the stop page.
    """
    day = today.date() if today else date.today()
    with fail_on(WikiError):
        result = programme_job.programme(open_wiki(), round_, day, dry_run=dry_run,
                                         report=ClickReport())
    sys.exit(result.status)
