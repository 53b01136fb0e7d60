"""The synthesis of syntheses on the real local wiki: merged across languages, stable keys."""

from __future__ import annotations

import pytest

from coacte.wikitext import region
from coacte.wikitext.synthesis_page import idea_members
from tests.integration.helpers import (
    bot,
    debate_text,
    human,
    human_edit,
    load_json,
    put,
    revid_of,
    run,
    text_of,
)


@pytest.fixture(scope="module")
def round_ten(local_wiki):
    """Three territories in three languages, in a round no other test uses."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    pages = {
        "Lyon": [("Le jardin partagé rapproche les voisins.", 1, ""),
                 ("Les financements sont votés chaque année, on ne peut rien prévoir.", 3,
                  "blocage")],
        "Leeds": [("The community garden brought neighbours together.", 1, ""),
                  ("Funding is voted every year so we cannot plan anything.", 3, "blocage"),
                  ("A youth council with its own budget.", 3, "levier")],
        "Braga": [("A horta comunitária aproximou os vizinhos.", 1, ""),
                  ("Nobody repairs the swimming pool roof.", 2, "")],
    }
    for territory, rows in pages.items():
        postits = [{"question": q, "texte": t, **({"nature": k, "niveau": "national"} if k else {})}
                   for t, q, k in rows]
        put(wiki, f"Débat:{territory}/Tour 10", debate_text(territory, postits, round_=10))
    return local_wiki


def test_global_merges_across_languages_and_keeps_singletons(round_ten, tmp_path):
    out = tmp_path / "global.json"
    result = run("global", "--round", "10", "--json", str(out))
    assert result.exit_code == 0, result.output
    data = load_json(out)
    assert data["round"] == 10
    ideas = {i["statement"]: i for i in data["ideas"]}
    garden = next(i for i in data["ideas"] if {"Lyon", "Leeds"} <= set(i["territories"]))
    assert garden["question"] == 1
    assert {s["territory"] for s in garden["sources"]} >= {"Lyon", "Leeds"}
    funding = next(i for i in data["ideas"] if i["kind"] == "blocage")
    assert set(funding["territories"]) == {"Lyon", "Leeds"}
    assert ideas["Nobody repairs the swimming pool roof."]["territories"] == ["Braga"]
    assert ideas["A youth council with its own budget."]["territories"] == ["Leeds"]
    assert data["ideas"][0]["territories"] == garden["territories"]  # ranked by territories
    total = sum(len(i["sources"]) for i in data["ideas"])
    assert total == 7
    wiki = bot(round_ten)
    page = text_of(wiki, "Synthèse:Globale/Tour 10")
    assert "Idées par code sens" in page and "Qui peut agir" in page
    assert region.body_of(page) is not None


def test_global_rerun_keeps_keys_and_makes_no_edit(round_ten, tmp_path):
    assert run("global", "--round", "10").exit_code == 0
    wiki = bot(round_ten)
    title = "Synthèse:Globale/Tour 10"
    before, keys = revid_of(wiki, title), set(idea_members(text_of(wiki, title)))
    again = run("global", "--round", "10")
    assert again.exit_code == 0 and "edits 0" in again.output
    assert revid_of(wiki, title) == before
    put(wiki, "Débat:Lyon/Tour 10", text_of(wiki, "Débat:Lyon/Tour 10") +
        "\n{{CO-ACTE post-it|question=2|texte=Des bancs sur la place du marché.}}")
    assert run("global", "--round", "10").exit_code == 0
    after = set(idea_members(text_of(wiki, title)))
    assert keys < after  # every earlier key kept, one new idea added


def test_a_rerun_with_nothing_changed_stops_after_reading_revision_ids(round_ten):
    assert run("global", "--round", "10").exit_code == 0
    wiki = bot(round_ten)
    title = "Synthèse:Globale/Tour 10"
    before = revid_of(wiki, title)
    again = run("global", "--round", "10")
    assert again.exit_code == 0 and "nothing changed since the last run" in again.output
    assert revid_of(wiki, title) == before
    requests = int(again.output.split("edits 0 (")[1].split(" ")[0])
    assert requests <= 8  # login, revision ids of debates, contributions, grid and pages
    # A moderator's decision written on the page is an input: the next run computes.
    human_edit(human(round_ten), title, lambda t: t + "\n\nNote du modérateur.")
    recomputed = run("global", "--round", "10")
    assert "nothing changed" not in recomputed.output and "global: round 10" in recomputed.output
    # So is --full, whatever changed.
    assert "nothing changed" not in run("global", "--round", "10", "--full").output


def test_global_json_holds_the_review_queue_of_its_own_ideas(local_wiki, tmp_path):
    """Ideas the unattended merge may leave apart come back as ranked suggestions, whose
    keys are ideas of the published page."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    pages = {
        "Lyon": ["Les loyers sont beaucoup trop chers pour les familles du quartier.",
                 "Le jardin partagé rapproche les voisins."],
        "Leeds": ["Rent is crazy here!!", "Nobody repairs the swimming pool roof."],
        "Braga": ["As rendas estão caríssimas, ninguém consegue pagar.",
                  "A horta comunitária aproximou os vizinhos."],
    }
    for territory, texts in pages.items():
        put(wiki, f"Débat:{territory}/Tour 17",
            debate_text(territory, [{"question": 1, "texte": t} for t in texts], round_=17))
    out = tmp_path / "global.json"
    result = run("global", "--round", "17", "--json", str(out))
    assert result.exit_code == 0, result.output
    data = load_json(out)
    on_page = set(idea_members(text_of(wiki, "Synthèse:Globale/Tour 17")))
    assert {i["key"] for i in data["ideas"]} == on_page
    assert data["suggestions"] and isinstance(data["splits"], list)
    for suggestion in data["suggestions"]:
        assert set(suggestion["ideas"]) <= on_page and len(set(suggestion["ideas"])) == 2
        assert suggestion["why"] and isinstance(suggestion["score"], float)
    scores = [s["score"] for s in data["suggestions"]]
    assert scores == sorted(scores, reverse=True)


def test_distinguer_keeps_apart_what_the_tool_would_merge(local_wiki, tmp_path):
    """Two territories state two close ideas in two languages, coded in two grid
    dimensions, so the first run keeps them apart (another dimension lowers their
    score); a moderator writes `distinguer` on their keys; once both are coded alike the
    tool would merge them (the control pair does merge) but keeps them apart, with their
    keys, and never suggests the pair again."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    rents = "Les loyers sont bien trop chers pour les familles du quartier."
    rents_en = "Landlords never fix anything."
    bus = "Il n'y a plus de bus le soir après vingt heures."
    bus_en = "Public transport is too expensive."
    rows = {"Écart A": (rents, "A03"), "Écart B": (rents_en, "D02"),
            "Témoin C": (bus, "A03"), "Témoin D": (bus_en, "D02")}
    for territory, (text, code) in rows.items():
        put(wiki, f"Débat:{territory}/Tour 33",
            debate_text(territory, [{"question": 1, "texte": text, "code": code}], round_=33))

    def ideas_of(name: str) -> dict[frozenset, str]:
        out = tmp_path / f"{name}.json"
        result = run("global", "--round", "33", "--json", str(out))
        assert result.exit_code == 0, result.output
        data = load_json(out)
        return {frozenset(i["territories"]): i["key"] for i in data["ideas"]}, data

    first, _ = ideas_of("first")
    assert set(first) == {frozenset({t}) for t in rows}  # four ideas: two dimensions
    keys = [first[frozenset({"Écart A"})], first[frozenset({"Écart B"})]]
    title = "Synthèse:Globale/Tour 33"
    human_edit(human(local_wiki), title, lambda text: (
        f"{{{{CO-ACTE curation | action = distinguer | idées = {', '.join(keys)} "
        f"| motif = deux publics }}}}\n{text}"))
    for territory in ("Écart B", "Témoin D"):
        put(wiki, f"Débat:{territory}/Tour 33", debate_text(
            territory, [{"question": 1, "texte": rows[territory][0], "code": "A03"}],
            round_=33))

    second, data = ideas_of("second")
    assert second[frozenset({"Écart A"})] == keys[0]
    assert second[frozenset({"Écart B"})] == keys[1]
    assert frozenset({"Témoin C", "Témoin D"}) in second  # the same case, merged
    asked = [set(s["ideas"]) for s in data["suggestions"]]
    assert set(keys) not in asked
    assert "gardée distincte de" in text_of(wiki, title)
