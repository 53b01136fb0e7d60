"""Transcriptions (CSV, XLSX, pasted lines) → post-its, each problem at its row and
column, checked by the bots' own validation; broken files say what is wrong."""

import datetime
import io
import os

import pytest
from openpyxl import Workbook

from coacte.importing import (
    TranscriptionError,
    blocking,
    check,
    column_letter,
    parse_paste,
    read_path,
    read_transcription,
)
from coacte.model import Grid, PageRevision
from coacte.validate import read_debate, read_grid
from coacte.wikitext.debate_page import debate_page

HEADER = {"territoire": "Mulhouse", "tour": "1"}
HOSTILE = '<script>alert(1)</script> "><img onerror=x> | }} [[Catégorie:x]]'
GRID = read_grid(PageRevision("CO-ACTE/Grille", 1, "t", """
{{CO-ACTE code|code=C|libellé=Organisations}}
{{CO-ACTE code|code=C01|libellé=Institutions|parent=C}}
"""))[0]


def xlsx(rows, title="Post-its") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def located(problems):
    return [(p.row, p.column, p.field, p.key, p.blocking) for p in problems]


def test_csv_with_semicolons_in_windows_1252_french_headers():
    text = ("Question;Texte;Groupe;Nature;Code;Niveau;Acteurs\r\n"
            "3;Les élus décident seuls;Élus;blocage;C01;national;État, région\r\n"
            "1;Un café associatif « ouvert »;Aînés;;;;\r\n")
    rows = read_transcription("débat.csv", text.encode("cp1252")).rows
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values == {"question": "3", "texte": "Les élus décident seuls",
                              "groupe": "Élus", "nature": "blocage", "code": "C01",
                              "niveau": "national", "acteurs": "État, région"}
    assert rows[1].values["texte"] == "Un café associatif « ouvert »"
    assert check(HEADER, rows, GRID) == []


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found_and_english_headers_and_bom_are_read(delimiter):
    lines = [["text", "GROUP", "kind", "question"],
             ["Funding, voted yearly", "Councillors", "blocker", "3"]]
    body = "\n".join(delimiter.join(
        f'"{c}"' if delimiter in c else c for c in line) for line in lines)
    rows = read_transcription("x.csv", ("\ufeff" + body).encode("utf-8")).rows
    assert rows[0].values == {"texte": "Funding, voted yearly", "groupe": "Councillors",
                              "nature": "blocker", "question": "3"}
    debate, problems = read_debate(PageRevision("p", 1, "", debate_page(
        HEADER, [r.values for r in rows])), Grid())
    assert problems == [] and debate.postits[0].kind == "blocage"


def test_xlsx_first_sheet_numbers_and_dates_become_text():
    data = xlsx([["texte", "question", "groupe", "acteurs"],
                 [HOSTILE, 2, "Jeunes", None],
                 [None, None, None, None],
                 ["Le 12 janvier", 1.0, datetime.datetime(2016, 1, 12), "État"]])
    rows = read_transcription("transcription.xlsx", data).rows
    assert [r.number for r in rows] == [2, 4]  # the empty row keeps its number
    assert rows[0].values == {"texte": HOSTILE, "question": "2", "groupe": "Jeunes",
                              "acteurs": ""}
    assert rows[1].values["question"] == "1"
    assert rows[1].values["groupe"] == "2016-01-12"
    assert check(HEADER, rows) == []
    # hostile text round-trips through the debate page the import writes
    debate, _ = read_debate(PageRevision("p", 1, "", debate_page(
        HEADER, [r.values for r in rows])), Grid())
    assert debate.postits[0].text == HOSTILE


def test_row_problems_are_located_by_row_and_column():
    data = xlsx([["question", "groupe", "texte", "nature", "code", "niveau"],
                 [4, "Élus", "Mauvaise question", None, None, None],
                 [3, "Élus", "Sans nature", None, None, None],
                 [1, "Jeunes", None, None, None, None],
                 [2, "Jeunes", "Code inconnu", None, "Z99", "galactique"],
                 [1, "Jeunes", "Bon", None, None, None]])
    rows = read_transcription("t.xlsx", data).rows
    problems = check(HEADER, rows, GRID)
    assert located(problems) == [
        (2, "A", "question", "coacte-problem-question", True),
        (3, "D", "nature", "coacte-problem-kind-missing", True),
        (4, "C", "texte", "coacte-problem-required", True),
        (5, "E", "code", "coacte-problem-code-unknown", False),
        (5, "F", "niveau", "coacte-problem-level", False),
    ]
    assert blocking(problems)
    assert problems[0].location("fr") == "ligne 2 — colonne A — champ « question »"
    assert problems[0].location("en") == "row 2 — column A — field “question”"
    assert "4" in problems[0].message("fr")


def test_header_problems_are_about_the_debate():
    rows = read_transcription("t.csv", b"texte,question\nx,1\n").rows
    problems = check({"territoire": "A|B", "tour": "0"}, rows)
    assert {(p.row, p.field) for p in problems} == {(None, "territoire"), (None, "tour")}
    assert {p.location("en") for p in problems} == {"field “territoire”", "field “tour”"}


def test_a_default_question_fills_rows_and_allows_no_question_column():
    rows = read_transcription("t.csv", b"texte;question\na;\nb;2\n", "3").rows
    assert [r.values["question"] for r in rows] == ["3", "2"]
    rows = read_transcription("t.csv", b"texte\na\n", "1").rows
    assert rows[0].values == {"texte": "a", "question": "1"}


def test_values_outside_the_header_are_reported_not_silently_dropped():
    rows = read_transcription("t.csv", b"texte;question\na;1;extra\n").rows
    problems = check(HEADER, rows)
    assert located(problems) == [(2, "C", None, "coacte-forms-file-cell-outside", False)]


@pytest.mark.parametrize("data, key, needle", [
    (b"", "coacte-forms-file-empty", "vide"),
    (b"  \n\n ", "coacte-forms-file-empty", "vide"),
    (b"\x00\x01\x02\x03garbage\xff\xfe" * 20, "coacte-forms-file-not-table", "binaires"),
    (os.urandom(64) + b"\x00", "coacte-forms-file-not-table", "binaires"),
    (b"PK\x03\x04 not really a zip", "coacte-forms-file-xlsx", "XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "coacte-forms-file-xls", ".xls"),
    (b"Mulhouse,2016\nx,y\n", "coacte-forms-file-no-header", "ligne 1"),
    (b"texte;auteur;question\nx;moi;1\n", "coacte-forms-file-unknown-columns", "B « auteur »"),
    (b"question;groupe\n1;Elus\n", "coacte-forms-file-no-text-column", "texte"),
    (b"texte;groupe\nx;Elus\n", "coacte-forms-file-no-question", "question"),
    (b"texte;text;question\na;b;1\n", "coacte-forms-file-duplicate-column", "A et B"),
    (b"texte;question\n", "coacte-forms-file-no-rows", "aucun post-it"),
    (b"\n\ntexte;question\n;;\n", "coacte-forms-file-no-rows", "ligne 3"),
])
def test_broken_files_give_a_clear_message_naming_the_file(data, key, needle):
    with pytest.raises(TranscriptionError) as info:
        read_transcription("/some/where/débat Mulhouse.csv", data)
    assert info.value.key == key
    text = info.value.message("fr")
    assert "« débat Mulhouse.csv »" in text and needle in text
    assert "débat Mulhouse.csv" in info.value.message("en")
    assert "Traceback" not in text


def test_a_zip_that_is_not_a_workbook_and_an_empty_workbook():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(TranscriptionError) as info:
        read_transcription("x.xlsx", buffer.getvalue())
    assert info.value.key == "coacte-forms-file-xlsx"
    with pytest.raises(TranscriptionError) as info:
        read_transcription("vide.xlsx", xlsx([]))
    assert info.value.key == "coacte-forms-file-empty"


def test_read_path_reports_a_missing_file(tmp_path):
    with pytest.raises(TranscriptionError) as info:
        read_path(tmp_path / "absent.csv")
    assert info.value.key == "coacte-forms-file-unreadable"
    (tmp_path / "ok.csv").write_text("texte;question\nune idée;1\n", encoding="utf-8")
    assert read_path(tmp_path / "ok.csv").rows[0].values["texte"] == "une idée"


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "ZZ", "AAA"]


def test_paste_tabs_bars_bullets_defaults_and_line_numbers():
    text = ("- Les financements | Élus | C01/P15 | blocage\n"
            "\n"
            "Un conseil\tHabitants\t\tlevier\tlocal, national\tcommune\n"
            "* a | b\n"
            f"{HOSTILE}\tJeunes\n"
            "texte avec|barre collée\n"
            "Sans groupe | | C01 | levier |\n")
    rows = parse_paste(text, {"question": "3", "groupe": "Tous", "nature": ""})
    assert [r.number for r in rows] == [1, 3, 4, 5, 6, 7]
    assert rows[0].values == {"question": "3", "groupe": "Élus", "texte": "Les financements",
                              "code": "C01/P15", "nature": "blocage"}
    assert rows[1].values == {"question": "3", "groupe": "Habitants", "texte": "Un conseil",
                              "nature": "levier", "niveau": "local, national",
                              "acteurs": "commune"}
    assert rows[2].values == {"question": "3", "groupe": "b", "texte": "a"}
    # a tab line is split on tabs only: " | " inside a copied cell stays text
    assert rows[3].values["texte"] == HOSTILE and rows[3].values["groupe"] == "Jeunes"
    assert rows[4].values["texte"] == "texte avec|barre collée"
    assert rows[5].values == {"question": "3", "groupe": "Tous", "texte": "Sans groupe",
                              "code": "C01", "nature": "levier"}
    problems = check(HEADER, rows)
    # lines 4, 5, 6 lack a kind for question 3 (no default): located at their lines
    assert [(p.row, p.field) for p in problems if p.blocking] == [
        (4, "nature"), (5, "nature"), (6, "nature")]


def test_paste_keeps_an_empty_first_cell_empty():
    """`` | Élus | | levier`` is a post-it without text, not the text "| Élus": the
    problem found is the missing text, at its line, and no column shifts."""
    rows = parse_paste("Un texte | Jeunes\n | Élus | | levier\n- | Aînés\n", {"question": "3"})
    assert rows[1].values == {"question": "3", "groupe": "Élus", "nature": "levier"}
    assert rows[2].values == {"question": "3", "groupe": "Aînés"}
    problems = [(p.row, p.field) for p in check(HEADER, rows) if p.blocking]
    assert (2, "texte") in problems and (2, "nature") not in problems
    assert (2, "code") not in problems


def test_paste_with_too_many_columns_is_a_located_problem():
    rows = parse_paste("a | b | C01 | | local | f | g\n", {"question": "1"})
    problems = check(HEADER, rows)
    assert located(problems) == [(1, None, None, "coacte-forms-paste-too-many", True)]
    assert parse_paste("\n  \n") == []


def test_an_unclosed_quote_is_reported_at_the_line_it_opens():
    data = "question;texte;groupe\n1;a;Élus\n2;\"jamais fermé;x\n3;c;y\n".encode()
    with pytest.raises(TranscriptionError) as caught:
        read_transcription("notes.csv", data)
    assert caught.value.key == "coacte-forms-file-csv-quote"
    assert caught.value.params == ("notes.csv", 3)
    # A quoted cell over two lines is fine, and rows keep their line numbers.
    ok = "question;texte;groupe\n1;\"Un texte\nsur deux lignes\";Élus\n2;b;x\n".encode()
    rows = read_transcription("ok.csv", ok).rows
    assert [(r.number, r.values["texte"]) for r in rows] == [
        (2, "Un texte\nsur deux lignes"), (4, "b")]
