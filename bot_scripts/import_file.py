"""``coacte import FILE``: a CSV/XLSX transcription → a debate page, written by the bot."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot_scripts._shared import open_wiki
from coacte import contract
from coacte.i18n import language, message
from coacte.importing import TranscriptionError, blocking, check, read_path
from coacte.validate import read_grid
from coacte.wiki.client import StopRequested
from coacte.wikitext.debate_page import append_postits, debate_page


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
    sys.exit(run(file, territory, round_, question or "", country, lang_code, dry_run))


def run(file: Path, territory: str, round_: int, question: str = "", country: str = "",
        lang_code: str = "", dry_run: bool = False) -> int:
    lang = language()
    try:
        transcription = read_path(file, question)
    except TranscriptionError as exc:
        click.echo(exc.message(lang), err=True)
        return 1
    wiki = open_wiki()
    config = wiki.config
    territory = " ".join(territory.split())
    title = wiki.titles.debate(territory, round_)
    pages = wiki.read([config.grid_page, title])
    grid = read_grid(pages[config.grid_page])[0]
    header = {"territoire": territory, "tour": str(round_), "pays": country,
              "langue": lang_code}
    problems = check(header, transcription.rows, grid, title)
    for p in problems:
        click.echo(f"{transcription.name} — {p.location(lang)}: {p.message(lang)}", err=True)
    rows = len(transcription.rows)
    if blocking(problems):
        click.echo(f"import: {rows} rows read, {sum(p.blocking for p in problems)} problems "
                   "to fix — nothing written", err=True)
        return 1
    current = pages[title]
    postits = [r.values for r in transcription.rows]
    if current is None:
        text = debate_page(header, postits)
        summary = message("coacte-forms-summary-import-create", rows, lang=wiki.language)
    else:
        text = append_postits(current.text, postits)
        summary = message("coacte-forms-summary-import", rows, lang=wiki.language)
    action = "create" if current is None else "append"
    if dry_run:
        click.echo(f"{title}: would {action} ({rows} post-its)")
        return 0
    try:
        saved = wiki.save(title, text, summary, current)
    except StopRequested as exc:
        click.echo(str(exc), err=True)
        return 3
    if saved.status != "saved":
        click.echo(f"{title}: changed meanwhile ({saved.code}) — nothing written; run again",
                   err=True)
        return 2
    done = "created" if current is None else "appended to"
    click.echo(f"{title}: {done}, {rows} post-its — {config.page_url(title)}")
    click.echo(f"import: {rows} rows, {len(problems)} warnings, 1 edit "
               f"({wiki.total_requests} API requests)", err=True)
    return 0
