"""``coacte install``: the contract's templates, the grid and the stop page onto the wiki."""

from __future__ import annotations

import click

from bot_scripts._shared import open_wiki
from coacte.i18n import message
from coacte.jobs.install import CREATE, KEEP, SAME, UPDATE, plan, wanted_pages
from coacte.wiki.client import StopRequested


@click.command("install")
@click.option("--force", is_flag=True,
              help="Replace templates that a human edited since the bot last wrote them.")
def command(force) -> None:
    """Install or update the templates (with TemplateData), the grid and the stop page.

    Idempotent: a page whose text is already right is not edited. The grid and the stop
    page are only created when missing, since moderators adapt them on the wiki.
    """
    run(force)


def run(force: bool = False) -> None:
    wiki = open_wiki()
    wanted = wanted_pages(
        wiki.config, wiki.titles.debate_prefix)
    current = wiki.read([w.title for w in wanted])
    steps = plan(wanted, current, wiki.site.username, force)
    edits = 0
    try:
        for step in steps:
            if step.action in (CREATE, UPDATE):
                saved = wiki.save(step.title, step.text,
                                  message("coacte-summary-install", step.title,
                                          lang=wiki.language), step.base)
                if saved.status != "saved":
                    click.echo(f"{step.title}: conflict ({saved.code}), not written", err=True)
                    continue
                edits += 1
            if step.action != SAME:
                suffix = f" ({step.note})" if step.action == KEEP else ""
                click.echo(f"{step.title}: {step.action}{suffix}")
    except StopRequested as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"install: {len(steps)} pages, {edits} edits ({wiki.total_requests} API requests)",
               err=True)
