"""``coacte demo``: the whole job on the local wiki, with demo debates; prints the URLs."""

from __future__ import annotations

from datetime import date

import click

from bot_scripts import check, export, global_synthesis, install, programme, synthesize
from bot_scripts import round as round_bot
from bot_scripts._shared import ClickReport, open_wiki
from coacte import config as settings
from coacte.jobs.demo import (
    DEMO_COMMITMENTS,
    DEMO_GROUPS,
    DEMO_SUMMARY,
    demo_pages,
    demo_reactions,
)
from coacte.wiki import local as localwiki
from coacte.wiki.client import StopRequested


@click.command("demo")
@click.option("--port", default=8080, show_default=True, help="Port of the local wiki.")
def command(port) -> None:
    """Start the local wiki, install the templates, add the demo debates (several
    territories), check them, write every territory synthesis and the global synthesis
    of round 1 (with its charts), open a Delphi round 2 in which the demo groups react,
    close it, gather the demo commitments into the programme page and export the round-1
    dossier as PDF; print where to look.

    Safe to run again: existing pages are kept and nothing unchanged is edited.
    """
    try:
        localwiki.ensure_packages()
        localwiki.up(settings.home(), port=port)
    except localwiki.LocalWikiError as exc:
        raise click.ClickException(str(exc)) from None
    install.run()
    wiki = open_wiki()
    pages = demo_pages(wiki.titles)
    pages[DEMO_COMMITMENTS[0]] = DEMO_COMMITMENTS[1].read_text(encoding="utf-8")
    current = wiki.read(pages)
    try:
        for title, text in pages.items():
            if current[title] is None:
                wiki.save(title, text, DEMO_SUMMARY, None)
                click.echo(f"{title}: created")
    except StopRequested as exc:
        raise click.ClickException(str(exc)) from None
    check.run()
    urls: list[str] = []
    synthesize.run(urls=urls, full=True)  # every page's address, even unchanged
    global_synthesis.run(1)
    _round_two(wiki, click.get_current_context())
    programme.run(open_wiki(), 1, date(2016, 4, 1), report=ClickReport())
    dossier = settings.home() / "coacte-round-1.pdf"
    click.get_current_context().invoke(export.command, round_=1, format_="pdf", out=dossier,
                                       lang=None, table=None)
    config = settings.load()
    named = wiki.titles
    click.echo("\nThe demo is ready. Open:")
    click.echo(f"  the wiki:            {config.wiki_url}/index.php")
    click.echo(f"  the check report:    {config.page_url(config.report_page)}")
    click.echo("  the territory syntheses:")
    for url in urls:
        click.echo(f"    {url}")
    click.echo("  the global synthesis (synthesis of syntheses), round 1:")
    click.echo(f"    {config.page_url(named.global_synthesis(1))}")
    click.echo("  round 2 (Delphi): the territories' reactions and their convergence:")
    click.echo(f"    {config.page_url(named.global_synthesis(2))}")
    click.echo("  the co-responsibility programme (commitments, timeline):")
    click.echo(f"    {config.page_url('CO-ACTE/Programme/Tour 1')}")
    click.echo(f"  the dossier for media and policy makers: {dossier}")
    web = config.extra.get("web", {})
    if web.get("url"):
        click.echo(f"  the forms and the moderators' desk: run `coacte serve`, then open "
                   f"{web['url']}/ (the wiki notifies it of every debate edit)")
    local = config.extra.get("local", {})
    if local:
        click.echo(f"  accounts ({settings.config_path()}, [local]): {local.get('admin_user')} "
                   f"(admin), {local.get('moderator_user')} (moderator), "
                   f"{local.get('editor_user')} (facilitator)")


def _round_two(wiki, ctx: click.Context) -> None:
    """Open round 2, let the demo groups react (pages filled only if untouched), close it."""
    ctx.invoke(round_bot.open_, n=2, extra=(), dry_run=False)
    titles = {wiki.titles.debate(t, 2): t for t in DEMO_GROUPS}
    for title, page in wiki.read(titles).items():
        if page is not None and "| accord = \n" in page.text:
            wiki.save(title, demo_reactions(page.text, titles[title]), DEMO_SUMMARY, page)
    global_synthesis.run(2, close=True)
