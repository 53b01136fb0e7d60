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


#: What every command's exit status means (each ``--help`` ends with it).
EXIT_STATUSES = (
    "Exit statuses: 0 done; 1 problems to fix (on the pages, in a file); 2 conflicts (a "
    "page changed meanwhile, left for a person); 3 halted by the stop page; 4 a frozen "
    "round; 5 another run holds the wiki; 6 bad settings (coacte.toml); 7 login refused; "
    "8 the wiki does not answer; 9 the wiki is read-only.")


class _BotGroup(click.Group):
    """Imports a bot only when it is run, so ``coacte --help`` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(BOTS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in BOTS:
            return None
        command = importlib.import_module(f"bot_scripts.{BOTS[name]}").command
        if EXIT_STATUSES not in (command.epilog or ""):  # every --help says them
            command.epilog = "\n\n".join(filter(None, [command.epilog, EXIT_STATUSES]))
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Any bot: what stops a run before or outside its work is said in one line,
        each with its own exit status (documented in ``coacte --help``)."""
        from bot_scripts._shared import EXIT_STATUSES, STOPS

        try:
            return super().invoke(ctx)
        except STOPS as exc:
            error = click.ClickException(str(exc))
            error.exit_code = next(status for kind, status in EXIT_STATUSES.items()
                                   if isinstance(exc, kind))
            raise error from None


@click.group(cls=_BotGroup, epilog=EXIT_STATUSES)
@click.version_option(__version__, prog_name="coacte")
def main() -> None:
    """CO-ACTE Synthèse: turn debate post-its on a MediaWiki into syntheses."""
    from coacte.synthesis.parallel import workers

    try:
        workers()  # a mistyped setting stops here, before any work
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
