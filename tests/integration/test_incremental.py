"""A whole-wiki `coacte synthesize` reads and writes only what changed since the last run."""

from __future__ import annotations

import re

import pytest

from coacte import config as settings
from coacte.wiki import incremental
from coacte.wikitext import region
from tests.integration.helpers import (
    bot,
    debate_text,
    human,
    human_edit,
    put,
    revid_of,
    run,
    text_of,
    unique,
)

POSTITS = [{"question": 1, "texte": "Le jardin partagé rapproche les voisins.", "groupe": "G"},
           {"question": 2, "texte": "Un logement digne pour tous", "groupe": "G"}]


def summary(output: str) -> dict[str, int]:
    """The incremental run's counts, less the syntheses of pages left in conflict by
    other tests (the wiki is shared): every run looks at those again."""
    line = next(x for x in output.splitlines() if "incremental run" in x)
    found = {k: int(v) for v, k in re.findall(r"(\d+) (changed|gone|syntheses)", line)}
    found["syntheses"] -= int(re.search(r"conflicts (\d+)", output).group(1))
    return found


@pytest.fixture()
def network(local_wiki):
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    names = [unique(n) for n in ("Lyon", "Porto", "Leeds")]
    for name in names:
        put(wiki, f"Débat:{name}/Tour 1", debate_text(name, POSTITS))
    first = run("synthesize")
    assert first.exit_code in (0, 2), first.output
    return local_wiki, wiki, names


def test_a_rerun_with_nothing_changed_reads_no_page_and_writes_nothing(network):
    config, wiki, names = network
    syntheses = {n: revid_of(wiki, f"Synthèse:{n}/Tour 1") for n in names}
    assert all(syntheses.values())
    again = run("synthesize")
    assert summary(again.output) == {"changed": 0, "gone": 0, "syntheses": 0}
    assert "edits 0" in again.output
    assert {n: revid_of(wiki, f"Synthèse:{n}/Tour 1") for n in names} == syntheses
    path = incremental.state_file(settings.home(), config)
    assert path.exists() and config.bot_password not in path.read_text(encoding="utf-8")


def test_only_the_edited_territory_is_read_and_rewritten(network):
    config, wiki, (lyon, porto, _) = network
    before = revid_of(wiki, f"Synthèse:{porto}/Tour 1")
    human_edit(human(config), f"Débat:{lyon}/Tour 1",
               lambda t: t + "\n{{CO-ACTE post-it|question=1|texte=Une idée de plus|groupe=G}}")
    result = run("synthesize")
    assert summary(result.output) == {"changed": 1, "gone": 0, "syntheses": 1}
    assert "edits 1" in result.output
    assert "Une idée de plus" in text_of(wiki, f"Synthèse:{lyon}/Tour 1")
    assert revid_of(wiki, f"Synthèse:{porto}/Tour 1") == before


def test_a_page_that_changes_territory_updates_both_syntheses(network):
    config, wiki, (lyon, porto, _) = network
    human_edit(human(config), f"Débat:{lyon}/Tour 1",
               lambda t: t.replace(f"territoire={lyon}", f"territoire={porto}"))
    result = run("synthesize")
    assert summary(result.output)["syntheses"] == 2  # Lyon's (now empty) and Porto's
    assert "edits 1" in result.output
    body = region.body_of(text_of(wiki, f"Synthèse:{porto}/Tour 1"))
    assert f"Débat:{lyon}/Tour 1" in body  # Porto's synthesis now cites the moved page


def test_a_human_edit_inside_a_synthesis_region_is_reported_at_every_run(network):
    config, wiki, (_, _, leeds) = network
    title = f"Synthèse:{leeds}/Tour 1"
    human_edit(human(config), title,
               lambda t: t.replace("Un logement digne pour tous", "Un logement (corrigé)"))
    for _ in range(2):
        result = run("synthesize")
        assert result.exit_code == 2, result.output
        assert f"{title}: conflict" in result.output
        assert "Un logement (corrigé)" in text_of(wiki, title)


def test_a_lost_or_damaged_state_costs_one_full_run_and_no_edit(network):
    config, wiki, _ = network
    incremental.state_file(settings.home(), config).write_text("{damaged", encoding="utf-8")
    result = run("synthesize")
    assert result.exit_code in (0, 2), result.output
    assert "edits 0" in result.output
    assert summary(run("synthesize").output)["changed"] == 0
