"""The co-responsibility programme: reading commitments, the plan, its page and its chart."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from datetime import date
from urllib.parse import parse_qs

import mwparserfromhell
import pytest
import requests
import responses

from coacte.config import Config
from coacte.i18n import keys
from coacte.model import Commitment, PageRevision
from coacte.programme import (
    OVERDUE,
    PLANNED,
    UNDATED,
    build_plan,
    page_round,
    parse_date,
    read_commitments,
    status,
)
from coacte.render import programme_page as render_programme
from coacte.wiki import uploads as charts_upload
from coacte.wiki.client import Wiki
from coacte.wikitext import region
from coacte.wikitext.values import decode, encode

GLOBAL = "Synthèse:Globale/Tour 2"
TODAY = date(2016, 6, 1)


def engagement(**params: str) -> str:
    return "{{CO-ACTE engagement" + "".join(f"\n| {k} = {v}" for k, v in params.items()) + "\n}}"


def pages(*texts: str, title: str = "Débat:Mulhouse/Tour 2") -> list[PageRevision]:
    return [PageRevision(title, 7, "2016-01-01T00:00:00Z", "\n".join(texts))]


def read(*texts: str, title: str = "Débat:Mulhouse/Tour 2", **kwargs):
    return read_commitments(pages(*texts, title=title), **kwargs)


def problem_keys(problems) -> list[tuple[int | None, str | None, str]]:
    return [(p.index, p.field, p.key) for p in problems]


def commitment(who="Mairie", what="Faire", start="", end="", key="", round_=2, index=1):
    return Commitment("Débat:X/Tour 2", 3, index, who, what, start, end, key, round_)


# -- reading ---------------------------------------------------------------------------


def test_a_commitment_is_read_with_french_names_or_english_aliases():
    found, problems = read(
        engagement(qui=" Association  des jardins ", quoi="Ouvrir un jardin", début="2016-03-01",
                   fin="2016-09-30", idée="g1-1a2b3c4d", tour="2"),
        engagement(who="City council", what="Vote a budget", start="2016-01-01",
                   end="2016-12-31", idea="g1-1a2b3c4d", round="2"),
    )
    assert problems == []
    assert found == [
        Commitment("Débat:Mulhouse/Tour 2", 7, 1, "Association des jardins", "Ouvrir un jardin",
                   "2016-03-01", "2016-09-30", "g1-1a2b3c4d", 2),
        Commitment("Débat:Mulhouse/Tour 2", 7, 2, "City council", "Vote a budget",
                   "2016-01-01", "2016-12-31", "g1-1a2b3c4d", 2),
    ]


def test_the_round_comes_from_tour_else_from_the_page_title():
    found, problems = read(engagement(qui="A", quoi="x"), engagement(qui="B", quoi="y", tour="3"))
    assert problems == [] and [c.round for c in found] == [2, 3]
    assert page_round("Débat:Lyon/Tour 12") == 12 and page_round("Débat:Lyon_/Tour_4") == 4
    assert page_round("Réseau habitat") is None and page_round("X/Tour 0") is None


def test_with_a_round_only_that_rounds_calls_are_read_and_reported():
    found, problems = read(engagement(qui="A", quoi="x", tour="1", oops="1"),
                           engagement(qui="B", quoi="y"), round_=2)
    assert [c.who for c in found] == ["B"]
    assert problems == []  # the round 1 call's problem belongs to round 1's programme


def test_missing_who_or_what_leaves_the_commitment_out():
    found, problems = read(engagement(quoi="x"), engagement(qui="A", quoi="  "),
                           engagement(qui="B", quoi="y"))
    assert [c.who for c in found] == ["B"]
    assert problem_keys(problems) == [(1, "qui", "coacte-problem-commitment-required"),
                                      (2, "quoi", "coacte-problem-commitment-required")]
    assert all(p.blocking and p.item == "commitment" for p in problems)
    assert "écarté du programme" in problems[0].message("fr")
    assert problems[0].location("fr") == "Débat:Mulhouse/Tour 2 — engagement n° 1 — champ « qui »"


@pytest.mark.parametrize("bad", ["2016-13-01", "1er mars 2016", "2016-3-1", "2016-02-30",
                                 "16-03-01"])
def test_a_malformed_date_is_reported_and_ignored(bad):
    found, problems = read(engagement(qui="A", quoi="x", début=bad, fin="2016-09-30"))
    assert problem_keys(problems) == [(1, "début", "coacte-problem-commitment-date")]
    assert not problems[0].blocking and bad in problems[0].message("en")
    assert (found[0].start, found[0].end) == ("", "2016-09-30")


def test_an_end_before_the_start_is_reported_and_kept_as_written():
    found, problems = read(engagement(qui="A", quoi="x", début="2016-09-30", fin="2016-03-01"))
    assert problem_keys(problems) == [(1, "fin", "coacte-problem-commitment-order")]
    assert not problems[0].blocking
    assert (found[0].start, found[0].end) == ("2016-09-30", "2016-03-01")


def test_an_unknown_idea_key_is_reported_only_when_the_keys_are_known():
    texts = (engagement(qui="A", quoi="x", idée="g1-00000000"),
             engagement(qui="B", quoi="y", idée="g1-1a2b3c4d"))
    _, problems = read(*texts, known_keys={"g1-1a2b3c4d"}, ideas_page=GLOBAL)
    assert problem_keys(problems) == [(1, "idée", "coacte-problem-commitment-idea")]
    assert GLOBAL in problems[0].message("fr") and not problems[0].blocking
    assert read(*texts)[1] == []


def test_unknown_positional_and_doubled_parameters_are_reported_and_the_commitment_kept():
    found, problems = read("{{CO-ACTE engagement | qui = A | quoi = x | couleur = bleu | libre"
                           " | fin = 2016-01-01 | end = 2016-02-01 }}")
    assert sorted(p.key for p in problems) == ["coacte-problem-duplicate-param",
                                               "coacte-problem-positional",
                                               "coacte-problem-unknown-param"]
    assert not any(p.blocking for p in problems)
    assert found[0].end == "2016-02-01"  # the last value, as MediaWiki reads it


def test_a_bad_or_unknowable_round_leaves_the_commitment_out():
    found, problems = read(engagement(qui="A", quoi="x", tour="deux"),
                           engagement(qui="B", quoi="y"), title="Réseau habitat")
    assert found == []
    assert problem_keys(problems) == [(1, "tour", "coacte-problem-commitment-round"),
                                      (2, "tour", "coacte-problem-commitment-no-round")]
    # a commitment whose round cannot be known is reported to every round's run
    assert len(read_commitments(pages(engagement(qui="B", quoi="y"), title="Réseau"),
                                round_=5)[1]) == 1


def test_other_templates_and_calls_in_comments_or_nowiki_are_not_commitments():
    found, _ = read("<!-- " + engagement(qui="A", quoi="x") + " -->",
                    "<nowiki>" + engagement(qui="B", quoi="y") + "</nowiki>",
                    "{{CO-ACTE post-it|question=1|texte=t}}")
    assert found == []


def test_dates_are_iso_only():
    assert parse_date("2016-02-29") == date(2016, 2, 29)
    assert parse_date(" 2016-03-01 ") == date(2016, 3, 1)
    assert parse_date("2015-02-29") is None and parse_date("20160301") is None


# -- the plan --------------------------------------------------------------------------


def test_overdue_and_undated_flags_with_a_fixed_today():
    assert status(commitment(start="2016-01-01", end="2016-05-31"), TODAY) == OVERDUE
    assert status(commitment(end="2016-05-31"), TODAY) == OVERDUE
    assert status(commitment(start="2016-01-01", end="2016-06-01"), TODAY) == PLANNED
    assert status(commitment(start="2015-01-01"), TODAY) == PLANNED  # no end: not due
    assert status(commitment(), TODAY) == UNDATED
    assert status(commitment(start="2016-01-01", end="2016-05-31"), date(2016, 5, 31)) == PLANNED


def test_commitments_are_grouped_by_actor_without_case_accents_or_spacing():
    plan = build_plan([
        commitment("Élus  du conseil", "b", "2016-04-01", index=1),
        commitment("Mairie", "undated", index=2),
        commitment("elus du Conseil", "a", "2016-02-01", "2016-03-01", index=3),
        commitment("Mairie", "late", "", "2016-01-01", index=4),
        commitment("Association", "other round", "2016-01-01", round_=3, index=5),
    ], 2, TODAY)
    assert [a.name for a in plan.actors] == ["Élus  du conseil", "Mairie"]
    assert [[e.commitment.what for e in a.entries] for a in plan.actors] == [
        ["a", "b"], ["late", "undated"]]
    assert (plan.commitments, plan.overdue, plan.undated) == (4, 2, 1)
    assert [(b.actor, b.label, b.status) for b in plan.timeline()] == [
        ("Élus  du conseil", "a", OVERDUE), ("Élus  du conseil", "b", PLANNED),
        ("Mairie", "late", OVERDUE)]
    assert [e.commitment.what for _, e in plan.chronology()] == ["late", "a", "b", "undated"]


# -- the page --------------------------------------------------------------------------

HOSTILE = "[[Catégorie:Piège]] {{Modèle}} | x }} <script>alert(1)</script> ~~~~ __NOTOC__"


def sample_plan(today: date = TODAY):
    return build_plan([
        commitment("Jardins", "Ouvrir un jardin", "2016-03-01", "2016-09-30", "g1-1a2b3c4d"),
        commitment("Mairie", "Réunion publique", "", "2016-02-01", "g9-00000000", index=2),
        commitment("Mairie", "Plus tard", index=3),
    ], 2, today)


def render(plan, **kwargs):
    kwargs.setdefault("ideas", {"g1-1a2b3c4d": "Le jardin rapproche"})
    return render_programme.page(plan, GLOBAL, "fr", **kwargs)


def test_the_page_has_a_summary_the_timeline_and_a_table_per_actor():
    body = render(sample_plan(), chart="CO-ACTE Tour 2 - programme.png")
    assert ("'''3''' {{PLURAL:3|engagement|engagements}} de '''2''' "
            "{{PLURAL:2|acteur|acteurs}}") in body
    assert "'''1''' en retard" in body and "'''1''' sans date" in body
    assert "[[File:CO-ACTE Tour 2 - programme.png|frame|none|alt=" in body
    assert "== Calendrier ==" in body and "=== Le calendrier en texte ===" in body
    assert "=== Jardins (1) ===" in body and "=== Mairie (2) ===" in body
    assert "! Quoi !! Début !! Fin !! Idée !! État !! Écrit sur" in body
    assert "[[:Synthèse:Globale/Tour 2#idée-g1-1a2b3c4d|Le jardin rapproche (g1-1a2b3c4d)]]" in body
    assert "g9-00000000 (clé inconnue)" in body and "#idée-g9" not in body
    assert 'style="color:#b32424; font-weight:bold;" | en retard' in body
    assert "* … → 2016-02-01 · '''Mairie''' : Réunion publique — '''en retard'''" in body
    assert region.clean(body) == region.clean(render(sample_plan(),
                                                     chart="CO-ACTE Tour 2 - programme.png"))


def test_the_page_does_not_change_with_the_day_while_no_status_does():
    assert render(sample_plan(date(2016, 6, 1))) == render(sample_plan(date(2016, 9, 30)))
    assert render(sample_plan(date(2016, 6, 1))) != render(sample_plan(date(2016, 10, 1)))


def test_without_a_dated_commitment_or_any_commitment():
    plan = build_plan([commitment("Mairie", "Plus tard")], 2, TODAY)
    body = render(plan)
    assert "Aucun engagement de ce tour n'a encore de date" in body and "[[File:" not in body
    assert render_programme.timeline_png(plan) is None
    assert "Pas encore d'engagement pour le tour 2." in render(build_plan([], 2, TODAY))


def test_ideas_are_linked_without_knowing_the_global_page_but_never_with_an_unsafe_key():
    plan = build_plan([commitment(key="g1-1a2b3c4d"), commitment(key="]] [[Catégorie:X", index=2)],
                      2, TODAY)
    body = render(plan, ideas=None)
    assert "[[:Synthèse:Globale/Tour 2#idée-g1-1a2b3c4d|g1-1a2b3c4d]]" in body
    assert "[[Catégorie" not in body and "&#93;&#93; &#91;&#91;Catégorie:X" in body


def test_hostile_text_stays_text():
    plan = build_plan([commitment(HOSTILE, HOSTILE + "\n== Titre ==\n* liste", "2016-01-01",
                                  "2016-02-01", key=HOSTILE)], 2, TODAY)
    _, problems = read(engagement(qui="A", quoi="x", début="<b>" + HOSTILE.replace("|", "!")))
    body = render(plan, chart="f.png", problems=problems)
    code = mwparserfromhell.parse(body)
    assert {str(t.name).split(":")[0] for t in code.filter_templates()} == {"PLURAL"}
    assert {str(link.title) for link in code.filter_wikilinks()} == {
        "File:f.png", ":Débat:X/Tour 2", ":Débat:Mulhouse/Tour 2", ":" + GLOBAL}
    assert [str(h.title).strip() for h in code.filter_headings()] == [
        "Calendrier", "Le calendrier en texte", "Engagements par acteur",
        f"{encode(HOSTILE)} (1)", "Engagements à corriger"]
    for bad in ("<script", "~~~~", "__NOTOC__", "{{Modèle", "[[Catégorie", "x }}"):
        assert bad not in body
    assert encode(HOSTILE + "\n== Titre ==\n* liste") in body
    assert decode(encode(HOSTILE)) == HOSTILE


def test_summary_and_i18n():
    plan = sample_plan()
    assert render_programme.summary(plan, "fr") == (
        "CO-ACTE : programme de coresponsabilité, tour 2 — 3 engagements, 2 acteurs")
    used = {k for k in keys("en") if k.startswith(("coacte-programme-", "coacte-chart-"))}
    assert used and used <= keys("fr") and used <= keys("qqq")
    assert "coacte-where-commitment" in keys("fr")


# -- the chart -------------------------------------------------------------------------


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_the_gantt_png_is_valid_deterministic_and_has_no_date_or_version():
    png = render_programme.timeline_png(sample_plan())
    chunks = png_chunks(png)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert width == 900 and 100 < height < 400
    assert not {b"tIME", b"tEXt", b"iTXt", b"zTXt"} & {kind for kind, _ in chunks}
    assert png == render_programme.timeline_png(sample_plan())
    assert png == render_programme.timeline_png(sample_plan(date(2016, 7, 1)))  # no "today" drawn
    other = build_plan([commitment("Jardins", "Ouvrir un jardin", "2016-03-01", "2016-10-31")],
                       2, TODAY)
    assert render_programme.timeline_png(other) != png


def test_the_gantt_draws_hostile_text_and_many_rows():
    many = [commitment(f"Acteur {i % 7} $\\frac{{", f"{HOSTILE} $x^2$ {i}", "2016-01-01",
                       f"2016-{1 + i % 12:02d}-28", index=i) for i in range(90)]
    png = render_programme.timeline_png(build_plan(many, 2, TODAY), "en")
    width, height = struct.unpack(">II", png_chunks(png)[0][1][:8])
    rows = render_programme.MAX_BARS + 7
    assert width == 900 and height <= (render_programme.TOP + render_programme.BOTTOM + 0.25
                                       + render_programme.ROW * rows) * 100 + 1


def test_month_ticks_follow_the_language_not_the_locale():
    ticks, labels = render_programme._month_ticks(date(2016, 1, 10), date(2016, 3, 5), "fr")
    assert labels == ["janv.\n2016", "févr.\n2016", "mars\n2016", "avr.\n2016"]
    assert ticks[0] == date(2016, 1, 1).toordinal()
    ticks, labels = render_programme._month_ticks(date(2016, 1, 1), date(2030, 1, 1), "en")
    assert len(ticks) <= 9 and labels[0] == "2016"


# -- the chart's file on the wiki ------------------------------------------------------


def test_chart_files_are_named_and_described_in_french():
    c = charts_upload.chart("programme", 2, b"png", "CO-ACTE/Programme/Tour 2")
    assert c.name == "CO-ACTE Tour 2 - programme.png"
    assert charts_upload.file_name(3, "responsibility_heatmap") == (
        "CO-ACTE Tour 3 - responsabilités.png")
    assert "Diagramme de Gantt" in c.description and "* Tour : 2" in c.description
    assert "Généré par le bot CO-ACTE" in c.description
    assert "[[:CO-ACTE/Programme/Tour 2]]" in c.description
    assert c.description.rstrip().endswith("[[Catégorie:Graphiques CO-ACTE]]")
    assert c.sha1 == hashlib.sha1(b"png").hexdigest()


API = "http://wiki.test/w/api.php"


def _wiki() -> Wiki:
    config = Config(wiki_url="http://wiki.test/w")
    return Wiki.resume(config, requests.cookies.RequestsCookieJar(), {
        "name": "Bot", "groups": ["bot"], "rights": ["bot", "upload"],
        "site": {"generator": "MediaWiki 1.39.17", "lang": "fr"},
        "namespaces": {"6": "Fichier"}})


@responses.activate
def test_only_charts_whose_bytes_changed_are_uploaded_after_one_batched_read():
    same, changed, new = (charts_upload.Chart(f"CO-ACTE Tour 2 - {n}.png", n.encode(), "d", "c")
                          for n in ("same", "changed", "new"))
    seen = []

    def answer(request):
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        params = {k: v[0] for k, v in parse_qs(body or request.url.split("?", 1)[1]).items()}
        seen.append(params)
        assert params["action"] == "query" and params["prop"] == "imageinfo"
        titles = params["titles"].split("|")
        assert titles == [f"File:{c.name}" for c in (same, changed, new)]
        return 200, {}, json.dumps({"query": {
            "normalized": [{"from": t, "to": "Fichier:" + t[5:]} for t in titles],
            "pages": [
                {"title": "Fichier:" + same.name, "imageinfo": [{"sha1": same.sha1}]},
                {"title": "Fichier:" + changed.name, "imageinfo": [{"sha1": "0" * 40}]},
                {"title": "Fichier:" + new.name, "missing": True},
            ]}})

    responses.add_callback(responses.POST, API, callback=answer)
    wiki = _wiki()
    outcomes = charts_upload.upload_charts(wiki, [same, changed, new], dry_run=True)
    assert [(o.name, o.status) for o in outcomes] == [
        (same.name, "unchanged"), (changed.name, "updated"), (new.name, "created")]
    assert len(seen) == 1  # one read for every chart, and nothing uploaded in a dry run


@responses.activate
def test_the_current_version_is_read_and_older_versions_are_not_followed():
    calls = []

    def answer(request):
        calls.append(request.body)
        return 200, {}, json.dumps({
            "continue": {"iistart": "2016-01-01T00:00:00Z", "continue": "||"},
            "query": {"pages": [{"title": "File:A.png", "imageinfo": [{"sha1": "new" * 8}]}]}
            if len(calls) == 1 else
            {"pages": [{"title": "File:A.png", "imageinfo": [{"sha1": "old" * 8}]}]}})

    responses.add_callback(responses.POST, API, callback=answer)
    assert charts_upload.current_sha1(_wiki(), ["A.png"]) == {"A.png": "new" * 8}
    assert len(calls) == 1


def test_the_page_says_since_when_its_statuses_hold():
    plan = build_plan([commitment("Mairie", "Plus tard", "2016-03-01", "2016-05-01")], 2,
                      date(2016, 4, 1))
    assert plan.statuses_since is None
    assert "Aucune date de fin n'est encore dépassée" in render(plan)
    later = build_plan([commitment("Mairie", "Plus tard", "2016-03-01", "2016-05-01")], 2,
                       date(2016, 6, 1))
    assert later.statuses_since == date(2016, 5, 2)
    assert "valent depuis le '''2016-05-02'''" in render(later)
    # The same statuses on another day: the same page (no daily edit).
    assert render(later) == render(build_plan(
        [commitment("Mairie", "Plus tard", "2016-03-01", "2016-05-01")], 2, date(2016, 7, 1)))
