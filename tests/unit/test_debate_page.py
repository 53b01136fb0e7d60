"""Debate pages written by the forms and the import read back, through the bots' own
validation, to exactly what was typed; editing a page changes nothing else on it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coacte.model import Grid, PageRevision
from coacte.render.round_pages import round_debate
from coacte.validate import read_debate
from coacte.wikitext.debate_page import append_postits, debate_page, set_reactions
from coacte.wikitext.parse import calls
from coacte.wikitext.synthesis_page import PublishedIdea

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a | b",
    "fin }} et {{",
    "[[Catégorie:x]]",
    "{{subst:CURRENTTIME}} ~~~~ __NOTOC__",
    "== titre ==\n* liste",
    "&amp; &#124; l'''é'''",
]
IDEAS = [PublishedIdea("g3b-1a2b3c4d", 3, "blocage", "Le financement annuel"),
         PublishedIdea("g3l-5e6f7a8b", 3, "levier", "Un conseil de quartier")]


def read(text):
    debate, problems = read_debate(PageRevision("Débat:X/Tour 1", 5, "t", text), Grid())
    return debate, problems


@pytest.mark.parametrize("hostile", HOSTILE)
def test_debate_page_round_trips_hostile_text(hostile):
    text = debate_page(
        {"territoire": "Braine-l'Alleud", "tour": 1, "pays": "BE", "date": "2016-01-12",
         "formule": "nouveau territoire", "participants": "24", "langue": "fr"},
        [{"question": "3", "texte": hostile, "groupe": hostile, "nature": "blocage",
          "code": "C01/P15", "niveau": "local, national", "acteurs": "État, communes"},
         {"question": 1, "text": "second", "group": "Jeunes"}])
    debate, problems = read(text)
    assert problems == []
    assert (debate.territory, debate.round, debate.country, debate.date, debate.formula,
            debate.participants, debate.language) == (
        "Braine-l'Alleud", 1, "BE", "2016-01-12", "nouveau territoire", 24, "fr")
    first, second = debate.postits
    assert first.text == hostile.strip()
    assert first.group == " ".join(hostile.split())
    assert (first.kind, first.code, first.levels, first.actors) == (
        "blocage", "C01/P15", ("local", "national"), ("État", "communes"))
    assert (second.question, second.text, second.group) == (1, "second", "Jeunes")
    # nothing of the hostile text became markup on the page
    assert "[[" not in text and "<script" not in text and "~~~~" not in text
    assert len(calls(text)) == 3


def test_debate_page_writes_french_names_one_per_line_and_skips_empty_values():
    text = debate_page({"territory": "Mulhouse", "round": "2", "country": ""},
                       [{"question": "1", "text": "x", "kind": ""}])
    assert text == ("{{CO-ACTE débat\n| territoire = Mulhouse\n| tour = 2\n}}\n"
                    "{{CO-ACTE post-it\n| question = 1\n| texte = x\n}}\n")


def test_unknown_parameter_is_a_programming_error():
    with pytest.raises(ValueError, match="auteur"):
        debate_page({"territoire": "X", "tour": 1}, [{"texte": "x", "auteur": "moi"}])


def _stored(text: str) -> str:
    """What MediaWiki keeps of a text: no control character but line breaks and tabs."""
    return "".join(c for c in text if c >= " " or c in "\n\t").strip()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1).filter(lambda s: _stored(s)), min_size=1, max_size=4))
def test_any_text_round_trips(texts):
    text = debate_page({"territoire": "T", "tour": 1},
                       [{"question": 2, "texte": t} for t in texts])
    debate, problems = read(text)
    assert [p.text for p in debate.postits] == [_stored(t) for t in texts]


def test_append_postits_keeps_the_page_and_the_numbers():
    page = ("Intro by a human.\n" + debate_page({"territoire": "T", "tour": 1},
                                                [{"question": 1, "texte": "un"}])
            + "== Notes ==\nKeep me [[Catégorie:Débats]]\n")
    new = append_postits(page, [{"question": 2, "texte": HOSTILE[0]},
                                {"question": 3, "texte": "trois", "nature": "levier"}])
    head = page.split("== Notes ==")[0]
    assert new.startswith(head.rstrip("\n"))
    assert new.endswith("== Notes ==\nKeep me [[Catégorie:Débats]]\n")
    debate, problems = read(new)
    assert problems == []
    assert [(p.index, p.text) for p in debate.postits] == [
        (1, "un"), (2, HOSTILE[0]), (3, "trois")]
    # only post-its were added
    assert new.replace(new[len(head.rstrip("\n")):new.index("== Notes ==")], "\n") == \
        page.replace(page[len(head.rstrip("\n")):page.index("== Notes ==")], "\n")


def test_append_to_a_page_without_postits_goes_at_the_end():
    page = round_debate("T", 2, "Synthèse:Globale/Tour 1", IDEAS)
    new = append_postits(page, [{"question": 3, "texte": "nouveau", "nature": "levier"}])
    assert new.startswith(page.rstrip("\n"))
    debate, problems = read(new)
    assert [p.text for p in debate.postits] == ["nouveau"]
    assert append_postits(page, []) == page


def test_set_reactions_fills_the_seeded_slot_then_adds_a_group():
    page = round_debate("T", 2, "Synthèse:Globale/Tour 1", IDEAS)
    new = set_reactions(page, [
        {"idée": "g3b-1a2b3c4d", "accord": "oui", "priorité": "4", "commentaire": HOSTILE[1],
         "groupe": "Élus"},
        {"idea": "g3b-1a2b3c4d", "agreement": "non", "priority": 2, "comment": "}} | {{x",
         "group": "Jeunes"},
    ])
    debate, problems = read(new.replace("tour = 2", "tour = 2", 1))
    assert problems == []
    got = [(r.key, r.agreement, r.priority, r.comment, r.group) for r in debate.reactions]
    assert got == [
        ("g3b-1a2b3c4d", "oui", 4, HOSTILE[1], "Élus"),
        ("g3l-5e6f7a8b", "", None, "", ""),
        ("g3b-1a2b3c4d", "non", 2, "}} | {{x", "Jeunes"),
    ]
    # the added call comes right after the last reaction and keeps the idea's statement
    third = new.split("{{CO-ACTE réaction")[3]
    assert "énoncé = Le financement annuel" in third
    assert new.index("{{CO-ACTE réaction\n| idée = g3b-1a2b3c4d\n| énoncé = Le financement "
                     "annuel\n| accord = non") < new.index("== Nouveaux post-its ==")
    # what surrounds the reactions is kept
    assert new.split("== Réactions")[0] == page.split("== Réactions")[0]
    assert new.split("== Nouveaux post-its ==")[1] == page.split("== Nouveaux post-its ==")[1]


def test_set_reactions_replaces_the_same_group_and_makes_no_null_change():
    page = round_debate("T", 2, "Synthèse:Globale/Tour 1", IDEAS)
    once = set_reactions(page, [{"idée": "g3l-5e6f7a8b", "accord": "oui", "groupe": "Élus"}])
    again = set_reactions(once, [{"idée": "g3l-5e6f7a8b", "accord": "nuancé",
                                  "priorité": "3", "groupe": " élus "}])
    debate, _ = read(again)
    answered = [(r.key, r.agreement, r.priority) for r in debate.reactions if r.agreement]
    assert answered == [("g3l-5e6f7a8b", "nuancé", 3)]
    assert len(debate.reactions) == 2
    same = set_reactions(again, [{"idée": "g3l-5e6f7a8b", "accord": "nuancé",
                                  "priorité": "3", "groupe": "élus"}])
    assert same == again


def test_set_reactions_replaces_the_group_written_without_its_accent():
    """"Elus" is the group "Élus" (as the Delphi count sees it): its reaction is replaced,
    not doubled by a second one the count would reject as a duplicate."""
    page = round_debate("T", 2, "Synthèse:Globale/Tour 1", IDEAS)
    once = set_reactions(page, [{"idée": "g3l-5e6f7a8b", "accord": "oui", "groupe": "Élus"}])
    again = set_reactions(once, [{"idée": "g3l-5e6f7a8b", "accord": "non", "groupe": "Elus"}])
    debate, problems = read(again)
    assert problems == []
    assert [(r.key, r.agreement, r.group) for r in debate.reactions if r.key == "g3l-5e6f7a8b"
            ] == [("g3l-5e6f7a8b", "non", "Elus")]


def test_set_reactions_on_a_page_without_reactions_appends_them():
    page = debate_page({"territoire": "T", "tour": 2}, [])
    new = set_reactions(page, [{"idée": "g3b-1a2b3c4d", "accord": "oui"},
                               {"idée": "g3l-5e6f7a8b", "accord": "non"}])
    debate, problems = read(new)
    assert problems == []
    assert [(r.key, r.agreement) for r in debate.reactions] == [
        ("g3b-1a2b3c4d", "oui"), ("g3l-5e6f7a8b", "non")]
    with pytest.raises(ValueError):
        set_reactions(page, [{"accord": "oui"}])
