"""``coacte wiki``: the local MediaWiki (Debian's package, SQLite, PHP's built-in server).

Wiring only: the work is in ``coacte.wiki.local``. Each sub-command prints one line; the
passwords stay in the configuration file and are never printed.
"""

from __future__ import annotations

import click

from coacte import config
from coacte.wiki import local as localwiki


def _fail(exc: Exception) -> None:
    raise click.ClickException(str(exc)) from exc


@click.group("wiki")
def command() -> None:
    """Start, stop and inspect the local MediaWiki that the bots use by default."""


@command.command("up")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port on 127.0.0.1 [default: the wiki's current port, else 8080].",
)
@click.option(
    "--lang",
    default="fr",
    show_default=True,
    help="Content language, used when the wiki is first installed.",
)
@click.option(
    "--service-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port of `coacte serve`, which the wiki notifies of debate edits (webhook) "
    "[default: as before, else 5000].",
)
def up(port: int | None, lang: str, service_port: int) -> None:
    """Install (first time), start and check the local wiki; write the configuration."""
    home = config.home()
    port = port or localwiki.status(home)["port"] or 8080
    try:
        cfg = localwiki.up(home, port=port, lang=lang, service_port=service_port)
    except localwiki.LocalWikiError as exc:
        _fail(exc)
    click.echo(f"wiki: running at {cfg.wiki_url} (config: {localwiki.config_file(home)})")


@command.command("down")
def down() -> None:
    """Stop the local wiki's server (its files are kept)."""
    home = config.home()
    if localwiki.down(home):
        click.echo(f"wiki: stopped ({localwiki.wiki_dir(home)})")
    else:
        click.echo(f"wiki: was not running ({localwiki.wiki_dir(home)})")


@command.command("status")
def status() -> None:
    """Say whether the local wiki runs, where, and on which port."""
    info = localwiki.status(config.home())
    if info["running"] and not info.get("answering", True):
        click.echo(f"wiki: running at {info['url']} but not answering (supervisor pid "
                   f"{info['pid']}, dir {info['dir']}); it restarts PHP on its own, or run: "
                   "coacte wiki up")
    elif info["running"]:
        click.echo(f"wiki: running at {info['url']} (pid {info['pid']}, dir {info['dir']})")
    elif info["installed"]:
        click.echo(f"wiki: stopped (dir {info['dir']}); start it with: coacte wiki up")
    else:
        click.echo(f"wiki: not installed (dir {info['dir']}); create it with: coacte wiki up")
