"""``coacte programme``: the co-responsibility programme of a round, from the wiki's
``{{CO-ACTE engagement}}`` calls to ``CO-ACTE/Programme/Tour <n>`` and its Gantt chart.

The commitments and the plan are the core's (:mod:`coacte.programme`), the page and the
chart :mod:`coacte.render.programme_page`'s; this job reads, uploads the chart when its
bytes change, and publishes the page when its text changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coacte import contract
from coacte.jobs.lock import locked
from coacte.jobs.publish import CONFLICT, UNCHANGED, publish
from coacte.jobs.report import DONE, Report, Result
from coacte.model import PageRevision
from coacte.problems import Problem
from coacte.programme import Plan, build_plan, read_commitments
from coacte.render import programme_page as render_programme
from coacte.wiki import uploads as charts_upload
from coacte.wiki.client import StopRequested, Wiki
from coacte.wikitext.synthesis_page import published_ideas


@dataclass
class Composed:
    """The programme page as computed from the wiki now: what :func:`programme`
    publishes (and, in the demo, proposes)."""

    title: str
    body: str
    summary: str
    plan: Plan
    chart: charts_upload.Chart | None
    current: dict[str, PageRevision | None]
    pages: list[PageRevision]
    problems: list[Problem]


def compose(wiki: Wiki, round_: int, today: date) -> Composed:
    """Read the commitments and the round's ideas; the page and its chart as of
    ``today``. Reads only."""
    lang = wiki.language
    ideas_page = wiki.titles.global_synthesis(round_)
    title = render_programme.title(round_)
    pages = wiki.transcluding(contract.COMMITMENT.name)
    current = wiki.read([ideas_page, title])
    ideas = ({i.key: i.statement for i in published_ideas(current[ideas_page].text)}
             if current[ideas_page] is not None else None)
    commitments, problems = read_commitments(pages, round_=round_, known_keys=ideas,
                                             ideas_page=ideas_page)
    plan = build_plan(commitments, round_, today)
    png = render_programme.timeline_png(plan, lang)
    chart = (charts_upload.chart("programme", round_, png, title) if png is not None
             else None)
    body = render_programme.page(plan, ideas_page, lang, ideas=ideas,
                                 chart=chart.name if chart else None, problems=problems)
    return Composed(title, body, render_programme.summary(plan, lang), plan, chart,
                    current, pages, problems)


@locked("coacte programme")
def programme(wiki: Wiki, round_: int, today: date, *, dry_run: bool = False,
              report: Report | None = None) -> Result:
    """Read the commitments, write the plan page and its chart (statuses as of
    ``today``); the page's address in ``urls``."""
    report = report or Report()
    composed = compose(wiki, round_, today)
    title, plan, chart, problems = (composed.title, composed.plan, composed.chart,
                                    composed.problems)
    pages, current = composed.pages, composed.current
    report.problems(problems)
    uploads, outcomes, halted = [], [], None
    try:
        if chart is not None:  # before the page, so its first view shows the picture
            uploads = charts_upload.upload_charts(wiki, [chart], dry_run=dry_run)
        outcomes = publish(wiki, {title: (composed.body, composed.summary)},
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
    url = wiki.config.page_url(title)
    report.line(url)
    result = Result(DONE, outcomes, {"commitments": plan.commitments,
                                     "problems": len(problems)}, [url])
    return result.settle(halted, report)


def _chart_word(uploads: list[charts_upload.Uploaded], dry_run: bool) -> str:
    if not uploads:
        return "none"
    status = uploads[0].status
    if status == charts_upload.UNCHANGED:
        return "unchanged"
    return f"would be {status}" if dry_run else f"uploaded ({status})"
