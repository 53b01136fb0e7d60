"""Every kind of input error is reported where it is, and only valid post-its pass."""

import pytest

from coacte.model import PageRevision
from coacte.package_data import WIKI_TEMPLATES
from coacte.validate import (
    agreement_value,
    priority_value,
    reaction_value_problems,
    read_debate,
    read_debates,
    read_grid,
)

GRID = read_grid(PageRevision("CO-ACTE/Grille", 1, "t", """
{{CO-ACTE code|code=A|libellé=Accès aux moyens de vie}}
{{CO-ACTE code|code=A01|libellé=Alimentation|parent=A}}
{{CO-ACTE code|code=C|libellé=Relations avec les organisations}}
{{CO-ACTE code|code=C01|libellé=Institutions|parent=C}}
{{CO-ACTE code|code=P|libellé=Possibilité|type=sens}}
{{CO-ACTE code|code=P15|libellé=Obstacle financier|parent=P|type=sens}}
"""))[0]

HEADER = "{{CO-ACTE débat|territoire=Mulhouse|tour=1}}\n"


def page(text, title="Débat:Mulhouse/Tour 1"):
    return PageRevision(title, 7, "2026-01-01T00:00:00Z", text)


def problems_of(text, title="Débat:Mulhouse/Tour 1"):
    debate, problems = read_debate(page(text, title), GRID)
    return debate, [(p.index, p.field, p.key, p.blocking) for p in problems]


def postit(**params):
    body = "|".join(f"{k}={v}" for k, v in params.items())
    return "{{CO-ACTE post-it|" + body + "}}\n"


def test_valid_page_gives_debate_and_postits():
    debate, problems = problems_of(
        "{{CO-ACTE débat|territory=Mulhouse|round=2|pays=FR|date=2016-01-12"
        "|formule=nouveau territoire|participants=24|langue=fr}}\n"
        + postit(question=1, texte="Un jardin", groupe="Élus", code="A01")
        + postit(question=3, text="Budget annuel", kind="blocker", code="C01/P15",
                 level="national, regional", actors="État, communes")
    )
    assert problems == []
    assert (debate.territory, debate.round, debate.participants) == ("Mulhouse", 2, 24)
    first, second = debate.postits
    assert (first.index, first.question, first.text, first.group) == (1, 1, "Un jardin", "Élus")
    assert second.kind == "blocage"
    assert second.levels == ("national", "régional")
    assert second.actors == ("État", "communes")


@pytest.mark.parametrize("header, field, key", [
    ("{{CO-ACTE débat|tour=1}}", "territoire", "coacte-problem-required"),
    ("{{CO-ACTE débat|territoire=X}}", "tour", "coacte-problem-required"),
    ("{{CO-ACTE débat|territoire=X|tour=0}}", "tour", "coacte-problem-integer"),
    ("{{CO-ACTE débat|territoire=X|tour=un}}", "tour", "coacte-problem-integer"),
    ("{{CO-ACTE débat|territoire=A#B|tour=1}}", "territoire", "coacte-problem-territory-chars"),
    ("{{CO-ACTE débat|territoire=globale|tour=1}}", "territoire",
     "coacte-problem-territory-reserved"),
    ("{{CO-ACTE débat|territoire=X|territory=Y|tour=1}}", "territoire",
     "coacte-problem-duplicate-param"),
])
def test_blocking_header_problems_leave_the_page_out(header, field, key):
    debate, problems = problems_of(header + postit(question=1, texte="a"))
    assert debate is None
    assert (None, field, key, True) in problems


@pytest.mark.parametrize("params, field, key", [
    ("pays=France", "pays", "coacte-problem-country"),
    ("date=12/01/2016", "date", "coacte-problem-date"),
    ("date=2016-02-30", "date", "coacte-problem-date"),
    ("formule=autre", "formule", "coacte-problem-choice"),
    ("participants=-3", "participants", "coacte-problem-integer"),
    ("langue=Français", "langue", "coacte-problem-language"),
    ("couleur=bleu", "couleur", "coacte-problem-unknown-param"),
])
def test_soft_header_problems_keep_the_page(params, field, key):
    debate, problems = problems_of(
        "{{CO-ACTE débat|territoire=X|tour=1|" + params + "}}" + postit(question=1, texte="a")
    )
    assert debate is not None and len(debate.postits) == 1
    assert problems == [(None, field, key, False)]


def test_no_header_and_several_headers():
    assert problems_of(postit(question=1, texte="a"))[1] == [
        (None, None, "coacte-problem-no-header", True)]
    debate, problems = problems_of(HEADER + HEADER)
    assert debate is None
    assert problems == [(None, None, "coacte-problem-several-headers", True)]


@pytest.mark.parametrize("params, field, key", [
    ({"texte": "a"}, "question", "coacte-problem-required"),
    ({"question": 4, "texte": "a"}, "question", "coacte-problem-question"),
    ({"question": 1}, "texte", "coacte-problem-required"),
    ({"question": 1, "texte": " "}, "texte", "coacte-problem-required"),
    ({"question": 3, "texte": "a"}, "nature", "coacte-problem-kind-missing"),
    ({"question": 3, "texte": "a", "nature": "frein"}, "nature", "coacte-problem-choice"),
    ({"question": 1, "texte": "a", "text": "b"}, "texte", "coacte-problem-duplicate-param"),
])
def test_blocking_postit_problems(params, field, key):
    debate, problems = problems_of(HEADER + postit(question=1, texte="ok") + postit(**params))
    assert [p.index for p in debate.postits] == [1]
    assert debate.excluded == 1
    assert (2, field, key, True) in problems


@pytest.mark.parametrize("params, field, key", [
    ({"nature": "levier"}, "nature", "coacte-problem-kind-not-q3"),
    ({"code": "A1"}, "code", "coacte-problem-code-format"),
    ({"code": "Z09"}, "code", "coacte-problem-code-unknown"),
    ({"code": "A01/P99"}, "code", "coacte-problem-code-unknown"),
    ({"niveau": "planétaire"}, "niveau", "coacte-problem-level"),
    ({"auteur": "Jean"}, "auteur", "coacte-problem-unknown-param"),
])
def test_soft_postit_problems_keep_the_postit(params, field, key):
    debate, problems = problems_of(HEADER + postit(question=1, texte="a", **params))
    assert len(debate.postits) == 1
    assert problems == [(1, field, key, False)]


def test_positional_value_is_reported():
    debate, problems = problems_of(HEADER + "{{CO-ACTE post-it|1|question=1|texte=a}}")
    assert problems == [(1, None, "coacte-problem-positional", False)]
    assert len(debate.postits) == 1


def test_finer_object_code_and_template_name_variants():
    text = ("{{Modèle:CO-ACTE_débat|territoire=X|tour=1}}"
            "{{CO-ACTE_post-it |question=1|texte=a|code=A01-11/P15/k}}")
    debate, problems = problems_of(text)
    assert problems == [] and debate.postits[0].code == "A01-11/P15/k"


def test_postit_ordinals_count_postit_calls_only_in_document_order():
    text = HEADER + "<!-- {{CO-ACTE post-it|question=1|texte=commenté}} -->" + "".join(
        postit(question=1, texte=t) for t in "abc") + postit(question=9, texte="d")
    debate, problems = problems_of(text)
    assert [(p.index, p.text) for p in debate.postits] == [(1, "a"), (2, "b"), (3, "c")]
    assert problems[0][0] == 4


def test_two_pages_for_the_same_territory_and_round():
    pages = [page(HEADER + postit(question=1, texte="a"), "Débat:Mulhouse/Tour 1"),
             page("{{CO-ACTE débat|territoire=mulhouse|tour=1}}" + postit(question=1, texte="b"),
                  "Débat:Mulhouse bis")]
    debates, problems = read_debates(pages, GRID)
    assert len(debates) == 2
    assert sorted((p.page, p.key) for p in problems) == [
        ("Débat:Mulhouse bis", "coacte-problem-same-territory-round"),
        ("Débat:Mulhouse/Tour 1", "coacte-problem-same-territory-round"),
    ]


def test_invisible_characters_in_names_are_taken_out_and_reported():
    """Issue 22: a zero-width space (or a bidi control, a soft hyphen) in a territory or
    group name would make a second territory that reads the same."""
    hidden = "{{CO-ACTE débat|territoire=Guimar\u200bães|tour=1}}" + postit(
        question=1, texte="a", groupe="Jo\u00advens\u202e")
    plain = "{{CO-ACTE débat|territoire=Guimarães|tour=1}}" + postit(question=1, texte="b")
    debates, problems = read_debates([page(hidden, "Débat:Guimar\u200bães/Tour 1"),
                                      page(plain, "Débat:Guimarães/Tour 1")], GRID)
    assert [d.territory for d in debates] == ["Guimarães", "Guimarães"]
    assert debates[0].postits[0].group == "Jovens"
    invisible = [p for p in problems if p.key == "coacte-problem-invisible"]
    assert [(p.field, p.params, p.blocking) for p in invisible] == [
        ("territoire", ("Guimar‹U+200B›ães", "Guimarães"), False),
        ("groupe", ("Jo‹U+00AD›vens‹U+202E›", "Jovens"), False)]
    # Now one territory: the two pages of one round are named for a facilitator to settle.
    assert sum(p.key == "coacte-problem-same-territory-round" for p in problems) == 2


def test_malformed_grid_entries_are_reported_at_their_line():
    """Issue 22: a four-part code, a code twice by case, an unclosed call; an emptied
    grid page warns like a missing one."""
    grid, problems = read_grid(PageRevision("CO-ACTE/Grille", 1, "t", """
{{CO-ACTE code|code=A|libellé=Accès}}
{{CO-ACTE code|code=A01|libellé=Alimentation|parent=A}}
{{CO-ACTE code|code=A01/P15/k/x|libellé=Quatre parties|parent=A}}
{{CO-ACTE code|code=a01|libellé=Doublon en minuscules|parent=A}}
{{CO-ACTE code|code=A02|libellé=Jamais fermé|parent=A
"""))
    assert sorted(grid.entries) == ["A", "A01"]
    found = {(p.key, p.params) for p in problems}
    assert ("coacte-problem-grid-code", ("A01/P15/k/x",)) in found
    assert ("coacte-problem-grid-duplicate", ("a01",)) in found
    assert ("coacte-problem-unclosed-call", ("CO-ACTE code", 6)) in found
    _, empty = read_grid(PageRevision("CO-ACTE/Grille", 2, "t", "Page vidée."))
    assert [p.key for p in empty] == ["coacte-problem-grid-empty"]


def test_grid_problems():
    grid, problems = read_grid(page(
        "{{CO-ACTE code|code=A|libellé=x}}{{CO-ACTE code|code=A|libellé=y}}"
        "{{CO-ACTE code|code=B01|libellé=z|parent=B}}{{CO-ACTE code|libellé=w}}"
        "{{CO-ACTE code|code=P|libellé=p|type=autre}}", "CO-ACTE/Grille"))
    assert set(grid.entries) == {"A", "B01"}
    assert sorted(p.key for p in problems) == [
        "coacte-problem-choice", "coacte-problem-grid-duplicate", "coacte-problem-grid-entry",
        "coacte-problem-grid-parent"]


def test_problem_json_shape_and_messages_in_both_languages():
    _, problems = read_debate(page(HEADER + postit(question=4, texte="a")), GRID)
    (problem,) = problems
    data = problem.as_dict("en")
    assert set(data) == {"page", "index", "field", "message"}
    assert data["index"] == 2 - 1 and data["field"] == "question"
    assert "4" in data["message"] and "left out" in data["message"]
    assert "écarté" in problem.message("fr")


def test_reaction_values_one_check():
    """The check both the page reader and the Delphi statistics use."""
    assert reaction_value_problems("", "") == []
    assert reaction_value_problems(" Nuance ", " 5 ") == []
    assert reaction_value_problems("peut-être", "9") == [
        ("accord", "coacte-problem-choice", "peut-être", "oui, non, nuancé"),
        ("priorité", "coacte-problem-priority", "9"),
    ]
    assert [agreement_value(v) for v in ("OUI", "nuance", "Nuancé", "peut-être")] == [
        "oui", "nuancé", "nuancé", None]
    # The network's three languages: English and Portuguese values read as French ones.
    assert [agreement_value(v) for v in ("yes", "Sim", "no", "não", "nuanced", "matizado")] \
        == ["oui", "oui", "non", "non", "nuancé", "nuancé"]
    assert [priority_value(v) for v in ("1", " 5 ", "0", "6", "05", "٣", "")] == [
        1, 5, None, None, None, None, None]


def test_kinds_and_levels_in_english_and_portuguese():
    text = HEADER + postit(question=3, texte="x", nature="Bloqueio", niveau="nacional, mundial") \
        + postit(question=3, texte="y", nature="alavanca", niveau="European") \
        + postit(question=3, texte="z", nature="blocker")
    debate, problems = problems_of(text)
    assert problems == []
    assert [p.kind for p in debate.postits] == ["blocage", "levier", "blocage"]
    assert debate.postits[0].levels == ("national", "mondial")
    assert debate.postits[1].levels == ("européen",)


def test_choices_compare_without_case_accents_or_spacing():
    text = HEADER.replace("tour=1", "tour=1|formule=Programme  D'ACTIONS") + postit(
        question=3, texte="x", nature="LEVIER", niveau="Regional, europeen, Global")
    debate, problems = problems_of(text)
    assert problems == []
    assert debate.formula == "programme d'actions"
    assert debate.postits[0].kind == "levier"
    assert debate.postits[0].levels == ("régional", "européen", "mondial")


def test_grid_labels_in_other_languages():
    grid, problems = read_grid(page(
        "{{CO-ACTE code | code = A | libellé = Accès | libellé en =  Access  to means "
        "| label pt = Acesso }}{{CO-ACTE code | code = B | libellé = Cadre }}"))
    assert problems == []
    assert grid.entries["A"].labels == {"en": "Access to means", "pt": "Acesso"}
    assert [grid.entries["A"].label_in(lang) for lang in ("fr", "en", "pt")] == [
        "Accès", "Access to means", "Acesso"]
    assert grid.entries["B"].label_in("en") == "Cadre"  # the page's own when untranslated


def test_the_installed_grid_speaks_every_language():

    text = (WIKI_TEMPLATES / "pages" / "grille.wikitext").read_text(
        "utf-8")
    grid, problems = read_grid(PageRevision("CO-ACTE/Grille", 1, "t", text))
    assert problems == [] and len(grid.entries) > 60
    for entry in grid.entries.values():
        assert set(entry.labels) == {"en", "pt"}, entry.code
        assert all(entry.labels.values()), entry.code
