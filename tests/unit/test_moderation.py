"""The moderators' desk, pure parts: diffs, conflicts, curation decisions, messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coacte.contract import Titles
from coacte.curation import check, curation_call, from_form, insert_curation, read_curations
from coacte.i18n import keys
from coacte.jobs import desk as moderation
from coacte.model import PageRevision
from coacte.synthesis.cross_territory import build, surface_cluster
from coacte.wiki.client import Wiki
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import freeze, published_ideas
from tests.unit.test_cross_territory import GRID, syntheses
from tests.unit.test_curation import first_run, publish

ROOT = Path(__file__).resolve().parents[2]


# -- diffs ------------------------------------------------------------------------------


def test_diff_lines_mark_added_removed_and_context_lines():
    old = "a\nb\nc\n<script>alert(1)</script>"
    new = "a\nB\nc\n<script>alert(1)</script>\nd"
    lines = moderation.diff_lines(old, new)
    kinds = [(line.kind, line.text) for line in lines]
    assert kinds[0][0] == moderation.HUNK
    assert (moderation.DEL, "b") in kinds and (moderation.ADD, "B") in kinds
    assert (moderation.ADD, "d") in kinds
    assert (moderation.CONTEXT, "<script>alert(1)</script>") in kinds  # plain text, as is
    assert {line.sign for line in lines if line.kind == moderation.ADD} == {"+"}
    assert {line.sign for line in lines if line.kind == moderation.DEL} == {"−"}


def test_diff_of_a_new_page_adds_every_line_and_no_change_is_empty():
    lines = moderation.diff_lines(None, "x\ny")
    assert [(line.kind, line.text) for line in lines[1:]] == [("add", "x"), ("add", "y")]
    assert moderation.diff_lines("same", "same") == []


def test_diff_context_is_limited():
    old = "\n".join(str(i) for i in range(100))
    new = old.replace("50", "cinquante")
    lines = moderation.diff_lines(old, new, context=2)
    assert len([line for line in lines if line.kind == moderation.CONTEXT]) == 4


# -- conflicts -------------------------------------------------------------------------------


def test_conflict_reason_and_what_the_bot_wrote():
    written = "Intro.\n\n" + region.wrap("ligne 1\nligne 2") + "\nFin."
    assert moderation.conflict_reason(written) == ""
    assert moderation.conflict_reason("Une page sans zone.") == ""
    edited = written.replace("ligne 2", "ligne 2 corrigée")
    assert moderation.conflict_reason(edited) == "coacte-conflict-human-edit"
    damaged = written.replace(region.END, "")
    assert moderation.conflict_reason(damaged) == "coacte-conflict-markers"
    assert moderation.inside(edited) == "ligne 1\nligne 2 corrigée"
    assert moderation.inside(damaged) is None
    assert moderation.recorded_fingerprint(edited) == region.fingerprint("ligne 1\nligne 2")


def test_last_intact_finds_the_revision_the_fingerprint_names():
    def rev(n, text):
        return PageRevision("Synthèse:X/Tour 1", n, f"t{n}", text, "u")
    one, two = region.wrap("version 1"), region.wrap("version 2")
    edited = two.replace("version 2", "version 2 corrigée")
    history = [rev(4, edited), rev(3, two), rev(2, one.replace("1", "un")), rev(1, one)]
    fp = moderation.recorded_fingerprint(edited)
    assert moderation.last_intact(history[1:], fp).revid == 3
    # an older fingerprint is found further back; damaged revisions are skipped
    assert moderation.last_intact(history[1:], region.fingerprint("version 1")).revid == 1
    assert moderation.last_intact([rev(5, "x")], None) is None
    assert moderation.last_intact(history[2:], None).revid == 1


# -- curation ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page():
    g = first_run()
    return g, publish(g)


def test_published_ideas_list_each_idea_once_with_members_and_code(page):
    g, rev = page
    ideas = published_ideas(rev.text)
    assert len({i.key for i in ideas}) == len(ideas) == len(g.ideas)
    by_key = {i.key: i for i in g.ideas}
    for idea in ideas:
        model = by_key[idea.key]
        assert idea.members == tuple(m.ref for m in model.members)
        assert idea.code == model.code
    assert published_ideas(None) == []


def test_decision_reads_form_fields():
    d = from_form(" Fusionner ", ideas="g1-a, g1-b ,, g1-a", reason="  même \n idée ")
    assert (d.action, d.ideas, d.reason) == ("fusionner", ("g1-a", "g1-b"), "même idée")
    d = from_form("séparer", idea=" g3b-x ", members="A/q1-1\n B/q1-2 ; A/q1-1\n")
    assert (d.idea, d.members) == ("g3b-x", ("A/q1-1", "B/q1-2"))
    assert from_form("fusionner", ideas=["k1", "k2"]).ideas == ("k1", "k2")


def _key(g, statement, kind=""):
    return next(i.key for i in g.ideas if i.statement.startswith(statement) and i.kind == kind)


def test_check_accepts_good_decisions_and_names_the_wrong_field(page):
    g, rev = page
    ideas = published_ideas(rev.text)
    block = _key(g, "Les financements sont annuels", "blocage")
    lever = _key(g, "Les financements sont annuels", "levier")
    q1 = [i.key for i in g.ideas if i.question == 1]
    members = next(i.members for i in ideas if i.key == block)
    good = [
        from_form("reformuler", idea=block, statement="Plus clair"),
        from_form("fusionner", ideas=f"{q1[0]}, {q1[1]}"),
        from_form("séparer", idea=block, members=members[0]),
        from_form("recoder", idea=block, code="A03/P"),
    ]
    for d in good:
        assert check(d, ideas, GRID) == [], d

    def fields(d):
        return [(p.field, p.key) for p in check(d, ideas, GRID)]
    assert fields(from_form("effacer", idea=block)) == [
        ("action", "coacte-problem-choice")]
    assert fields(from_form("reformuler", idea="g9-nope", statement="x")) == [
        ("idée", "coacte-curation-unknown-idea")]
    assert fields(from_form("reformuler", idea=block)) == [
        ("énoncé", "coacte-problem-required")]
    assert fields(from_form("fusionner", ideas=block)) == [
        ("idées", "coacte-curation-merge-two")]
    assert fields(from_form("fusionner", ideas=f"{block}, {lever}")) == [
        ("idées", "coacte-curation-merge-mismatch")]
    assert fields(from_form("séparer", idea=block, members="Nulle/q1-00000000")) == [
        ("membres", "coacte-curation-unknown-member")]
    assert fields(from_form("séparer", idea=block, members="\n".join(members))) == [
        ("membres", "coacte-curation-split-all")]
    assert fields(from_form("recoder", idea=block, code="Z99")) == [
        ("code", "coacte-problem-code-unknown")]
    assert fields(from_form("recoder", idea=block, code="pas un code")) == [
        ("code", "coacte-problem-code-format")]


HOSTILE_STATEMENT = 'Un énoncé | }} [[Catégorie:x]] <script>alert(1)</script> "><img onerror=x>'


def test_curation_call_round_trips_through_the_bots_reader(page):
    g, rev = page
    block = _key(g, "Les financements sont annuels", "blocage")
    d = from_form("reformuler", idea=block, statement=HOSTILE_STATEMENT,
                            reason="raison | }}")
    call = curation_call(d)
    assert "[[" not in call and "<" not in call and call.count("}}") == 1
    text = insert_curation(rev.text, call)
    (curation,), problems = read_curations(PageRevision(rev.title, 2, "t", text))
    assert problems == []
    assert (curation.action, curation.idea, curation.statement, curation.reason) == (
        "reformuler", block, HOSTILE_STATEMENT, "raison | }}")


def test_each_action_written_by_the_desk_is_applied_by_the_bot(page):
    g, rev = page
    block = _key(g, "Les financements sont annuels", "blocage")
    q1 = [i.key for i in g.ideas if i.question == 1]
    ideas = published_ideas(rev.text)
    member = next(i.members for i in ideas if i.key == block)[-1]
    text = rev.text
    for d in (from_form("fusionner", ideas=f"{q1[0]}, {q1[1]}"),
              from_form("recoder", idea=block, code="A03/P"),
              from_form("séparer", idea=block, members=member),
              from_form("reformuler", idea=block, statement=HOSTILE_STATEMENT)):
        text = insert_curation(text, curation_call(d))
    again, problems = build(syntheses(), GRID, 1, PageRevision(rev.title, 2, "t", text),
                            cluster=surface_cluster)
    assert problems == []
    curated = next(i for i in again.ideas if i.key == block)
    assert curated.statement == HOSTILE_STATEMENT and curated.code == "A03/P"
    assert member not in [m.ref for m in curated.members]
    assert len([i for i in again.ideas if i.question == 1]) == len(q1) - 1


def test_insert_curation_goes_above_the_region_after_earlier_decisions():
    first = "{{CO-ACTE curation | action = recoder | idée = a | code = A03 }}"
    page = "Intro.\n" + first + "\n" + region.wrap("corps") + "\nNote."
    call = "{{CO-ACTE curation | action = reformuler | idée = a | énoncé = b }}"
    text = insert_curation(page, call)
    assert text.index(first) < text.index(call) < text.index("CO-ACTE:début")
    assert region.body_of(text) == "corps" and moderation.conflict_reason(text) == ""
    assert call in region.outside(text)
    assert text.startswith("Intro.\n") and text.endswith("\nNote.")
    top = insert_curation(region.wrap("corps"), call)
    assert top.startswith(call + "\n<!-- CO-ACTE:début")


# -- messages ----------------------------------------------------------------------------------


def _messages(lang):
    path = ROOT / "coacte" / "i18n" / "moderation" / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_moderation_messages_exist_in_every_language_and_are_documented():
    en, fr, qqq = (_messages(lang) for lang in ("en", "fr", "qqq"))
    assert set(en) == set(fr) == set(qqq)
    assert "@metadata" in en
    for key, text in en.items():
        if key != "@metadata":
            for n in re.findall(r"\$(\d)", text):
                assert f"${n}" in fr[key], (key, n)


def test_every_message_the_desk_templates_use_exists():
    used = set()
    for path in (ROOT / "coacte" / "web" / "templates" / "moderation").glob("*.html"):
        used |= set(re.findall(r"""["'](coacte-[a-z0-9-]*[a-z0-9])["']""", path.read_text()))
    assert len(used) > 50
    assert used - keys("en") == set() and used - keys("fr") == set()


# -- writing a decision (a fake wiki: reads and saves recorded) --------------------------------


class FakeWiki:
    language = "fr"

    def __init__(self, pages):
        from coacte.config import Config

        self.config = Config(wiki_url="http://wiki.test/w")
        self.pages = {t: PageRevision(t, 10 + n, f"t{n}", text, "u")
                      for n, (t, text) in enumerate(pages.items())}
        self.saves = []

    titles = Titles()
    # The real client's additions, on this fake's read and save.
    update, _update = Wiki.update, Wiki._update

    def _save(self, title, text, summary, base):
        return self.save(title, text, summary, base)

    def read(self, titles):
        return {t: self.pages.get(t) for t in titles}

    def save(self, title, text, summary, base):
        from coacte.wiki.client import Saved

        self.saves.append((title, text, summary, base))
        return Saved(title, "saved", 99)


def test_add_curation_writes_one_call_against_the_page_read(page):
    g, rev = page
    wiki = FakeWiki({"Synthèse:Globale/Tour 1": rev.text})
    block = _key(g, "Les financements sont annuels", "blocage")
    result, errors = moderation.add_curation(
        wiki, 1, from_form("recoder", idea=block, code="A03"))
    assert (result.status, errors) == (moderation.SAVED, [])
    ((title, text, summary, base),) = wiki.saves
    assert base is wiki.pages[title] and block in summary
    (curation,), _ = read_curations(PageRevision(title, 1, "t", text))
    assert (curation.action, curation.idea, curation.code) == ("recoder", block, "A03")
    assert region.body_of(text) == region.body_of(rev.text)


def test_add_curation_refuses_wrong_decisions_frozen_and_missing_pages(page):
    g, rev = page
    wiki = FakeWiki({"Synthèse:Globale/Tour 1": rev.text})
    result, errors = moderation.add_curation(
        wiki, 1, from_form("reformuler", idea="g9-nope", statement="x"))
    assert result.status == moderation.INVALID and errors[0].field == "idée"
    result, _ = moderation.add_curation(wiki, 2, from_form("recoder", idea="x"))
    assert result.key == "coacte-mod-curation-no-page"
    frozen = region.wrap(freeze(region.body_of(rev.text)))
    wiki = FakeWiki({"Synthèse:Globale/Tour 1": frozen})
    block = _key(g, "Les financements sont annuels", "blocage")
    result, _ = moderation.add_curation(
        wiki, 1, from_form("recoder", idea=block, code="A03"))
    assert (result.key, result.params) == ("coacte-mod-curation-frozen", (2,))
    assert wiki.saves == []
