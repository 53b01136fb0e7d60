"""The ``coacte`` command: one sub-command per bot in ``bot_scripts/``.

Each bot module exposes a click command named ``command``; this file only collects them,
so ``coacte --help`` lists every bot and each bot's ``--help`` is its documentation.
"""

from __future__ import annotations

import importlib

import click

from coacte import __version__

#: Command name → bot module, in the order ``coacte --help`` lists them.
BOTS = {
    "demo": "demo",
    "wiki": "wiki",
    "install": "install",
    "check": "check",
    "synthesize": "synthesize",
    "global": "global_synthesis",
    "round": "round",
    "import": "import_file",
    "serve": "serve",
    "watch": "watch",
    "export": "export",
    "charts": "charts",
    "programme": "programme",
}


class _BotGroup(click.Group):
    """Imports a bot only when it is run, so ``coacte --help`` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(BOTS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in BOTS:
            return None
        return importlib.import_module(f"bot_scripts.{BOTS[name]}").command

    def invoke(self, ctx: click.Context) -> object:
        """Any bot: another run of the same wiki going is said, with its own status."""
        from coacte.jobs.lock import Busy

        try:
            return super().invoke(ctx)
        except Busy as exc:
            raise _Busy(str(exc)) from None


class _Busy(click.ClickException):
    """Exit status :data:`coacte.jobs.lock.BUSY` (5): another run holds the wiki's lock."""

    exit_code = 5


@click.group(cls=_BotGroup)
@click.version_option(__version__, prog_name="coacte")
def main() -> None:
    """CO-ACTE Synthèse: turn debate post-its on a MediaWiki into syntheses."""
    from coacte.synthesis.parallel import workers

    try:
        workers()  # a mistyped setting stops here, before any work
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
