"""``coacte demo``: the whole job on the local wiki, with demo debates; prints the URLs."""

from __future__ import annotations

import sys

import click

from bot_scripts._shared import ClickReport, fail_on, open_stores, open_wiki
from coacte.jobs.demo import demo
from coacte.wiki.client import StopRequested
from coacte.wiki.local import LocalWikiError


@click.command("demo")
@click.option("--port", default=8080, show_default=True, help="Port of the local wiki.")
def command(port) -> None:
    """Start the local wiki, install the templates, add the demo debates (several
    territories), check them, write every territory synthesis and the global synthesis
    of round 1 (with its charts), open a Delphi round 2 in which the demo groups react,
    close it, gather the demo commitments into the programme page and export the round-2
    dossier (round 1's ideas with round 2's reactions) as PDF; print where to look.

    Safe to run again: existing pages are kept and nothing unchanged is edited.
    """
    with fail_on(LocalWikiError, StopRequested):
        result = demo(open_wiki, port=port, report=ClickReport(), stores=open_stores())
    sys.exit(result.status)
