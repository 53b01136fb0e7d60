"""``coacte charts``: the export dossier's charts of a round, uploaded to the wiki.

The charts are drawn from the round as :func:`coacte.jobs.global_round.load` reads it
(the dossier's own figures, :mod:`coacte.dossier.charts`), so they are the very bytes
``coacte global`` uploads; a chart whose bytes did not change is not uploaded again.
"""

from __future__ import annotations

from coacte.cache.stores import NONE, Stores
from coacte.dossier import charts as dossier_charts
from coacte.dossier.data import for_round
from coacte.jobs.global_round import load
from coacte.jobs.lock import locked
from coacte.jobs.report import DONE, HALTED, Report, Result
from coacte.wiki import uploads as charts_upload
from coacte.wiki.client import StopRequested, Wiki


def build_charts(wiki: Wiki, round_: int, lang: str, stores: Stores = NONE) -> dict[str, bytes]:
    """The dossier's PNGs of the round by chart name (a chart with nothing to draw may
    be missing). Reads only."""
    return dossier_charts.draw(for_round(load(wiki, round_, stores=stores)), lang)


@locked("coacte charts")
def charts(wiki: Wiki, round_: int, *, dry_run: bool = False, report: Report | None = None,
           stores: Stores = NONE) -> Result:
    """Draw the round's charts and upload the changed ones (``dry_run``: none); each
    chart's status in ``data["charts"]``."""
    report = report or Report()
    source = wiki.titles.global_synthesis(round_)
    pngs = build_charts(wiki, round_, wiki.language, stores=stores)
    files = [charts_upload.chart(name, round_, png, source) for name, png in pngs.items()]
    outcomes: list[charts_upload.Uploaded] = []

    def show(outcome: charts_upload.Uploaded, n: int, total: int) -> None:
        outcomes.append(outcome)
        word = outcome.status if outcome.status == charts_upload.UNCHANGED else (
            f"would be uploaded ({outcome.status})" if dry_run
            else f"uploaded ({outcome.status})")
        report.line(f"[{n}/{total}] File:{outcome.name}: {word}")

    result = Result(DONE)
    try:
        charts_upload.upload_charts(wiki, files, dry_run=dry_run, progress=show)
    except StopRequested as exc:
        report.line(str(exc), err=True)
        result.status = HALTED
    result.data = {"charts": {o.name: o.status for o in outcomes}}
    if result.status == HALTED:
        return result
    changed = sum(o.status != charts_upload.UNCHANGED for o in outcomes)
    report.line(f"charts: round {round_}, {len(files)} charts, "
                f"{'would upload' if dry_run else 'uploaded'} {changed}, unchanged "
                f"{len(outcomes) - changed} ({wiki.total_requests} API requests)", err=True)
    return result
