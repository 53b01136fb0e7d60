"""``coacte install``: the contract's templates, the grid and the stop page onto the wiki."""

from __future__ import annotations

import click

from bot_scripts._shared import ClickReport, fail_on, open_wiki
from coacte.jobs.install import install
from coacte.wiki.client import StopRequested


@click.command("install")
@click.option("--force", is_flag=True,
              help="Replace templates that a human edited since the bot last wrote them.")
def command(force) -> None:
    """Install or update the templates (with TemplateData), the grid and the stop page.

    Idempotent: a page whose text is already right is not edited. The grid and the stop
    page are only created when missing, since moderators adapt them on the wiki.
    """
    with fail_on(StopRequested):
        install(open_wiki(), force=force, report=ClickReport())
