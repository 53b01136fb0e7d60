"""``coacte round open|close|status N``: Delphi rounds on the global synthesis."""

from __future__ import annotations

import sys

import click

from bot_scripts import global_synthesis
from bot_scripts._shared import dry_run_option, echo_outcome, echo_problems, open_wiki
from coacte.i18n import message
from coacte.jobs.inputs import read_inputs
from coacte.jobs.publish import CONFLICT, publish
from coacte.render.round_pages import round_debate
from coacte.synthesis.rounds import delphi_view, question3
from coacte.wiki.client import StopRequested
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import freeze


@click.group("round")
def command() -> None:
    """Delphi rounds: send the global synthesis back to the territories, measure
    convergence. Round n (n ≥ 2) reacts to the blockers and levers of round n−1."""


@command.command("open")
@click.argument("n", type=click.IntRange(min=2))
@click.option("--territory", "extra", multiple=True,
              help="A new territory taking part (repeat for several).")
@dry_run_option
def open_(n, extra, dry_run) -> None:
    """Freeze round N−1's global synthesis and seed round N's debate pages.

    Every territory that took part in round N−1 (and each --territory) gets a page
    Débat:<territoire>/Tour N with one {{CO-ACTE réaction}} slot per global idea of
    question 3 (agreement, priority 1–5, comment, group) and room for new post-its.
    Existing pages are kept. Safe to run again.
    """
    wiki = open_wiki()
    previous_title = wiki.titles.global_synthesis(n - 1)
    previous = wiki.read([previous_title])[previous_title]
    if previous is None or region.body_of(previous.text) is None:
        raise click.ClickException(
            f"{previous_title} does not exist yet: run `coacte global --round {n - 1}` first.")
    ideas = question3(previous)
    lang = wiki.language
    inputs = read_inputs(wiki)
    territories = list(dict.fromkeys(
        [d.territory for d in inputs.debates if d.round == n - 1] + list(extra)))
    pages = {wiki.titles.debate(t, n): round_debate(t, n, previous_title, ideas, lang)
             for t in territories}
    existing = wiki.read(pages)
    try:
        outcomes = publish(wiki, {previous_title: (
            freeze(region.body_of(previous.text)),
            message("coacte-summary-freeze", n - 1, n, lang=lang))},
            dry_run=dry_run, progress=echo_outcome, current={previous_title: previous})
        if any(o.status == CONFLICT for o in outcomes):
            raise click.ClickException(f"{previous_title} could not be frozen (conflict).")
        created = 0
        for title, text in pages.items():
            if existing[title] is not None:
                click.echo(f"{title}: kept (exists)")
                continue
            if dry_run:
                click.echo(f"{title}: would create")
            else:
                wiki.save(title, text, message("coacte-summary-round-open", n, len(ideas),
                                               lang=lang), None)
                click.echo(f"{title}: created")
            created += 1
    except StopRequested as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"round {n}: open — {len(ideas)} ideas to react to, {len(territories)} "
               f"territories, {created} pages {'to create' if dry_run else 'created'}", err=True)


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
    wiki = open_wiki()
    titles = [wiki.titles.global_synthesis(k) for k in (n - 1, n - 2)]
    pages = wiki.read([t for t in titles if not t.endswith("/Tour 0")])
    previous = pages.get(titles[0])
    if previous is None:
        raise click.ClickException(f"{titles[0]} does not exist: round {n} is not open.")
    inputs = read_inputs(wiki)
    view, problems = delphi_view(inputs.debates, n, previous, pages.get(titles[1]),
                                 closed=False)
    echo_problems(problems)
    territories, keys = view.pending
    statements = {i.key: i.statement for i in view.ideas}
    click.echo(f"round {n}: {len(view.ideas)} ideas, "
               f"{sum(bool(s.reactions) for s in view.stats.values())} with reactions")
    click.echo("territories that have not reacted yet: " + (", ".join(territories) or "none"))
    click.echo("ideas nobody has reacted to yet:")
    for key in keys:
        click.echo(f"  {key}  {statements[key]}")
    if not keys:
        click.echo("  none")
