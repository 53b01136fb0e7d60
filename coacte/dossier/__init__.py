"""The dossier for media and policy makers, built from a round's global synthesis.

:mod:`~coacte.synthesis.global_round` computes the round's global synthesis and Delphi views
read-only (nothing is written to the wiki); :mod:`~coacte.dossier.data` turns them into a
plain :class:`~coacte.dossier.data.Dossier`; :mod:`~coacte.dossier.charts`,
:mod:`~coacte.dossier.html`, :mod:`~coacte.dossier.pdf` and
:mod:`~coacte.dossier.opendata` render it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coacte.dossier.data import Dossier

#: What ``coacte export --format`` writes: the dossier (html, pdf) or its open data.
FORMATS = ("html", "pdf", "csv", "json", "xlsx")


def default_name(round_: int, format_: str) -> str:
    return f"coacte-round-{round_}.{format_}"


def render(dossier: Dossier, format_: str, lang: str = "fr", table: str = "ideas") -> bytes:
    """The dossier in one of :data:`FORMATS`, as the bytes of the file; ``table`` is the
    table a CSV holds (see :data:`coacte.dossier.opendata.TABLES`). Renderers are
    imported on demand: WeasyPrint and matplotlib are slow to import."""
    if format_ == "pdf":
        from coacte.dossier import pdf

        return pdf.render(dossier, lang)
    if format_ == "html":
        from coacte.dossier import html

        return html.render(dossier, lang).encode("utf-8")
    from coacte.dossier import opendata

    if format_ == "csv":
        return opendata.to_csv(dossier, table).encode("utf-8")
    if format_ == "json":
        return opendata.to_json(dossier).encode("utf-8")
    if format_ == "xlsx":
        return opendata.to_xlsx(dossier)
    raise ValueError(f"unknown format {format_!r}: one of {', '.join(FORMATS)}")
