"""The demo debates shipped in ``demo/debates/``: four territories, round 1."""

from __future__ import annotations

from coacte.contract import DEBATE
from coacte.installation import ROOT
from coacte.wikitext.parse import calls
from coacte.wikitext.values import decode

DEMO_DIR = ROOT / "demo" / "debates"
DEMO_SUMMARY = "CO-ACTE : débat de démonstration"


def demo_pages(namespace: str) -> dict[str, str]:
    """``{title: wikitext}``, titled ``<namespace>:<territoire>/Tour <n>`` from each
    page's own header, the default title of a debate page (design §5)."""
    pages = {}
    for path in sorted(DEMO_DIR.glob("*.wikitext")):
        text = path.read_text(encoding="utf-8")
        header = next(c for c in calls(text) if c.template is DEBATE)
        values = {DEBATE.param(n).name: decode(v) for n, v in header.params if DEBATE.param(n)}
        pages[f"{namespace}:{values['territoire']}/Tour {values['tour']}"] = text
    return pages
