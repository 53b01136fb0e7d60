"""Territory synthesis: every valid post-it in exactly one idea, duplicates merged."""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from coacte.model import Debate, Grid, GridEntry, PostIt
from coacte.synthesis.similarity import normalize, same_idea
from coacte.synthesis.territory import UNCLASSIFIED, dimension_code, ideas, synthesize

GRID = Grid({
    "A": GridEntry("A", "Accès"), "A03": GridEntry("A03", "Logement", "A"),
    "C": GridEntry("C", "Organisations"), "C01": GridEntry("C01", "Institutions", "C"),
})


def p(index, text, question=1, kind="", group="", code="", page="Débat:X/Tour 1", **kw):
    return PostIt(page, 10, index, question, text, group, kind, code, **kw)


def _normalize_by_the_definition(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", folded))


@given(st.text())
def test_normalize_is_exactly_its_definition(text):
    """The fast paths (ASCII, translate table) change no letter: idea keys hash it."""
    assert normalize(text) == _normalize_by_the_definition(text)


def test_normalize_folds_case_accents_punctuation_spacing():
    assert normalize("  Le Jardin  partagé, rapproche-t-il LES voisins ?! ") == (
        "le jardin partage rapproche t il les voisins")


def test_near_duplicates_merge_but_negations_never_do():
    a = normalize("Les jeunes ne sont pas assez écoutés par les élus")
    b = normalize("Les jeunes ne sont pas écoutés par les élus")
    assert same_idea(a, b, 92)
    assert not same_idea(normalize("Les jeunes participent aux décisions"),
                         normalize("Les jeunes ne participent pas aux décisions"), 50)
    assert not same_idea(normalize("Le logement est cher"), normalize("Le transport est rare"), 92)


def test_every_postit_lands_in_exactly_one_idea():
    postits = [
        p(1, "Le jardin partagé rapproche les voisins.", group="Élus", code="A03"),
        p(2, "le jardin partage rapproche les voisins", group="Jeunes"),
        p(3, "Le jardin partagé rapproche les voisins.", group="Retraités"),
        p(4, "Le jardin partagé rapproche les voisins.", question=2),
        p(5, "Budget voté chaque année", question=3, kind="blocage", code="C01",
          levels=("national",), actors=("État",)),
        p(6, "Budget voté chaque année", question=3, kind="levier", levels=("local",)),
        p(7, "Un avis minoritaire, écrit une seule fois"),
    ]
    result = ideas(postits, GRID)
    seen = sorted(s.index for i in result for s in i.sources)
    assert seen == [1, 2, 3, 4, 5, 6, 7]
    garden = next(i for i in result if i.question == 1 and i.occurrences == 3)
    assert garden.statement == "Le jardin partagé rapproche les voisins."
    assert garden.variants == ["le jardin partage rapproche les voisins"]
    assert garden.groups == ["Élus", "Jeunes", "Retraités"]
    assert garden.code == "A03"
    assert {(i.question, i.kind) for i in result if "Budget" in i.statement} == {
        (3, "blocage"), (3, "levier")}
    assert any(i.statement.startswith("Un avis minoritaire") for i in result)


def test_order_question_kind_dimension_then_frequency():
    postits = [
        p(1, "levier", question=3, kind="levier"),
        p(2, "blocage C", question=3, kind="blocage", code="C01"),
        p(3, "blocage A", question=3, kind="blocage", code="A03"),
        p(4, "q1 rare"), p(5, "q1 fréquent"), p(6, "q1 fréquent"),
    ]
    order = [i.statement for i in ideas(postits, GRID)]
    assert order == ["q1 fréquent", "q1 rare", "blocage A", "blocage C", "levier"]


def test_keys_are_stable_and_distinct():
    first = ideas([p(1, "Une idée"), p(2, "Autre idée")], GRID)
    again = ideas([p(9, "Autre idée", page="Débat:Y"), p(8, "une IDÉE !")], GRID)
    assert sorted(i.key for i in first) == sorted(i.key for i in again)
    assert len({i.key for i in first}) == 2


def test_dimension_of_unknown_code_is_unclassified():
    (idea,) = ideas([p(1, "x", code="Z99")], GRID)
    assert dimension_code(idea, GRID) == UNCLASSIFIED


def test_synthesize_groups_by_territory_ignoring_case_and_by_round():
    debates = [
        Debate("Débat:Mulhouse/Tour 1", 1, "Mulhouse", 1, postits=[p(1, "a")]),
        Debate("Débat:mulhouse bis", 2, "mulhouse", 1,
               postits=[p(1, "a", page="Débat:mulhouse bis")], excluded=2),
        Debate("Débat:Mulhouse/Tour 2", 3, "Mulhouse", 2, postits=[p(1, "b")]),
    ]
    result = synthesize(debates, GRID)
    assert [(s.territory, s.round, s.postits, s.excluded) for s in result] == [
        ("Mulhouse", 1, 2, 2), ("Mulhouse", 2, 1, 0)]
    assert result[0].ideas[0].occurrences == 2
