"""``coacte import``: a CSV/XLSX transcription → a debate page, written by the bot.

The rows are checked exactly as ``coacte check`` checks a page
(:func:`coacte.importing.check`); if any row has a problem that would leave it out of
the synthesis, nothing is written. The page is then created, or the post-its are added
after its own, by the one "create or append" job the web forms use too
(:mod:`coacte.jobs.debates`).
"""

from __future__ import annotations

from pathlib import Path

from coacte.i18n import language
from coacte.importing import Transcription, TranscriptionError, blocking, check, postits, read_path
from coacte.jobs import debates
from coacte.jobs.report import CONFLICTS, DONE, HALTED, TO_FIX, Report, Result
from coacte.validate import read_grid
from coacte.wiki.client import StopRequested, Wiki


def read_file(path: Path, question: str = "", report: Report | None = None,
              lang: str | None = None) -> Transcription | None:
    """The transcription in ``path`` (``question``: that of rows that give none), or
    ``None`` once ``report`` has been told why the file cannot be read. Needs no wiki,
    so a wrong file is told before logging in."""
    try:
        return read_path(path, question)
    except TranscriptionError as exc:
        (report or Report()).line(exc.message(lang or language()), err=True)
        return None


def import_debate(wiki: Wiki, transcription: Transcription, territory: str, round_: int, *,
                  country: str = "", lang_code: str = "", dry_run: bool = False,
                  report: Report | None = None, lang: str | None = None) -> Result:
    """Check the rows, then create ``Débat:<territory>/Tour <round_>`` or append to it.

    Problems are told in ``lang`` (the caller's language by default), located in the
    file. The status: :data:`~coacte.jobs.report.TO_FIX` (a row must be fixed, nothing
    written), ``CONFLICTS`` (the page changed meanwhile, nothing written), ``HALTED`` (the
    stop page), else ``DONE``; the page's address in ``urls``.
    """
    report = report or Report()
    lang = lang or language()
    config = wiki.config
    territory = " ".join(territory.split())
    title = wiki.titles.debate(territory, round_)
    pages = wiki.read([config.grid_page, title])
    grid = read_grid(pages[config.grid_page])[0]
    header = {"territoire": territory, "tour": str(round_), "pays": country,
              "langue": lang_code}
    problems = check(header, transcription.rows, grid, title)
    for p in problems:
        report.line(f"{transcription.name} — {p.location(lang)}: {p.message(lang)}", err=True)
    rows = len(transcription.rows)
    if blocking(problems):
        report.line(f"import: {rows} rows read, {sum(p.blocking for p in problems)} problems "
                    "to fix — nothing written", err=True)
        return Result(TO_FIX)
    entry = debates.entry(title, pages[title], header, postits(transcription.rows))
    if dry_run:
        report.line(f"{title}: would {entry.action} ({rows} post-its)")
        return Result(DONE)
    try:
        saved = debates.write(wiki, entry, "import")
    except StopRequested as exc:
        report.line(str(exc), err=True)
        return Result(HALTED)
    if not saved.ok:
        report.line(f"{title}: changed meanwhile ({saved.code}) — nothing written; run again",
                    err=True)
        return Result(CONFLICTS)
    done = "created" if entry.action == debates.CREATE else "appended to"
    report.line(f"{title}: {done}, {rows} post-its — {config.page_url(title)}")
    report.line(f"import: {rows} rows, {len(problems)} warnings, 1 edit "
                f"({wiki.total_requests} API requests)", err=True)
    return Result(DONE, urls=[config.page_url(title)])
