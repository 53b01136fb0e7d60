"""What ``coacte install`` puts on a wiki, and whether each page may be written.

Two kinds of pages: *managed* ones (the contract's templates, with TemplateData
generated from :mod:`coacte.contract`) are kept up to date, unless a human edited them
since the bot last did, in which case they are reported and left alone (``--force``
overrides); *seeded* ones (the grid, the stop page) are created when missing and then
belong to the wiki's moderators, so they are never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coacte import contract
from coacte.config import Config
from coacte.forms import wiki_pages as form_pages
from coacte.model import PageRevision
from coacte.wikitext.templatedata import templatedata_json

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
PLACEHOLDER = "@TEMPLATEDATA@"

MANAGED, SEEDED = "managed", "seeded"
CREATE, UPDATE, SAME, KEEP = "create", "update", "unchanged", "kept"


@dataclass(frozen=True)
class Wanted:
    title: str
    text: str
    kind: str


@dataclass(frozen=True)
class Step:
    title: str
    action: str
    text: str = ""
    base: PageRevision | None = None
    note: str = ""


def template_text(template: contract.Template) -> str:
    """The template page: its display wikitext with the generated TemplateData."""
    source = (TEMPLATES_DIR / f"{template.slug}.wikitext").read_text(encoding="utf-8")
    return source.replace(PLACEHOLDER, templatedata_json(template)).strip()


def wanted_pages(config: Config, debate_prefix: str = "Débat") -> list[Wanted]:
    """Templates, the forms' preload and InputBox pages (from ``forms/``), the grid and
    the stop page."""
    pages = [Wanted(f"Template:{t.name}", template_text(t), MANAGED)
             for t in contract.TEMPLATES]
    pages += [Wanted(t, text.strip(), MANAGED) for t, text in form_pages(debate_prefix).items()]
    for title, name in ((config.grid_page, "grille"), (config.stop_page, "arret")):
        text = (TEMPLATES_DIR / "pages" / f"{name}.wikitext").read_text(encoding="utf-8")
        pages.append(Wanted(title, text.strip(), SEEDED))
    return pages


def plan(wanted: list[Wanted], current: dict[str, PageRevision | None], bot_user: str,
         force: bool = False) -> list[Step]:
    """Decide each page's fate; no step writes a page whose text would not change."""
    steps = []
    for page in wanted:
        have = current.get(page.title)
        if have is None:
            steps.append(Step(page.title, CREATE, page.text))
        elif have.text.strip() == page.text:
            steps.append(Step(page.title, SAME))
        elif page.kind == SEEDED:
            steps.append(Step(page.title, KEEP, note="belongs to the wiki's moderators"))
        elif force or have.user == bot_user:
            steps.append(Step(page.title, UPDATE, page.text, have))
        else:
            steps.append(Step(page.title, KEEP, note=f"edited on the wiki by {have.user}; "
                                                     "use --force to replace it"))
    return steps
