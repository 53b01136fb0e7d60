"""``coacte global``: the synthesis of syntheses for a round, Synthèse:Globale/Tour <n>."""

from __future__ import annotations

import sys

import click

from bot_scripts._shared import (
    dry_run_option,
    echo_outcome,
    echo_problems,
    json_option,
    open_wiki,
    write_json,
)
from coacte import contract, jsondata
from coacte.i18n import message
from coacte.pipeline import read_inputs
from coacte.publish import CONFLICT, UNCHANGED, publish
from coacte.synthesis import delphi
from coacte.synthesis.cross_territory import build
from coacte.synthesis.rounds import CLOSED, FROZEN, OPEN, adopt_keys, delphi_view, question3
from coacte.synthesis.territory import synthesize
from coacte.validate import read_contributions
from coacte.wiki import StopRequested
from coacte.wikitext import render
from coacte.wikitext.render_round import delphi_section
from coacte.wikitext.synthesis_page import state


@click.command("global")
@click.option("--round", "round_", type=click.IntRange(min=1), required=True,
              help="The round to synthesize.")
@dry_run_option
@json_option
def command(round_, dry_run, json_path) -> None:
    """Write Synthèse:Globale/Tour <n>: ideas that mean the same across territories.

    Territory ideas in other words or other languages (French, English, Portuguese)
    become one global idea listing its territories, groups and source ideas; an idea of
    a single territory stays, shown as such. Ideas are ranked by number of territories.
    Two views: by grid dimension and by meaning code; for blockers and levers, the
    responsibility matrix idea × level. Keys stay the same across runs. Moderators'
    {{CO-ACTE curation}} decisions written on the page (outside the bot's markers) are
    applied at every run; thematic networks' {{CO-ACTE apport}} contributions appear
    under the idea they enrich. Decisions or contributions that match nothing are
    reported (printed, and listed on the page). From round 2 on, the page also shows the
    Delphi reactions to the previous round's ideas (see `coacte round`).
    Exit status: 0 done, 2 the page was a conflict, 3 halted by the stop page, 4 the
    round is frozen (the next round is open).
    """
    sys.exit(run(round_, dry_run, json_path))


def run(round_: int, dry_run: bool = False, json_path=None, close: bool = False) -> int:
    """Write the round's global page; ``close`` marks the round closed (`round close`)."""
    wiki = open_wiki()
    config = wiki.config
    inputs = read_inputs(wiki)
    echo_problems(inputs.problems)
    prefix = wiki.namespace_prefix(config.synthesis_namespace, "Synthèse")
    titles = {n: render.synthesis_title(prefix, contract.GLOBAL_TERRITORY, n)
              for n in (round_, round_ - 1, round_ - 2) if n >= 1}
    current = wiki.read(titles.values())
    page = current[titles[round_]]
    now = state(page.text if page else None)
    if now == FROZEN:
        click.echo(f"{titles[round_]} is frozen: round {round_ + 1} is open, so its ideas and "
                   "keys no longer change.", err=True)
        return 4
    contributions, problems = read_contributions(wiki.transcluding(contract.CONTRIBUTION.name))
    syntheses = synthesize(inputs.debates, inputs.grid, config.near_duplicate_threshold)
    g, found = build(syntheses, inputs.grid, round_, page, contributions)
    problems += found
    lang = wiki.language
    reactions: list[str] = []
    view = None
    closed = close or now == CLOSED
    previous = current.get(titles.get(round_ - 1, ""))
    if round_ >= 2 and previous is not None:
        view, found = delphi_view(inputs.debates, round_, previous,
                                  current.get(titles.get(round_ - 2, "")), closed=closed)
        problems += found
        adopt_keys(g.ideas, question3(previous))
        reactions = delphi_section(view, lang)
    echo_problems(problems)
    sources = [render.synthesis_title(prefix, s.territory, s.round) for s in g.syntheses
               if s.postits]
    body = render.global_synthesis(g, inputs.grid, sources, lang, failed=problems,
                                   state=CLOSED if closed else OPEN, reactions=reactions)
    summary = message("coacte-summary-global", round_, len(g.territories), len(g.ideas),
                      lang=lang)
    try:
        outcomes = publish(wiki, {titles[round_]: (body, summary)}, dry_run=dry_run,
                           progress=echo_outcome, current=current)
    except StopRequested as exc:
        click.echo(str(exc), err=True)
        return 3
    data = jsondata.global_synthesis(g)
    if view is not None:
        data["reactions"] = [delphi.as_dict(view.stats[i.key]) for i in view.ideas]
        if view.pending is not None:
            data["pending"] = {"territories": view.pending[0], "ideas": view.pending[1]}
    write_json(json_path, data)
    shared = sum(len(i.territories) > 1 for i in g.ideas)
    edits = sum(o.status not in (UNCHANGED, CONFLICT) for o in outcomes)
    click.echo(
        f"global: round {round_}, {len(g.territories)} territories, {g.postits} post-its, "
        f"{len(g.ideas)} global ideas ({shared} shared by several territories), "
        f"{'would edit' if dry_run else 'edits'} {edits} ({wiki.total_requests} API requests)",
        err=True,
    )
    click.echo(config.page_url(titles[round_]))
    return 2 if any(o.status == CONFLICT for o in outcomes) else 0
