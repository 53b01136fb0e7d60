"""``coacte check``: every debate page validated, and the report published for editors.

The pages are read and validated exactly as a synthesis reads them
(:func:`coacte.jobs.inputs.read_inputs`), so the report and the syntheses never disagree.
The report page is a working list for editors: it is written even in approval mode.
"""

from __future__ import annotations

from coacte.cache.stores import NONE, Stores
from coacte.i18n import language, message
from coacte.jobs.inputs import read_inputs
from coacte.jobs.publish import publish
from coacte.jobs.report import DONE, TO_FIX, JobError, Report, Result
from coacte.render import synthesis_pages as render
from coacte.wiki.client import StopRequested, Wiki


def check(wiki: Wiki, *, dry_run: bool = False, report: Report | None = None,
          lang: str | None = None, stores: Stores = NONE) -> Result:
    """Validate, tell the problems, publish the report page. The status is
    :data:`~coacte.jobs.report.TO_FIX` when problems exist; ``data["problems"]`` lists
    them as dicts (messages in ``lang``, the caller's language by default).

    The problems are in the result even when the stop page halts the publication: the
    :class:`JobError` raised then carries the result (``exc.result``)."""
    report = report or Report()
    lang = lang or language()
    inputs = read_inputs(wiki, parse_store=stores.parsed)
    report.problems(inputs.problems)
    result = Result(TO_FIX if inputs.problems else DONE,
                    data={"problems": [p.as_dict(lang) for p in inputs.problems]})
    report_page = wiki.config.report_page
    body = render.report(inputs.problems, len(inputs.pages), wiki.language)
    summary = message("coacte-summary-report", len(inputs.problems), len(inputs.pages),
                      lang=wiki.language)
    try:
        result.outcomes = publish(wiki, {report_page: (body, summary)}, dry_run=dry_run,
                                  progress=report.outcome)
    except StopRequested as exc:
        raise Halted(str(exc), result) from None
    report.line(
        f"check: {len(inputs.pages)} debate pages, {inputs.postits} valid post-its, "
        f"{len(inputs.problems)} problems — report: {wiki.config.page_url(report_page)} "
        f"({wiki.total_requests} API requests)", err=True)
    return result


class Halted(JobError):
    """The stop page halted the check before its report was published; ``result``
    holds the problems found."""

    def __init__(self, text: str, result: Result):
        super().__init__(text)
        self.result = result
