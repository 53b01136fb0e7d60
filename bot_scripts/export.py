"""``coacte export``: the dossier of a round for media and policy makers, as a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot_scripts._shared import open_wiki
from coacte import dossier as dossiers
from coacte.dossier.data import for_round
from coacte.dossier.opendata import TABLES
from coacte.i18n import LANGUAGES, language, message
from coacte.jobs.global_round import load


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
    """Write the dossier of round N: key figures, ideas by grid dimension and by meaning
    code, anonymous quotes, the responsibility matrix, what each level is asked to do,
    the Delphi convergence across rounds and the thematic networks' contributions.

    The round's global synthesis is computed as `coacte global` computes it, but
    nothing is written to the wiki. html is one self-contained page (charts inside),
    pdf the same page printed (A4); csv, json and xlsx are the open data, documented in
    docs/opendata.md. Exit status: 0 written, 1 the round has no debate.
    """
    lang = lang or language()
    if table and format_ != "csv":
        raise click.UsageError(message("coacte-dossier-table-csv-only", lang=lang))
    computed = load(open_wiki(), round_)
    if not computed.has_debates:
        click.echo(message("coacte-dossier-no-debate", round_, lang=lang), err=True)
        sys.exit(1)
    if computed.problems:
        click.echo(message("coacte-dossier-problems", len(computed.problems), round_,
                           lang=lang), err=True)
    dossier = for_round(computed)
    path = out or Path.cwd()
    if path.is_dir():
        path = path / dossiers.default_name(round_, format_)
    path.write_bytes(dossiers.render(dossier, format_, lang, table or "ideas"))
    f = dossier.figures
    click.echo(message("coacte-dossier-written", path, round_, f.territories, f.postits,
                       f.ideas, lang=lang))

