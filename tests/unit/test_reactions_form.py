"""The reactions form's logic, without Flask or a wiki: what a group already answered,
which lines answer, and beside which line each problem of the page written shows."""

from __future__ import annotations

from coacte.model import Grid, PageRevision
from coacte.render.round_pages import round_debate
from coacte.validate import read_debate
from coacte.wikitext.debate_page import answers, group_reactions, locate_problems, set_reactions
from coacte.wikitext.synthesis_page import PublishedIdea

A, B = "g3b-1a2b3c4d", "g3l-5e6f7a8b"
IDEAS = [PublishedIdea(key=A, question=3, kind="blocage", statement="Le financement"),
         PublishedIdea(key=B, question=3, kind="levier", statement="Un conseil")]


def seeded() -> str:
    return round_debate("T", 2, "Synthèse:Globale/Tour 1", IDEAS)


def line(key, agreement="", priority="", comment="", group=""):
    return {"idée": key, "accord": agreement, "priorité": priority, "commentaire": comment,
            "groupe": group}


def problems_of(text):
    return read_debate(PageRevision("Débat:T/Tour 2", 1, "", text), Grid())[1]


def test_group_reactions_finds_the_group_whatever_its_spelling():
    text = set_reactions(seeded(), [line(A, "oui", "4", group="Élus"),
                                    line(B, "non", group="Jeunes")])
    found = group_reactions(text, " elus ")
    assert list(found) == [A]
    assert (found[A]["accord"], found[A]["priorité"], found[A]["groupe"]) == ("oui", "4", "Élus")
    assert group_reactions(text, "Associations") == {}
    assert group_reactions(None, "Élus") == {}


def test_answers_are_lines_with_something_given_for_a_known_idea():
    lines = [line(A, "oui"), line(B), line("g3b-unknown", "non"), line(B, comment="à voir",
                                                                         group="Jeunes"),
             line(A, group="Élus")]
    assert answers(lines, {A, B}, "Élus") == [
        (0, line(A, "oui", group="Élus")),
        (3, line(B, comment="à voir", group="Jeunes")),
    ]
    assert answers([line(A)], {A}, "Élus") == []


def test_problems_are_located_beside_their_line_and_field():
    given = answers([line(A, "peut-être", "9", group="Élus"), line(B, "oui")], {A, B}, "Élus")
    text = set_reactions(seeded(), [values for _, values in given])
    located = locate_problems(text, given, problems_of(text))
    assert {where: [p.key for p in found] for where, found in located.items()} == {
        (0, "accord"): ["coacte-problem-choice"],
        (0, "priorité"): ["coacte-problem-priority"],
    }


def test_a_reaction_replaced_by_another_spelling_of_its_group_is_located():
    """The page has "Élus", the line says "  elus " (the same group): the reaction is
    replaced, and its problem finds the line."""
    text = set_reactions(seeded(), [line(A, "oui", group="Élus")])
    given = answers([line(A, "oui", "0", group="  elus ")], {A}, "")
    text = set_reactions(text, [values for _, values in given])
    assert text.count("{{CO-ACTE réaction") == 2  # the seeded slots of A and B
    assert group_reactions(text, "Élus")[A]["groupe"] == "elus"
    located = locate_problems(text, given, problems_of(text))
    assert list(located) == [(0, "priorité")]


def test_header_problems_go_to_the_page_and_warnings_are_not_located():
    text = "{{CO-ACTE débat|territoire=T|tour=1}}\n" + set_reactions(
        "", [line(A, "oui", group="Élus")])
    problems = problems_of(text)
    assert problems and not any(p.blocking for p in problems)  # round 1: a warning only
    assert locate_problems(text, [(0, line(A, "oui", group="Élus"))], problems) == {}
    broken = text.replace("tour=1", "tour=x")
    located = locate_problems(broken, [], problems_of(broken))
    assert [p.key for p in located[None]] == ["coacte-problem-integer"]
