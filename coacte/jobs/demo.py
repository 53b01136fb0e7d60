"""``coacte demo``: the whole method on the local wiki, with the demo debates shipped in
``coacte/demo/debates/`` (four territories, round 1), their Delphi round 2 and commitments.

:func:`demo` runs the jobs one after the other, as a secretariat would run the bots:
install, check, synthesize, global synthesis, round 2 opened, reacted to and closed,
the programme, the dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from coacte import config as settings
from coacte.cache.stores import NONE, Stores
from coacte.config import Config
from coacte.contract import DEBATE, Titles
from coacte.jobs.check import check
from coacte.jobs.export import export
from coacte.jobs.global_round import global_synthesis, state_path
from coacte.jobs.install import install
from coacte.jobs.programme import compose, programme
from coacte.jobs.publish import publish
from coacte.jobs.report import DONE, Report, Result
from coacte.jobs.rounds import open_round
from coacte.jobs.synthesize import synthesize
from coacte.package_data import DEMO
from coacte.wiki import local as localwiki
from coacte.wiki.client import Wiki
from coacte.wikitext.parse import calls

DEMO_DIR = DEMO / "debates"
#: The demo's co-responsibility commitments ("what can I do?").
DEMO_COMMITMENTS = ("CO-ACTE/Engagements de démonstration",
                    DEMO / "engagements.wikitext")
DEMO_SUMMARY = "CO-ACTE : débat de démonstration"


def demo_pages(titles: Titles) -> dict[str, str]:
    """``{title: wikitext}``, each titled as the debate page of its own header's
    territory and round (design §5)."""
    pages = {}
    for path in sorted(DEMO_DIR.glob("*.wikitext")):
        text = path.read_text(encoding="utf-8")
        header = next(c for c in calls(text) if c.template is DEBATE)
        values = header.values()
        pages[titles.debate(values["territoire"], values["tour"])] = text
    return pages


#: The demo groups that react in round 2, per territory (as in the round 1 pages).
DEMO_GROUPS = {
    "Mulhouse": ("Élus", "Jeunes"),
    "Braine-l'Alleud": ("Associations", "Aînés"),
    "Odemira": ("Jovens", "Agricultores"),
    "Bristol": ("Councillors", "Young people"),
}


#: The language each demo territory reacts in, and what a group that does not simply
#: agree might write (the dossier quotes them where the groups are divided).
DEMO_LANGUAGES = {"Mulhouse": "fr", "Braine-l'Alleud": "fr", "Odemira": "pt", "Bristol": "en"}
DEMO_COMMENTS = {
    "nuancé": {
        "fr": ("Oui, mais pas sans les associations qui le font déjà.",
               "D'accord sur le fond, le calendrier nous paraît irréaliste."),
        "pt": ("Sim, mas só com as associações que já o fazem.",
               "Concordamos, mas faltam meios para o pôr em prática."),
        "en": ("Yes, but only with the groups already doing it.",
               "Agreed in principle; the timing is unrealistic."),
    },
    "non": {
        "fr": ("Ce n'est pas la priorité chez nous.",
               "Cela relève de l'État, pas de la commune."),
        "pt": ("Não é a prioridade aqui.", "Isso cabe ao Estado, não ao município."),
        "en": ("Not a priority here.", "That is for the government, not the council."),
    },
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
            comments = DEMO_COMMENTS.get(agreement, {}).get(DEMO_LANGUAGES.get(territory, "fr"))
            comment = comments[digest[2] % len(comments)] if comments else ""
            filled = (block.replace("| accord = \n", f"| accord = {agreement}\n")
                      .replace("| priorité = \n", f"| priorité = {priority}\n")
                      .replace("| commentaire = \n", f"| commentaire = {comment}\n")
                      .replace("| groupe = \n", f"| groupe = {group}\n"))
            out.append(marker + filled + "}}")
    out.append(rest)
    return "".join(out)


#: The day the demo programme's statuses are computed on (so a re-run changes nothing).
DEMO_TODAY = date(2016, 4, 1)
#: The day of the programme the demo proposes as in approval mode, for the desk.
DEMO_LATER = date(2016, 7, 1)


def demo(connect: Callable[[], Wiki], *, port: int = 8080, report: Report | None = None,
         stores: Stores = NONE, dossier: Path | None = None) -> Result:
    """Start the local wiki on ``port``, then run every job on the demo debates and
    write the round-2 dossier (round 1's ideas with round 2's reactions) as PDF to
    ``dossier`` (default ``<home>/coacte-round-2.pdf``);
    ends by telling where to look. Safe to run again: existing pages are kept and
    nothing unchanged is edited.

    ``connect`` opens a session of the local wiki: each job gets its own, so each job's
    line counts its own API requests, as when its bot runs alone. The status is the
    export's when the dossier cannot be written, else done; the syntheses' addresses are
    in ``urls``. A :class:`~coacte.wiki.local.LocalWikiError`, a
    :class:`~coacte.jobs.report.JobError` or the stop page goes up to the caller.
    """
    report = report or Report()
    dossier = dossier or settings.home() / "coacte-round-2.pdf"
    localwiki.ensure_packages()
    localwiki.up(settings.home(), port=port)
    return run_demo(connect, report=report, stores=stores, dossier=dossier)


def run_demo(connect: Callable[[], Wiki], *, report: Report, stores: Stores = NONE,
             dossier: Path) -> Result:
    """Every job of the demo on the wiki ``connect`` opens (already running). A second
    run edits nothing: each step writes only what is missing or changed."""
    install(connect(), report=report)
    wiki = connect()
    _create_pages(wiki, report)
    _facilitator_note(wiki.config, wiki.titles, report)  # before the bots read the pages
    check(connect(), report=report, stores=stores)
    urls = synthesize(connect(), report=report, stores=stores).urls
    for url in urls:  # every page's address, even unchanged
        report.line(url)
    _global(connect(), 1, report, stores)
    _round_two(wiki, connect, report, stores)
    programme(connect(), 1, DEMO_TODAY, report=report)
    _proposal(connect(), report)
    # The report again, now that round 2's pages exist: a second demo finds it right.
    check(connect(), report=report, stores=stores)
    exported = export(connect(), 2, "pdf", dossier, report=report, stores=stores,
                      today=DEMO_TODAY)
    if exported.status != DONE:
        return exported
    for line in ready_lines(wiki.config, wiki.titles, urls, dossier):
        report.line(line)
    return Result(DONE, urls=urls, data={"dossier": str(dossier)})


def _proposal(wiki: Wiki, report: Report) -> None:
    """The programme page as of a later day, proposed as the bot does in approval mode
    (its chart left as it is): the desk's proposals page has one to approve or reject.
    Proposed again only when it differs from the pending one, so a second demo edits
    nothing."""
    later = compose(wiki, 1, DEMO_LATER)
    wiki.config = replace(wiki.config, approval=True)
    publish(wiki, {later.title: (later.body, later.summary)}, current=later.current,
            progress=report.outcome)


def _create_pages(wiki: Wiki, report: Report) -> None:
    """The demo debates and commitments, each created only when missing."""
    pages = demo_pages(wiki.titles)
    pages[DEMO_COMMITMENTS[0]] = DEMO_COMMITMENTS[1].read_text(encoding="utf-8")
    current = wiki.read(pages)
    for title, text in pages.items():
        if current[title] is None:
            wiki.save(title, text, DEMO_SUMMARY, None)
            report.line(f"{title}: created")


#: A note a facilitator adds to a debate page after the bots ran: an edit for the
#: moderators' desk to review (patrol), which changes no synthesis.
DEMO_NOTE = ("\n''Note de l'animatrice : deux participants du groupe des jeunes sont "
             "partis avant la question 3.''")


def _facilitator_note(config: Config, named: Titles, report: Report) -> None:
    """The facilitator's note on Bristol's debate, under her own account, once."""
    local = config.extra.get("local", {})
    if not local.get("editor_user"):
        return
    person = Wiki(replace(config, bot_user="", bot_password="")).user_login(
        local["editor_user"], local.get("editor_password", ""))
    title = named.debate("Bristol", 1)
    page = person.read([title])[title]
    if page is not None and DEMO_NOTE.strip() not in page.text:
        person.save(title, page.text.rstrip() + "\n" + DEMO_NOTE, "Note de l'animatrice", page)
        report.line(f"{title}: a facilitator's note, for the desk's patrol")


def _global(wiki: Wiki, round_: int, report: Report, stores: Stores,
            close: bool = False) -> None:
    """The round's global synthesis, as ``coacte global`` (or ``round close``) runs it."""
    result = global_synthesis(wiki, round_, close=close, report=report,
                              state_path=state_path(wiki, round_), stores=stores)
    for url in result.urls:
        report.line(url)


def _round_two(wiki: Wiki, connect: Callable[[], Wiki], report: Report,
               stores: Stores) -> None:
    """Open round 2, let the demo groups react (pages filled only if untouched), close it."""
    open_round(connect(), 2, report=report, stores=stores)
    titles = {wiki.titles.debate(t, 2): t for t in DEMO_GROUPS}
    for title, page in wiki.read(titles).items():
        if page is not None and "| accord = \n" in page.text:
            wiki.save(title, demo_reactions(page.text, titles[title]), DEMO_SUMMARY, page)
    _global(connect(), 2, report, stores, close=True)


def ready_lines(config: Config, named: Titles, urls: list[str], dossier: Path) -> list[str]:
    """Where to look once the demo is ready: the wiki, the check report, every
    synthesis, the Delphi round, the programme, the dossier, the service, the accounts
    (``named``: the wiki's page titles)."""
    lines = ["\nThe demo is ready. Open:",
             f"  the wiki:            {config.wiki_url}/index.php",
             f"  the check report:    {config.page_url(config.report_page)}",
             "  the territory syntheses:",
             *(f"    {url}" for url in urls),
             "  the global synthesis (synthesis of syntheses), round 1:",
             f"    {config.page_url(named.global_synthesis(1))}",
             "  round 2 (Delphi): the territories' reactions and their convergence:",
             f"    {config.page_url(named.global_synthesis(2))}",
             "  the co-responsibility programme (commitments, timeline):",
             f"    {config.page_url('CO-ACTE/Programme/Tour 1')}",
             "  the dossier of round 2 (round 1's ideas, what each level is asked, where "
             "the groups agree and divide):",
             f"    {dossier}"]
    web = config.extra.get("web", {})
    if web.get("url"):
        lines.append(f"  the forms and the moderators' desk: run `coacte serve`, then open "
                     f"{web['url']}/ (the wiki notifies it of every debate edit)")
        lines.append(f"  the review queue (are these two ideas one?), as the moderator: "
                     f"{web['url']}/moderation/review?round=1 (keys s, d, k, u)")
    local = config.extra.get("local", {})
    if local:
        lines.append(f"  accounts ({settings.config_path()}, [local]): "
                     f"{local.get('admin_user')} (admin), {local.get('moderator_user')} "
                     f"(moderator), {local.get('editor_user')} (facilitator)")
    return lines
