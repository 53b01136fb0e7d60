"""``coacte export``: the dossier of a round for media and policy makers, as a file.

The round is read and computed as ``coacte global`` computes it
(:func:`coacte.jobs.global_round.load`), but nothing is written to the wiki; the
dossier is :mod:`coacte.dossier`'s, in one of :data:`coacte.dossier.FORMATS`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coacte import contract
from coacte import dossier as dossiers
from coacte.cache.stores import NONE, Stores
from coacte.dossier.data import for_round
from coacte.i18n import language, message
from coacte.jobs.global_round import load
from coacte.jobs.report import DONE, TO_FIX, Report, Result
from coacte.programme import read_commitments
from coacte.wiki.client import Wiki


def export(wiki: Wiki, round_: int, format_: str, out: Path | None = None, *,
           lang: str | None = None, table: str | None = None, report: Report | None = None,
           stores: Stores = NONE, today: date | None = None) -> Result:
    """Write round ``round_``'s dossier to ``out`` (a file, or a folder for the default
    name; default: the current folder), in ``lang`` (default: the caller's language);
    ``table`` is the table a CSV holds (default: ideas). The programme's statuses are
    those of ``today`` (default: the machine's date).

    A Delphi round without post-its of its own shows the ideas it reacted to, so its
    dossier holds both the ideas and the reactions.

    The status is :data:`~coacte.jobs.report.TO_FIX` (nothing written) when the round has
    no debate; ``data`` holds the file's path and the dossier's key figures.
    """
    report = report or Report()
    lang = lang or language()
    computed = load(wiki, round_, stores=stores, reacted_to=True)
    if not computed.has_debates:
        # The console speaks English like every job's summary; the dossier, ``lang``.
        report.line(message("coacte-dossier-no-debate", round_, lang="en"), err=True)
        return Result(TO_FIX)
    if computed.problems:
        report.line(message("coacte-dossier-problems", len(computed.problems), round_,
                            lang="en"), err=True)
    commitments, _ = read_commitments(wiki.transcluding(contract.COMMITMENT.name))
    dossier = for_round(computed, computed.reacted_to, commitments=commitments,
                        today=today or date.today())
    path = out or Path.cwd()
    if path.is_dir():
        path = path / dossiers.default_name(round_, format_)
    path.write_bytes(dossiers.render(dossier, format_, lang, table or "ideas"))
    f = dossier.figures
    report.line(message("coacte-dossier-written", path, round_, f.territories, f.postits,
                        f.ideas, lang="en"))
    return Result(DONE, data={"path": str(path), "territories": f.territories,
                              "postits": f.postits, "ideas": f.ideas})
