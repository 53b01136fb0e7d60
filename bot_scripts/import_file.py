"""``coacte import FILE``: a CSV/XLSX transcription → a debate page, written by the bot."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot_scripts._shared import ClickReport, open_wiki
from coacte import contract
from coacte.jobs import import_debate as import_job
from coacte.jobs.report import TO_FIX


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--territory", required=True, help="The territory that held the debate.")
@click.option("--round", "round_", type=click.IntRange(min=1), default=1, show_default=True,
              help="The debate's round.")
@click.option("--question", type=click.Choice([str(q) for q in contract.QUESTIONS]),
              help="The question of rows that give none (the file may then have no "
                   "question column).")
@click.option("--country", default="", help="Country code written in a new page's header.")
@click.option("--language", "lang_code", default="",
              help="Language of the post-its, written in a new page's header (fr, en, pt…).")
@click.option("--dry-run", is_flag=True, help="Check and show what would be written; write "
                                              "nothing.")
def command(file, territory, round_, question, country, lang_code, dry_run) -> None:
    """Import a transcription (CSV or XLSX, one post-it per row) into
    Débat:<territory>/Tour <round>.

    The first row names the columns, in French or English: question, texte (text),
    groupe (group), nature (kind), code, niveau (level), acteurs (actors). CSV files may
    be separated by commas, semicolons or tabs, in UTF-8 or Windows-1252.

    The rows are checked exactly as `coacte check` checks a page; each problem is printed
    with its row (as the spreadsheet numbers it) and column. If any row has a problem
    that would leave it out of the synthesis, nothing is written: fix the file and run
    again. Otherwise the page is created, or, if it exists, the post-its are added after
    its own.

    Exit status: 0 written (or, with --dry-run, writable), 1 the file or a row must be
    fixed (nothing written), 2 the page changed meanwhile (nothing written), 3 halted by
    the stop page.
    """
    report = ClickReport()
    transcription = import_job.read_file(file, question or "", report)
    if transcription is None:
        sys.exit(TO_FIX)
    result = import_job.import_debate(open_wiki(), transcription, territory, round_,
                                      country=country, lang_code=lang_code, dry_run=dry_run,
                                      report=report)
    sys.exit(result.status)
