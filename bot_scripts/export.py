"""``coacte export``: the dossier of a round for media and policy makers, as a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot_scripts._shared import ClickReport, open_stores, open_wiki
from coacte import dossier as dossiers
from coacte.dossier.opendata import TABLES
from coacte.i18n import LANGUAGES, language, message
from coacte.jobs import export as export_job


@click.command("export")
@click.option("--round", "round_", type=click.IntRange(min=1), required=True,
              help="The round whose global synthesis the dossier presents.")
@click.option("--format", "format_", type=click.Choice(dossiers.FORMATS), required=True,
              help="html or pdf: the dossier; csv, json or xlsx: its open data.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Where to write (a file, or a folder for the default name). "
                   "Default: coacte-round-<N>.<format> in the current folder.")
@click.option("--lang", type=click.Choice(LANGUAGES),
              help="The dossier's language (html, pdf). Default: COACTE_LANG, else LANG, "
                   "else French.")
@click.option("--table", type=click.Choice(TABLES),
              help="csv only: the table to write (default: ideas). The json and xlsx "
                   "formats hold every table.")
def command(round_, format_, out, lang, table) -> None:
    """Write the dossier of round N: a first page for decision makers (what each level
    is asked to do, where the groups agree and what divides them), then key figures,
    ideas by grid dimension and by meaning code with anonymous quotes, the
    responsibility matrix, the Delphi rounds up to N (convergence, stability), the
    thematic networks' contributions, the co-responsibility programme and a method card.
    A Delphi round without post-its of its own shows the ideas it reacted to.

    The round's global synthesis is computed as `coacte global` computes it, but
    nothing is written to the wiki. html is one self-contained page (charts inside),
    pdf the same page printed (A4); csv, json and xlsx are the open data, documented in
    docs/opendata.md. Exit status: 0 written, 1 the round has no debate.
    """
    lang = lang or language()
    if table and format_ != "csv":
        raise click.UsageError(message("coacte-dossier-table-csv-only", lang=lang))
    result = export_job.export(open_wiki(), round_, format_, out, lang=lang, table=table,
                               report=ClickReport(), stores=open_stores())
    sys.exit(result.status)
