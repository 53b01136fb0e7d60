"""Saves at the same moment on the real local wiki: "saved" means saved (issue 22).

MediaWiki reports no edit conflict with your own last edit, so two saves of one page by
one account, both computed from the same revision, would let the second replace the
first. These tests make them collide and count what the page keeps.
"""

from __future__ import annotations

import threading
import uuid

from coacte.curation import Curation
from coacte.jobs import debates
from coacte.jobs.desk import write_decision
from coacte.wiki.client import connect
from coacte.wikitext import region
from tests.integration.helpers import bot, debate_text, put, text_of, unique


def _page(wiki, territory: str) -> str:
    title = f"Débat:{territory}/Tour 1"
    put(wiki, title, debate_text(territory, [{"question": 1, "texte": "Déjà là."}]))
    return title


def test_twelve_appends_from_one_read_by_one_account_are_all_kept(local_wiki):
    """Twelve threads (twelve tabs of one facilitator) append a post-it each, all from
    the same revision: every one answers "saved" and the page holds all twelve."""
    wiki = bot(local_wiki)
    territory = unique("Ensemble")
    title = _page(wiki, territory)
    base = wiki.read([title])[title]
    header = {"territoire": territory, "tour": 1}
    results: list[str] = []

    def append(n: int) -> None:
        own = connect(local_wiki)  # one client per tab, one account
        entry = debates.entry(title, base, header, [{"question": 1, "texte": f"Idée {n}."}])
        results.append(debates.write(own, entry, "paste").status)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = text_of(wiki, title)
    assert results == ["saved"] * 12
    assert all(text.count(f"Idée {n}.") == 1 for n in range(12)), text
    assert text.count("Déjà là.") == 1


def test_a_revision_that_slips_in_between_read_and_save_is_put_back(local_wiki):
    """Another process of the same account saves just after our check and before our
    write (the wiki then reports no conflict): the addition is redone on top of it, so
    both post-its are on the page."""
    wiki = bot(local_wiki)
    territory = unique("Glissé")
    title = _page(wiki, territory)
    base = wiki.read([title])[title]
    header = {"territoire": territory, "tour": 1}
    other = connect(local_wiki)
    token = wiki.site.get_token

    def sneaky(kind: str, *args, **kwargs):  # the window between check and write
        wiki.site.get_token = token
        entry = debates.entry(title, base, header, [{"question": 1, "texte": "L'autre."}])
        assert other._save(title, entry.text, "other process", base).status == "saved"
        return token(kind, *args, **kwargs)

    wiki.site.get_token = sneaky
    entry = debates.entry(title, base, header, [{"question": 1, "texte": "La mienne."}])
    saved = debates.write(wiki, entry, "paste")
    assert saved.status == "saved"
    text = text_of(wiki, title)
    assert text.count("L'autre.") == 1 and text.count("La mienne.") == 1, text


def test_a_whole_text_saved_over_a_revision_that_slipped_in_is_refused_and_it_put_back(
        local_wiki):
    """A save of a whole text (not an addition) computed from a revision that another
    process replaced just before the write: the other revision is put back, and the
    save answers a conflict (its caller keeps its input)."""
    wiki = bot(local_wiki)
    title = _page(wiki, unique("Entier"))
    base = wiki.read([title])[title]
    other = connect(local_wiki)
    token = wiki.site.get_token

    def sneaky(kind: str, *args, **kwargs):
        wiki.site.get_token = token
        assert other._save(title, base.text + "\nL'autre.", "other", base).status == "saved"
        return token(kind, *args, **kwargs)

    wiki.site.get_token = sneaky
    saved = wiki.save(title, base.text + "\nLa mienne.", "mine", base)
    assert saved.status == "conflict"
    text = text_of(wiki, title)
    assert "L'autre." in text and "La mienne." not in text


def test_six_decisions_at_once_by_one_moderator_are_six_decisions(local_wiki):
    """Six quick decisions on one global page, each from the same read: six calls."""
    wiki = bot(local_wiki)
    title = f"Synthèse:Globale/Tour {700 + uuid.uuid4().int % 100_000}"
    put(wiki, title, region.wrap("{{CO-ACTE synthèse|territoire=Globale|tour=7}}"))
    page = wiki.read([title])[title]
    results: list[str] = []

    def decide(n: int) -> None:
        d = Curation("reformuler", idea=f"g1-0000000{n}", statement=f"Énoncé {n}")
        results.append(write_decision(connect(local_wiki), title, page, d).status)

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outside = region.outside(text_of(wiki, title))
    assert len(results) == 6 and set(results) == {"saved"}
    assert all(f"Énoncé {n}" in outside for n in range(6)), outside
