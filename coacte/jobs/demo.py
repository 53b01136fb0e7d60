"""The demo debates shipped in ``demo/debates/``: four territories, round 1."""

from __future__ import annotations

from coacte.contract import DEBATE, Titles
from coacte.jobs.install import ROOT
from coacte.wikitext.parse import calls
from coacte.wikitext.values import decode

DEMO_DIR = ROOT / "demo" / "debates"
#: The demo's co-responsibility commitments ("what can I do?").
DEMO_COMMITMENTS = ("CO-ACTE/Engagements de démonstration",
                    ROOT / "demo" / "engagements.wikitext")
DEMO_SUMMARY = "CO-ACTE : débat de démonstration"


def demo_pages(titles: Titles) -> dict[str, str]:
    """``{title: wikitext}``, each titled as the debate page of its own header's
    territory and round (design §5)."""
    pages = {}
    for path in sorted(DEMO_DIR.glob("*.wikitext")):
        text = path.read_text(encoding="utf-8")
        header = next(c for c in calls(text) if c.template is DEBATE)
        values = {DEBATE.param(n).name: decode(v) for n, v in header.params if DEBATE.param(n)}
        pages[titles.debate(values["territoire"], values["tour"])] = text
    return pages


#: The demo groups that react in round 2, per territory (as in the round 1 pages).
DEMO_GROUPS = {
    "Mulhouse": ("Élus", "Jeunes"),
    "Braine-l'Alleud": ("Associations", "Aînés"),
    "Odemira": ("Jovens", "Agricultores"),
    "Bristol": ("Councillors", "Young people"),
}


def demo_reactions(text: str, territory: str) -> str:
    """A seeded round-2 page with its reaction slots filled in as two groups of the
    territory might (deterministic, so a re-run of the demo changes nothing)."""
    import hashlib

    groups = DEMO_GROUPS.get(territory, ("Habitants",))
    out, rest = [], text
    marker = "{{CO-ACTE réaction\n"
    while marker in rest:
        before, block = rest.split(marker, 1)
        block, rest = block.split("}}", 1)
        out.append(before)
        key = block.split("| idée = ", 1)[1].split("\n", 1)[0]
        for group in groups:
            digest = hashlib.sha1(f"{territory}/{group}/{key}".encode()).digest()
            agreement = ("oui", "oui", "oui", "nuancé", "non")[digest[0] % 5]
            priority = 2 + digest[1] % 4
            filled = (block.replace("| accord = \n", f"| accord = {agreement}\n")
                      .replace("| priorité = \n", f"| priorité = {priority}\n")
                      .replace("| groupe = \n", f"| groupe = {group}\n"))
            out.append(marker + filled + "}}")
    out.append(rest)
    return "".join(out)
