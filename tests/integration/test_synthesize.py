"""Debate pages in, syntheses out, on the real local MediaWiki; a polite, careful bot."""

from __future__ import annotations

import re
from html import unescape

import pytest

from coacte.wikitext import region
from tests.integration.helpers import (
    bot,
    debate_text,
    human,
    human_edit,
    load_json,
    put,
    revid_of,
    run,
    text_of,
    unique,
)
from tests.unit.test_values import HOSTILE


@pytest.fixture(scope="module")
def installed(local_wiki):
    result = run("install")
    assert result.exit_code == 0, result.output
    return local_wiki


def make_debate(config, name, postits, round_=1):
    wiki = bot(config)
    title = f"Débat:{name}/Tour {round_}"
    put(wiki, title, debate_text(name, postits, round_))
    return wiki, title, f"Synthèse:{name}/Tour {round_}"


POSTITS = [
    {"question": 1, "texte": "Le jardin partagé rapproche les voisins.", "groupe": "Élus",
     "code": "A01"},
    {"question": 1, "texte": "le jardin partage rapproche les voisins", "groupe": "Jeunes"},
    {"question": 2, "texte": "Un logement digne pour tous", "groupe": "Jeunes", "code": "A03"},
    {"question": 3, "texte": "Les financements sont votés chaque année", "nature": "blocage",
     "code": "C01/P15", "niveau": "national, local", "acteurs": "État"},
    {"question": 3, "texte": "Un budget participatif", "nature": "levier", "niveau": "local"},
    {"question": 3, "texte": "sans nature"},  # invalid: left out and reported
]


def test_install_puts_templates_with_templatedata_and_is_idempotent(installed):
    wiki = bot(installed)
    data = wiki.call("templatedata", titles="Template:CO-ACTE post-it", lang="fr")
    (page,) = data["pages"].values()
    assert page["params"]["texte"]["required"] is True
    assert page["params"]["texte"]["aliases"] == ["text"]
    assert page["params"]["nature"]["suggestedvalues"] == ["blocage", "levier"]
    assert "CO-ACTE code" in text_of(wiki, installed.grid_page)
    before = revid_of(wiki, "Template:CO-ACTE idée")
    again = run("install")
    assert again.exit_code == 0 and "0 edits" in again.output
    assert revid_of(wiki, "Template:CO-ACTE idée") == before


def test_synthesis_accounts_for_every_postit(installed, tmp_path):
    name = unique("Mulhouse")
    wiki, debate, synthesis = make_debate(installed, name, POSTITS)
    out = tmp_path / "s.json"
    result = run("synthesize", "--territory", name, "--json", str(out))
    assert result.exit_code == 0, result.output
    (entry,) = load_json(out)["syntheses"]
    assert (entry["territory"], entry["round"], entry["page"]) == (name, 1, synthesis)
    sources = sorted(s["index"] for idea in entry["ideas"] for s in idea["sources"])
    assert sources == [1, 2, 3, 4, 5]  # post-it 6 is invalid
    garden = next(i for i in entry["ideas"] if len(i["sources"]) == 2)
    assert garden["statement"] == "Le jardin partagé rapproche les voisins."
    assert {s["revid"] for s in garden["sources"]} == {revid_of(wiki, debate)}
    page = text_of(wiki, synthesis)
    assert region.body_of(page) is not None
    assert "| écartés = 1" in page and "Blocages" in page and "Leviers" in page
    assert "synthesize:" in result.output and "edits 1" in result.output
    check = run("check")
    assert f"{debate} — post-it n° 6" in check.output or f"{debate} — post-it 6" in check.output


def test_hostile_text_appears_literally_and_changes_nothing_else(installed):
    name = unique("Hostile")
    postits = [{"question": 1, "texte": text, "groupe": "G"} for text in HOSTILE]
    wiki, _, synthesis = make_debate(installed, name, postits)
    assert run("synthesize", "--territory", name).exit_code == 0
    parsed = wiki.call("parse", page=synthesis, prop="text|categories|sections|displaytitle",
                       formatversion=2)["parse"]
    html = parsed["text"]
    shown = unescape(re.sub(r"<[^>]*>", "", html))  # the text a reader sees
    assert "<script" not in html and "<img" not in html
    for text in HOSTILE:
        if "\n" not in text:
            assert text in shown, text
    assert "<b>gras</b>" not in html and "<i>italique</i>" not in html
    assert {c["category"] for c in parsed["categories"]} <= {"Synthèses_CO-ACTE"}
    assert all("heading" not in s["line"] for s in parsed["sections"])
    assert parsed["displaytitle"] != "x" and name in parsed["displaytitle"]
    assert "User:" not in html and "Utilisateur:" not in html  # no signature expanded
    assert "exemple.org" in shown and 'class="external' not in html  # addresses inert
    assert "href=\"mailto" not in html and "href=\"https://exemple" not in html


def test_rerun_makes_no_edit(installed):
    name = unique("Braine")
    wiki, _, synthesis = make_debate(installed, name, POSTITS)
    assert run("synthesize", "--territory", name).exit_code == 0
    first = revid_of(wiki, synthesis)
    again = run("synthesize", "--territory", name)
    assert again.exit_code == 0 and "edits 0" in again.output
    assert revid_of(wiki, synthesis) == first


def test_a_debate_without_post_its_gets_no_new_synthesis_page(installed):
    """A Delphi round's page that only reacts so far has nothing to synthesize: no
    "0 post-its" page is created; once a post-it arrives, the page is."""
    name = unique("Réactions seules")
    wiki, title, synthesis = make_debate(installed, name, [], round_=2)
    result = run("synthesize", "--territory", name)
    assert result.exit_code == 0, result.output
    assert "edits 0" in result.output and "0 syntheses" in result.output
    assert text_of(wiki, synthesis) is None
    put(wiki, title, debate_text(name, POSTITS[:1], 2))
    assert run("synthesize", "--territory", name).exit_code == 0
    assert "Le jardin partagé" in text_of(wiki, synthesis)
    # Once it exists, the page follows its debate, down to no post-it at all.
    put(wiki, title, debate_text(name, [], 2))
    assert run("synthesize", "--territory", name).exit_code == 0
    assert "Le jardin partagé" not in region.body_of(text_of(wiki, synthesis))


def test_human_text_outside_the_region_survives(installed):
    name = unique("Odemira")
    wiki, debate, synthesis = make_debate(installed, name, POSTITS)
    assert run("synthesize", "--territory", name).exit_code == 0
    moderator = human(installed)
    human_edit(moderator, synthesis, lambda t: "Intro humaine.\n\n" + t + "\n\nConclusion humaine.")
    put(wiki, debate, debate_text(name, POSTITS + [{"question": 2, "texte": "Nouvelle idée"}]))
    result = run("synthesize", "--territory", name)
    assert result.exit_code == 0 and "edits 1" in result.output
    page = text_of(wiki, synthesis)
    assert page.startswith("Intro humaine.") and page.endswith("Conclusion humaine.")
    assert "Nouvelle idée" in region.body_of(page)


def test_human_edit_inside_the_region_is_kept_and_reported(installed):
    name = unique("Bristol")
    wiki, debate, synthesis = make_debate(installed, name, POSTITS)
    assert run("synthesize", "--territory", name).exit_code == 0
    human_edit(human(installed), synthesis,
               lambda t: t.replace("Un budget participatif", "Un budget participatif (corrigé)"))
    edited = revid_of(wiki, synthesis)
    put(wiki, debate, debate_text(name, POSTITS + [{"question": 2, "texte": "Encore une"}]))
    result = run("synthesize", "--territory", name)
    assert result.exit_code == 2
    assert "conflict" in result.output
    assert revid_of(wiki, synthesis) == edited
    assert "(corrigé)" in text_of(wiki, synthesis)


def test_stop_page_halts_before_the_next_write(installed):
    name = unique("Stop")
    wiki, _, synthesis = make_debate(installed, name, POSTITS)
    stop = installed.stop_page
    moderator = human(installed)
    human_edit(moderator, stop, lambda text: text + "\nSTOP\n")
    try:
        result = run("synthesize", "--territory", name)
        assert result.exit_code == 3
        assert "halt" in result.output
        assert revid_of(wiki, synthesis) is None
    finally:
        human_edit(moderator, stop, lambda text: text.replace("\nSTOP", ""))
    assert run("synthesize", "--territory", name).exit_code == 0
    assert revid_of(wiki, synthesis) is not None


def test_dry_run_prints_the_diff_and_writes_nothing(installed):
    name = unique("Sec")
    wiki, _, synthesis = make_debate(installed, name, POSTITS)
    result = run("synthesize", "--territory", name, "--dry-run")
    assert result.exit_code == 0
    assert "would edit 1" in result.output
    assert "+| énoncé = Un budget participatif" in result.output
    assert revid_of(wiki, synthesis) is None


def test_check_reports_locates_and_publishes(installed, tmp_path):
    name = unique("Erreurs")
    wiki, debate, _ = make_debate(installed, name, [
        {"question": 1, "texte": "ok"},
        {"question": 5, "texte": "mauvaise question"},
        {"question": 3, "texte": "x", "nature": "levier", "code": "Z99", "couleur": "rouge"},
    ])
    put(wiki, f"Débat:{name} bis", debate_text(name, [{"question": 1, "texte": "doublon"}]))
    out = tmp_path / "problems.json"
    result = run("check", "--json", str(out))
    assert result.exit_code == 1
    mine = [p for p in load_json(out) if p["page"] in (debate, f"Débat:{name} bis")]
    located = {(p["page"], p["index"], p["field"]) for p in mine}
    assert (debate, 2, "question") in located
    assert (debate, 3, "code") in located
    assert (debate, 3, "couleur") in located
    assert (debate, None, "territoire") in located
    assert (f"Débat:{name} bis", None, "territoire") in located
    assert all(set(p) == {"page", "index", "field", "message"} for p in mine)
    report = text_of(wiki, installed.report_page)
    assert name in report and "Z99" in report


def test_a_run_on_a_busy_wiki_waits_then_says_who_holds_it(installed, monkeypatch):
    """Two runs at once: the second waits a bounded time, then exits with status 5 and
    names the run that holds the wiki's lock; nothing is written twice."""
    import subprocess
    import sys

    from coacte.jobs.lock import BUSY

    holder = subprocess.Popen([sys.executable, "-c", (
        "import time\n"
        "from coacte import config\n"
        "from coacte.jobs.lock import one_run\n"
        "with one_run(config.load(), 'coacte synthesize --full', wait=0):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("COACTE_LOCK_WAIT", "0.5")
        busy = run("synthesize", "--full")
        assert busy.exit_code == BUSY, busy.output
        assert "coacte synthesize --full" in busy.output and str(holder.pid) in busy.output
        dry = run("synthesize", "--dry-run")  # writes nothing: takes no lock
        assert dry.exit_code != BUSY and "holds" not in dry.output
    finally:
        holder.kill()
        holder.wait()
    assert run("synthesize").exit_code != BUSY  # the lock went with its holder
