"""A transcription (CSV, XLSX or a pasted list) → post-its, each problem located.

Facilitators often type a debate's post-its into a spreadsheet first. This module reads
one, one post-it per row, and checks it through the very path the bots use: the rows
are written as a debate page (:func:`~coacte.wikitext.debate_page.debate_page`) and that
page is read by :func:`coacte.validate.read_debate`; each problem of post-it n° k is then
located at the row it came from (as the spreadsheet numbers rows) and the column it
names. What the import accepts is therefore exactly what ``coacte check`` accepts.

**Files.** The first non-empty row names the columns, in French or in English, in any
order and any case: ``question``, ``texte``/``text``, ``groupe``/``group``,
``nature``/``kind``, ``code``, ``niveau``/``level``, ``acteurs``/``actors`` (only
``texte`` is required; ``question`` may instead be given for the whole file). CSV: the
delimiter (``,`` ``;`` or tab) is the one that makes the first row name the most known
columns; the encoding is UTF-8 (with or without BOM), else Windows-1252 (Excel's "CSV"
on a French Windows). XLSX: the first sheet. A file that cannot be read raises
:class:`TranscriptionError`, whose message names the file and what is wrong.

**Paste.** :func:`parse_paste`: one post-it per line, the columns
``texte | groupe | code | nature | niveau | acteurs`` in that order, separated by tabs
(as a spreadsheet copies cells) or by `` | `` (a bar with a space on each side;
``a | | b`` leaves the middle column empty); trailing columns may be left out. A line
holding a tab is split on tabs only, so a `` | `` inside a copied cell stays text; a bar
inside a word (``a|b``) is always text. Blank lines are skipped; a leading bullet (``-``,
``*``, ``•``) is dropped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from coacte import contract
from coacte.i18n import message
from coacte.model import Grid, PageRevision
from coacte.problems import Problem
from coacte.validate import read_debate
from coacte.wikitext.debate_page import debate_page

#: The columns of a pasted line, in order.
PASTE_COLUMNS = ("texte", "groupe", "code", "nature", "niveau", "acteurs")
_BULLETS = ("- ", "* ", "• ", "– ")
_DELIMITERS = (";", ",", "\t")
#: A pasted column separator: a bar with white space (or the line's edge) on each side
#: (``a | | b`` has an empty column, `` | Élus`` an empty first one); a bar inside a word
#: (``a|b``) is text.
_BAR = re.compile(r"(?:(?<=\s)|^)\|(?=\s|$)")


class TranscriptionError(Exception):
    """A file that cannot be read as a transcription: what is wrong, in words.

    ``key`` and ``params`` are an i18n message (the file's name is ``params[0]``).
    """

    def __init__(self, key: str, *params: object):
        super().__init__(message(key, *params, lang="en"))
        self.key, self.params = key, params

    def message(self, lang: str | None = None) -> str:
        return message(self.key, *self.params, lang=lang)


@dataclass(frozen=True)
class RowProblem:
    """A problem of a transcription, located: ``row`` is ``None`` for the debate itself
    (territory, round), ``column`` the file's column letter when known."""

    row: int | None
    column: str | None
    field: str | None
    key: str
    params: tuple = ()
    blocking: bool = True

    def message(self, lang: str | None = None) -> str:
        return message(self.key, *self.params, lang=lang)

    def location(self, lang: str | None = None) -> str:
        parts = []
        if self.row is not None:
            parts.append(message("coacte-forms-where-row", self.row, lang=lang))
        if self.column:
            parts.append(message("coacte-forms-where-column", self.column, lang=lang))
        if self.field:
            parts.append(message("coacte-where-field", self.field, lang=lang))
        return " — ".join(parts) or message("coacte-forms-where-debate", lang=lang)


@dataclass
class Row:
    """One post-it of a transcription: where it came from and its values.

    ``number`` is the row as the spreadsheet numbers it (or the pasted line's number);
    ``columns`` maps each parameter to the column it was read from (``"C"``), ``notes``
    holds problems found while reading (e.g. too many pasted columns).
    """

    number: int
    values: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[RowProblem] = field(default_factory=list)


@dataclass
class Transcription:
    """What a file holds: its post-it rows and the columns found."""

    name: str
    rows: list[Row]
    headers: dict[str, str] = field(default_factory=dict)  # param → column letter


# -- columns ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", " ".join(str(text).split()).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def column_param(name: str) -> contract.Param | None:
    """The post-it parameter a column header names (French or English, any case or
    accents: ``Texte``, ``TEXT``, ``Acteurs``, ``niveau``)."""
    key = _fold(name)
    for p in contract.POSTIT.params:
        if key in (_fold(n) for n in p.names):
            return p
    return None


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``: how spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(value: object) -> str:
    """A cell as text: ``3.0`` → ``3``, a date → ``2016-01-12``, nothing → ``""``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        try:
            return value.date().isoformat()
        except TypeError:
            return value.isoformat()
    return str(value).strip()


def _table(name: str, records: Iterable[tuple[int, list[str]]],
           default_question: str = "") -> Transcription:
    """Rows of cells (with their spreadsheet row numbers) → a transcription."""
    records = [(n, [_cell(c) for c in cells]) for n, cells in records]
    records = [(n, cells) for n, cells in records if any(cells)]
    if not records:
        raise TranscriptionError("coacte-forms-file-empty", name)
    header_row, header = records[0]
    headers = _columns(name, header_row, header, default_question)
    rows = [_row(number, cells, len(header), headers, default_question)
            for number, cells in records[1:]]
    if not rows:
        raise TranscriptionError("coacte-forms-file-no-rows", name, header_row)
    return Transcription(name, rows, {p: column_letter(i) for p, i in headers.items()})


def _columns(name: str, header_row: int, header: list[str],
             default_question: str) -> dict[str, int]:
    """``{parameter: column index}`` of the header row; a header the table cannot be
    read with (no known column, an unknown or repeated one, no text or question) stops
    the import with its reason."""
    headers: dict[str, int] = {}
    unknown = []
    for i, title in enumerate(header):
        if not title:
            continue
        param = column_param(title)
        if param is None:
            unknown.append(f"{column_letter(i)} « {title} »")
        elif param.name in headers:
            raise TranscriptionError("coacte-forms-file-duplicate-column", name, title,
                                     column_letter(headers[param.name]), column_letter(i))
        else:
            headers[param.name] = i
    names = ", ".join(p.name for p in contract.POSTIT.params)
    if not headers:
        raise TranscriptionError("coacte-forms-file-no-header", name, header_row, names)
    if unknown:
        raise TranscriptionError("coacte-forms-file-unknown-columns", name, header_row,
                                 "; ".join(unknown), names)
    if "texte" not in headers:
        raise TranscriptionError("coacte-forms-file-no-text-column", name, header_row)
    if "question" not in headers and not default_question:
        raise TranscriptionError("coacte-forms-file-no-question", name, header_row)
    return headers


def _row(number: int, cells: list[str], width: int, headers: dict[str, int],
         default_question: str) -> Row:
    """One data row; cells right of the header's ``width`` are noted, not read."""
    values = {p: (cells[i] if i < len(cells) else "") for p, i in headers.items()}
    extra = [column_letter(i) for i in range(width, len(cells)) if cells[i]]
    row = Row(number, values, {p: column_letter(i) for p, i in headers.items()})
    if extra:
        row.notes.append(RowProblem(number, extra[0], None, "coacte-forms-file-cell-outside",
                                    (", ".join(extra),), blocking=False))
    if default_question and not values.get("question"):
        values["question"] = default_question
    return row


# -- CSV and XLSX ----------------------------------------------------------------------


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise TranscriptionError("coacte-forms-file-not-table", name)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:4096] if c < " " and c not in "\t\r\n")
        if controls:
            raise TranscriptionError("coacte-forms-file-not-table", name)
        return text
    raise TranscriptionError("coacte-forms-file-encoding", name)


def _delimiter(text: str) -> str:
    """The delimiter that makes the first non-empty line name the most known columns."""
    first = next((line for line in text.splitlines() if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return (sum(1 for c in cells if column_param(c)), len(cells))

    return max(_DELIMITERS, key=score)


def read_csv(name: str, data: bytes, default_question: str = "") -> Transcription:
    text = _decode(name, data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, line = [], 1
    try:
        for cells in reader:  # each record numbered by the line it starts on
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise TranscriptionError("coacte-forms-file-csv", name, str(exc)) from None
    if records and _unclosed_quote(text, delimiter):
        # The reader would take every line after the quote as one cell: say where the
        # quote opened rather than blame the values it swallowed.
        raise TranscriptionError("coacte-forms-file-csv-quote", name, records[-1][0])
    return _table(name, records, default_question)


def _unclosed_quote(text: str, delimiter: str) -> bool:
    """Whether a quoted cell runs to the end of the file (its closing quote missing)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def read_xlsx(name: str, data: bytes, default_question: str = "") -> Transcription:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise TranscriptionError("coacte-forms-file-xlsx", name, type(exc).__name__) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise TranscriptionError("coacte-forms-file-empty", name)
        records = [(n, list(cells)) for n, cells in
                   enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()
    return _table(name, records, default_question)


def read_transcription(name: str, data: bytes, default_question: str = "") -> Transcription:
    """A CSV or XLSX file (told apart by content, not by name) → its post-it rows.

    ``default_question`` is used for rows without a question (and lets a file have no
    question column). Raises :class:`TranscriptionError` when the file is not usable.
    """
    name = Path(name).name or "?"
    if not data.strip():
        raise TranscriptionError("coacte-forms-file-empty", name)
    if data[:4] == b"PK\x03\x04":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise TranscriptionError("coacte-forms-file-xlsx", name, "BadZipFile")
        return read_xlsx(name, data, default_question)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TranscriptionError("coacte-forms-file-xls", name)
    return read_csv(name, data, default_question)


def read_path(path: Path, default_question: str = "") -> Transcription:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TranscriptionError("coacte-forms-file-unreadable", Path(path).name,
                                 exc.strerror or type(exc).__name__) from None
    return read_transcription(Path(path).name, data, default_question)


# -- paste -----------------------------------------------------------------------------


def parse_paste(text: str, defaults: Mapping[str, str] | None = None) -> list[Row]:
    """Pasted lines → rows (see the module's doc for the format). ``defaults`` fill the
    parameters a line leaves empty (the question of the whole list, its group…)."""
    defaults = {k: v for k, v in (defaults or {}).items() if v}
    rows = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"),
                                  1):
        if not line.strip():
            continue
        stripped = line.strip()
        for bullet in _BULLETS:
            if stripped.startswith(bullet):
                stripped = stripped[len(bullet):]
                break
        cells = stripped.split("\t") if "\t" in stripped else _BAR.split(stripped)
        cells = [c.strip() for c in cells]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        values = dict(defaults)
        row = Row(number, values)
        for name, cell in zip(PASTE_COLUMNS, cells, strict=False):
            if cell:
                values[name] = cell
        if len(cells) > len(PASTE_COLUMNS):
            row.notes.append(RowProblem(number, None, None, "coacte-forms-paste-too-many",
                                        (len(cells), len(PASTE_COLUMNS))))
        rows.append(row)
    return rows


# -- validation through the bots' path -------------------------------------------------


def check(header: Mapping[str, str], rows: list[Row], grid: Grid | None = None,
          title: str = "") -> list[RowProblem]:
    """Every problem of ``rows`` as a debate of ``header`` (territory, round…), located.

    The rows are written as the debate page the import would create and that page is
    validated by :func:`coacte.validate.read_debate`; post-it n° k is row ``rows[k-1]``.
    """
    text = debate_page(header, [r.values for r in rows])
    _, problems = read_debate(PageRevision(title or "import", 0, "", text), grid or Grid())
    return locate(problems, rows)


def locate(problems: Iterable[Problem], rows: list[Row]) -> list[RowProblem]:
    """Validation problems of a page made of ``rows`` → problems located in the file."""
    found = [note for row in rows for note in row.notes]
    for p in problems:
        if p.index is None or p.item != "postit" or not 0 < p.index <= len(rows):
            found.append(RowProblem(None, None, p.field, p.key, p.params, p.blocking))
            continue
        row = rows[p.index - 1]
        column = row.columns.get(p.field or "")
        found.append(RowProblem(row.number, column, p.field, p.key, p.params, p.blocking))
    found.sort(key=lambda r: (r.row or 0, r.column or "", r.field or ""))
    return found


def blocking(problems: Iterable[RowProblem]) -> bool:
    return any(p.blocking for p in problems)


def postits(rows: Iterable[Row]) -> list[dict[str, str]]:
    return [dict(r.values) for r in rows]
