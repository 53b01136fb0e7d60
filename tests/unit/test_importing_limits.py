"""Imports are bounded: a zip bomb, a huge sheet, an endless CSV or a monstrous cell is
refused with the limit it exceeds — cheaply, before it fills the memory — and nothing is
written; a CSV mixing UTF-8 and Windows-1252 lines is read line by line, and said."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.workbooks import cell, measure, workbook, write_workbook
from coacte import importing
from coacte.cli import main
from coacte.importing import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    TranscriptionError,
    check,
    read_path,
    read_transcription,
)

ROOT = Path(__file__).resolve().parents[2]
HEADER = {"territoire": "Mulhouse", "tour": "1"}
#: What refusing a bomb may cost the whole process (interpreter and imports included).
PEAK_BOUND_MB = 200
def refused(data: bytes, name: str = "débat.csv") -> TranscriptionError:
    with pytest.raises(TranscriptionError) as caught:
        read_transcription(name, data)
    return caught.value


# -- XLSX ------------------------------------------------------------------------------


def test_the_bomb_builder_makes_a_workbook_that_reads(tmp_path):
    rows = read_path(workbook(tmp_path / "small.xlsx", 3)).rows
    assert [(r.number, r.values["texte"], r.values["question"]) for r in rows] == [
        (2, "Les élus décident seuls", "1"), (3, "Les élus décident seuls", "1"),
        (4, "Les élus décident seuls", "1")]


def test_a_zip_bomb_of_a_million_rows_is_refused_under_200_mb(tmp_path):
    bomb = workbook(tmp_path / "bombe.xlsx", 1_000_000)
    assert bomb.stat().st_size < 1024 * 1024  # a small file…
    with zipfile.ZipFile(bomb) as archive:  # …that unzips past the limit
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 40 * 1024 * 1024
    with pytest.raises(TranscriptionError) as caught:
        read_path(bomb)
    assert caught.value.key == "coacte-forms-file-xlsx-part-too-big"
    assert caught.value.params[:2] == ("bombe.xlsx", "xl/worksheets/sheet1.xml")
    text = caught.value.message("fr")
    assert "« bombe.xlsx »" in text and "20 Mo" in text
    assert "bombe.xlsx" in caught.value.message("pt")
    key, peak = measure(bomb)
    assert key == "coacte-forms-file-xlsx-part-too-big"
    assert peak < PEAK_BOUND_MB, f"refusing the bomb took {peak:.0f} MB"


def test_without_the_archive_check_the_row_cap_still_stops_the_bomb(tmp_path):
    """Defence in depth: the sheet is streamed and reading stops after MAX_ROWS rows."""
    key, peak = measure(workbook(tmp_path / "bombe.xlsx", 1_000_000), stream_only=True)
    assert key == "coacte-forms-file-too-many-rows"
    assert peak < PEAK_BOUND_MB, f"streaming the bomb took {peak:.0f} MB"


def test_a_workbook_over_the_row_cap_is_refused_naming_the_row(tmp_path):
    with pytest.raises(TranscriptionError) as caught:
        read_path(workbook(tmp_path / "gros.xlsx", MAX_ROWS + 1))
    assert caught.value.key == "coacte-forms-file-too-many-rows"
    assert caught.value.params == ("gros.xlsx", MAX_ROWS, MAX_ROWS + 2)
    assert len(read_path(workbook(tmp_path / "juste.xlsx", MAX_ROWS)).rows) == MAX_ROWS


def test_a_highly_compressed_part_is_refused_by_its_ratio(tmp_path):
    bomb = workbook(tmp_path / "ratio.xlsx", 30_000)  # ~2 MB of XML, far under 20 MB
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert importing.RATIO_FLOOR_BYTES < info.file_size < importing.MAX_PART_BYTES
    with pytest.raises(TranscriptionError) as caught:
        read_path(bomb)
    assert caught.value.key == "coacte-forms-file-xlsx-ratio"
    assert caught.value.params[1] == "xl/worksheets/sheet1.xml"
    assert caught.value.params[2] > importing.MAX_RATIO


def test_the_unzipped_total_and_the_number_of_parts_are_bounded(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(4):
            archive.writestr(f"xl/media/image{i}.bin", bytes(range(256)) * 16)
    data = buffer.getvalue()
    monkeypatch.setattr(importing, "MAX_UNZIPPED_BYTES", 3 * 4096)
    error = refused(data, "photos.xlsx")
    assert error.key == "coacte-forms-file-xlsx-too-big" and error.params[0] == "photos.xlsx"
    monkeypatch.setattr(importing, "MAX_PARTS", 3)
    assert refused(data, "photos.xlsx").key == "coacte-forms-file-xlsx-parts"


def test_a_workbook_of_too_many_elements_is_refused_before_it_is_opened(tmp_path):
    """200,000 empty cells in one row: 800 KB of XML (below the ratio's floor), which
    the reader would parse at once into 60 MB — 20 MB of them, into 1.3 GB."""
    cells = b"<c/>" * (importing.MAX_ELEMENTS + 50_000)
    path = write_workbook(tmp_path / "cellules.xlsx",
                          [b"<sheetData><row>", cells, b"</row></sheetData>"])
    with pytest.raises(TranscriptionError) as caught:
        read_path(path)
    assert caught.value.key == "coacte-forms-file-xlsx-elements"
    assert caught.value.params == ("cellules.xlsx", "xl/worksheets/sheet1.xml",
                                   importing.MAX_ELEMENTS)


def test_elements_are_counted_across_chunks_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "_CHUNK", 7)  # tags cut everywhere
    monkeypatch.setattr(importing, "MAX_ELEMENTS", 100)
    data = workbook(tmp_path / "petit.xlsx", 3).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expected = sum(archive.read(info).count(b"<") - archive.read(info).count(b"</")
                       - archive.read(info).count(b"<?") for info in archive.infolist())
    monkeypatch.setattr(importing, "MAX_ELEMENTS", expected)
    assert len(read_transcription("petit.xlsx", data).rows) == 3
    monkeypatch.setattr(importing, "MAX_ELEMENTS", expected - 1)
    assert refused(data, "petit.xlsx").key == "coacte-forms-file-xlsx-elements"


def test_a_workbook_with_a_dtd_is_refused(tmp_path):
    """Entities could expand a small part into gigabytes; a workbook never has a DTD."""
    laughs = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    path = write_workbook(tmp_path / "dtd.xlsx", [
        f"<sheetData><row>{cell('texte')}{cell('question')}</row>"
        f"<row>{cell('&b;')}<c><v>1</v></c></row></sheetData>".encode()], prolog=laughs)
    with pytest.raises(TranscriptionError) as caught:
        read_path(path)
    assert caught.value.key == "coacte-forms-file-xlsx"
    assert caught.value.params == ("dtd.xlsx", "DOCTYPE")


def test_an_over_long_cell_in_a_workbook_is_refused_with_its_place(tmp_path):
    path = workbook(tmp_path / "long.xlsx", 2, text="x" * (MAX_CELL_CHARS + 1))
    with pytest.raises(TranscriptionError) as caught:
        read_path(path)
    assert caught.value.key == "coacte-forms-file-cell-too-long"
    assert caught.value.params == ("long.xlsx", 2, "A", MAX_CELL_CHARS + 1, MAX_CELL_CHARS)


def test_a_sheet_claiming_every_column_is_not_padded_to_them(tmp_path):
    """A ``<dimension ref="A1:XFD1048576">`` would make read-only rows 16,384 wide."""
    path = write_workbook(tmp_path / "large.xlsx", [
        b'<dimension ref="A1:XFD1048576"/>',
        f"<sheetData><row>{cell('texte')}{cell('question')}</row>"
        f"<row>{cell('a')}<c><v>1</v></c></row></sheetData>".encode()])
    rows = read_path(path).rows
    assert [(r.values, r.notes) for r in rows] == [({"texte": "a", "question": "1"}, [])]


# -- files and CSV ---------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "énorme.csv"
    path.write_bytes(b"texte;question\n" + b"une idee;1\n" * 500)
    with pytest.raises(TranscriptionError) as caught:
        read_path(path)
    assert caught.value.key == "coacte-forms-file-too-large"
    assert caught.value.params[0] == "énorme.csv"
    assert refused(path.read_bytes()).key == "coacte-forms-file-too-large"


def test_a_csv_with_too_many_rows_is_refused_naming_the_limit():
    data = b"texte;question\n" + b"une id\xc3\xa9e;1\n" * (MAX_ROWS + 10)
    error = refused(data)
    assert error.key == "coacte-forms-file-too-many-rows"
    assert error.params == ("débat.csv", MAX_ROWS, MAX_ROWS + 2)
    assert "« débat.csv »" in error.message("fr") and str(MAX_ROWS) in error.message("fr")
    assert str(MAX_ROWS) in error.message("en") and str(MAX_ROWS) in error.message("pt")
    # blank lines are not post-its: they do not count
    ok = b"texte;question\n" + b"une idee;1\n\n" * MAX_ROWS
    assert len(read_transcription("ok.csv", ok).rows) == MAX_ROWS


def test_a_csv_with_an_over_long_cell_is_refused_with_its_row_and_column():
    data = ("question;texte\n1;court\n2;" + "é" * (MAX_CELL_CHARS + 1) + "\n").encode()
    error = refused(data)
    assert error.key == "coacte-forms-file-cell-too-long"
    assert error.params == ("débat.csv", 3, "B", MAX_CELL_CHARS + 1, MAX_CELL_CHARS)
    assert "ligne 3, colonne B" in error.message("fr")
    # exactly at the limit is fine, and trailing empty delimiters cost nothing
    data = ("question;texte\n1;" + "é" * MAX_CELL_CHARS + ";" * 100_000 + "\n").encode()
    assert len(read_transcription("ok.csv", data).rows[0].values["texte"]) == MAX_CELL_CHARS


def test_a_cell_beyond_the_csv_readers_own_limit_points_at_its_quotes():
    data = ('question;texte\n1;"' + ("a" * 100_000 + "\n") * 2 + '"\n2;b\n').encode()
    error = refused(data)
    assert error.key == "coacte-forms-file-csv-cell-too-long"
    assert error.params == ("débat.csv", 2, MAX_CELL_CHARS)


def test_a_csv_of_too_many_lines_or_too_long_a_line_is_refused_cheaply():
    """Ten megabytes of blank lines or of delimiters: refused at once, not after 20 s of
    decoding or 290 MB of empty cells."""
    error = refused(b"texte;question\n" + b"\n" * importing.MAX_LINES)
    assert error.key == "coacte-forms-file-too-many-lines"
    assert error.params == ("débat.csv", importing.MAX_LINES)
    error = refused(b"texte;question\nx;1" + b";" * importing.MAX_LINE_CHARS + b"\n")
    assert error.key == "coacte-forms-file-line-too-long"
    assert error.params == ("débat.csv", 2, importing.MAX_LINE_CHARS)
    assert "ligne 2" in error.message("fr")


def test_an_unclosed_quote_swallowing_a_long_tail_is_told_as_the_quote():
    data = ('question;texte\n1;"jamais fermé\n' + "2;une idée\n" * 5_000).encode()
    error = refused(data)
    assert error.key == "coacte-forms-file-csv-quote" and error.params == ("débat.csv", 2)


# -- encodings -------------------------------------------------------------------------


def test_a_csv_mixing_utf8_and_windows_1252_lines_reads_both_and_says_so():
    data = (b"question;texte;groupe\n"
            + "1;Élus à Mulhouse;Élus\n".encode()
            + "2;Jeunes à Tarbes;Jeunes\n".encode("cp1252")
            + b"2;plain ascii;x\n"
            + "1;Aînés à Tarbes;Aînés\n".encode("cp1252"))
    rows = read_transcription("mêlé.csv", data).rows
    assert [r.values["texte"] for r in rows] == [
        "Élus à Mulhouse", "Jeunes à Tarbes", "plain ascii", "Aînés à Tarbes"]
    assert rows[1].values["groupe"] == "Jeunes" and rows[3].values["groupe"] == "Aînés"
    problems = check(HEADER, rows)
    assert [(p.row, p.key, p.blocking) for p in problems] == [
        (3, "coacte-forms-file-mixed-encoding", False)]
    assert problems[0].params == ("mêlé.csv", "3, 5")
    assert "3, 5" in problems[0].message("fr") and "Windows-1252" in problems[0].message("en")


def test_pure_utf8_with_a_bom_and_pure_windows_1252_are_read_without_warning():
    text = "question;texte\n1;Élus à Mulhouse\n2;Jeunes à Tarbes\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("cp1252")):
        rows = read_transcription("x.csv", data).rows
        assert [r.values["texte"] for r in rows] == ["Élus à Mulhouse", "Jeunes à Tarbes"]
        assert check(HEADER, rows) == []


def test_a_bom_then_a_windows_1252_line_is_a_mixed_file():
    data = "question;texte\n1;Élus\n".encode("utf-8-sig") + "2;Aînés\n".encode("cp1252")
    rows = read_transcription("x.csv", data).rows
    assert [r.values["texte"] for r in rows] == ["Élus", "Aînés"]
    assert [p.row for p in check(HEADER, rows)] == [3]


def test_a_line_in_neither_encoding_is_refused_naming_it():
    # 0x81 is not a character in Windows-1252, and \xe9\x81 is no UTF-8
    data = "question;texte\n1;Élus\n".encode() + b"2;caf\xe9\x81\n"
    error = refused(data)
    assert error.key == "coacte-forms-file-encoding-line"
    assert error.params == ("débat.csv", 3)
    assert "ligne 3" in error.message("fr") and "line 3" in error.message("en")


def test_windows_1252_lines_keep_their_numbers_with_crlf_and_multiline_cells():
    data = (b"question;texte\r\n"
            + '1;"Élus\r\nà Mulhouse"\r\n'.encode()
            + "2;Jeunes à Tarbes\r\n".encode("cp1252"))
    rows = read_transcription("x.csv", data).rows
    assert [(r.number, r.values["texte"]) for r in rows] == [
        (2, "Élus\r\nà Mulhouse"), (4, "Jeunes à Tarbes")]
    assert [(p.row, p.params[1]) for p in check(HEADER, rows)] == [(4, "4")]


# -- nothing is written ----------------------------------------------------------------


def test_coacte_import_refuses_a_bomb_before_opening_the_wiki(tmp_path, monkeypatch):
    def no_wiki():
        raise AssertionError("the wiki must not be opened for a refused file")

    monkeypatch.setattr("bot_scripts.import_file.open_wiki", no_wiki)
    monkeypatch.setenv("COACTE_LANG", "en")
    bomb = workbook(tmp_path / "bomb.xlsx", 1_000_000)
    result = CliRunner().invoke(main, ["import", str(bomb), "--territory", "Mulhouse",
                                       "--dry-run"])
    assert result.exit_code == 1, result.output
    assert "bomb.xlsx" in result.output and "20 MB" in result.output
    assert "Traceback" not in result.output
