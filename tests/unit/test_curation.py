"""Moderators' curation survives re-runs; a decision that matches nothing is reported."""

from coacte.curation import (
    apply,
    check,
    curation_call,
    from_form,
    insert_curation,
    published,
    read_curations,
)
from coacte.model import PageRevision
from coacte.render import synthesis_pages as render
from coacte.synthesis.cross_territory import build, surface_cluster
from coacte.validate import read_contributions
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import published_ideas
from tests.unit.test_cross_territory import GRID, syntheses


def publish(g, curations="", problems=()):
    """The page as the bot would leave it, with a moderator's decisions above it."""
    body = render.global_synthesis(g, GRID, [], "fr", failed=list(problems))
    return PageRevision("Synthèse:Globale/Tour 1", 1, "t", curations + "\n" + region.wrap(body))


def first_run():
    g, problems = build(syntheses(), GRID, 1, None, cluster=surface_cluster)
    assert problems == []
    return g


def key_of(g, statement, kind=""):
    return next(i.key for i in g.ideas if i.statement.startswith(statement) and i.kind == kind)


def curated(decisions, contributions=()):
    g = first_run()
    text = decisions(g)
    page = publish(g, text)
    return build(syntheses(), GRID, 1, page, contributions, cluster=surface_cluster)


def test_reword_survives_and_keeps_the_original_as_variant():
    def decisions(g):
        key = key_of(g, "Le logement est trop cher")
        return (f"{{{{CO-ACTE curation|action=reformuler|idée={key}"
                "|énoncé=Le coût du logement exclut les jeunes|motif=plus précis}}")
    g, problems = curated(decisions)
    assert problems == []
    idea = next(i for i in g.ideas if i.statement == "Le coût du logement exclut les jeunes")
    assert any(v.startswith("Le logement est trop cher") for v in idea.variants)
    text = render.global_synthesis(g, GRID, [])
    assert "reformulée par un modérateur (plus précis)" in text


def test_merge_split_recode_and_keys_stay_stable_over_runs():
    def decisions(g):
        block = key_of(g, "Les financements sont annuels", "blocage")
        q1 = [i.key for i in g.ideas if i.question == 1]
        return (f"{{{{CO-ACTE curation|action=fusionner|idées={q1[0]}, {q1[1]}}}}}\n"
                f"{{{{CO-ACTE curation|action=recoder|idée={block}|code=A03/P}}}}\n"
                f"{{{{CO-ACTE curation|action=séparer|idée={block}|membres=Bristol/"
                f"{next(i for i in g.ideas if i.key == block).members[-1].idea.key}}}}}")
    g, problems = curated(decisions)
    assert problems == []
    q1 = [i for i in g.ideas if i.question == 1]
    assert len(q1) == 1 and set(q1[0].territories) == {"Mulhouse", "Bristol"}
    blocks = [i for i in g.ideas if i.kind == "blocage"]
    assert len(blocks) == 2
    assert sorted(b.code for b in blocks) == ["A03/P", "C01/P15"]
    # A second run over the curated page gives the same result, keys included.
    first = first_run()
    text = decisions(first)
    once, _ = build(syntheses(), GRID, 1, publish(first, text), cluster=surface_cluster)
    twice, problems = build(syntheses(), GRID, 1, publish(once, text), cluster=surface_cluster)
    assert problems == []
    assert [(i.key, i.statement, i.code, len(i.members)) for i in twice.ideas] == [
        (i.key, i.statement, i.code, len(i.members)) for i in once.ideas]


def test_decisions_that_match_nothing_are_reported_not_dropped():
    def decisions(g):
        first = g.ideas[0].key
        return ("{{CO-ACTE curation|action=reformuler|idée=g9x-deadbeef|énoncé=x}}\n"
                "{{CO-ACTE curation|action=fusionner|idées=g9x-deadbeef}}\n"
                f"{{{{CO-ACTE curation|action=recoder|idée={first}|code=ZZ}}}}\n"
                f"{{{{CO-ACTE curation|action=séparer|idée={first}|membres=Nulle/q1-00000000}}}}\n"
                "{{CO-ACTE curation|action=effacer|idée=x}}\n"
                f"{{{{CO-ACTE curation|action=reformuler|idée={first}|couleur=bleu|énoncé=y}}}}")
    g, problems = curated(decisions)
    located = sorted((p.index, p.field, p.key) for p in problems)
    assert located == [
        (1, "idée", "coacte-curation-unknown-idea"),
        (2, "idées", "coacte-curation-merge-two"),
        (3, "code", "coacte-problem-code-format"),
        (4, "membres", "coacte-curation-unknown-member"),
        (5, "action", "coacte-problem-choice"),
        (6, "couleur", "coacte-problem-unknown-param"),
    ]
    assert all(p.item == "curation" and "décision de modération" in p.location("fr")
               for p in problems)
    text = render.global_synthesis(g, GRID, [], "fr", failed=problems)
    assert "Décisions de modération non appliquées" in text


def test_merge_across_questions_is_refused():
    def decisions(g):
        keys = [g.ideas[0].key, next(i.key for i in g.ideas if i.question == 3)]
        return f"{{{{CO-ACTE curation|action=fusionner|idées={keys[0]}, {keys[1]}}}}}"
    _, problems = curated(decisions)
    assert [p.key for p in problems] == ["coacte-curation-merge-mismatch"]


def test_network_contributions_attach_to_their_idea_or_are_reported():
    g = first_run()
    key = key_of(g, "Le logement est trop cher")
    pages = [PageRevision("Réseau:Habitat", 7, "t",
                          f"{{{{CO-ACTE apport|réseau=Habitat|idée={key}|texte=Les coopératives"
                          " d'habitants <b>marchent</b>}}\n"
                          "{{CO-ACTE apport|réseau=Habitat|idée=g1-nothere|texte=x}}\n"
                          "{{CO-ACTE apport|réseau=Habitat|texte=sans idée}}")]
    contributions, problems = read_contributions(pages)
    assert [(p.index, p.field) for p in problems] == [(3, "idée")]
    g, found = build(syntheses(), GRID, 1, None, contributions, cluster=surface_cluster)
    assert [(p.index, p.key) for p in found] == [(2, "coacte-contribution-unknown-idea")]
    idea = next(i for i in g.ideas if i.key == key)
    assert [c.network for c in idea.contributions] == ["Habitat"]
    text = render.global_synthesis(g, GRID, [])
    assert "[[:Réseau:Habitat|Habitat]] : Les coopératives d'habitants &#60;b&#62;marchent" in text


# -- one rule set: what the desk refuses is what the bot reports ---------------------------------


def test_a_published_idea_is_what_the_page_reads_back():
    g = first_run()
    assert [published(i) for i in g.ideas] == published_ideas(publish(g).text)


def _wrong_decisions(g):
    """One wrong decision of each kind, as a moderator would type them in the desk."""
    block = key_of(g, "Les financements sont annuels", "blocage")
    lever = key_of(g, "Les financements sont annuels", "levier")
    q3 = next(i.key for i in g.ideas if i.question == 3)
    members = [m.ref for m in next(i for i in g.ideas if i.key == block).members]
    return [
        from_form("fusionner", ideas=f"{g.ideas[0].key}, {q3}"),  # across questions
        from_form("fusionner", ideas=f"{block}, {lever}"),  # across kinds
        from_form("fusionner", ideas=block),
        from_form("fusionner", ideas=f"{block}, g9x-deadbeef"),
        from_form("reformuler", idea="g9x-deadbeef", statement="x"),
        from_form("reformuler", idea=block),
        from_form("séparer", idea=block, members="Nulle/q1-00000000"),
        from_form("séparer", idea=block, members="\n".join(members)),
        from_form("recoder", idea=block, code="Z99"),
        from_form("recoder", idea=block, code="pas un code"),
        from_form("recoder", idea=block),
    ]


def test_the_desk_refuses_exactly_what_the_bot_reports():
    g = first_run()
    page = publish(g)
    ideas = published_ideas(page.text)
    for decision in _wrong_decisions(g):
        refused = check(decision, ideas, GRID)
        assert refused, decision
        written = PageRevision(page.title, 2, "t", insert_curation(page.text,
                                                                   curation_call(decision)))
        _, reported = build(syntheses(), GRID, 1, written, cluster=surface_cluster)
        assert [(p.field, p.key, p.params) for p in reported] == [
            (refused[0].field, refused[0].key, refused[0].params)], decision


def test_a_merge_across_questions_is_refused_by_the_desk_and_reported_by_the_bot():
    g = first_run()
    keys = f"{g.ideas[0].key}, {next(i.key for i in g.ideas if i.question == 3)}"
    page = publish(g, f"{{{{CO-ACTE curation|action=fusionner|idées={keys}}}}}")
    decision = from_form("fusionner", ideas=keys)
    (refused,) = check(decision, published_ideas(page.text), GRID)
    (curation,), _ = read_curations(page)
    _, (reported,) = apply(g.ideas, [curation], GRID)
    assert refused.key == reported.key == "coacte-curation-merge-mismatch"
    assert (refused.field, refused.params) == (reported.field, reported.params)


def test_an_unknown_action_is_refused_and_reported_alike():
    page = PageRevision("Synthèse:Globale/Tour 1", 1, "t",
                        "{{CO-ACTE curation|action=Effacer|idée=x}}\n" + region.wrap("corps"))
    curations, (reported,) = read_curations(page)
    (refused,) = check(from_form("Effacer", idea="x"), [], GRID)
    assert curations == []
    assert (refused.field, refused.key, refused.params) == (
        reported.field, reported.key, reported.params)


def test_a_split_written_by_the_desk_reads_back_with_the_same_members():
    """The desk writes ``membres`` with the one codec the bot reads it with, so a ref
    holding ``;``, ``&`` or ``|`` comes back whole."""
    from coacte.curation import Curation, curation_call, read_curations

    refs = ["Braine; Centre/q3b-0123abcd", "A & B|C/q3l-89abcdef", "Mulhouse/q1-00000001"]
    decision = Curation("séparer", idea="q3b-aaaaaaaa", members=tuple(refs))
    page = PageRevision("Synthèse:Globale/Tour 1", 1, "t", curation_call(decision), "u")
    (read,), problems = read_curations(page)
    assert problems == []
    assert read.members == tuple(refs)


def _apart(texts, buckets, codes=None, langs=None):
    """A clustering that merges nothing: every territory idea its own global idea."""
    return list(range(len(texts)))


def test_distinguer_keeps_ideas_apart_that_the_tool_would_merge():
    """Two ideas published apart and kept apart by a moderator stay two ideas, with
    their keys, although the clustering now finds them the same; without the decision
    the same clustering merges them."""
    g0, _ = build(syntheses(), GRID, 1, None, cluster=_apart)
    housing = sorted(i.key for i in g0.ideas if i.statement.startswith("Le logement"))
    assert len(housing) == 2  # Mulhouse's and Bristol's, apart on the first page
    plain = publish(g0)
    merged, _ = build(syntheses(), GRID, 1, plain, cluster=surface_cluster)
    assert len([i for i in merged.ideas if i.statement.startswith("Le logement")]) == 1

    decision = (f"{{{{CO-ACTE curation | action = distinguish | idées = {', '.join(housing)}"
                " | motif = l'un parle des loyers, l'autre de l'achat }}")
    kept, problems = build(syntheses(), GRID, 1, publish(g0, decision), cluster=surface_cluster)
    assert problems == []
    ideas = [i for i in kept.ideas if i.statement.startswith("Le logement")]
    assert sorted(i.key for i in ideas) == housing
    assert {t for i in ideas for t in i.territories} == {"Mulhouse", "Bristol"}
    assert sum(len(i.members) for i in kept.ideas) == sum(len(i.members) for i in g0.ideas)
    assert "gardée distincte de" in render.global_synthesis(kept, GRID, [])


def test_distinguer_needs_two_known_ideas():
    g = first_run()
    ideas = [published(i) for i in g.ideas]
    one = from_form("distinguer", ideas=g.ideas[0].key)
    assert [p.key for p in check(one, ideas, GRID)] == ["coacte-curation-distinguish-two"]
    unknown = from_form("distinguish", ideas=f"{g.ideas[0].key}, g1-00000000")
    assert unknown.action == "distinguer"
    assert [p.key for p in check(unknown, ideas, GRID)] == ["coacte-curation-unknown-idea"]
    written = curation_call(from_form("distinguer", ideas=[g.ideas[0].key, g.ideas[1].key]))
    page = PageRevision("Synthèse:Globale/Tour 1", 1, "t", written, "u")
    (read,), problems = read_curations(page)
    assert problems == [] and read.ideas == (g.ideas[0].key, g.ideas[1].key)


def test_a_decision_about_the_frozen_round_reads_back_and_is_checked():
    from coacte.curation import Curation, carried, curation_call, this_round

    merge = Curation("fusionner", ideas=("g3b-a", "g3b-b"), reason="même idée", round=4)
    call = curation_call(merge)
    assert "tour = 4" in call
    text = "\n".join([call, "{{CO-ACTE curation | action = reformuler | idée = g3b-a "
                      "| énoncé = X | tour = 4 }}",
                      "{{CO-ACTE curation | action = distinguer | idées = g3b-a, g3b-c "
                      "| tour = deux }}",
                      "{{CO-ACTE curation | action = fusionner | idées = g3b-c, g3b-d "
                      "| tour = 2 }}",
                      region.wrap("")])
    found, problems = read_curations(PageRevision("Synthèse:Globale/Tour 5", 1, "t", text))
    assert [(c.action, c.round) for c in found] == [("fusionner", 4), ("fusionner", 2)]
    assert found[0].ideas == merge.ideas and found[0].reason == merge.reason
    assert [(p.index, p.field, p.key) for p in problems] == [
        (2, "tour", "coacte-curation-round-action"), (3, "tour", "coacte-curation-bad-round")]
    earlier, wrong = carried(found, 5)
    assert earlier == found[:1]
    assert [(p.index, p.key, p.params) for p in wrong] == [
        (4, "coacte-curation-round-other", ("2", "4"))]
    assert this_round(found, 5) == [] and this_round(found, 4) == found[:1]


def test_an_unclosed_decision_is_listed_with_its_line():
    """Issue 22: ``{{CO-ACTE curation …`` without its ``}}`` is neither applied nor
    silent."""
    from coacte.curation import read_curations
    from coacte.model import PageRevision

    page = PageRevision("Synthèse:Globale/Tour 1", 1, "t",
                        "{{CO-ACTE curation|action=reformuler|idée=g1-1|énoncé=Bien}}\n"
                        "{{CO-ACTE curation|action=reformuler|idée=g1-2|énoncé=Pas fermé\n")
    found, problems = read_curations(page)
    assert [c.idea for c in found] == ["g1-1"]
    assert [(p.key, p.params, p.item) for p in problems] == [
        ("coacte-problem-unclosed-call", ("CO-ACTE curation", 2), "curation")]


def test_a_decision_is_removed_by_parsing_not_by_cutting_a_string():
    """Issue 23: undo takes away the last call of the decision, whatever its spacing,
    never a look-alike inside another call or the bot's region."""
    from coacte.curation import Curation, curation_call, decision_of, remove_curation
    from coacte.wikitext import region

    d = Curation("fusionner", ideas=("g1-a", "g1-b"))
    call = curation_call(d)
    spaced = "{{CO-ACTE curation|action=fusionner|idées=g1-a,g1-b}}"
    other = "{{CO-ACTE curation | action = distinguer | idées = g1-a, g1-c }}"
    text = (f"Intro.\n{spaced}\n{other}\n{{{{Note|{call}}}}}\n"
            + region.wrap(f"Bot text quoting {call}"))
    after = remove_curation(text, decision_of(call))
    assert after == text.replace(spaced + "\n", "", 1)
    assert remove_curation(after, d) is None  # the one in {{Note|…}} and the region stay
    assert decision_of("not a call") is None
