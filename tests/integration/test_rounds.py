"""Delphi rounds, curation and thematic networks on the real local wiki."""

from __future__ import annotations

import mwclient
import pytest

from coacte.wikitext import region
from coacte.wikitext.synthesis_page import published_ideas, state
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

GLOBAL = "Synthèse:Globale/Tour {}"


@pytest.fixture(scope="module")
def round_one(local_wiki):
    """Rounds 20–22 of two territories (rounds no other test uses)."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    for territory, rows in {
        "Nantes": [("Les financements sont votés chaque année.", "blocage"),
                   ("Un budget participatif pour les jeunes.", "levier")],
        "Derry": [("Funding is voted every year.", "blocage"),
                  ("Nobody maintains the footpaths.", "blocage")],
    }.items():
        postits = [{"question": 3, "texte": t, "nature": k, "groupe": "Habitants"}
                   for t, k in rows]
        put(wiki, f"Débat:{territory}/Tour 20", debate_text(territory, postits, round_=20))
    assert run("global", "--round", "20").exit_code == 0
    return local_wiki


def test_round_open_freezes_and_seeds_reaction_pages(round_one):
    wiki = bot(round_one)
    ideas = [i for i in published_ideas(text_of(wiki, GLOBAL.format(20))) if i.question == 3]
    result = run("round", "open", "21", "--territory", "Lisboa")
    assert result.exit_code == 0, result.output
    assert state(text_of(wiki, GLOBAL.format(20))) == "figé"
    for territory in ("Nantes", "Derry", "Lisboa"):
        page = text_of(wiki, f"Débat:{territory}/Tour 21")
        assert all(f"| idée = {i.key}" in page for i in ideas)
    frozen = run("global", "--round", "20")
    assert frozen.exit_code == 4 and "frozen" in frozen.output
    again = run("round", "open", "21")
    assert again.exit_code == 0 and "kept (exists)" in again.output


def react(wiki, territory, answers):
    """Fill the seeded slots as a facilitator would: {key: (accord, priorité, groupe)}."""
    title = f"Débat:{territory}/Tour 21"
    text = text_of(wiki, title)
    for key, (agreement, priority, group) in answers.items():
        slot = f"| idée = {key}\n"
        start = text.index(slot)
        end = text.index("}}", start)
        block = text[start:end]
        filled = (block.replace("| accord = \n", f"| accord = {agreement}\n")
                  .replace("| priorité = \n", f"| priorité = {priority}\n")
                  .replace("| groupe = \n", f"| groupe = {group}\n"))
        text = text[:start] + filled + text[end:]
    put(wiki, title, text)


def test_status_then_close_measures_convergence(round_one, tmp_path):
    wiki = bot(round_one)
    ideas = [i for i in published_ideas(text_of(wiki, GLOBAL.format(20))) if i.question == 3]
    funding = next(i for i in ideas if "financements" in i.statement.lower()
                   or "funding" in i.statement.lower())
    react(wiki, "Nantes", {funding.key: ("oui", 5, "Élus")})
    react(wiki, "Derry", {funding.key: ("oui", 4, "Residents")})
    status = run("round", "status", "21")
    assert status.exit_code == 0
    waiting = next(line for line in status.output.splitlines()
                   if line.startswith("territories that have not reacted yet:"))
    assert waiting.endswith(": Lisboa")
    out = tmp_path / "round.json"
    put(wiki, "Débat:Nantes/Tour 21", text_of(wiki, "Débat:Nantes/Tour 21") +
        "\n{{CO-ACTE post-it|question=3|nature=levier|texte=Des financements pluriannuels}}")
    result = run("round", "close", "21")
    assert result.exit_code == 0, result.output
    assert run("global", "--round", "21", "--json", str(out)).exit_code == 0
    data = load_json(out)
    stats = next(r for r in data["reactions"] if r["key"] == funding.key)
    assert stats["agreement"] == 1.0 and stats["consensus"] is True
    assert set(stats["territories"]) == {"Nantes", "Derry"}
    assert stats["priority_median"] == 4.5
    assert "pending" not in data  # closed
    page = text_of(wiki, GLOBAL.format(21))
    assert state(page) == "clos"
    assert "Réactions aux idées du tour 20" in page
    assert "Des financements pluriannuels" in page


def test_curation_survives_reruns_and_unmatched_is_reported(round_one):
    wiki = bot(round_one)
    title = GLOBAL.format(22)
    put(wiki, "Débat:Nantes/Tour 22", debate_text("Nantes", [
        {"question": 1, "texte": "Le marché du dimanche réunit le quartier."},
        {"question": 1, "texte": "La fête des voisins grandit chaque année."}], round_=22))
    assert run("global", "--round", "22").exit_code == 0
    ideas = published_ideas(text_of(wiki, title))
    market = next(i for i in ideas if "marché" in i.statement)
    moderator = human(round_one)
    human_edit(moderator, title, lambda t: (
        f"{{{{CO-ACTE curation|action=reformuler|idée={market.key}"
        "|énoncé=Le marché dominical crée du lien|motif=plus clair}}\n"
        "{{CO-ACTE curation|action=recoder|idée=g9z-00000000|code=A01}}\n" + t))
    result = run("global", "--round", "22")
    assert result.exit_code == 0
    assert "g9z-00000000" in result.output
    page = text_of(wiki, title)
    assert "Le marché dominical crée du lien" in page
    assert "Décisions de modération non appliquées" in page
    before = revid_of(wiki, title)
    assert "edits 0" in run("global", "--round", "22").output
    assert revid_of(wiki, title) == before
    assert page.startswith("{{CO-ACTE curation|action=reformuler")


def test_only_a_moderators_decision_is_applied(round_one):
    """Issue 22: a facilitator (no coacte-moderate) writes a reformuler on the global
    page: the next run lists it among the decisions not applied, naming the account;
    the same decision written again by a moderator is applied."""
    wiki = bot(round_one)
    title = GLOBAL.format(23)
    put(wiki, "Débat:Nantes/Tour 23", debate_text("Nantes", [
        {"question": 1, "texte": "Le jardin des Plantes accueille les familles."}], round_=23))
    assert run("global", "--round", "23").exit_code == 0
    (idea,) = published_ideas(text_of(wiki, title))
    local = round_one.extra["local"]
    facilitator = mwclient.Site(round_one.wiki_url.split("://", 1)[1], path="/", scheme="http")
    facilitator.clientlogin(username=local["editor_user"], password=local["editor_password"])
    decision = (f"{{{{CO-ACTE curation|action=reformuler|idée={idea.key}"
                "|énoncé=Énoncé d'une animatrice}}\n")
    human_edit(facilitator, title, lambda t: decision + t)
    result = run("global", "--round", "23")
    assert result.exit_code == 0
    page = text_of(wiki, title)
    assert "Énoncé d'une animatrice" not in region.body_of(page)
    assert "Décisions de modération non appliquées" in page
    assert local["editor_user"] in region.body_of(page)
    human_edit(human(round_one), title, lambda t: decision.replace(
        "}}", "|motif=repris}}") + t)
    assert run("global", "--round", "23").exit_code == 0
    assert "Énoncé d'une animatrice" in region.body_of(text_of(wiki, title))


def test_network_contribution_appears_under_its_idea(round_one):
    wiki = bot(round_one)
    title = GLOBAL.format(22)
    ideas = published_ideas(text_of(wiki, title))
    fete = next(i for i in ideas if "voisins" in i.statement)
    put(wiki, "Réseau habitat/Apports", (
        f"{{{{CO-ACTE apport|réseau=Réseau habitat|idée={fete.key}"
        "|texte=Les coopératives d'habitants organisent aussi ces fêtes.}}\n"
        "{{CO-ACTE apport|réseau=Réseau habitat|idée=g1-inconnue|texte=x}}"))
    result = run("global", "--round", "22")
    assert result.exit_code == 0 and "g1-inconnue" in result.output
    page = text_of(wiki, title)
    assert "Les coopératives d&#39;habitants" in page or "Les coopératives d'habitants" in page


def test_round_open_requires_the_review_when_asked(local_wiki):
    """Two close ideas in two territories and two languages: the synthesis merges them
    but marks the merge to confirm. `round open --require-review` refuses (nothing
    written) until a decision answers it."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    for territory, text in (
            ("Revue A", "Les loyers sont bien trop chers pour les familles du quartier."),
            ("Revue B", "Too many homes stay empty.")):
        put(wiki, f"Débat:{territory}/Tour 35", debate_text(territory, [
            {"question": 3, "nature": "blocage", "texte": text}], round_=35))
    assert run("global", "--round", "35").exit_code == 0
    title = GLOBAL.format(35)
    before = revid_of(wiki, title)

    refused = run("round", "open", "36", "--require-review")
    assert refused.exit_code == 1
    assert (f"{title}: 0 suggested pairs of ideas likely one idea and 1 merge to confirm "
            "still unanswered") in refused.output
    assert revid_of(wiki, title) == before  # not frozen
    assert text_of(wiki, "Débat:Revue A/Tour 36") is None

    (idea,) = published_ideas(text_of(wiki, title))
    other = next(m for m in idea.members if m.startswith("Revue B/"))
    human_edit(human(local_wiki), title, lambda page: (
        f"{{{{CO-ACTE curation | action = confirmer | idée = {idea.key} "
        f"| membres = {other} }}}}\n{page}"))
    opened = run("round", "open", "36", "--require-review")
    assert opened.exit_code == 0, opened.output
    assert ("round 35: 0 suggested pairs of ideas likely one idea and 0 merges to confirm "
            "still unanswered") in opened.output
    assert text_of(wiki, "Débat:Revue A/Tour 36") is not None
