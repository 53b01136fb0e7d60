"""``coacte round open|close|status N``: Delphi rounds on the global synthesis."""

from __future__ import annotations

import sys

import click

from bot_scripts import global_synthesis
from bot_scripts._shared import ClickReport, dry_run_option, fail_on, open_stores, open_wiki
from coacte.jobs import rounds as rounds_job
from coacte.wiki.client import StopRequested


@click.group("round")
def command() -> None:
    """Delphi rounds: send the global synthesis back to the territories, measure
    convergence. Round n (n ≥ 2) reacts to the blockers and levers of round n−1."""


@command.command("open")
@click.argument("n", type=click.IntRange(min=2))
@click.option("--territory", "extra", multiple=True,
              help="A new territory taking part (repeat for several).")
@click.option("--require-review", is_flag=True,
              help="Refuse while suggestions likely to be one idea are unanswered.")
@dry_run_option
def open_(n, extra, require_review, dry_run) -> None:
    """Freeze round N−1's global synthesis and seed round N's debate pages.

    Every territory that took part in round N−1 (and each --territory) gets a page
    Débat:<territoire>/Tour N with one {{CO-ACTE réaction}} slot per global idea of
    question 3 (agreement, priority 1–5, comment, group) and room for new post-its.
    Existing pages are kept. Safe to run again. It first says how many suggestions of
    round N−1's review queue are likely one idea and still unanswered (with
    --require-review, it refuses to open while any remain).
    """
    with fail_on(StopRequested):
        rounds_job.open_round(open_wiki(), n, extra, dry_run=dry_run, report=ClickReport(),
                              stores=open_stores(), require_review=require_review)


@command.command("close")
@click.argument("n", type=click.IntRange(min=2))
@dry_run_option
def close(n, dry_run) -> None:
    """Compute round N's convergence and write Synthèse:Globale/Tour N, marked closed.

    Per idea of round N−1: reacting territories, % agreement overall and per kind of
    homogeneous group, median and interquartile range of priority, consensus flag, change
    since the previous round; the round's new post-its merged in.
    """
    sys.exit(global_synthesis.run(n, dry_run, close=True))


@command.command("status")
@click.argument("n", type=click.IntRange(min=2))
def status(n) -> None:
    """List, for the secretariat, the territories that have not reacted yet and the
    ideas nobody has reacted to (nothing is written)."""
    with fail_on():
        rounds_job.round_status(open_wiki(), n, report=ClickReport(), stores=open_stores())
