"""The co-responsibility programme and the charts on the real local wiki: engagement pages
in, the plan page and its Gantt chart out; re-runs change nothing, changes change both."""

from __future__ import annotations

import struct
import zlib

import pytest
from click.testing import CliRunner

from bot_scripts import charts as charts_bot
from bot_scripts import programme as programme_bot
from coacte.jobs import charts as charts_job
from coacte.wiki import uploads as charts_upload
from coacte.wikitext import region
from tests.integration.helpers import (
    bot,
    debate_text,
    human,
    human_edit,
    put,
    revid_of,
    run,
    text_of,
)

ROUND = 41
PAGE = f"CO-ACTE/Programme/Tour {ROUND}"
CHART = f"CO-ACTE Tour {ROUND} - programme.png"
DEBATE = f"Débat:Programme Lille/Tour {ROUND}"
NETWORK = f"Réseau programme {ROUND}"


def engagement(**params: str) -> str:
    return "{{CO-ACTE engagement" + "".join(f" | {k} = {v}" for k, v in params.items()) + " }}"


def debate(end: str = "2016-09-30") -> str:
    return "\n".join([
        f"{{{{CO-ACTE débat|territoire=Programme Lille|tour={ROUND}}}}}",
        engagement(qui="Association des jardins", quoi="Ouvrir un jardin partagé",
                   début="2016-03-01", fin=end),
        engagement(qui="Mairie", quoi="Réunion publique", fin="2016-02-01"),
        engagement(quoi="Sans auteur"),
        engagement(qui="Mairie", quoi="Un jour", couleur="bleu"),
    ])


def programme(*args: str):
    return CliRunner().invoke(programme_bot.command,
                              ["--round", str(ROUND), "--today", "2016-06-01", *args],
                              catch_exceptions=False)


def file_revisions(wiki, name: str) -> list[dict]:
    """Every version of a file (``iilimit=max``), newest first."""
    result = wiki.call("query", prop="imageinfo", iilimit="max", iiprop="sha1|user|timestamp",
                       titles=f"File:{name}", formatversion=2)
    return result["query"]["pages"][0].get("imageinfo", [])


@pytest.fixture(scope="module")
def engagements(local_wiki):
    """A debate page (round from its title) and a network's page (round from ``tour``)."""
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    put(wiki, DEBATE, debate())
    put(wiki, NETWORK, "La page du réseau.\n" + engagement(
        qui="Réseau habitat", quoi="Partager la méthode", début="2016-04-01", fin="2016-12-31",
        tour=str(ROUND)) + "\n" + engagement(qui="Réseau habitat", quoi="Autre tour", tour="1"))
    return local_wiki


def test_engagement_pages_become_the_plan_page_and_its_chart(engagements):
    result = programme()
    assert result.exit_code == 0, result.output
    assert "4 commitments, 3 actors, 1 overdue, 1 undated, edits 1" in result.output
    assert "chart uploaded (created)" in result.output
    assert f"{DEBATE} — engagement n° 3 — champ « qui »" in result.output
    assert "couleur" in result.output
    wiki = bot(engagements)
    body = region.body_of(text_of(wiki, PAGE))
    assert body is not None
    assert ("'''4''' {{PLURAL:4|engagement|engagements}} de '''3''' "
            "{{PLURAL:3|acteur|acteurs}}") in body
    assert f"[[File:{CHART}|frame|none|" in body
    for heading in ("=== Association des jardins (1) ===", "=== Mairie (2) ===",
                    "=== Réseau habitat (1) ==="):
        assert heading in body
    assert "Autre tour" not in body and "== Engagements à corriger ==" in body
    versions = file_revisions(wiki, CHART)
    assert len(versions) == 1 and versions[0]["user"] == wiki.username
    description = text_of(wiki, f"File:{CHART}")
    assert "Généré par le bot CO-ACTE" in description and f"* Tour : {ROUND}" in description
    assert "[[Catégorie:Graphiques CO-ACTE]]" in description


def test_a_rerun_makes_no_edit_and_no_new_file_revision(engagements):
    assert programme().exit_code == 0
    wiki = bot(engagements)
    revid, versions = revid_of(wiki, PAGE), file_revisions(wiki, CHART)
    again = programme()
    assert again.exit_code == 0, again.output
    assert "edits 0, chart unchanged" in again.output
    assert revid_of(wiki, PAGE) == revid
    assert file_revisions(wiki, CHART) == versions


def test_changing_a_commitment_changes_the_page_and_uploads_a_new_chart_revision(engagements):
    assert programme().exit_code == 0
    wiki = bot(engagements)
    revid, versions = revid_of(wiki, PAGE), file_revisions(wiki, CHART)
    put(wiki, DEBATE, debate(end="2016-11-30"))
    dry = programme("--dry-run")
    assert "would edit 1, chart would be updated" in dry.output and "+| " in dry.output
    assert revid_of(wiki, PAGE) == revid and file_revisions(wiki, CHART) == versions
    result = programme()
    assert result.exit_code == 0, result.output
    assert "edits 1, chart uploaded (updated)" in result.output
    assert revid_of(wiki, PAGE) != revid
    assert "2016-11-30" in text_of(wiki, PAGE)
    now = file_revisions(wiki, CHART)
    assert len(now) == len(versions) + 1 and now[1:] == versions
    assert now[0]["sha1"] != versions[0]["sha1"]
    assert "edits 0, chart unchanged" in programme().output


def tiny_png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1×1 PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, *rgb]))) + chunk(b"IEND", b""))


def test_charts_are_uploaded_only_when_their_bytes_change(engagements, monkeypatch):
    drawn = {"ideas_per_dimension": tiny_png((20, 134, 109)),
             "convergence": tiny_png((51, 102, 204))}
    monkeypatch.setattr(charts_job, "build_charts", lambda wiki, round_, lang, **_: dict(drawn))
    names = {k: charts_upload.file_name(ROUND, k) for k in drawn}

    def charts():
        result = CliRunner().invoke(charts_bot.command, ["--round", str(ROUND)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    first = charts()
    assert f"File:{names['ideas_per_dimension']}: uploaded (created)" in first
    assert f"File:{names['convergence']}: uploaded (created)" in first
    again = charts()
    assert "uploaded 0, unchanged 2" in again
    wiki = bot(engagements)
    assert [len(file_revisions(wiki, n)) for n in names.values()] == [1, 1]
    drawn["convergence"] = tiny_png((215, 51, 51))
    changed = charts()
    assert f"File:{names['convergence']}: uploaded (updated)" in changed
    assert f"File:{names['ideas_per_dimension']}: unchanged" in changed
    assert [len(file_revisions(wiki, n)) for n in names.values()] == [1, 2]
    assert "Convergence des tours Delphi" in text_of(wiki, f"File:{names['convergence']}")


def test_the_stop_page_halts_before_the_upload(engagements):
    assert programme().exit_code == 0
    wiki = bot(engagements)
    versions, revid = file_revisions(wiki, CHART), revid_of(wiki, PAGE)
    put(wiki, DEBATE, debate(end="2016-12-15"))
    moderator = human(engagements)
    human_edit(moderator, engagements.stop_page, lambda text: text + "\nSTOP\n")
    try:
        result = programme()
        assert result.exit_code == 3 and "halt" in result.output
        assert file_revisions(wiki, CHART) == versions and revid_of(wiki, PAGE) == revid
    finally:
        human_edit(moderator, engagements.stop_page, lambda t: t.replace("\nSTOP", ""))
    assert "chart uploaded (updated)" in programme().output


def test_the_dossiers_own_charts_are_drawn_and_uploaded_once(engagements):
    """`coacte global` draws and uploads the round's charts and embeds them; `coacte
    charts` draws the very same bytes, so it uploads nothing more."""
    wiki = bot(engagements)
    put(wiki, "Débat:Charts Nantes/Tour 43", debate_text("Charts Nantes", [
        {"question": 1, "texte": "Le jardin partagé rapproche les voisins.", "code": "A01"},
        {"question": 3, "texte": "Les financements sont annuels.", "nature": "blocage",
         "niveau": "national"}], round_=43))
    first = run("global", "--round", "43")
    assert first.exit_code == 0, first.output
    names = [charts_upload.file_name(43, k) for k in ("ideas_per_dimension",
                                                      "responsibility_heatmap")]
    for name in names:
        assert f"File:{name}: created" in first.output
        assert f"[[File:{name}|thumb" in text_of(wiki, "Synthèse:Globale/Tour 43")
    again = CliRunner().invoke(charts_bot.command, ["--round", "43"], catch_exceptions=False)
    assert again.exit_code == 0 and "uploaded 0" in again.output
    assert "edits 0" in run("global", "--round", "43").output
    assert [len(file_revisions(wiki, n)) for n in names] == [1, 1]
