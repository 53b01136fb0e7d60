"""``coacte watch``: refresh syntheses by following recent changes (no webhook needed)."""

from __future__ import annotations

import time

import click

from bot_scripts._shared import ClickReport, open_stores, open_wiki
from coacte import config as settings
from coacte.jobs.refresh import refresh
from coacte.wiki.client import WikiError
from coacte.wiki.watching import changes_since, load_state, save_state


@click.command("watch")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Handle what changed since last time, then exit.")
def command(interval, once) -> None:
    """Follow the wiki's recent changes and refresh the territory and global syntheses
    that edited debate pages touch. Resumes from the last change handled after a
    restart (state in .coacte/watch.json); the first start begins from now."""
    path = settings.home() / "watch.json"
    state = load_state(path)
    stores = open_stores()
    while True:
        try:
            wiki = open_wiki()
            titles, newest = changes_since(wiki, state.get("rcid"))
            if titles:
                click.echo(f"watch: {len(titles)} changed pages", err=True)
                refresh(wiki, titles, report=ClickReport(), stores=stores)
            if newest is not None and newest != state.get("rcid"):
                state["rcid"] = newest
                save_state(path, state)
        except WikiError as exc:
            click.echo(f"watch: {exc} — retrying in {interval} s", err=True)
        if once:
            return
        time.sleep(interval)
