"""One kind of group across languages, on the real local wiki: ``coacte install`` seeds
the groups page (a moderator's edit is kept), and a round closed with reactions of
"Élus" (fr) and "Councillors" (en) counts them as one kind."""

from __future__ import annotations

import pytest

from coacte.wikitext.synthesis_page import published_ideas
from tests.integration.helpers import (
    bot,
    debate_text,
    human,
    human_edit,
    load_json,
    put,
    run,
    text_of,
)

GROUPS = "CO-ACTE/Groupes"
GLOBAL = "Synthèse:Globale/Tour {}"


@pytest.fixture(scope="module")
def round_ninety(local_wiki):
    """Rounds 90–91 of a French and an English territory (above every other test's
    rounds, so no other test's Delphi views see them)."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    for territory, text, group in (("Brest", "Les financements sont votés chaque année.", "Élus"),
                                   ("Leeds", "Funding is voted every year.", "Councillors")):
        put(wiki, f"Débat:{territory}/Tour 90", debate_text(territory, [
            {"question": 3, "texte": text, "nature": "blocage", "groupe": group}], round_=90))
    assert run("global", "--round", "90").exit_code == 0
    assert run("round", "open", "91").exit_code == 0
    return local_wiki


def test_install_seeds_the_groups_page_and_keeps_a_moderators_edit(round_ninety):
    wiki = bot(round_ninety)
    page = text_of(wiki, GROUPS)
    assert "{{CO-ACTE groupe | type = elus" in page and "Councillors" in page
    assert "<templatedata>" in text_of(wiki, "Template:CO-ACTE groupe")
    human_edit(human(round_ninety), GROUPS, lambda t: t.replace(
        "| fr = Élus ;", "| fr = Élus ; Édiles ;"))
    again = run("install")
    assert again.exit_code == 0 and f"{GROUPS}: kept" in again.output
    assert "Édiles" in text_of(wiki, GROUPS)


def react(wiki, territory, rows):
    """Append reactions to the seeded page: (key, accord, priorité, groupe)."""
    title = f"Débat:{territory}/Tour 91"
    put(wiki, title, text_of(wiki, title) + "".join(
        f"\n{{{{CO-ACTE réaction|idée={k}|accord={a}|priorité={p}|groupe={g}}}}}"
        for k, a, p, g in rows))


def test_a_round_counts_one_kind_across_languages(round_ninety, tmp_path):
    wiki = bot(round_ninety)
    ideas = [i for i in published_ideas(text_of(wiki, GLOBAL.format(90))) if i.question == 3]
    key = ideas[0].key
    react(wiki, "Brest", [(key, "oui", 4, "Élus"), (key, "oui", 4, "Jeunes")])
    react(wiki, "Leeds", [(key, "non", 4, "Councillors"), (key, "nuancé", 4, "Young people"),
                          (key, "oui", 4, "Fishermen")])
    closed = run("round", "close", "91")
    assert closed.exit_code == 0, closed.output
    assert "Fishermen" in closed.output  # not on the groups page: told to the secretariat
    out = tmp_path / "round.json"
    assert run("global", "--round", "91", "--json", str(out)).exit_code == 0
    stats = next(r for r in load_json(out)["reactions"] if r["key"] == key)
    assert stats["agreement_by_group"] == {"elus": 0.5, "jeunes": 0.75, "fishermen": 1.0}
    page = text_of(wiki, GLOBAL.format(91))
    assert "Élus 50 %" in page and "Jeunes 75 %" in page and "Councillors" not in page
