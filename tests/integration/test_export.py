"""`coacte export` on the real local wiki: the dossier (html, pdf) and its open data
(csv, json, xlsx) of a round, computed without writing to the wiki."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from coacte.cli import BOTS
from coacte.dossier.opendata import TABLES
from tests.integration.helpers import (
    bot,
    debate_text,
    load_json,
    put,
    revid_of,
    run,
    text_of,
)

ROUND, DELPHI = 74, 75
HOSTILE = "<script>alert(1)</script> & {{x}}"
PAGES = {
    "Tarbes": (18, [
        {"question": 1, "texte": "Le jardin partagé rapproche les voisins.", "groupe": "Habitants"},
        {"question": 3, "nature": "blocage", "niveau": "local, national", "groupe": "Élus",
         "texte": "Les financements sont votés chaque année, on ne peut rien prévoir."},
        {"question": 3, "nature": "levier", "niveau": "local", "groupe": "Jeunes",
         "code": "C01/P15", "texte": "Un conseil de jeunes avec son propre budget."},
    ]),
    "Cork": (11, [
        {"question": 1, "texte": "The community garden brought neighbours together.",
         "groupe": "Residents"},
        {"question": 3, "nature": "blocage", "niveau": "national", "groupe": "Councillors",
         "texte": "Funding is voted every year so we cannot plan anything."},
        {"question": 2, "texte": HOSTILE, "groupe": "Residents"},
    ]),
    "Guarda": (None, [
        {"question": 1, "texte": "A horta comunitária aproximou os vizinhos.", "groupe": "Idosos"},
        {"question": 2, "texte": "Ninguém repara o telhado da piscina.", "groupe": "Jovens"},
    ]),
}


@pytest.fixture(autouse=True)
def export_command(monkeypatch):
    """`coacte export` as the CLI will list it (``export`` in ``coacte.cli.BOTS``)."""
    monkeypatch.setitem(BOTS, "export", "export")


@pytest.fixture(scope="module")
def round_74(local_wiki):
    """Three territories in three languages, in a round no other test uses."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    for territory, (participants, postits) in PAGES.items():
        text = debate_text(territory, postits, round_=ROUND)
        if participants:
            text = text.replace("|pays=FR}}", f"|pays=FR|participants={participants}}}}}", 1)
        put(wiki, f"Débat:{territory}/Tour {ROUND}", text)
    return local_wiki


def export(tmp_path, fmt, *extra, round_=ROUND):
    out = tmp_path / f"dossier.{fmt}"
    result = run("export", "--round", str(round_), "--format", fmt, "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    return out


def test_json_has_every_table_and_writes_nothing_to_the_wiki(round_74, tmp_path):
    wiki = bot(round_74)
    title = f"Synthèse:Globale/Tour {ROUND}"
    data = load_json(export(tmp_path, "json"))
    assert revid_of(wiki, title) is None  # computed, never published by the export
    assert set(data) == {"format", "version", "round", "ideas_round", "state", "page", "url",
                         *TABLES}
    assert (data["format"], data["round"], data["state"]) == ("coacte-dossier", ROUND, None)
    assert data["page"] == title
    figures = data["figures"]
    assert (figures["territories"], figures["postits"], figures["participants"]) == (3, 8, 29)
    assert figures["ideas"] == len(data["ideas"]) < 8  # merged across languages
    assert figures["blockers"] == 1 and figures["levers"] == 1
    funding = next(i for i in data["ideas"] if i["kind"] == "blocage")
    assert set(funding["territories"]) == {"Tarbes", "Cork"}
    national = [p for p in data["proposals"] if p["level"] == "national"]
    assert [(p["key"], p["territories_count"]) for p in national] == [(funding["key"], 2)]
    quotes = {q["text"] for q in data["quotes"]}
    assert HOSTILE in quotes and "Ninguém repara o telhado da piscina." in quotes
    assert all(set(q) == {"key", "rank", "text", "territory", "group", "page", "revid",
                          "index"} for q in data["quotes"])
    assert data["rounds"] == [] and data["convergence"] == []


def test_pdf_shows_the_key_figures_and_quotes(round_74, tmp_path):
    assert shutil.which("pdftotext"), "needs pdftotext: scripts/test.sh installs poppler-utils"
    out = export(tmp_path, "pdf", "--lang", "fr")
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert f"Synthèse globale des débats citoyens — tour {ROUND}" in flat
    assert "Chiffres clés" in flat
    f = load_json(export(tmp_path, "json"))["figures"]
    assert (f["territories"], f["participants"], f["groups"], f["postits"]) == (3, 29, 7, 8)
    # the key figures' boxes, three a row: the values, then their labels
    assert (f"3 29 7 Territoires Participants Groupes homogènes "
            f"8 {f['ideas']} {f['shared']} Post-its Idées Idées partagées") in flat
    assert "Ninguém repara o telhado da piscina." in flat
    assert HOSTILE in flat  # shown as written
    assert "Qui peut agir" in flat and "Ce qui est demandé à chaque niveau" in flat


def test_html_is_escaped_and_in_english_on_request(round_74, tmp_path):
    page = export(tmp_path, "html", "--lang", "en").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Key figures" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("data:image/png;base64,") == 2  # no Delphi round yet: no third chart
    assert "Tarbes" in page and "Guarda" in page


def test_xlsx_has_one_sheet_per_table(round_74, tmp_path):
    workbook = load_workbook(export(tmp_path, "xlsx"))
    assert tuple(workbook.sheetnames) == TABLES
    ideas = list(workbook["ideas"].iter_rows(values_only=True))
    assert ideas[0][:3] == ("key", "question", "kind")
    statements = {row[ideas[0].index("statement")] for row in ideas[1:]}
    assert HOSTILE in statements
    figures = dict(workbook["figures"].iter_rows(min_row=2, values_only=True))
    assert figures["territories"] == 3


def test_csv_writes_one_table_with_a_default_name(round_74, tmp_path):
    result = run("export", "--round", str(ROUND), "--format", "csv", "--table", "territories",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    out = tmp_path / f"coacte-round-{ROUND}.csv"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["territory"] for r in rows] == ["Cork", "Guarda", "Tarbes"]
    assert next(r for r in rows if r["territory"] == "Tarbes")["groups"] == (
        "Habitants; Élus; Jeunes")


def test_round_without_debate_and_misused_table_fail_clearly(round_74, tmp_path):
    result = run("export", "--round", "7399", "--format", "json", "--out",
                 str(tmp_path / "x.json"))
    assert result.exit_code == 1
    assert "7399" in result.output and "CO-ACTE débat" in result.output
    assert not (tmp_path / "x.json").exists()
    misuse = run("export", "--round", str(ROUND), "--format", "json", "--table", "ideas")
    assert misuse.exit_code == 2 and "--table" in misuse.output


def react(wiki, territory, answers):
    """Fill the seeded reaction slots: {key: (accord, priorité, groupe)}."""
    title = f"Débat:{territory}/Tour {DELPHI}"
    text = text_of(wiki, title)
    for key, (agreement, priority, group) in answers.items():
        start = text.index(f"| idée = {key}\n")
        end = text.index("}}", start)
        block = (text[start:end].replace("| accord = \n", f"| accord = {agreement}\n")
                 .replace("| priorité = \n", f"| priorité = {priority}\n")
                 .replace("| groupe = \n", f"| groupe = {group}\n"))
        text = text[:start] + block + text[end:]
    put(wiki, title, text)


def test_delphi_round_shows_convergence(round_74, tmp_path):
    wiki = bot(round_74)
    assert run("global", "--round", str(ROUND)).exit_code == 0
    assert run("round", "open", str(DELPHI)).exit_code == 0
    ideas = load_json(export(tmp_path, "json"))["ideas"]  # round 74, now frozen
    blocker = next(i["key"] for i in ideas if i["kind"] == "blocage")
    lever = next(i["key"] for i in ideas if i["kind"] == "levier")
    react(wiki, "Tarbes", {blocker: ("oui", 5, "Élus"), lever: ("nuancé", 2, "Élus")})
    react(wiki, "Cork", {blocker: ("oui", 4, "Councillors")})
    assert run("round", "close", str(DELPHI)).exit_code == 0
    data = load_json(export(tmp_path, "json", round_=DELPHI))
    assert data["state"] == "clos"
    assert data["rounds"] == [{"round": DELPHI, "previous_round": ROUND, "ideas": 2,
                               "answered": 2, "reactions": 3, "territories": 2,
                               "mean_agreement": 0.75, "median_iqr": 0.25, "consensus": 1}]
    stats = {s["key"]: s for s in data["convergence"]}
    assert stats[blocker]["agreement"] == 1.0 and stats[blocker]["consensus"] is True
    assert stats[blocker]["priority_median"] == 4.5 and stats[blocker]["territories"] == 2
    assert stats[lever]["votes_nuance"] == 1 and stats[lever]["consensus"] is False
    frozen = load_json(export(tmp_path, "json"))
    assert frozen["state"] == "figé" and [i["key"] for i in frozen["ideas"]] == [
        i["key"] for i in ideas]
    page = export(tmp_path, "html", "--lang", "fr", round_=DELPHI).read_text(encoding="utf-8")
    # Round 75 has reactions but no post-it of its own: its dossier shows round 74's
    # ideas (their two charts) with the reactions (the convergence chart).
    assert page.count("data:image/png;base64,") == 3
    assert "Diagrammes en barres par tour Delphi" in page
    assert f"Réactions des groupes aux idées du tour {ROUND}" in page
    assert 'id="ideas"' in page and 'id="delphi"' in page and 'id="method"' in page


def test_the_first_page_says_what_each_level_is_asked_and_where_groups_agree(round_74,
                                                                            tmp_path):
    """The dossier of the Delphi round, in English: its first page (pdftotext)."""
    if revid_of(bot(round_74), f"Synthèse:Globale/Tour {DELPHI}") is None:
        test_delphi_round_shows_convergence(round_74, tmp_path)
    out = export(tmp_path, "pdf", "--lang", "en", round_=DELPHI)
    first = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True,
                           text=True, check=True).stdout
    flat = " ".join(first.split())
    assert f"Global synthesis of the citizens' debates — round {DELPHI}" in flat
    assert "At a glance" in flat and "What the territories ask of each level" in flat
    assert "National" in flat and "Local" in flat
    assert f"Where the territories agree (round {DELPHI})" in flat
    # the funding blocker: both reactions yes; its statement in the reader's language
    assert "Funding is voted every year so we cannot plan anything." in flat
    assert "agreement 100 %, 2 reactions" in flat
    assert "Method card" not in flat  # the method card is at the end, not on page 1
    whole = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Method card" in whole and "No post-it is lost." in " ".join(whole.split())
