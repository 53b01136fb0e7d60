"""``coacte install``: what it puts on a wiki, whether each page may be written, and
the writing.

Two kinds of pages: *managed* ones (the contract's templates, with TemplateData
generated from :mod:`coacte.contract`) are kept up to date, unless a human edited them
since the bot last did, in which case they are reported and left alone (``--force``
overrides); *seeded* ones (the grid, the groups page, the stop page) are created when
missing and then belong to the wiki's moderators, so they are never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coacte import contract
from coacte.config import Config
from coacte.forms import wiki_pages as form_pages
from coacte.i18n import message
from coacte.jobs.report import DONE, Report, Result
from coacte.model import PageRevision
from coacte.wiki.client import Wiki
from coacte.wikitext.templatedata import templatedata_json

ROOT = Path(__file__).resolve().parents[2]  # the source tree: templates/, demo/
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
    """Templates, the forms' preload and InputBox pages (from ``forms/``), the grid, the
    groups page and the stop page."""
    pages = [Wanted(f"Template:{t.name}", template_text(t), MANAGED)
             for t in contract.TEMPLATES]
    pages += [Wanted(t, text.strip(), MANAGED) for t, text in form_pages(debate_prefix).items()]
    for title, name in ((config.grid_page, "grille"), (config.groups_page, "groupes"),
                        (config.stop_page, "arret")):
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


def install(wiki: Wiki, *, force: bool = False, report: Report | None = None) -> Result:
    """Create or update the pages :func:`plan` decides to write, each against the
    revision read (a page changed meanwhile is told as a conflict and left alone).
    ``data`` counts the pages and the edits. A
    :class:`~coacte.wiki.client.StopRequested` goes up to the caller."""
    report = report or Report()
    wanted = wanted_pages(wiki.config, wiki.titles.debate_prefix)
    current = wiki.read([w.title for w in wanted])
    steps = plan(wanted, current, wiki.username, force)
    edits = 0
    for step in steps:
        if step.action in (CREATE, UPDATE):
            saved = wiki.save(step.title, step.text,
                              message("coacte-summary-install", step.title,
                                      lang=wiki.language), step.base)
            if saved.status != "saved":
                report.line(f"{step.title}: conflict ({saved.code}), not written", err=True)
                continue
            edits += 1
        if step.action != SAME:
            suffix = f" ({step.note})" if step.action == KEEP else ""
            report.line(f"{step.title}: {step.action}{suffix}")
    report.line(f"install: {len(steps)} pages, {edits} edits ({wiki.total_requests} API "
                "requests)", err=True)
    return Result(DONE, data={"pages": len(steps), "edits": edits})
