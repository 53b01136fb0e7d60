"""Delphi statistics: agreement, priority spread, consensus, change, to-do list."""

import json

import pytest

from coacte.model import Reaction
from coacte.synthesis.delphi import (
    IdeaStats,
    Settings,
    as_dict,
    group_kind,
    median_iqr,
    pending,
    round_stats,
)
from coacte.validate import agreement_value

KEYS = ("g3b-aaaa1111", "g3l-bbbb2222", "g3b-cccc3333")
A, B, C = KEYS


class Page:
    """Reactions typed on one round-2 debate page, numbered in document order."""

    def __init__(self, territory: str, round_: int = 2):
        self.territory = territory
        self.round = round_
        self.title = f"Débat:{territory}/Tour {round_}"
        self.count = 0

    def react(self, key, agreement="", priority=None, comment="", group=""):
        self.count += 1
        return Reaction(self.title, 200, self.count, self.territory, self.round, key,
                        agreement, priority, comment, group)


def stats_of(reactions, keys=KEYS, **kwargs):
    stats, problems = round_stats(reactions, keys, **kwargs)
    return stats, problems


# --- agreement --------------------------------------------------------------------------

def test_agreement_weights_oui_non_nuance():
    p = Page("Mulhouse")
    reactions = [p.react(A, "oui", group="G1"), p.react(A, "non", group="G2"),
                 p.react(A, "nuancé", group="G3"), p.react(A, "oui", group="G4")]
    stats, problems = stats_of(reactions)
    assert problems == []
    # (1 + 0 + 0.5 + 1) / 4
    assert stats[A].agreement == pytest.approx(0.625)
    assert stats[A].votes == {"oui": 2, "non": 1, "nuancé": 1}


def test_nuance_weight_is_a_setting():
    p = Page("Mulhouse")
    reactions = [p.react(A, "oui", group="G1"), p.react(A, "nuancé", group="G2")]
    as_no, _ = stats_of(reactions, settings=Settings(nuance_weight=0))
    as_yes, _ = stats_of(reactions, settings=Settings(nuance_weight=1))
    assert as_no[A].agreement == pytest.approx(0.5)
    assert as_yes[A].agreement == pytest.approx(1.0)


def test_agreement_values_compared_without_case_or_accents():
    assert agreement_value("Nuance") == "nuancé"
    assert agreement_value(" OUI ") == "oui"
    assert agreement_value("peut-être") is None


def test_no_agreement_given_is_none_not_zero():
    p = Page("Mulhouse")
    stats, problems = stats_of([p.react(A, priority=4, group="Élus")])
    assert problems == []
    assert stats[A].agreement is None
    assert stats[A].agreement_by_group == {}
    assert stats[A].priority_median == 4.0
    assert len(stats[A].reactions) == 1


def test_agreement_by_group_kind_folds_case_accents_and_spacing():
    mulhouse, bristol = Page("Mulhouse"), Page("Bristol")
    reactions = [
        mulhouse.react(A, "oui", group="Élus"),
        bristol.react(A, "oui", group="  elus "),
        mulhouse.react(A, "non", group="Jeunes"),
        bristol.react(A, "nuancé", group="JEUNES"),
        bristol.react(A, "non"),
    ]
    stats, problems = stats_of(reactions)
    assert problems == []
    by_group = stats[A].agreement_by_group
    assert by_group == {"elus": 1.0, "jeunes": pytest.approx(0.25), "": 0.0}
    assert stats[A].group_names == {"elus": "Élus", "jeunes": "Jeunes", "": ""}
    assert list(by_group) == ["elus", "jeunes", ""]  # first-seen order
    assert group_kind("Habitants  du   Quartier") == "habitants du quartier"


def test_groups_agreeing_alone_are_visible():
    """A consensus of the elected officials is not everyone's: by-group shares tell."""
    p, q = Page("Mulhouse"), Page("Bristol")
    reactions = [p.react(A, "oui", 5, group="Élus"), q.react(A, "oui", 5, group="Elus"),
                 p.react(A, "oui", 5, group="Élus du CM"), q.react(A, "non", 5, group="Jeunes")]
    stats, _ = stats_of(reactions)
    assert stats[A].agreement == pytest.approx(0.75)
    assert stats[A].consensus is True
    assert stats[A].agreement_by_group["jeunes"] == 0.0
    assert stats[A].agreement_by_group["elus"] == 1.0


# --- priority ---------------------------------------------------------------------------

def test_median_and_iqr_odd():
    # inclusive quartiles of 1 2 3 4 5: Q1 = 2, Q3 = 4
    assert median_iqr([5, 1, 3, 2, 4]) == (3.0, 2.0)


def test_median_and_iqr_even():
    # inclusive quartiles of 1 2 4 5: Q1 = 1.75, Q3 = 4.25
    median, iqr = median_iqr([1, 2, 4, 5])
    assert median == 3.0
    assert iqr == pytest.approx(2.5)


def test_median_and_iqr_single_and_empty():
    assert median_iqr([4]) == (4.0, 0.0)
    assert median_iqr([]) == (None, None)


def test_priorities_in_round_stats():
    p = Page("Mulhouse")
    reactions = [p.react(A, "oui", n, group=f"G{i}") for i, n in enumerate((1, 2, 2, 5))]
    stats, _ = stats_of(reactions)
    assert stats[A].priority_median == 2.0
    # inclusive quartiles of 1 2 2 5: Q1 = 1.75, Q3 = 2.75
    assert stats[A].priority_iqr == pytest.approx(1.0)


def test_priority_without_agreement_is_fine():
    p = Page("Mulhouse")
    stats, problems = stats_of([p.react(A, priority=3, group="Élus"),
                                p.react(A, "oui", group="Jeunes")])
    assert problems == []
    assert stats[A].priority_median == 3.0
    assert stats[A].agreement == 1.0
    # no single reaction gives both: no consensus, however high the figures
    assert stats[A].consensus is False


# --- consensus --------------------------------------------------------------------------

def test_consensus_both_ways():
    p = Page("Mulhouse")
    agreed = [p.react(A, "oui", 4, group="G1"), p.react(A, "oui", 4, group="G2"),
              p.react(A, "nuancé", 5, group="G3"), p.react(A, "oui", 4, group="G4")]
    split = [p.react(B, "oui", 1, group="G1"), p.react(B, "non", 5, group="G2"),
             p.react(B, "oui", 5, group="G3"), p.react(B, "non", 1, group="G4")]
    spread = [p.react(C, "oui", 1, group="G1"), p.react(C, "oui", 5, group="G2"),
              p.react(C, "oui", 1, group="G3"), p.react(C, "oui", 5, group="G4")]
    stats, _ = stats_of(agreed + split + spread)
    assert stats[A].agreement == pytest.approx(0.875)
    assert stats[A].priority_iqr == pytest.approx(0.25)
    assert stats[A].consensus is True
    assert stats[B].consensus is False          # agreement 0.5
    assert stats[C].agreement == 1.0
    assert stats[C].priority_iqr == pytest.approx(4.0)
    assert stats[C].consensus is False          # priorities far apart


def test_consensus_at_the_thresholds():
    p = Page("Mulhouse")
    # agreement exactly 0.75, IQR exactly 1
    reactions = [p.react(A, "oui", 2, group="G1"), p.react(A, "oui", 2, group="G2"),
                 p.react(A, "nuancé", 3, group="G3"), p.react(A, "nuancé", 3, group="G4"),
                 p.react(A, "oui", 2, group="G5"), p.react(A, "oui", 3, group="G6"),
                 p.react(A, "nuancé", 3, group="G7"), p.react(A, "nuancé", 2, group="G8")]
    stats, _ = stats_of(reactions)
    assert stats[A].agreement == pytest.approx(0.75)
    assert stats[A].priority_iqr == pytest.approx(1.0)
    assert stats[A].consensus is True


def test_consensus_with_custom_settings():
    p = Page("Mulhouse")
    reactions = [p.react(A, "oui", 3, group="G1"), p.react(A, "oui", 4, group="G2"),
                 p.react(A, "non", 3, group="G3"), p.react(A, "oui", 5, group="G4")]
    default, _ = stats_of(reactions)
    assert default[A].agreement == pytest.approx(0.75)
    assert default[A].priority_iqr == pytest.approx(1.25)
    assert default[A].consensus is False
    lenient, _ = stats_of(reactions, settings=Settings(consensus_iqr=1.5))
    assert lenient[A].consensus is True
    strict, _ = stats_of(reactions, settings=Settings(consensus_agreement=0.8,
                                                      consensus_iqr=1.5))
    assert strict[A].consensus is False


def test_single_reaction_with_both_can_be_consensus():
    p = Page("Mulhouse")
    stats, _ = stats_of([p.react(A, "oui", 5, group="Élus")])
    assert stats[A].priority_iqr == 0.0
    assert stats[A].consensus is True


def test_settings_are_checked():
    with pytest.raises(ValueError):
        Settings(nuance_weight=1.5)
    with pytest.raises(ValueError):
        Settings(consensus_agreement=-0.1)
    with pytest.raises(ValueError):
        Settings(consensus_iqr=-1)


# --- problems ---------------------------------------------------------------------------

def test_unknown_key_reported_and_not_counted():
    p = Page("Mulhouse")
    counted = p.react(A, "non", 1, group="Élus")
    typo = p.react("g3b-zzzz", "oui", 5, group="Élus")
    stats, problems = stats_of([counted, typo])
    assert [(pr.key, pr.page, pr.index, pr.field, pr.params, pr.blocking, pr.item)
            for pr in problems] == [
        ("coacte-problem-reaction-unknown-idea", p.title, 2, "idée", ("g3b-zzzz",), True,
         "reaction"),
    ]
    assert "g3b-zzzz" not in stats
    assert stats[A].agreement == 0.0
    assert len(stats[A].reactions) == 1


def test_duplicate_group_reported_first_counts():
    p = Page("Mulhouse")
    first = p.react(A, "oui", 5, "d'accord", group="Élus")
    again = p.react(A, "non", 1, "finalement non", group=" élus ")
    third = p.react(A, "non", 1, group="ELUS")
    other_idea = p.react(B, "non", 2, group="Élus")          # another idea: fine
    other_group = p.react(A, "non", 2, group="Jeunes")       # another group: fine
    stats, problems = stats_of([first, again, third, other_idea, other_group])
    assert [(pr.key, pr.index, pr.field, pr.blocking) for pr in problems] == [
        ("coacte-problem-reaction-duplicate", 2, "groupe", True),
        ("coacte-problem-reaction-duplicate", 3, "groupe", True),
    ]
    assert problems[0].params == ("élus", "Mulhouse", A, p.title, 1)
    assert stats[A].reactions == [first, other_group]
    assert stats[A].agreement_by_group == {"elus": 1.0, "jeunes": 0.0}
    assert stats[A].comments == [("Mulhouse", "Élus", "d'accord")]
    assert stats[B].agreement == 0.0


def test_same_group_in_two_territories_is_no_duplicate():
    mulhouse, bristol = Page("Mulhouse"), Page("Bristol")
    stats, problems = stats_of([mulhouse.react(A, "oui", group="Élus"),
                                bristol.react(A, "non", group="Élus")])
    assert problems == []
    assert stats[A].territories == ["Mulhouse", "Bristol"]
    assert stats[A].agreement == 0.5


def test_same_territory_on_two_pages_is_one_territory():
    one, two = Page("Mulhouse"), Page("mulhouse")
    two.title += " (bis)"
    stats, problems = stats_of([one.react(A, "oui", group="Élus"),
                                two.react(A, "non", group="Élus")])
    assert [(pr.key, pr.page) for pr in problems] == [
        ("coacte-problem-reaction-duplicate", two.title)]
    assert stats[A].territories == ["Mulhouse"]


def test_two_reactions_without_group_cannot_be_told_apart():
    p = Page("Mulhouse")
    stats, problems = stats_of([p.react(A, "oui"), p.react(A, "non")])
    assert [(pr.key, pr.params) for pr in problems] == [
        ("coacte-problem-reaction-duplicate-no-group", ("Mulhouse", A, p.title, 1))]
    assert stats[A].agreement == 1.0


def test_unaccepted_values_reported_rest_counted():
    p = Page("Mulhouse")
    odd = p.react(A, "peut-être", 9, "à voir", group="Élus")
    stats, problems = stats_of([odd])
    assert [(pr.key, pr.field, pr.blocking) for pr in problems] == [
        ("coacte-problem-choice", "accord", False),
        ("coacte-problem-priority", "priorité", False),
    ]
    assert stats[A].reactions == [odd]
    assert stats[A].agreement is None
    assert stats[A].priority_median is None
    assert stats[A].comments == [("Mulhouse", "Élus", "à voir")]


def test_unanswered_slots_ignored():
    p = Page("Mulhouse")
    slots = [p.react(key, group="Élus") for key in KEYS]      # seeded, never filled in
    slots.append(p.react("g3b-unknown", group="Élus"))       # even with a stale key
    stats, problems = stats_of(slots + [p.react(A, "oui", 3, group="Élus")])
    assert problems == []
    assert len(stats[A].reactions) == 1
    assert stats[A].agreement == 1.0
    assert stats[B].reactions == []


def test_comment_alone_is_an_answer():
    p = Page("Mulhouse")
    stats, problems = stats_of([p.react(A, comment="Nous n'avons pas pu en parler",
                                        group="Jeunes")])
    assert problems == []
    assert stats[A].territories == ["Mulhouse"]
    assert stats[A].agreement is None and stats[A].priority_median is None
    assert stats[A].comments == [("Mulhouse", "Jeunes", "Nous n'avons pas pu en parler")]


# --- every idea, change vs previous round -----------------------------------------------

def test_ideas_without_reactions_still_get_stats():
    p = Page("Mulhouse")
    stats, _ = stats_of([p.react(A, "oui", 2, group="Élus")])
    assert list(stats) == list(KEYS)
    empty = stats[C]
    assert isinstance(empty, IdeaStats)
    assert (empty.reactions, empty.territories, empty.agreement, empty.priority_median,
            empty.priority_iqr, empty.consensus, empty.comments, empty.change) == (
        [], [], None, None, None, False, [], None)
    assert empty.votes == {"oui": 0, "non": 0, "nuancé": 0}


def test_change_against_previous_round():
    round2, round3 = Page("Mulhouse", 2), Page("Mulhouse", 3)
    before, _ = stats_of([round2.react(A, "oui", 1, group="G1"),
                          round2.react(A, "non", 5, group="G2"),
                          round2.react(B, "oui", 4, group="G1")])
    after, _ = stats_of([round3.react(A, "oui", 4, group="G1"),
                         round3.react(A, "oui", 4, group="G2"),
                         round3.react(B, "non", 4, group="G1")], previous=before)
    assert before[A].consensus is False and after[A].consensus is True
    assert after[A].change == {
        "agreement": pytest.approx(0.5),
        "median": pytest.approx(1.0),
        "iqr": pytest.approx(-2.0),
        "consensus": "gained",
    }
    assert after[B].change == {"agreement": -1.0, "median": 0.0, "iqr": 0.0,
                               "consensus": "lost"}
    # no reaction either time: deltas unknown, consensus unchanged
    assert after[C].change == {"agreement": None, "median": None, "iqr": None,
                               "consensus": None}


def test_no_previous_means_no_change():
    p = Page("Mulhouse")
    stats, _ = stats_of([p.react(A, "oui", 4, group="G1")])
    assert stats[A].change is None
    new_key = "g3l-dddd4444"
    later, _ = stats_of([p.react(new_key, "oui", 4, group="G1")], keys=(A, new_key),
                        previous=stats)
    assert later[new_key].change is None          # a new idea has no past
    assert later[A].change is not None


# --- pending ----------------------------------------------------------------------------

def test_pending_territories_and_ideas():
    mulhouse, bristol, odemira = Page("Mulhouse"), Page("Bristol"), Page("Odemira")
    reactions = [
        mulhouse.react(A, "oui", group="Élus"),
        mulhouse.react(B, group="Élus"),                   # seeded slot, not answered
        bristol.react(B),                                  # not answered
        odemira.react("g3b-typo", "oui"),                  # unknown idea: not an answer
    ]
    territories, ideas = pending(reactions, KEYS, ["mulhouse", "Bristol", "Odemira"])
    assert territories == ["Bristol", "Odemira"]
    assert ideas == [B, C]


def test_pending_when_all_answered():
    p = Page("Mulhouse")
    reactions = [p.react(key, priority=3, group="Élus") for key in KEYS]
    assert pending(reactions, KEYS, ["Mulhouse"]) == ([], [])


# --- JSON -------------------------------------------------------------------------------

def test_as_dict_is_json_ready():
    round2, round3 = Page("Mulhouse", 2), Page("Bristol", 3)
    before, _ = stats_of([round2.react(A, "nuancé", 3, group="Élus")])
    after, _ = stats_of([round3.react(A, "oui", 3, "Oui, mais | vite", "Jeunes"),
                         round3.react(A, "nuancé", 4, group="Élus"),
                         round3.react(A, "nuancé", 5, group="Retraités")], previous=before)
    data = as_dict(after[A])
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "key": A,
        "reactions": 3,
        "territories": ["Bristol"],
        "votes": {"oui": 1, "non": 0, "nuancé": 2},
        "agreement": 0.6667,
        "agreement_by_group": {"jeunes": 1.0, "elus": 0.5, "retraites": 0.5},
        "group_names": {"jeunes": "Jeunes", "elus": "Élus", "retraites": "Retraités"},
        "priority_median": 4.0,
        "priority_iqr": 1.0,
        "consensus": False,
        "comments": [{"territory": "Bristol", "group": "Jeunes", "text": "Oui, mais | vite"}],
        "change": {"agreement": 0.1667, "median": 1.0, "iqr": 1.0, "consensus": None},
    }


# --- group kinds across languages -------------------------------------------------------

def test_one_kind_across_languages_in_per_kind_agreement():
    """"Élus" (fr), "Councillors" (en) and "Eleitos" (pt) are one kind on the groups page:
    per-kind agreement does not split them by language."""
    from tests.unit.test_group_kinds import VOCABULARY

    mulhouse, bristol, odemira = Page("Mulhouse"), Page("Bristol"), Page("Odemira")
    reactions = [mulhouse.react(A, "oui", 4, group="Élus"),
                 bristol.react(A, "non", 2, group="Councillors"),
                 odemira.react(A, "oui", 4, group="Eleitos"),
                 bristol.react(A, "oui", 3, group="Young people"),
                 odemira.react(A, "nuancé", 3, group="Jovens")]
    stats, problems = stats_of(reactions, kinds=VOCABULARY)
    assert problems == []
    assert stats[A].agreement_by_group == {"elus": pytest.approx(2 / 3),
                                           "jeunes": pytest.approx(0.75)}
    assert stats[A].group_names == {"elus": "Élus", "jeunes": "Young people"}
    assert group_kind("Councillors", VOCABULARY) == "elus"
    # without the vocabulary, the spellings stay apart (the rule before the groups page)
    alone, _ = stats_of(reactions)
    assert list(alone[A].agreement_by_group) == ["elus", "councillors", "eleitos",
                                                 "young people", "jovens"]


def test_the_same_kind_in_two_languages_in_one_territory_is_a_duplicate():
    from tests.unit.test_group_kinds import VOCABULARY

    p = Page("Mulhouse")
    first = p.react(A, "oui", 5, group="Élus")
    again = p.react(A, "non", 1, group="Councillors")
    other = Page("Bristol").react(A, "non", 1, group="Councillors")  # another territory
    stats, problems = stats_of([first, again, other], kinds=VOCABULARY)
    assert [(pr.key, pr.index, pr.params) for pr in problems] == [
        ("coacte-problem-reaction-duplicate", 2, ("Councillors", "Mulhouse", A, p.title, 1))]
    assert stats[A].reactions == [first, other]
    assert stats_of([first, again])[1] == []  # without the vocabulary, two groups


def test_unknown_group_names_reported_once_with_the_closest_kind():
    from tests.unit.test_group_kinds import VOCABULARY

    p, q = Page("Mulhouse"), Page("Bristol")
    reactions = [p.react(A, "oui", group="Élus"),
                 p.react(A, "oui", group="Jovem"),
                 q.react(B, "non", group="jovem"),          # the same name again: once
                 q.react(A, "non", group="Agriculteurs"),
                 q.react(B, "non", group="Agriculteurs"),
                 q.react(C, "non")]                        # no group: nothing to add
    stats, problems = stats_of(reactions, kinds=VOCABULARY)
    assert [(pr.page, pr.index, pr.field, pr.key, pr.params, pr.blocking, pr.item)
            for pr in problems] == [
        (p.title, 2, "groupe", "coacte-problem-group-unknown-closest",
         ("Jovem", "CO-ACTE/Groupes", "jeunes"), False, "reaction"),
        (q.title, 2, "groupe", "coacte-problem-group-unknown",
         ("Agriculteurs", "CO-ACTE/Groupes"), False, "reaction"),
    ]
    assert "closest kind is jeunes" in problems[0].message("en")
    assert stats[A].agreement_by_group == {"elus": 1.0, "jovem": 1.0, "agriculteurs": 0.0}
    assert stats_of(reactions)[1] == []  # no vocabulary, nothing to report
