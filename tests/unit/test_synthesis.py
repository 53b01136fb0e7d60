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
    tokens = [t for t in re.findall(r"(?:(?<![^\W_])[+\-\u2212](?=\d))?[^\W_]+|[^\w\s]", folded)
              if t[-1].isalnum() or unicodedata.category(t) in ("Sm", "Sc", "So")]
    return " ".join(tokens) or " ".join(folded.split())


@given(st.text())
def test_normalize_is_exactly_its_definition(text):
    """The fast paths (ASCII, translate table) change no letter: idea keys hash it."""
    assert normalize(text) == _normalize_by_the_definition(text)


def test_normalize_folds_case_accents_punctuation_spacing():
    assert normalize("  Le Jardin  partagé, rapproche-t-il LES voisins ?! ") == (
        "le jardin partage rapproche t il les voisins")


def test_texts_differing_in_a_number_a_sign_or_a_symbol_are_different_texts():
    """Issue 22: emoji, currency and signs are part of the text; another number is
    another idea, however close the letters; punctuation alone is kept, never empty."""
    pairs = [("😀", "😢"), ("🏠❌", "🏠✅"), ("👍", "👎"), ("€€€", "???"), ("???", "!!!"),
             ("+1", "-1"), ("3 écoles ferment", "30 écoles ferment"),
             ("Loyer à 500 €", "Loyer à 1500 €"), ("Vitesse limitée à 30", "à 90"),
             ("Vitesse limitée à 30 km/h", "Vitesse limitée à 90 km/h")]
    for a, b in pairs:
        assert normalize(a) and normalize(b) and normalize(a) != normalize(b), (a, b)
        assert not same_idea(normalize(a), normalize(b), 50), (a, b)
    assert normalize("Le bien-être des jeunes !") == "le bien etre des jeunes"
    assert same_idea(normalize("Loyer à 500 € !!"), normalize("loyer a 500 €"), 92)
    keys = {idea.key for idea in ideas([p(1, "😀", question=2), p(2, "😢", question=2),
                                        p(3, "€€€", question=2), p(4, "???", question=2)], GRID)}
    assert len(keys) == 4 and "q2-da39a3ee" not in keys  # never the hash of ""


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
