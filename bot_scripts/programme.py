"""``coacte programme``: the co-responsibility programme of a round, CO-ACTE/Programme/Tour <n>."""

from __future__ import annotations

import sys
from datetime import date

import click

from bot_scripts._shared import ClickReport, dry_run_option, open_wiki
from coacte import contract
from coacte.jobs import report as report_job
from coacte.jobs.publish import CONFLICT, UNCHANGED, publish
from coacte.programme import build_plan, read_commitments
from coacte.render import programme_page as render_programme
from coacte.wiki import uploads as charts_upload
from coacte.wiki.client import StopRequested, Wiki, WikiError
from coacte.wikitext.synthesis_page import published_ideas


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
    try:
        status = run(open_wiki(), round_, day, dry_run, ClickReport())
    except WikiError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)


def run(wiki: Wiki, round_: int, today: date, dry_run: bool = False,
        report: report_job.Report | None = None) -> int:
    """Read the commitments, write the plan page and its chart; returns the exit status."""
    report = report or report_job.Report()
    lang = wiki.language
    ideas_page = wiki.titles.global_synthesis(round_)
    title = render_programme.title(round_)
    pages = wiki.transcluding(contract.COMMITMENT.name)
    current = wiki.read([ideas_page, title])
    ideas = ({i.key: i.statement for i in published_ideas(current[ideas_page].text)}
             if current[ideas_page] is not None else None)
    commitments, problems = read_commitments(pages, round_=round_, known_keys=ideas,
                                             ideas_page=ideas_page)
    report.problems(problems)
    plan = build_plan(commitments, round_, today)
    png = render_programme.timeline_png(plan, lang)
    chart = (charts_upload.chart("programme", round_, png, title) if png is not None
             else None)
    body = render_programme.page(plan, ideas_page, lang, ideas=ideas,
                                 chart=chart.name if chart else None, problems=problems)
    uploads, outcomes, halted = [], [], None
    try:
        if chart is not None:  # before the page, so its first view shows the picture
            uploads = charts_upload.upload_charts(wiki, [chart], dry_run=dry_run)
        outcomes = publish(wiki, {title: (body, render_programme.summary(plan, lang))},
                           dry_run=dry_run, progress=report.outcome, current=current)
    except StopRequested as exc:
        halted = exc
    uploaded = [u for u in uploads if u.status != charts_upload.UNCHANGED]
    report.line(
        f"programme: round {round_}, {len(pages)} pages read, {plan.commitments} "
        f"commitments, {len(plan.actors)} actors, {plan.overdue} overdue, {plan.undated} "
        f"undated, {'would edit' if dry_run else 'edits'} "
        f"{sum(o.status not in (UNCHANGED, CONFLICT) for o in outcomes)}, chart "
        f"{_chart_word(uploads, dry_run)}, problems {len(problems)} "
        f"({wiki.total_requests} API requests)", err=True)
    for u in uploaded:
        report.line(f"File:{u.name}: {'would be ' if dry_run else ''}{u.status}")
    report.line(wiki.config.page_url(title))
    if halted:
        report.line(str(halted), err=True)
        return report_job.HALTED
    return report_job.CONFLICTS if any(o.status == CONFLICT for o in outcomes) else report_job.DONE


def _chart_word(uploads: list[charts_upload.Uploaded], dry_run: bool) -> str:
    if not uploads:
        return "none"
    status = uploads[0].status
    if status == charts_upload.UNCHANGED:
        return "unchanged"
    return f"would be {status}" if dry_run else f"uploaded ({status})"
