"""``coacte synthesize``: debate pages → one synthesis page per territory and round."""

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
from coacte import jsondata
from coacte.i18n import message
from coacte.pipeline import read_inputs
from coacte.publish import CONFLICT, UNCHANGED, publish
from coacte.synthesis.territory import synthesize
from coacte.wiki import StopRequested, Wiki
from coacte.wikitext import render


@click.command("synthesize")
@click.option("--round", "round_", type=click.IntRange(min=1), help="Only this round.")
@click.option("--territory", help="Only this territory (case does not matter).")
@dry_run_option
@json_option
def command(round_, territory, dry_run, json_path) -> None:
    """Write Synthèse:<territoire>/Tour <n> for each territory and round.

    Ideas are grouped by question (blockers and levers apart), then by grid dimension;
    post-its that say the same thing within a territory are merged into one idea that
    lists every source. Invalid post-its are left out and reported (run `coacte check`
    for the full report). Only the bot's marked region of a page is written; a page a
    human changed inside that region is reported as a conflict and left alone.
    Exit status: 0 done, 2 some pages were conflicts, 3 halted by the stop page.
    """
    sys.exit(run(round_, territory, dry_run, json_path))


def run(round_=None, territory=None, dry_run: bool = False, json_path=None,
        urls: list[str] | None = None, wiki: Wiki | None = None) -> int:
    """Synthesize and publish; the exit status. ``urls`` receives the pages' addresses;
    ``wiki`` is a session to use (benchmarks read its request counts afterwards)."""
    wiki = wiki or open_wiki()
    config = wiki.config
    inputs = read_inputs(wiki)
    echo_problems(inputs.problems)
    prefix = wiki.namespace_prefix(config.synthesis_namespace, "Synthèse")
    chosen = [
        s for s in synthesize(inputs.debates, inputs.grid, config.near_duplicate_threshold)
        if (round_ is None or s.round == round_)
        and (territory is None or s.territory.casefold() == territory.casefold())
    ]
    titled = [(render.synthesis_title(prefix, s.territory, s.round), s) for s in chosen]
    lang = wiki.language
    bodies = {
        title: (render.synthesis(s, inputs.grid, lang),
                message("coacte-summary-synthesis", s.territory, s.round, s.postits,
                        len(s.ideas), lang=lang))
        for title, s in titled
    }
    halted = None
    try:
        outcomes = publish(wiki, bodies, dry_run=dry_run, progress=echo_outcome)
    except StopRequested as exc:
        halted, outcomes = exc, []
    write_json(json_path, jsondata.syntheses(titled))
    edits = sum(o.status not in (UNCHANGED, CONFLICT) for o in outcomes)
    conflicts = sum(o.status == CONFLICT for o in outcomes)
    verb = "would edit" if dry_run else "edits"
    click.echo(
        f"synthesize: {len(inputs.pages)} pages read, {sum(s.postits for s in chosen)} "
        f"post-its, {sum(len(s.ideas) for s in chosen)} ideas, {len(chosen)} syntheses, "
        f"{verb} {edits}, conflicts {conflicts}, problems {len(inputs.problems)} "
        f"({wiki.total_requests} API requests)",
        err=True,
    )
    for title, _ in titled:
        click.echo(config.page_url(title))
        if urls is not None:
            urls.append(config.page_url(title))
    if halted:
        click.echo(str(halted), err=True)
        return 3
    return 2 if conflicts else 0
