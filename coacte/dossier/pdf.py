"""The dossier as PDF: the HTML dossier (:mod:`.html`) printed by WeasyPrint.

WeasyPrint needs Pango (Debian's ``libpango-1.0-0``) and a font with the accents of the
network's languages (``fonts-dejavu-core``). It is imported only when a PDF is asked for.
"""

from __future__ import annotations

from coacte.dossier import html
from coacte.dossier.data import Dossier


def render(dossier: Dossier, lang: str = "fr") -> bytes:
    """The dossier's PDF: A4, page numbers, the same content as the HTML page."""
    from weasyprint import HTML  # slow to import; only the PDF needs it

    page = html.render(dossier, lang)
    return HTML(string=page).write_pdf()
