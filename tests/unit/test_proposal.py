"""Proposal pages (approval mode): the proposed text round-trips exactly and stays inert;
publish proposes instead of writing, never re-saves an unchanged proposal."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import mwparserfromhell
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coacte.config import Config
from coacte.jobs.publish import CONFLICT, CREATED, PENDING, PROPOSED, UNCHANGED, UPDATED, publish
from coacte.model import PageRevision
from coacte.wiki.client import Saved
from coacte.wikitext import proposal, region
from coacte.wikitext.proposal import MalformedProposal, Proposal
from tests.unit.test_values import HOSTILE

NASTY = HOSTILE + [
    "<script>alert(1)</script>", '"><img onerror=x>', "a | b", "fin }}", "[[Catégorie:x]]",
    "</pre> après", "</nowiki> après", "<pre>dedans</pre>", "&lt;déjà échappé&gt; &amp;",
    "&#124; &#60;script&#62;", "tab\tici", "retour\r\nchariot", "~~~~ et {{subst:X}}",
    "", "\n", "  espaces en fin   \n\n", "<!-- commentaire -->", "\x01\x7f contrôle",
]


def page_text(*pieces: str) -> str:
    """A synthesis page as the bot would propose it, with hostile text anywhere in it."""
    body = "{{CO-ACTE synthèse|territoire=X|tour=1}}\n" + "\n".join(pieces)
    return "Texte humain au-dessus.\n\n" + region.wrap(body) + "\n" + "\n".join(pieces)


@pytest.mark.parametrize("text", NASTY)
def test_hostile_text_round_trips_exactly(text):
    for proposed in (text, page_text(text)):
        p = Proposal("Synthèse:Mulhouse/Tour 1", proposed, 1234, "2016-01-12T10:00:00Z",
                     "résumé | }} [[x]]")
        assert proposal.parse(proposal.render(p)) == p


@given(st.text())
def test_any_text_round_trips(text):
    p = Proposal("Synthèse:X/Tour 2", text, None, "", "")
    assert proposal.parse(proposal.render(p)) == p


@pytest.mark.parametrize("text", NASTY)
def test_proposed_text_is_inert_on_the_proposal_page(text):
    """Only the header is markup; the block holds no tag, so it cannot be closed early
    and nothing in it is a template, a link or a category for MediaWiki."""
    rendered = proposal.render(Proposal("Synthèse:X/Tour 1", page_text(text), 7, "t", "s"))
    block = rendered.split("<pre>\n", 1)[1].rsplit("\n</pre>", 1)[0]
    assert "<" not in block and ">" not in block
    assert rendered.count("<pre>") == 1 and rendered.count("</pre>") == 1
    assert "\t" not in block and "\r" not in block
    code = mwparserfromhell.parse(rendered)
    templates = code.filter_templates(recursive=True)
    assert [str(t.name).strip() for t in templates] == ["CO-ACTE proposition"]
    assert code.filter_wikilinks(recursive=True) == []
    assert [str(t.tag) for t in code.filter_tags(recursive=True)] == ["pre"]


def test_header_names_the_page_and_the_base():
    p = Proposal("Synthèse:Mulhouse/Tour 1", "texte", 42, "2016-01-12T10:00:00Z", "résumé")
    rendered = proposal.render(p)
    assert rendered.startswith("{{CO-ACTE proposition\n| page = Synthèse:Mulhouse/Tour 1\n"
                               "| base = 42\n| horodatage = 2016-01-12T10:00:00Z\n")
    creation = proposal.parse(proposal.render(replace(p, base_revid=None, base_timestamp="")))
    assert creation.creates and creation.base_revid is None
    assert not proposal.parse(rendered).creates


def test_titles_and_blank_pages():
    title = proposal.title_for("Synthèse:Odemira/Tour 2")
    assert title == "CO-ACTE/Propositions/Synthèse:Odemira/Tour 2"
    assert proposal.target_of(title) == "Synthèse:Odemira/Tour 2"
    assert proposal.target_of("CO-ACTE/Grille") is None
    assert proposal.target_of(proposal.PREFIX) is None
    assert proposal.is_blank("") and proposal.is_blank("  \n") and proposal.is_blank(None)
    assert not proposal.is_blank("x")


@pytest.mark.parametrize("text", [
    "du texte", "{{CO-ACTE proposition|page=X|base=1}}",
    "{{CO-ACTE proposition|base=1}}\n<pre>\nx\n</pre>",
    "{{CO-ACTE proposition|page=X|base=abc}}\n<pre>\nx\n</pre>",
    "<pre>\nx\n</pre>",
])
def test_malformed_proposals_are_refused(text):
    with pytest.raises(MalformedProposal):
        proposal.parse(text)


def test_english_aliases_and_mediawiki_title_rules_are_read():
    text = ("{{Modèle:cO-ACTE_proposition|page=P|base=3|timestamp=T|summary=S}}\n"
            "<pre>\na &amp; b\n</pre>")
    assert proposal.parse(text) == Proposal("P", "a & b", 3, "T", "S")


# -- publish in approval mode ---------------------------------------------------------------


class FakeWiki:
    """Just what publish uses: a config, batched reads, saves (recorded)."""

    language = "fr"

    def __init__(self, config: Config, pages: dict[str, str] | None = None):
        self.config = config
        self.pages: dict[str, PageRevision] = {}
        self.saves: list[tuple[str, str, PageRevision | None]] = []
        self.reads: list[list[str]] = []
        self._next = 100
        for title, text in (pages or {}).items():
            self._store(title, text)

    def _store(self, title: str, text: str) -> int:
        self._next += 1
        stamp = f"2016-01-12T10:00:{self._next % 60:02}Z"
        self.pages[title] = PageRevision(title, self._next, stamp, text, "Someone")
        return self._next

    def read(self, titles):
        titles = list(titles)
        self.reads.append(titles)
        return {t: self.pages.get(t) for t in titles}

    def save(self, title, text, summary, base):
        current = self.pages.get(title)
        if (current.revid if current else None) != (base.revid if base else None):
            return Saved(title, "conflict", code="editconflict")
        self.saves.append((title, text, base))
        return Saved(title, "saved", self._store(title, text))


BOT = Config(wiki_url="http://wiki.test/w", bot_user="Bot@app", bot_password="x",
             approval=True)
TARGET = "Synthèse:Mulhouse/Tour 1"
PROPOSAL = proposal.title_for(TARGET)


def test_approval_is_off_by_default():
    assert Config().approval is False
    wiki = FakeWiki(replace(BOT, approval=False))
    (outcome,) = publish(wiki, {TARGET: ("corps", "résumé")})
    assert outcome.status == CREATED
    assert [s[0] for s in wiki.saves] == [TARGET]


def test_approval_mode_proposes_instead_of_writing():
    wiki = FakeWiki(BOT, {TARGET: "Intro humaine.\n\n" + region.wrap("ancien corps")})
    before = wiki.pages[TARGET]
    (outcome,) = publish(wiki, {TARGET: ("nouveau corps <script>", "résumé du bot")})
    assert outcome.status == PROPOSED
    assert wiki.pages[TARGET] == before  # the page itself is not written
    assert [s[0] for s in wiki.saves] == [PROPOSAL]
    saved = proposal.parse(wiki.pages[PROPOSAL].text)
    assert saved.page == TARGET
    assert (saved.base_revid, saved.base_timestamp) == (before.revid, before.timestamp)
    assert saved.summary == "résumé du bot"
    assert saved.text == region.place(before.text, "nouveau corps <script>").text
    assert saved.text.startswith("Intro humaine.")
    # target and proposal pages are read in one batch
    assert len(wiki.reads) == 1 and set(wiki.reads[0]) == {TARGET, PROPOSAL}


def test_unchanged_proposal_is_not_saved_again_and_a_new_one_replaces_it():
    wiki = FakeWiki(BOT, {TARGET: region.wrap("ancien corps")})
    assert publish(wiki, {TARGET: ("corps 2", "r")})[0].status == PROPOSED
    first = wiki.pages[PROPOSAL].revid
    again = publish(wiki, {TARGET: ("corps 2", "r")})
    assert (again[0].status, again[0].reason) == (UNCHANGED, PENDING)
    assert wiki.pages[PROPOSAL].revid == first and len(wiki.saves) == 1
    third = publish(wiki, {TARGET: ("corps 3", "r")})
    assert third[0].status == PROPOSED and wiki.pages[PROPOSAL].revid != first
    assert proposal.parse(wiki.pages[PROPOSAL].text).text == region.wrap("corps 3")


def test_a_new_page_is_proposed_as_a_creation():
    wiki = FakeWiki(BOT)
    (outcome,) = publish(wiki, {TARGET: ("corps", "r")})
    assert outcome.status == PROPOSED and TARGET not in wiki.pages
    saved = proposal.parse(wiki.pages[PROPOSAL].text)
    assert saved.creates and saved.text == region.wrap("corps")


def test_stale_proposal_is_withdrawn_when_the_page_already_has_the_text():
    wiki = FakeWiki(BOT, {TARGET: region.wrap("corps")})
    stale = proposal.render(Proposal(TARGET, region.wrap("vieux"), 1, "t", "r"))
    wiki._store(PROPOSAL, stale)
    (outcome,) = publish(wiki, {TARGET: ("corps", "r")})
    assert outcome.status == UNCHANGED
    assert wiki.pages[PROPOSAL].text == ""
    # a blank proposal is not blanked again
    publish(wiki, {TARGET: ("corps", "r")})
    assert len(wiki.saves) == 1


def test_conflicts_are_reported_not_proposed():
    page = region.wrap("corps").replace("corps", "corps modifié à la main")
    wiki = FakeWiki(BOT, {TARGET: page})
    (outcome,) = publish(wiki, {TARGET: ("autre", "r")})
    assert outcome.status == CONFLICT and wiki.saves == []


def test_dry_run_shows_the_diff_and_writes_nothing():
    wiki = FakeWiki(BOT, {TARGET: region.wrap("corps 1")})
    (outcome,) = publish(wiki, {TARGET: ("corps 2", "r")}, dry_run=True)
    assert outcome.status == PROPOSED and "+corps 2" in outcome.diff
    assert wiki.saves == []


def test_report_page_and_people_are_not_held():
    wiki = FakeWiki(BOT)
    (outcome,) = publish(wiki, {BOT.report_page: ("rapport", "r")})
    assert outcome.status == CREATED and [s[0] for s in wiki.saves] == [BOT.report_page]
    person = FakeWiki(replace(BOT, bot_user="", bot_password=""),
                      {TARGET: region.wrap("corps 1")})
    assert publish(person, {TARGET: ("corps 2", "r")})[0].status == UPDATED


def test_round_trip_of_what_mediawiki_stores():
    """MediaWiki stores NFC text: a proposal of NFC text reads back the same after it."""
    text = page_text("é composé", "ligne")
    rendered = proposal.render(Proposal(TARGET, text, 1, "t", "r"))
    assert proposal.parse(unicodedata.normalize("NFC", rendered).rstrip()).text == text
