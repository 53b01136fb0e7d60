"""Synthesis of syntheses: merge across territories, keep singletons, stable keys."""

import mwparserfromhell

from coacte.model import Debate, Grid, GridEntry, PostIt
from coacte.render import synthesis_pages as render
from coacte.synthesis.cross_territory import assign_keys, global_synthesis, surface_cluster
from coacte.synthesis.territory import synthesize
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import idea_members
from coacte.wikitext.values import decode

GRID = Grid({
    "A": GridEntry("A", "Accès"), "A03": GridEntry("A03", "Logement", "A"),
    "C": GridEntry("C", "Organisations"), "C01": GridEntry("C01", "Institutions", "C"),
    "P": GridEntry("P", "Possibilité", kind="sens"),
})


def debate(territory, rows, round_=1):
    page = f"Débat:{territory}/Tour {round_}"
    postits = [PostIt(page, 100 + n, n, q, text, f"G{n}", kind, code, levels)
               for n, (q, kind, code, text, levels) in enumerate(rows, 1)]
    return Debate(page, 100, territory, round_, postits=postits)


def syntheses():
    return synthesize([
        debate("Mulhouse", [
            (3, "blocage", "C01/P15", "Les financements sont annuels", ("national",)),
            (3, "blocage", "C01/P15", "Les financements sont annuels !", ("local",)),
            (1, "", "A03", "Le logement est trop cher", ()),
        ]),
        debate("Bristol", [
            (3, "blocage", "C01/P15", "les financements sont annuels", ("européen",)),
            (1, "", "A03", "Le logement est trop cher.", ()),
            (1, "", "", "Une idée que seul Bristol a eue", ()),
        ]),
        debate("Odemira", [(3, "levier", "C01", "Les financements sont annuels", ("local",))]),
    ], GRID)


def test_merges_across_territories_keeps_singletons_and_ranks_by_territories():
    g = global_synthesis(syntheses(), GRID, 1, cluster=surface_cluster)
    assert g.territories == ["Bristol", "Mulhouse", "Odemira"]
    by_statement = {(i.statement, i.kind): i for i in g.ideas}
    funding = by_statement[("Les financements sont annuels", "blocage")]
    assert set(funding.territories) == {"Mulhouse", "Bristol"}
    assert funding.occurrences == 3
    assert funding.level_counts() == {"national": 1, "local": 1, "européen": 1}
    assert funding.meaning == "P"
    # the lever never merges with the blocker
    assert by_statement[("Les financements sont annuels", "levier")].territories == ["Odemira"]
    assert any(i.territories == ["Bristol"] for i in g.ideas)
    assert sum(i.occurrences for i in g.ideas) == g.postits == 7
    q1 = [i for i in g.ideas if i.question == 1]
    assert len(q1[0].territories) >= len(q1[-1].territories)


def test_other_rounds_are_not_mixed_in():
    extra = synthesize([debate("Mulhouse", [(1, "", "", "Tour deux", ())], round_=2)], GRID)
    g = global_synthesis(syntheses() + extra, GRID, 1, cluster=surface_cluster)
    assert all(i.statement != "Tour deux" for i in g.ideas)


def test_keys_survive_a_rerun_and_new_content():
    first = global_synthesis(syntheses(), GRID, 1, cluster=surface_cluster)
    page = region.wrap(render.global_synthesis(first, GRID, []))
    previous = idea_members(page)
    assert set(previous) == {i.key for i in first.ideas}
    more = syntheses() + synthesize([debate("Braga", [
        (3, "blocage", "C01/P15", "Les financements sont annuels", ())])], GRID)
    again = global_synthesis(more, GRID, 1, cluster=surface_cluster, previous=previous)
    old = {i.statement + i.kind: i.key for i in first.ideas}
    new = {i.statement + i.kind: i.key for i in again.ideas}
    assert all(new[k] == v for k, v in old.items())
    funding = next(i for i in again.ideas if i.kind == "blocage")
    assert "Braga" in funding.territories


def test_assign_keys_gives_each_previous_key_to_one_group_only():
    g = global_synthesis(syntheses(), GRID, 1, cluster=surface_cluster)
    groups = [i.members for i in g.ideas]
    everything = frozenset(m.ref for grp in groups for m in grp)
    keys = assign_keys(groups, {"gX-old": everything})
    assert keys.count("gX-old") == 1
    assert len(set(keys)) == len(keys)


def test_global_page_has_both_views_and_the_matrix_and_stays_inert():
    rows = [(3, "blocage", "C01/P15", "[[Catégorie:x]] {{!}} <b>", ("national",))]
    g = global_synthesis(synthesize([debate("T", rows)], GRID), GRID, 1,
                         cluster=surface_cluster)
    text = render.global_synthesis(g, GRID, ["Synthèse:T/Tour 1"], "fr")
    code = mwparserfromhell.parse(text)
    headings = [str(h.title).strip() for h in code.filter_headings() if h.level == 2]
    assert headings == ["Idées par dimension de la grille", "Idées par code sens",
                        "Qui peut agir : blocages et leviers × niveaux"]
    (idea,) = [t for t in code.filter_templates() if t.name.strip() == "CO-ACTE idée"]
    assert decode(str(idea.get("énoncé").value)) == "[[Catégorie:x]] {{!}} <b>"
    assert decode(str(idea.get("territoires").value)) == "T"
    assert not code.filter_wikilinks(matches=lambda link: "Catégorie" in str(link.title))
    assert "| national || " not in text and "|| 1 ||" in text


def test_a_coded_and_an_uncoded_member_of_one_idea_meet():
    """The grid dimension is a signal, not a wall (the real encoder decides)."""
    g = global_synthesis(synthesize([
        debate("Mulhouse", [(3, "blocage", "C01", "Les bénévoles sont fatigués", ())]),
        debate("Odemira", [(3, "blocage", "", "Os voluntários estão cansados", ())]),
        debate("Bristol", [(3, "blocage", "A03", "The volunteers are tired", ())]),
    ], GRID), GRID, 1)
    together = next(i for i in g.ideas if "Mulhouse" in i.territories)
    assert set(together.territories) == {"Mulhouse", "Odemira", "Bristol"}
    assert together.code == "C01" or together.code == "A03"
    # The pair coded in two dimensions still meets: the dimension only lowers its score.
    pair = global_synthesis(synthesize([
        debate("Mulhouse", [(3, "blocage", "C01", "Les bénévoles sont fatigués", ())]),
        debate("Odemira", [(3, "blocage", "A03", "Os voluntários estão cansados", ())]),
    ], GRID), GRID, 1)
    assert len(pair.ideas) == 1
