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

from coacte import contract
from coacte.config import Config
from coacte.contract import Titles
from coacte.forms import wiki_pages as form_pages
from coacte.i18n import message
from coacte.jobs.lock import locked
from coacte.jobs.report import DONE, Report, Result
from coacte.model import PageRevision
from coacte.package_data import WIKI_TEMPLATES
from coacte.wiki.client import Wiki
from coacte.wikitext.templatedata import templatedata_json

TEMPLATES_DIR = WIKI_TEMPLATES
PLACEHOLDER = "@TEMPLATEDATA@"

MANAGED, SEEDED = "managed", "seeded"
#: The contract's French page prefixes, for a wiki without the extension's namespaces.
DEFAULT_TITLES = Titles()
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


def wanted_pages(config: Config, titles: Titles = DEFAULT_TITLES) -> list[Wanted]:
    """Templates, the forms' preload and InputBox pages (from ``form_definitions/``), the grid, the
    groups page, the stop page, the portal (the extension links it from the sidebar) and
    the categories (``titles``: the wiki's namespace prefixes)."""
    debate_prefix = titles.debate_prefix
    pages = [Wanted(f"Template:{t.name}", template_text(t), MANAGED)
             for t in contract.TEMPLATES]
    pages += [Wanted(t, text.strip(), MANAGED) for t, text in form_pages(debate_prefix).items()]
    for title, name in ((config.grid_page, "grille"), (config.groups_page, "groupes"),
                        (config.stop_page, "arret")):
        text = (TEMPLATES_DIR / "pages" / f"{name}.wikitext").read_text(encoding="utf-8")
        pages.append(Wanted(title, text.strip(), SEEDED))
    pages.append(Wanted(PORTAL, portal_text(config, titles), SEEDED))
    pages += [Wanted(f"Category:{name}", text, MANAGED)
              for name, text in categories(config).items()]
    return pages


#: The way in: what CO-ACTE is, where its pages are, how to take part.
PORTAL = "CO-ACTE"
def portal_text(config: Config, titles: Titles = DEFAULT_TITLES) -> str:
    """The portal page, with this wiki's pages and, when the service is configured, its
    forms and desk."""
    web = config.extra.get("web", {}).get("url", "")
    text = (TEMPLATES_DIR / "pages" / "portail.wikitext").read_text(encoding="utf-8")
    for name, value in {
        "@SYNTHESIS_NS@": titles.synthesis_prefix,
        "@CHARTS@": message("coacte-chart-category", lang="fr"),
        "@FORMS@": f" ou [{web}/ avec les formulaires en ligne]" if web else "",
        "@DESK@": f" ; [{web}/moderation/ le bureau des modérateurs] (file de revue, "
                  "approbations, erreurs de saisie)" if web else "",
        "@REPORT@": config.report_page, "@GRID@": config.grid_page,
        "@GROUPS@": config.groups_page, "@STOP@": config.stop_page,
    }.items():
        text = text.replace(name, value)
    return text.strip()


def categories(config: Config) -> dict[str, str]:
    """The categories the contract's pages put themselves in, each described and filed
    under the portal's category, so no category link is red."""
    under = "\n\n[[Catégorie:CO-ACTE]]"
    return {
        "CO-ACTE": "Les pages du projet CO-ACTE. Voir le portail : [[CO-ACTE]].",
        "Débats CO-ACTE": "Les pages de débat : un territoire, un tour (modèle "
                          "[[Modèle:CO-ACTE débat]])." + under,
        "Synthèses CO-ACTE": "Les synthèses écrites par les bots CO-ACTE : une par territoire "
                             "et par tour, et la synthèse globale de chaque tour." + under,
        "Engagements CO-ACTE": "Les pages qui portent des engagements « qu'est-ce que je peux "
                               "faire ? » (modèle [[Modèle:CO-ACTE engagement]])." + under,
        "Modèles CO-ACTE": "Les modèles du contrat CO-ACTE, installés par "
                           "<code>coacte install</code>." + under,
        message("coacte-chart-category", lang="fr"): "Les graphiques que le bot CO-ACTE "
                                                     "téléverse pour chaque tour." + under,
    }


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


@locked("coacte install")
def install(wiki: Wiki, *, force: bool = False, report: Report | None = None) -> Result:
    """Create or update the pages :func:`plan` decides to write, each against the
    revision read (a page changed meanwhile is told as a conflict and left alone).
    ``data`` counts the pages and the edits. A
    :class:`~coacte.wiki.client.StopRequested` goes up to the caller."""
    report = report or Report()
    wanted = wanted_pages(wiki.config, wiki.titles)
    current = wiki.read([w.title for w in wanted])
    steps = plan(wanted, current, wiki.username, force)
    edits = 0
    for step in steps:
        if step.action in (CREATE, UPDATE):
            saved = wiki.save(step.title, step.text,
                              message("coacte-summary-install", step.title,
                                      lang=wiki.language), step.base)
            if not saved.ok:
                report.line(f"{step.title}: conflict ({saved.code}), not written", err=True)
                continue
            edits += 1
        if step.action != SAME:
            suffix = f" ({step.note})" if step.action == KEEP else ""
            report.line(f"{step.title}: {step.action}{suffix}")
    report.line(f"install: {len(steps)} pages, {edits} edits ({wiki.total_requests} API "
                "requests)", err=True)
    return Result(DONE, data={"pages": len(steps), "edits": edits})
