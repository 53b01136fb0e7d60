"""Delphi rounds: seeded round-n pages read back as reactions; frozen keys adopted."""

from coacte.model import GlobalIdea, PageRevision
from coacte.render.round_pages import delphi_section, round_debate
from coacte.synthesis.cross_territory import surface_cluster
from coacte.synthesis.rounds import adopt_keys, delphi_view, question3
from coacte.validate import read_debate, read_debates, read_grid
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import PublishedIdea, freeze, state
from coacte.wikitext.values import encode

GRID = read_grid(None)[0]
IDEAS = [PublishedIdea("g3b-aaaa1111", 3, "blocage", "Les financements sont annuels | {{x}}"),
         PublishedIdea("g3l-bbbb2222", 3, "levier", "Un budget participatif")]
PREVIOUS = PageRevision("Synthèse:Globale/Tour 1", 50, "t", region.wrap(
    "{{CO-ACTE synthèse|territoire=Globale|tour=1|état=ouvert}}\n"
    + "".join(f"{{{{CO-ACTE idée|clé={i.key}|question={i.question}|nature={i.kind}"
              f"|énoncé={encode(i.statement)}}}}}" for i in IDEAS)
    + "{{CO-ACTE idée|clé=g1-cccc3333|question=1|énoncé=Une réussite}}"))


def test_question3_reads_only_blockers_and_levers_of_the_published_page():
    assert question3(PREVIOUS) == IDEAS


def test_seeded_page_is_a_valid_debate_with_empty_slots():
    text = round_debate("Mulhouse", 2, PREVIOUS.title, IDEAS)
    debate, problems = read_debate(PageRevision("Débat:Mulhouse/Tour 2", 9, "t", text), GRID)
    assert problems == []
    assert (debate.territory, debate.round, debate.postits) == ("Mulhouse", 2, [])
    assert [r.key for r in debate.reactions] == [i.key for i in IDEAS]
    assert not any(r.answered for r in debate.reactions)


def page(territory, rows, round_=2):
    reactions = "".join(
        f"{{{{CO-ACTE réaction|idée={k}|accord={a}|priorité={p}|groupe={g}|commentaire={c}}}}}"
        for k, a, p, g, c in rows)
    return PageRevision(f"Débat:{territory}/Tour {round_}", 9, "t",
                        f"{{{{CO-ACTE débat|territoire={territory}|tour={round_}}}}}" + reactions)


def test_reactions_are_validated_and_located():
    _, problems = read_debate(page("X", [("", "oui", "3", "", ""),
                                         ("g3b-aaaa1111", "peut-être", "9", "", "")]), GRID)
    assert sorted((p.index, p.field, p.key, p.item) for p in problems) == [
        (1, "idée", "coacte-problem-required", "reaction"),
        (2, "accord", "coacte-problem-choice", "reaction"),
        (2, "priorité", "coacte-problem-priority", "reaction"),
    ]


def test_delphi_view_measures_and_lists_what_is_pending():
    debates, _ = read_debates([
        page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "Élus", "d'accord"),
                          ("g3b-aaaa1111", "oui", "5", "Jeunes", "")]),
        page("Bristol", [("g3b-aaaa1111", "nuancé", "4", "Councillors", "")]),
        page("Odemira", [("g3b-aaaa1111", "", "", "", "")]),
    ], GRID)
    view, problems = delphi_view(debates, 2, PREVIOUS, None, closed=False)
    assert problems == []
    stats = view.stats["g3b-aaaa1111"]
    assert set(stats.territories) == {"Mulhouse", "Bristol"}
    assert round(stats.agreement, 3) == round(2.5 / 3, 3)
    assert view.pending == (["Odemira"], ["g3l-bbbb2222"])
    lines = "\n".join(delphi_section(view, "fr"))
    assert "83 %" in lines and "Odemira" in lines and "Un budget participatif" in lines
    assert "&#124; &#123;&#123;x&#125;&#125;" in lines
    closed, _ = delphi_view(debates, 2, PREVIOUS, None, closed=True)
    assert closed.pending is None


def test_new_ideas_meaning_the_same_adopt_the_frozen_key():
    new = GlobalIdea("g3b-new00000", 3, "blocage", "", "les financements sont annuels | {{x}}",
                     [])
    other = GlobalIdea("g3l-new11111", 3, "levier", "", "Tout autre chose", [])
    adopt_keys([new, other], IDEAS, cluster=surface_cluster)
    assert new.key == "g3b-aaaa1111" and other.key == "g3l-new11111"


def test_freeze_marks_the_page_and_keeps_the_rest():
    body = region.body_of(PREVIOUS.text)
    frozen = freeze(body)
    assert state(region.wrap(frozen)) == "figé"
    assert frozen.replace("figé", "ouvert") == body


def test_the_reactions_table_names_each_kind_in_the_pages_language():
    from tests.unit.test_group_kinds import VOCABULARY

    debates, _ = read_debates([
        page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "Élus", "")]),
        page("Bristol", [("g3b-aaaa1111", "non", "4", "Councillors", ""),
                         ("g3b-aaaa1111", "oui", "4", "Young people", "")]),
    ], GRID)
    view, problems = delphi_view(debates, 2, PREVIOUS, None, closed=True,
                                 group_kinds=VOCABULARY)
    assert problems == [] and view.group_kinds is VOCABULARY
    row = next(line for line in delphi_section(view, "fr") if "Les financements" in line)
    assert "Élus 50 %, Jeunes 100 %" in row
    row = next(line for line in delphi_section(view, "en") if "Les financements" in line)
    assert "Councillors 50 %, Young people 100 %" in row
    alone, _ = delphi_view(debates, 2, PREVIOUS, None, closed=True)
    row = next(line for line in delphi_section(alone, "fr") if "Les financements" in line)
    assert "Élus 100 %, Councillors 0 %, Young people 100 %" in row


TWO_BLOCKERS = PageRevision("Synthèse:Globale/Tour 1", 51, "t", region.wrap(
    "{{CO-ACTE synthèse|territoire=Globale|tour=1|état=figé}}\n"
    "{{CO-ACTE idée|clé=g3b-aaaa1111|question=3|nature=blocage|énoncé=Les loyers sont chers"
    "|membres=Mulhouse/q3b-1}}"
    "{{CO-ACTE idée|clé=g3b-dddd4444|question=3|nature=blocage|énoncé=Rents are too high"
    "|membres=Bristol/q3b-2}}"
    "{{CO-ACTE idée|clé=g3l-bbbb2222|question=3|nature=levier|énoncé=Un budget participatif}}"))


def test_a_merge_carried_from_the_frozen_round_makes_one_idea_to_react_to():
    from coacte.curation import Curation

    debates, _ = read_debates([
        page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "Élus", ""),
                          ("g3b-dddd4444", "non", "2", "Élus", ""),   # same group again
                          ("g3b-dddd4444", "oui", "5", "Jeunes", "")]),
        page("Bristol", [("g3b-dddd4444", "nuancé", "3", "Councillors", "")]),
    ], GRID)
    merge = Curation("fusionner", ideas=("g3b-aaaa1111", "g3b-dddd4444"), round=1)
    stale = Curation("distinguer", ideas=("g3b-aaaa1111", "g3b-gone0000"), round=1,
                     page="Synthèse:Globale/Tour 2", ordinal=2)
    view, problems = delphi_view(debates, 2, TWO_BLOCKERS, None, closed=True,
                                 carried=[merge, stale])
    assert [i.key for i in view.ideas] == ["g3b-aaaa1111", "g3l-bbbb2222"]
    assert view.ideas[0].members == ("Mulhouse/q3b-1", "Bristol/q3b-2")
    stats = view.stats["g3b-aaaa1111"]
    # Mulhouse's Élus count once (their first reaction), its Jeunes and Bristol count.
    assert len(stats.reactions) == 3 and set(stats.territories) == {"Mulhouse", "Bristol"}
    # The stale decision is reported, not dropped; no duplicate reaction is reported.
    assert [(p.key, p.index) for p in problems] == [("coacte-curation-unknown-idea", 2)]
    # Without the decision, two ideas are reacted to.
    alone, _ = delphi_view(debates, 2, TWO_BLOCKERS, None, closed=True)
    assert len(alone.ideas) == 3


def test_a_delphi_rounds_page_shows_its_reactions_not_empty_post_it_sections():
    from coacte.i18n import message
    from coacte.model import GlobalSynthesis
    from coacte.render import synthesis_pages as render

    debates, _ = read_debates([page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "Élus", "")])],
                              GRID)
    view, _ = delphi_view(debates, 2, PREVIOUS, None, closed=True)
    lines = delphi_section(view, "fr")
    # No earlier round to compare with: no empty "change" column.
    assert message("coacte-round-col-change", lang="fr") not in "\n".join(lines)
    body = render.global_synthesis(GlobalSynthesis(2, [], [], {}), GRID, [], "fr",
                                   reactions=lines)
    assert "g3b-aaaa1111" in body
    for heading in ("coacte-render-view-dimension", "coacte-render-view-meaning",
                    "coacte-render-matrix"):
        assert message(heading, lang="fr") not in body
    # Nor "0 post-its, 0 ideas" in its header: those rows are left out.
    assert "| post-its = 0" not in body and "| idées = 0" not in body


def test_groups_that_only_reacted_count_as_taking_part():
    from coacte.synthesis.territory import synthesize

    debates, _ = read_debates([page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "Élus", ""),
                                                 ("g3b-aaaa1111", "", "", "Jeunes", "")])],
                              GRID)
    (s,) = synthesize(debates, GRID)
    assert s.postits == 0 and s.groups == ["Élus"]  # an empty slot is not taking part
