"""Rendering: deterministic wikitext in which people's text stays inert."""

import mwparserfromhell

from coacte.model import Debate, Grid, GridEntry, PostIt
from coacte.problems import Problem
from coacte.render import synthesis_pages as render
from coacte.synthesis.territory import synthesize
from coacte.wikitext.values import decode
from tests.unit.test_values import HOSTILE

GRID = Grid({"C": GridEntry("C", "Organisations [[x]]"), "C01": GridEntry("C01", "I", "C")})


def debate(texts, question=3, kind="blocage"):
    postits = [PostIt("Débat:T/Tour 1", 42, n, question, t, "Groupe {{x}}", kind, "C01",
                      ("local",), ("État",)) for n, t in enumerate(texts, 1)]
    return Debate("Débat:T/Tour 1", 42, "T", 1, postits=postits)


def test_hostile_texts_stay_literal_and_add_no_markup():
    (s,) = synthesize([debate(HOSTILE)], GRID)
    text = render.synthesis(s, GRID)
    code = mwparserfromhell.parse(text)
    ideas = [t for t in code.filter_templates(recursive=False) if t.name.strip() == "CO-ACTE idée"]
    statements = sorted(decode(str(t.get("énoncé").value)) for t in ideas)
    assert statements == sorted(h.strip() for h in HOSTILE)
    assert all(len(t.params) >= 5 for t in ideas)
    assert not code.filter_wikilinks(matches=lambda link: "Catégorie" in str(link.title))
    assert not code.filter_tags(matches=lambda tag: str(tag.tag) in ("script", "img"))
    headings = [h.title.strip() for h in code.filter_headings()]
    assert len(headings) == 2  # "Question 3 — Blocages" and the dimension
    assert "~~~" not in text and "__NOTOC__" not in text and "{{DISPLAYTITLE" not in text


def test_synthesis_render_is_deterministic_and_traceable():
    (s,) = synthesize([debate(["Un", "un !", "Deux"])], GRID)
    text = render.synthesis(s, GRID)
    assert text == render.synthesis(s, GRID)
    assert "[[:Special:PermanentLink/42|Débat:T/Tour 1]] n° 1, 2" in text
    assert "Groupe &#123;&#123;x&#125;&#125;" in text
    assert "=== C — Organisations &#91;&#91;x&#93;&#93; ===" in text
    assert "| post-its = 3" in text and "| idées = 2" in text


def test_report_lists_each_problem_with_its_place():
    problems = [Problem("Débat:T/Tour 1", 3, "code", "coacte-problem-code-format", ("<b>",),
                        blocking=False)]
    text = render.report(problems, 5, "fr")
    assert "[[:Débat:T/Tour 1]]" in text and "| 3 |" in text.replace("||", "|")
    assert "&#60;b&#62;" in text and "<b>" not in text
    assert "Aucun" in render.report([], 5, "fr")


def test_a_widely_shared_global_idea_shows_a_readable_part_of_its_variants_and_sources():
    from coacte.model import GlobalIdea, Idea, Member

    members = [Member(f"T{n:02d}", Idea(f"q1-{n:08x}", 1, "", "", f"Texte {n}", [f"Texte {n}"],
                                       [PostIt(f"Débat:T{n:02d}/Tour 1", 100 + n, 1, 1,
                                               f"Texte {n}")]))
               for n in range(30)]
    idea = GlobalIdea("g1-00000000", 1, "", "", "Texte 0", members)
    text = render.global_idea(idea, "en")
    (call,) = mwparserfromhell.parse(text).filter_templates()
    variants = decode(str(call.get("variantes").value))
    assert variants.count(" • ") == render.GLOBAL_LIST_SHOWN
    assert len(idea.variants) == 29  # the statement is not a variant
    assert variants.endswith(f"and {29 - render.GLOBAL_LIST_SHOWN} more (see the territory "
                             "syntheses)")
    sources = str(call.get("sources").value)
    assert sources.count("Special:PermanentLink") == render.GLOBAL_LIST_SHOWN
    # Nothing is lost: every member (and so every territory synthesis) is still named.
    members_text = decode(str(call.get("membres").value))
    assert all(m.ref in members_text for m in members)
    assert decode(str(call.get("territoires").value)).count("T") == 30


def test_the_global_header_of_a_large_network_lists_a_readable_part_of_its_pages():
    from coacte.model import GlobalSynthesis
    from coacte.validate import read_grid

    titles = [f"Synthèse:T{n:02d}/Tour 1" for n in range(30)]
    text = render.global_synthesis(GlobalSynthesis(1, [], [], {}), read_grid(None)[0],
                                   titles, "en")
    header = next(t for t in mwparserfromhell.parse(text).filter_templates()
                  if t.has("débats"))
    shown = str(header.get("débats").value)
    assert shown.count("[[:Synthèse:") == render.GLOBAL_LIST_SHOWN
    assert shown.strip().endswith("… and 18 more territory syntheses")


def test_titles_follow_the_contract_with_the_wikis_namespace_names():
    from coacte.contract import Titles

    assert Titles().debate("Mulhouse", 2) == "Débat:Mulhouse/Tour 2"
    assert Titles().global_synthesis(1) == "Synthèse:Globale/Tour 1"
    local = Titles("Debate", "Synthesis")
    assert local.synthesis("Braine-l'Alleud", 3) == "Synthesis:Braine-l'Alleud/Tour 3"
