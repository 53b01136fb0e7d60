"""The dossier: figures, views, proposals by level, quotes, convergence, charts, HTML,
open data. Pure: syntheses are built here, no wiki."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from coacte import dossier as dossiers
from coacte.dossier import charts, data, html, opendata
from coacte.dossier.data import for_round
from coacte.i18n import keys, message
from coacte.model import (
    Contribution,
    Debate,
    Grid,
    GridEntry,
    Inputs,
    PageRevision,
    PostIt,
    Reaction,
)
from coacte.synthesis import delphi
from coacte.synthesis.cross_territory import global_synthesis, surface_cluster
from coacte.synthesis.global_round import compute
from coacte.synthesis.rounds import DelphiView
from coacte.synthesis.territory import synthesize
from coacte.wikitext import region
from coacte.wikitext.synthesis_page import PublishedIdea
from coacte.wikitext.values import encode

GRID = Grid({
    "A": GridEntry("A", "Accès aux moyens de vie"),
    "A03": GridEntry("A03", "Logement", "A"),
    "C": GridEntry("C", "Organisations"),
    "C01": GridEntry("C01", "Institutions", "C"),
    "P": GridEntry("P", "Possibilité", kind="sens"),
    "P15": GridEntry("P15", "Obstacle financier", "P", kind="sens"),
    "Q": GridEntry("Q", "Qualité", kind="sens"),
})
HOSTILE = "<script>alert('x')</script> & $x^2$ =SUM(A1)"

FUNDING = "Les financements sont annuels"


def debate(territory, rows, round_=1, participants=None, excluded=0):
    """rows: (question, kind, code, text, levels, group)."""
    page = f"Débat:{territory}/Tour {round_}"
    postits = [PostIt(page, 100 + n, n, q, text, group, kind, code, levels)
               for n, (q, kind, code, text, levels, group) in enumerate(rows, 1)]
    return Debate(page, 100, territory, round_, country="FR", language="fr",
                  participants=participants, postits=postits, excluded=excluded)


def debates():
    return [
        debate("Mulhouse", [
            (3, "blocage", "C01/P15", FUNDING, ("national",), "Élus"),
            (3, "blocage", "C01/P15", FUNDING + " !", ("local", "national"), "Jeunes"),
            (1, "", "A03", "Le logement est trop cher", (), "Jeunes"),
            (3, "levier", "A03/Q", "Un budget participatif", ("local",), "Élus"),
        ], participants=20, excluded=2),
        debate("Bristol", [
            (3, "blocage", "C01/P15", "les financements sont annuel", ("européen", "national"),
             "Councillors"),
            (1, "", "A03", "Le logement est trop cher.", (), "Residents"),
            (2, "", "", HOSTILE, (), "Residents"),
        ], participants=12),
        debate("Odemira", [
            (3, "levier", "A03/Q", "Un budget participatif", ("local",), "Jovens"),
            (3, "blocage", "C01", "Personne ne répare le toit", ("local",), ""),
        ]),
    ]


def synthesis(rows=None):
    return global_synthesis(synthesize(rows or debates(), GRID), GRID, 1, cluster=surface_cluster)


@pytest.fixture(scope="module")
def dossier():
    g = synthesis()
    g.ideas[0].contributions.append(
        Contribution("Réseau habitat/Apports", 5, 1, "Réseau <b>habitat</b>", g.ideas[0].key,
                     "Les coopératives <img src=x onerror=alert(1)> aussi."))
    return data.build(g, GRID, views(g), state="clos", page="Synthèse:Globale/Tour 1",
                      url="http://wiki.test/index.php?title=Synth%C3%A8se:Globale/Tour_1")


def views(g):
    """Rounds 2 and 3 reacting to round 1's blockers and levers."""
    ideas = [PublishedIdea(i.key, 3, i.kind, i.statement) for i in g.ideas if i.kind]
    funding = next(i.key for i in ideas if i.statement.startswith("Les financements"))
    budget = next(i.key for i in ideas if i.kind == "levier")
    answers = {
        2: [("Mulhouse", funding, "oui", 5, "Élus"), ("Bristol", funding, "nuancé", 2, ""),
            ("Odemira", funding, "non", 3, "Jovens"), ("Mulhouse", budget, "oui", 4, "Élus")],
        3: [("Mulhouse", funding, "oui", 5, "Élus"), ("Bristol", funding, "oui", 4, ""),
            ("Odemira", funding, "nuancé", 5, "Jovens"), ("Mulhouse", budget, "oui", 4, "Élus")],
    }
    found, previous = {}, None
    for r, rows in answers.items():
        reactions = [Reaction(f"Débat:{t}/Tour {r}", 1, n, t, r, k, a, p, "", grp)
                     for n, (t, k, a, p, grp) in enumerate(rows, 1)]
        stats, problems = delphi.round_stats(reactions, [i.key for i in ideas], previous)
        assert problems == []
        found[r] = DelphiView(r - 1, f"Synthèse:Globale/Tour {r - 1}", ideas, stats)
        previous = stats
    return found


# --- figures and views -------------------------------------------------------------


def test_key_figures(dossier):
    f = dossier.figures
    assert (f.territories, f.debates, f.postits, f.excluded) == (3, 3, 9, 2)
    # groups per territory: Mulhouse Élus, Jeunes; Bristol Councillors, Residents; Odemira Jovens
    assert f.groups == 5
    assert f.participants == 32
    assert f.ideas == len(dossier.ideas) == 5
    assert f.shared == 3  # funding, housing, budget
    assert (f.blockers, f.levers) == (2, 1)
    assert sum(i.postits for i in dossier.ideas) == f.postits
    assert [t.name for t in dossier.territories] == ["Bristol", "Mulhouse", "Odemira"]
    mulhouse = dossier.territories[1]
    assert (mulhouse.participants, mulhouse.postits, mulhouse.excluded) == (20, 4, 2)
    assert mulhouse.groups == ("Élus", "Jeunes")


def test_participants_unknown_when_no_page_declares_them():
    g = synthesis([debate("Braga", [(1, "", "", "Une idée", (), "")])])
    assert data.figures(g).participants is None


def test_ideas_by_dimension_follow_the_grid_and_unclassified_comes_last(dossier):
    assert [(g.code, g.label) for g in dossier.dimensions] == [
        ("A", "Accès aux moyens de vie"), ("C", "Organisations"), ("", "")]
    a, c, unclassified = dossier.dimensions
    # sections: question 1, question 2, blockers, levers
    assert a.by_section == (1, 0, 0, 1)  # housing, budget (coded A03/Q: its first code)
    assert c.by_section == (0, 0, 2, 0)
    assert unclassified.by_section == (0, 1, 0, 0)
    assert sum(len(g.keys) for g in dossier.dimensions) == len(dossier.ideas)
    funding = dossier.idea(c.keys[0])
    assert funding.statement.startswith(FUNDING)
    assert (funding.code, funding.code_label, funding.dimension_label) == (
        "C01/P15", "Institutions", "Organisations")


def test_ideas_by_meaning_code(dossier):
    assert [(g.code, g.label, len(g.keys)) for g in dossier.meanings] == [
        ("P", "Possibilité", 1), ("Q", "Qualité", 1)]


def test_responsibility_matrix_counts_post_its_per_level(dossier):
    rows = {i.statement.lower(): i.level_counts for i in dossier.matrix}
    funding = rows[FUNDING.lower()]
    assert funding == {"local": 1, "régional": 0, "national": 3, "européen": 1, "mondial": 0}
    assert [i.kind for i in dossier.matrix] == ["blocage", "blocage", "levier"]


def test_proposals_by_level_most_territories_first(dossier):
    by_level = {p.level: p.proposals for p in dossier.proposals}
    assert list(by_level) == ["local", "régional", "national", "européen", "mondial"]
    local = [(p.statement, p.kind, p.territories, p.postits) for p in by_level["local"]]
    assert local == [
        ("Un budget participatif", "levier", ("Mulhouse", "Odemira"), 2),
        # one territory each: most post-its, then blockers before levers, then by statement
        (FUNDING, "blocage", ("Mulhouse",), 1),
        ("Personne ne répare le toit", "blocage", ("Odemira",), 1),
    ]
    national = [(p.statement, p.territories, p.postits) for p in by_level["national"]]
    assert national == [(FUNDING, ("Bristol", "Mulhouse"), 3)]
    assert [p.territories for p in by_level["européen"]] == [("Bristol",)]
    assert by_level["régional"] == () and by_level["mondial"] == ()


def test_quotes_are_anonymous_deterministic_and_varied(dossier):
    funding = next(i for i in dossier.ideas if i.statement.startswith(FUNDING))
    quotes = funding.quotes
    assert 1 <= len(quotes) <= data.QUOTES_PER_IDEA
    assert quotes[0].text == funding.statement  # the statement's own post-it first
    # one territory after the other, never the same words twice
    assert {q.territory for q in quotes} == {"Mulhouse", "Bristol"}
    assert len({re.sub(r"\W", "", q.text.lower()) for q in quotes}) == len(quotes)
    assert set(vars(quotes[0])) == {"key", "text", "territory", "group", "page", "revid",
                                    "index"}
    again = data.build(synthesis(), GRID)
    assert [i.quotes for i in again.ideas] == [i.quotes for i in dossier.ideas]


def test_quotes_stop_at_the_limit():
    rows = [(1, "", "", f"Idée numéro {w}", (), "G") for w in ("un", "deux", "trois", "quatre")]
    g = global_synthesis(synthesize([debate("X", rows)], GRID), GRID, 1,
                         cluster=lambda texts, buckets, codes=None, langs=None: [0] * len(texts))
    [idea] = g.ideas
    quotes = data.quotes(idea)
    assert len(quotes) == 3 and quotes[0].text == idea.statement
    assert len({q.text for q in quotes}) == 3
    assert data.quotes(idea, limit=1) == quotes[:1]


def test_convergence_across_rounds(dossier):
    assert [r.round for r in dossier.rounds] == [2, 3]
    two, three = dossier.rounds
    assert (two.ideas, two.answered, three.answered) == (3, 2, 2)
    assert (two.reactions, two.territories) == (4, 3)
    assert two.mean_agreement == pytest.approx((0.5 + 1) / 2)
    assert dossier.current is None  # a round-1 dossier: its round did not react
    assert two.consensus == 1 and three.consensus == 2  # the budget, then both
    funding = next(c for c in dossier.convergence if c.statement.startswith(FUNDING))
    assert [s.round for s in funding.stats] == [2, 3]
    assert funding.stats[0].agreement == pytest.approx(0.5)
    assert funding.stats[1].agreement == pytest.approx(5 / 6)
    assert (funding.stats[0].consensus, funding.stats[1].consensus) == (False, True)
    assert funding.stats[1].priority_iqr == 0.5
    assert dict(funding.stats[0].votes) == {"oui": 1, "non": 1, "nuancé": 1}


# --- the pure core of `coacte global` --------------------------------------------------


def published(round_, g):
    ideas = "".join(f"{{{{CO-ACTE idée|clé={i.key}|question={i.question}|nature={i.kind}"
                    f"|énoncé={encode(i.statement)}}}}}" for i in g.ideas)
    return PageRevision(f"Synthèse:Globale/Tour {round_}", 7, "t", region.wrap(
        f"{{{{CO-ACTE synthèse|territoire=Globale|tour={round_}|état=figé}}}}" + ideas))


def test_compute_builds_the_round_and_its_delphi_view_without_a_wiki():
    first = debates()
    inputs = Inputs([], GRID, first)
    one = compute(inputs, 1, {}, cluster=surface_cluster)
    assert one.has_debates and one.views == {} and one.state == ""
    assert [i.key for i in one.synthesis.ideas] == [i.key for i in synthesis().ideas]
    funding = next(i for i in one.synthesis.ideas if i.statement.startswith(FUNDING))
    second = Debate("Débat:Mulhouse/Tour 2", 9, "Mulhouse", 2, reactions=[
        Reaction("Débat:Mulhouse/Tour 2", 9, 1, "Mulhouse", 2, funding.key, "oui", 4, "", "Élus"),
        Reaction("Débat:Mulhouse/Tour 2", 9, 2, "Mulhouse", 2, "g3b-unknown", "oui", 4, "", ""),
    ])
    second.postits = [PostIt(second.page, 9, 3, 3, FUNDING, "Élus", "blocage", "C01/P15")]
    two = compute(Inputs([], GRID, [*first, second]), 2, {1: published(1, one.synthesis)},
                  cluster=surface_cluster)
    assert list(two.views) == [2]
    assert two.views[2].stats[funding.key].agreement == 1.0
    assert [p.params[0] for p in two.problems] == ["g3b-unknown"]
    # a new post-it that says the same as a frozen idea takes its key
    assert [i.key for i in two.synthesis.ideas] == [funding.key]
    assert for_round(two).rounds[0].answered == 1
    assert not compute(inputs, 5, {}, cluster=surface_cluster).has_debates


# --- charts ------------------------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def chunks(png: bytes) -> list[bytes]:
    found, at = [], 8
    while at < len(png):
        length = struct.unpack(">I", png[at:at + 4])[0]
        found.append(png[at + 4:at + 8])
        at += 12 + length
    return found


@pytest.mark.parametrize("draw", [charts.ideas_per_dimension, charts.responsibility_heatmap,
                                  charts.convergence])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_charts_are_valid_deterministic_pngs(dossier, draw, lang):
    first = draw(dossier, lang)
    assert first == draw(dossier, lang)
    width, height = png_size(first)
    assert width == charts.WIDTH * charts.DPI and height > 100
    assert chunks(first)[-1] == b"IEND"
    assert b"tEXt" not in chunks(first) and b"tIME" not in chunks(first)
    assert b"matplotlib" not in first.lower()


def test_charts_change_with_the_data(dossier):
    other = data.build(synthesis(debates()[:2]), GRID)
    assert charts.ideas_per_dimension(other, "fr") != charts.ideas_per_dimension(dossier, "fr")
    assert charts.ideas_per_dimension(dossier, "fr") != charts.ideas_per_dimension(dossier, "en")


def test_charts_of_an_empty_round_and_without_delphi():
    empty = data.build(synthesis([debate("Braga", [])]), GRID)
    assert png_size(charts.ideas_per_dimension(empty, "fr"))[0] == 1200
    assert png_size(charts.responsibility_heatmap(empty, "en"))[0] == 1200
    assert charts.convergence(empty, "fr") is None


# --- HTML ----------------------------------------------------------------------------


def hostile_dossier():
    rows = [debate("<b>Ville</b>", [
        (1, "", "A03", HOSTILE, (), "<i>groupe</i>"),
        (3, "blocage", "C01", "</td><script>x()</script>", ("local",), "G"),
    ])]
    grid = Grid({**GRID.entries, "A": GridEntry("A", "<svg onload=alert(1)>")})
    g = global_synthesis(synthesize(rows, grid), grid, 1, cluster=surface_cluster)
    return data.build(g, grid, url="javascript:alert(1)", page="<page>")


def test_html_escapes_every_text_from_the_wiki(dossier):
    page = html.render(hostile_dossier(), "fr", with_charts=False)
    assert "<script" not in page and "<svg" not in page and "<b>Ville" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; $x^2$ =SUM(A1)" in page
    assert "&lt;b&gt;Ville&lt;/b&gt;" in page and "&lt;i&gt;groupe&lt;/i&gt;" in page
    assert "&lt;svg onload=alert(1)&gt;" in page
    assert "javascript:" not in page  # only http(s) sources become links
    networks = html.render(dossier, "en", with_charts=False)
    assert "<img src=x" not in networks and "&lt;img src=x onerror=alert(1)&gt;" in networks
    assert "Réseau &lt;b&gt;habitat&lt;/b&gt;" in networks


def test_html_is_self_contained_with_charts_and_translated(dossier):
    fr = html.render(dossier, "fr")
    en = html.render(dossier, "en")
    assert fr.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(src|href)="(?!data:|#|http://wiki\.test)', fr)
    assert '<html lang="fr">' in fr and '<html lang="en">' in en
    assert message("coacte-dossier-title", 1, lang="fr") in fr
    assert "Global synthesis of the citizens' debates — round 1" in en.replace("&#39;", "'")
    assert "Qui peut agir" in fr and "What each level is asked to do" in en
    for text in ("coacte-dossier-", "$1", "{{", "}}"):
        assert text not in fr and text not in en
    assert "Possibilité" in fr  # grid labels are the wiki's
    assert "Mulhouse, Élus" in fr or "Mulhouse, Jeunes" in fr  # a quote's attribution



def test_an_ideas_details_are_separated_never_glued(dossier):
    """"(Logement)· Acteurs cités" was glued: a block tag ate the space."""
    ideas = tuple(dataclasses.replace(i, actors=("Mairie", "État")) for i in dossier.ideas)
    fr = html.render(dataclasses.replace(dossier, ideas=ideas), "fr", with_charts=False)
    meta = re.findall(r'<p class="meta">(.*?)</p>', fr, re.S)
    assert any("Acteurs cités" in m and "Code" in m for m in meta)
    assert not any(re.search(r"\S·", m) for m in meta)


def test_every_message_of_the_template_exists():
    template = (Path(html.__file__).parent / "templates" / "dossier.html").read_text("utf-8")
    used = set(re.findall(r"'(coacte-dossier-[a-z0-9-]*[a-z0-9])'", template))
    used |= {f"coacte-dossier-state-{s}" for s in html.STATES.values()}
    used |= {f"coacte-dossier-level-{k}" for k in charts.LEVEL_KEYS.values()}
    used |= {f"coacte-dossier-kind-{k}" for k in ("blocage", "levier")}
    used |= {f"coacte-dossier-section-{s}" for s in ("1", "2", "blocage", "levier")}
    assert len(used) > 40
    assert used <= keys("en") and used <= keys("fr") and used <= keys("qqq")


def test_pdf_holds_the_dossier(dossier, tmp_path):
    assert shutil.which("pdftotext"), "needs pdftotext: scripts/test.sh installs poppler-utils"
    pdf = dossiers.render(dossier, "pdf", "en")
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "d.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "d.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Key figures" in text and "Le logement est trop cher" in text
    assert "<script>alert('x')</script>" in " ".join(text.split())


# --- open data -------------------------------------------------------------------------


def test_every_table_row_has_exactly_its_columns(dossier):
    found = opendata.tables(dossier)
    assert tuple(found) == opendata.TABLES
    for name, rows in found.items():
        assert all(tuple(row) == opendata.columns(name) for row in rows), name
        assert rows or name in ("contributions", "figures", "programme")
    assert len(found["contributions"]) == 1
    method = {row["figure"]: row["value"] for row in found["method"]}
    assert method["read"] == 11 and method["languages"] == ["fr"]


def test_json_holds_every_table(dossier):
    document = json.loads(opendata.to_json(dossier))
    assert (document["format"], document["version"], document["round"]) == (
        "coacte-dossier", 1, 1)
    assert document["state"] == "clos" and document["page"] == "Synthèse:Globale/Tour 1"
    assert set(document) == {"format", "version", "round", "ideas_round", "state", "page",
                             "url", *opendata.TABLES}
    assert document["ideas_round"] == 1 and document["method"]["merged_by_tool"] == 3
    assert document["figures"]["postits"] == 9 and document["figures"]["participants"] == 32
    funding = next(i for i in document["ideas"] if i["statement"].startswith(FUNDING))
    assert funding["territories"] == ["Bristol", "Mulhouse"] and funding["meaning"] == "P"
    assert {i["statement"] for i in document["ideas"]} >= {HOSTILE}
    assert [r["round"] for r in document["rounds"]] == [2, 3]
    assert {r["key"] for r in document["convergence"]} == {
        i["key"] for i in document["ideas"] if i["kind"]}
    matrix = next(m for m in document["matrix"] if m["key"] == funding["key"])
    assert (matrix["national"], matrix["européen"], matrix["total"]) == (3, 1, 5)
    national = [p for p in document["proposals"] if p["level"] == "national"]
    assert national == [{"level": "national", "rank": 1, "key": funding["key"],
                         "kind": "blocage", "statement": FUNDING, "territories_count": 2,
                         "territories": ["Bristol", "Mulhouse"], "postits": 3}]


@pytest.mark.parametrize("table", opendata.TABLES)
def test_csv_reads_back(dossier, table):
    text = opendata.to_csv(dossier, table)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == opendata.columns(table)
    assert len(rows) - 1 == len(opendata.tables(dossier)[table])


def test_csv_of_ideas_keeps_hostile_text_and_joins_lists(dossier):
    rows = list(csv.DictReader(io.StringIO(opendata.to_csv(dossier))))
    assert any(r["statement"] == HOSTILE for r in rows)  # "<script>…": no formula start
    funding = next(r for r in rows if r["statement"].startswith(FUNDING))
    assert funding["territories"] == "Bristol; Mulhouse" and funding["kind"] == "blocage"
    housing = next(r for r in rows if r["statement"].startswith("Le logement"))
    assert housing["kind"] == "" and housing["actors"] == ""
    with pytest.raises(ValueError, match="unknown table"):
        opendata.to_csv(dossier, "nope")


def test_xlsx_has_one_sheet_per_table_and_texts_stay_texts(dossier):
    workbook = load_workbook(io.BytesIO(opendata.to_xlsx(dossier)))
    assert tuple(workbook.sheetnames) == opendata.TABLES
    ideas = workbook["ideas"]
    header = [c.value for c in ideas[1]]
    assert tuple(header) == opendata.columns("ideas")
    cells = [row[header.index("statement")] for row in ideas.iter_rows(min_row=2)]
    hostile = next(c for c in cells if c.value == HOSTILE)
    assert hostile.data_type == "s"
    figures = {r[0].value: r[1].value for r in workbook["figures"].iter_rows(min_row=2)}
    assert figures["territories"] == 3 and figures["participants"] == 32
    convergence = workbook["convergence"]
    consensus = [r[opendata.columns("convergence").index("consensus")].value
                 for r in convergence.iter_rows(min_row=2)]
    assert set(consensus) == {True, False}


def test_formula_like_post_it_is_neutralised_in_csv():
    texts = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "ordinaire"]
    g = synthesis([debate("X", [(1, "", "", t, (), "G") for t in texts])])
    rows = list(csv.DictReader(io.StringIO(opendata.to_csv(data.build(g, GRID), "quotes"))))
    written = {r["text"] for r in rows}
    assert written == {"'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx",
                       "ordinaire"}
    assert {q["text"] for q in json.loads(opendata.to_json(data.build(g, GRID)))["quotes"]} \
        == set(texts)  # the JSON keeps them as typed


def test_formula_like_post_it_is_stored_as_text_in_xlsx():
    g = synthesis([debate("X", [(1, "", "", "=1+1", (), "G"), (1, "", "", "@cmd\x07", (), "")])])
    workbook = load_workbook(io.BytesIO(opendata.to_xlsx(data.build(g, GRID))))
    values = {c.value: c.data_type for c in workbook["quotes"]["C"][1:]}
    assert values == {"=1+1": "s", "@cmd": "s"}


def test_render_dispatches_on_the_format(dossier):
    assert dossiers.render(dossier, "json").startswith(b"{")
    assert dossiers.render(dossier, "csv", table="quotes").startswith(b"key,rank,text")
    assert dossiers.render(dossier, "html", "en").startswith(b"<!DOCTYPE html>")
    assert dossiers.render(dossier, "xlsx")[:2] == b"PK"
    assert dossiers.default_name(3, "pdf") == "coacte-round-3.pdf"
    with pytest.raises(ValueError, match="unknown format"):
        dossiers.render(dossier, "docx")


def test_per_kind_agreement_counts_kinds_across_languages_with_their_names():
    """Élus (fr) and Councillors (en) react as one kind; the dossier names it in the
    reader's language from the groups page, an unknown group by its spelling."""
    from tests.unit.test_group_kinds import VOCABULARY

    first = debates()
    one = compute(Inputs([], GRID, first), 1, {}, cluster=surface_cluster)
    funding = next(i for i in one.synthesis.ideas if i.statement.startswith(FUNDING))
    page = "Débat:Mulhouse/Tour 2"
    second = Debate(page, 9, "Mulhouse", 2, reactions=[
        Reaction(page, 9, 1, "Mulhouse", 2, funding.key, "oui", 4, "", "Councillors"),
        Reaction(page, 9, 2, "Mulhouse", 2, funding.key, "non", 4, "", "Jeunes"),
        Reaction(page, 9, 3, "Mulhouse", 2, funding.key, "non", 4, "", "Retraités"),
    ])
    bristol = Debate("Débat:Bristol/Tour 2", 9, "Bristol", 2, reactions=[
        Reaction("Débat:Bristol/Tour 2", 9, 1, "Bristol", 2, funding.key, "nuancé", 4, "",
                 "Élus")])
    inputs = Inputs([], GRID, [*first, second, bristol], group_kinds=VOCABULARY)
    two = compute(inputs, 2, {1: published(1, one.synthesis)}, cluster=surface_cluster)
    stats = two.views[2].stats[funding.key]
    assert stats.agreement_by_group == {"elus": 0.75, "jeunes": 0.0, "retraites": 0.0}
    assert [p.params[0] for p in two.problems] == ["Retraités"]  # not on the page: told
    by_group = for_round(two).round_stats[0].by_group
    assert [(g.kind, g.name("fr"), g.name("en"), g.agreement) for g in by_group] == [
        ("elus", "Élus", "Councillors", 0.75), ("jeunes", "Jeunes", "Young people", 0.0),
        ("retraites", "Retraités", "Retraités", 0.0)]
    page_en = html.render(for_round(two), "en", with_charts=False)
    assert "Agreement per kind of group, round 2:" in page_en
    assert "Councillors&nbsp;75\u00a0% · Young people&nbsp;0\u00a0%" in page_en



@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_chart_text_is_cut(dossier, lang):
    """Every title, label and note of every chart lies inside its image: measured on
    the drawn text extents, with a long statement and a long note (25+ ideas)."""
    long = "Les financements publics des associations de quartier sont votés chaque année " * 2
    ideas = tuple(dataclasses.replace(i, key=f"{i.key}-{n}", statement=long)
                  for n in range(15) for i in dossier.ideas)
    many = dataclasses.replace(dossier, ideas=ideas)
    assert len(many.matrix) > charts.HEATMAP_ROWS  # the note says only the top rows show
    for d in (dossier, many):
        for name, figure in charts.figures(d, lang).items():
            figure.canvas.draw()
            # Everything drawn (titles, tick labels, notes, legends), in inches.
            drawn = figure.get_tightbbox(figure.canvas.get_renderer())
            width, height = figure.get_size_inches()
            assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, (name, lang, drawn)
            assert drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01, (name, lang, drawn)


def test_an_idea_reads_in_the_readers_language_with_its_other_languages_beneath():
    from tests.unit.test_cross_territory import debate as make_debate

    mulhouse = make_debate("Mulhouse", [(2, "", "A03", "Les loyers sont trop chers", ())])
    bristol = make_debate("Bristol", [(2, "", "A03", "Rents are far too high", ()),
                                      (2, "", "A03", "rents are far too high!", ())])
    mulhouse.language, bristol.language = "fr", "EN"
    g = global_synthesis(synthesize([mulhouse, bristol], GRID), GRID, 1,
                         cluster=lambda texts, buckets, codes=None, langs=None: [0] * len(texts))
    (idea,) = g.ideas
    assert idea.statement == "Rents are far too high"  # the most frequent member
    d = data.build(g, GRID, {}, state="clos", page="Synthèse:Globale/Tour 1", url="")
    assert d.ideas[0].statements == (("en", "Rents are far too high"),
                                     ("fr", "Les loyers sont trop chers"))
    fr = html.render(d, "fr", with_charts=False)
    assert "<h4>Les loyers sont trop chers</h4>" in fr
    assert "Dit aussi\xa0: « Rents are far too high » (en)" in fr
    en = html.render(d, "en", with_charts=False)
    assert "<h4>Rents are far too high</h4>" in en
    assert "Also said: « Les loyers sont trop chers » (fr)" in en
    # A language nobody wrote in: the idea's own statement, every language beneath.
    pt = d.ideas[0]
    assert pt.statement_in("pt") == "Rents are far too high"
    assert pt.also_said("pt") == [("fr", "Les loyers sont trop chers")]


def test_sections_with_nothing_in_them_are_left_out():
    g = synthesis()
    bare = data.build(g, GRID, {}, state="clos", page="Synthèse:Globale/Tour 1", url="")
    page = html.render(bare, "fr", with_charts=False)
    for empty in ("delphi", "networks"):  # no Delphi round, no contribution
        assert f'id="{empty}"' not in page and f'href="#{empty}"' not in page
    for kept in ("figures", "territories", "ideas", "matrix", "levels", "method"):
        assert f'id="{kept}"' in page and f'href="#{kept}"' in page
    assert message("coacte-dossier-section-empty", lang="fr") not in page
    assert message("coacte-dossier-level-nothing", lang="fr") not in page
    # Only levels someone is asked something of get a heading, each its own name.
    headings = re.findall(r'<div class="level">\s*<h3>(.*?)</h3>', page)
    named = {p.level for p in bare.proposals if p.proposals}
    assert len(headings) == len(named) and headings
    assert set(headings) <= {charts.level_label(level, "fr") for level in named}


def test_a_round_without_ideas_draws_no_empty_chart():
    from coacte.model import GlobalSynthesis

    g = GlobalSynthesis(2, [], [], {})
    d = data.build(g, GRID, {}, state="clos", page="Synthèse:Globale/Tour 2", url="")
    assert charts.figures(d, "fr") == {} and charts.draw(d, "fr") == {}
    assert set(charts.figures(data.build(synthesis(), GRID, {}, state="clos", page="",
                                         url=""), "fr")) == {"ideas_per_dimension",
                                                             "responsibility_heatmap"}


def test_the_dossier_reads_in_portuguese(dossier):
    pt = html.render(dossier, "pt", with_charts=False)
    assert '<html lang="pt">' in pt
    assert message("coacte-dossier-title", 1, lang="pt") in pt
    assert message("coacte-dossier-title", 1, lang="pt") != message("coacte-dossier-title", 1,
                                                                     lang="en")
    for text in ("coacte-dossier-", "$1", "{{", "}}"):
        assert text not in pt
    assert "O que conseguimos" in pt  # the method's questions in Portuguese


# --- what a decision maker reads: the first page, stability, programme, method card --


def test_first_page_asks_each_level_and_shows_agreement_and_division(dossier):
    asks = dossier.asks()
    assert [a.level for a in asks] == [p.level for p in dossier.proposals if p.proposals]
    assert all(0 < len(a.proposals) <= data.FIRST_PAGE for a in asks)
    # Round 3 (the latest): the funding blocker at 5/6 and the budget at 1, both agreed.
    assert [s.round for s in dossier.latest] == [3] * len(dossier.latest)
    agreed = dossier.agreed()
    assert [s.statement[:20] for s in agreed] == ["Un budget participat", FUNDING[:20]]
    assert dossier.divided() == []  # nothing split in round 3
    split = dataclasses.replace(dossier, rounds=dossier.rounds[:1],
                                convergence=tuple(dataclasses.replace(
                                    c, stats=c.stats[:1]) for c in dossier.convergence))
    assert [s.statement for s in split.divided()] == [FUNDING]  # 50 % in round 2
    page = html.render(split, "en", with_charts=False)
    first = page[page.index('id="essentials"'):page.index('id="contents"')]
    assert message("coacte-dossier-h-divided", 2, lang="en") in first
    assert "yes 1, qualified 1, no 1" in first
    assert message("coacte-dossier-h-asks", lang="en") in first


def test_first_page_without_delphi_shows_the_most_shared_ideas():
    bare = data.build(synthesis(), GRID, {}, state="clos", page="", url="")
    assert [len(i.territories) for i in bare.most_shared()] == [2, 2, 2]
    page = html.render(bare, "fr", with_charts=False)
    first = page[page.index('id="essentials"'):page.index('id="contents"')]
    assert message("coacte-dossier-h-shared", lang="fr") in first
    assert message("coacte-dossier-h-agreed", 2, lang="fr") not in first


def test_stability_between_delphi_rounds(dossier):
    two, three = dossier.rounds
    assert (two.stable, two.compared) == (None, 0)  # nothing before round 2
    # Funding moved from 50 % to 83 % (33 points), the budget stayed at 100 %: 1 of 2.
    assert three.compared == 2 and three.stable == pytest.approx(0.5)
    assert dossier.stability == [three]
    page = html.render(dossier, "en", with_charts=False)
    assert message("coacte-dossier-stability", 3, "50\u00a0%", 2, 2, lang="en") in page


def test_reaction_comments_are_quoted_where_groups_divide():
    g = synthesis()
    ideas = [PublishedIdea(i.key, 3, i.kind, i.statement) for i in g.ideas if i.kind]
    funding = next(i.key for i in ideas if i.statement == FUNDING)
    reactions = [Reaction("Débat:Mulhouse/Tour 2", 1, 1, "Mulhouse", 2, funding, "oui", 4,
                          "", "Élus"),
                 Reaction("Débat:Bristol/Tour 2", 1, 1, "Bristol", 2, funding, "non", 2,
                          "Not <b>our</b> job", "Councillors")]
    stats, _ = delphi.round_stats(reactions, [i.key for i in ideas])
    d = data.build(g, GRID, {2: DelphiView(1, "Synthèse:Globale/Tour 1", ideas, stats)})
    assert [s.key for s in d.divided()] == [funding]
    page = html.render(d, "en", with_charts=False)
    first = page[page.index('id="essentials"'):page.index('id="contents"')]
    assert "<q>Not &lt;b&gt;our&lt;/b&gt; job</q> — Bristol, Councillors" in first


def test_a_delphi_round_without_post_its_shows_the_ideas_it_reacted_to(dossier):
    g = synthesis()
    d = data.build(g, GRID, views(g), round_=3)
    assert (d.round, d.ideas_round) == (3, 1) and d.ideas
    page = html.render(d, "fr", with_charts=False)
    assert message("coacte-dossier-title", 3, lang="fr") in page
    assert 'id="ideas"' in page and 'id="delphi"' in page
    assert message("coacte-dossier-lead-delphi", 3, 1, lang="fr").split(" :")[0] in page


def test_the_programme_names_its_ideas_and_says_its_day():
    from datetime import date

    from coacte.model import Commitment

    g = synthesis()
    budget = next(i.key for i in g.ideas if i.kind == "levier")
    commitments = [
        Commitment("Engagements", 1, 1, "Ville de Mulhouse", "Voter un budget participatif",
                   "2016-01-01", "2016-03-01", budget, 1),
        Commitment("Engagements", 1, 2, "Collectif", "Réparer le toit", "", "", "", 1),
        Commitment("Engagements", 1, 3, "Autre tour", "Hors sujet", "", "", "", 4),
    ]
    d = data.build(g, GRID, {}, commitments=commitments, today=date(2016, 4, 1))
    assert [(r.who, r.status, bool(r.idea)) for r in d.programme] == [
        ("Collectif", "undated", False), ("Ville de Mulhouse", "overdue", True)]
    page = html.render(d, "en", with_charts=False)
    assert 'id="programme"' in page and "2016-04-01" in page
    assert f'<a href="#idea-{budget}">Un budget participatif</a>' in page
    assert data.build(g, GRID, {}, commitments=commitments).programme == ()  # no day


def test_the_method_card_accounts_for_every_post_it(dossier):
    m = dossier.method
    assert m.read == m.valid + m.excluded == 9 + 2
    assert m.territory_ideas == 8 and m.ideas == 5  # Mulhouse's two funding post-its: one
    assert m.merged_by_tool == 3  # funding, housing, budget: several territories each
    assert m.decisions == () and m.languages == ("fr",)
    assert m.reactions == 8 and m.consensus_agreement == 0.75
    page = html.render(dossier, "en", with_charts=False)
    card = page[page.index('id="method"'):]
    read = message("coacte-dossier-method-read-text", 11, 9, 2, 8, 5, lang="en")
    assert str(escape(read)) in card
    assert str(escape(message("coacte-dossier-method-no-decision", lang="en"))) in card


def test_moderators_decisions_are_counted_once_each():
    from coacte.curation import Curation, apply

    g = synthesis()
    funding, roof = (i.key for i in g.ideas if i.kind == "blocage")
    g.ideas, problems = apply(g.ideas, [
        Curation("fusionner", ideas=(funding, roof), page="p", ordinal=1),
        Curation("reformuler", idea=funding, statement="L'argent arrive trop tard", page="p",
                 ordinal=2),
    ], GRID)
    assert problems == []
    m = data.build(g, GRID).method
    assert dict(m.decisions) == {"fusionner": 1, "reformuler": 1}
    card = html.render(data.build(g, GRID), "en", with_charts=False)
    assert "1 merge, 1 rewording." in card


def test_grid_labels_in_the_readers_language():
    grid = Grid({**GRID.entries, "A": GridEntry("A", "Accès aux moyens de vie",
                                               labels={"en": "Access to means of living"})})
    d = data.build(synthesis(), grid)
    assert d.grid_label("A", "en", "Accès aux moyens de vie") == "Access to means of living"
    assert d.grid_label("A", "pt", "Accès aux moyens de vie") == "Accès aux moyens de vie"
    assert "A — Access to means of living" in html.render(d, "en", with_charts=False)
    assert "A — Accès aux moyens de vie" in html.render(d, "fr", with_charts=False)


def test_plural_forms_follow_each_language():
    from coacte.dossier.text import translator

    def t(n, lang):
        return translator(lang)("coacte-dossier-territories-count", n)
    assert (t(1, "en"), t(0, "en"), t(0, "fr"), t(2, "pt")) == (
        "1 territory", "0 territories", "0 territoire", "2 territórios")
    # Wiki pages keep the magic word: MediaWiki resolves it.
    assert "{{PLURAL:" in message("coacte-dossier-territories-count", 2, lang="en")
