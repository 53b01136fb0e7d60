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
columns; each line is decoded as UTF-8 (with or without BOM), else as Windows-1252
(Excel's "CSV" on a French Windows): a file that mixes both is read line by line and
the lines read as Windows-1252 are named in a warning. XLSX: the first sheet. A file that
cannot be read raises :class:`TranscriptionError`, whose message names the file and what
is wrong.

**Limits.** A file is read within bounds (:data:`MAX_FILE_BYTES`, :data:`MAX_ROWS`,
:data:`MAX_CELL_CHARS`; for a CSV :data:`MAX_LINES` and :data:`MAX_LINE_CHARS`; for a
workbook :data:`MAX_PARTS`, :data:`MAX_PART_BYTES`,
:data:`MAX_UNZIPPED_BYTES`, :data:`MAX_RATIO` and :data:`MAX_ELEMENTS`, checked before
it is opened), checked before or while reading — never after reading everything — so
that a crafted or mistaken file (a 300 KB workbook that unzips to a million rows) is
refused with the limit it exceeds instead of exhausting the memory of the command or of
the web service.

**Paste.** :func:`parse_paste`: one post-it per line, the columns
``texte | groupe | code | nature | niveau | acteurs`` in that order, separated by tabs
(as a spreadsheet copies cells) or by `` | `` (a bar with a space on each side;
``a | | b`` leaves the middle column empty); trailing columns may be left out. A line
holding a tab is split on tabs only, so a `` | `` inside a copied cell stays text; a bar
inside a word (``a|b``) is always text. Blank lines are skipped; a leading bullet (``-``,
``*``, ``•``) is dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coacte import contract
from coacte.i18n import message
from coacte.model import Grid, PageRevision
from coacte.problems import Problem, row_problem
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

# -- limits ----------------------------------------------------------------------------
# Every limit is far above a real transcription and far below what would hurt the
# command or the web service (a refused file must cost well under 200 MB of memory).

_MB = 1024 * 1024
#: Post-it rows a file may hold (the header and empty rows aside). A debate gives a few
#: hundred post-its; 5,000 still takes a whole territory's round in one file, while a
#: sheet of a million rows (a wrong export, a crafted file) is refused after 5,000 rows
#: read instead of being loaded whole before any check.
MAX_ROWS = 5_000
#: Characters a cell may hold. A post-it is a sentence or a short paragraph (the longest
#: real ones have a few hundred characters); 20,000 — about ten pages — still takes a
#: speech typed into one cell, and stops a cell of megabytes before it reaches a page.
MAX_CELL_CHARS = 20_000
#: CSV: lines a file may hold (blank ones too). 20 a post-it at :data:`MAX_ROWS` leaves
#: room for cells written over several lines; it bounds the time a file of blank lines
#: takes (each line is decoded on its own: 10 MB of them took 20 s).
MAX_LINES = 100_000
#: CSV: characters a line may hold. A line holds one post-it's cells (seven, each within
#: :data:`MAX_CELL_CHARS`), or a part of a cell written over several lines; the csv
#: module builds a line's cells all at once, and 10 MB of ``;`` took 290 MB.
MAX_LINE_CHARS = 200_000
#: Bytes a file may hold (CSV or XLSX, on disk or uploaded). 5,000 post-its of a few
#: hundred characters are about 2 MB of CSV and less as XLSX; 10 MB leaves room for a
#: workbook holding a few photos, and bounds what is read before anything is checked.
MAX_FILE_BYTES = 10 * _MB
#: XLSX: bytes all the archive's parts may take once unzipped, read from the archive's
#: directory before anything is unzipped. A workbook of 5,000 post-its unzips to about
#: 3 MB; 30 MB is the largest sheet allowed (:data:`MAX_PART_BYTES`) plus 10 MB of
#: images, which do not shrink when zipped.
MAX_UNZIPPED_BYTES = 30 * _MB
#: XLSX: bytes one part (a sheet, the shared strings, the styles) may take once unzipped.
#: 20 MB is six times the sheet of 5,000 post-its; it bounds the text the reader holds
#: (it loads the shared strings whole), while :data:`MAX_ELEMENTS` bounds its objects.
MAX_PART_BYTES = 20 * _MB
#: XLSX: XML elements (cells, rows, strings, styles…) all the parts may hold together,
#: counted while unzipping them once, before the workbook is opened. What the reader
#: costs grows with elements, not bytes: it keeps every row of a sheet as an emptied
#: element, parses a whole row's cells at once, and builds an object per style, number
#: format or defined name (about 0.8 KB each); 20 MB of ``<xf/>``, zipped to 1 MB, took
#: 600 MB, and 20 MB of ``<c/>`` in one row 1.3 GB. A sheet of 5,000 post-its with all 7
#: columns filled holds 105,000 elements; with 150,000, the worst workbook measured
#: (150,000 number formats or defined names) peaks at 170 MB for the whole process.
MAX_ELEMENTS = 150_000
#: XLSX: the most a part larger than :data:`RATIO_FLOOR_BYTES` may have been shrunk by
#: zipping. A spreadsheet's XML shrinks about 10 times (measured: 10.3 for a sheet of
#: 5,000 post-its); 100 times is repetition made to unzip big — a zip bomb.
MAX_RATIO = 100
#: Parts below this size are not held to :data:`MAX_RATIO`: a small part (a blank
#: template, a theme) may shrink a lot and costs nothing to read.
RATIO_FLOOR_BYTES = _MB
#: XLSX: parts an archive may hold. A workbook has a dozen, plus a few per image; the
#: archive's whole directory is read when it is opened (about 500 bytes of memory and
#: real time per part), so their number is checked first, from its last record.
MAX_PARTS = 1_000
#: A start tag in a part's XML (``<`` is escaped everywhere else but in comments): what
#: :data:`MAX_ELEMENTS` counts. A DTD has no place in a workbook (the format forbids
#: it) and its entities could expand a small part into gigabytes: it is refused.
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
#: Bytes unzipped at a time when counting elements.
_CHUNK = 256 * 1024
#: What unzipping a broken or unusual archive raises (a bad CRC, a truncated or
#: encrypted part, an unknown compression).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError, ValueError)
#: Characters at the start of a CSV where a control character means binary data.
_SNIFF_CHARS = 4096
#: A line of a CSV file's bytes, with its end (``\r\n``, ``\n`` or ``\r``, as the csv
#: module counts lines); ``\r`` and ``\n`` never occur inside a UTF-8 or Windows-1252
#: character, so lines can be cut before they are decoded.
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
#: Lines a mixed-encoding warning names before "…".
_NAMED_LINES = 20


class TranscriptionError(Exception):
    """A file that cannot be read as a transcription: what is wrong, in words.

    ``key`` and ``params`` are an i18n message (the file's name is ``params[0]``).
    """

    def __init__(self, key: str, *params: object):
        super().__init__(message(key, *params, lang="en"))
        self.key, self.params = key, params

    def message(self, lang: str | None = None) -> str:
        return message(self.key, *self.params, lang=lang)


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
    notes: list[Problem] = field(default_factory=list)


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


def _table(name: str, records: Iterable[tuple[int, Sequence[object]]],
           default_question: str = "") -> Transcription:
    """Rows of cells (with their spreadsheet row numbers) → a transcription.

    ``records`` is consumed as it comes (a sheet or a CSV is never held whole): the header
    is checked on the first non-empty row and reading stops, refused, at the first row
    beyond :data:`MAX_ROWS` or the first cell beyond :data:`MAX_CELL_CHARS`.
    """
    header_row, header, headers = 0, [], {}
    rows: list[Row] = []
    for number, raw in records:
        cells = _cells(name, number, raw)
        if not cells:
            continue
        if not header:
            header_row, header = number, cells
            headers = _columns(name, header_row, header, default_question)
            continue
        if len(rows) >= MAX_ROWS:
            raise TranscriptionError("coacte-forms-file-too-many-rows", name, MAX_ROWS, number)
        rows.append(_row(number, cells, len(header), headers, default_question))
    if not header:
        raise TranscriptionError("coacte-forms-file-empty", name)
    if not rows:
        raise TranscriptionError("coacte-forms-file-no-rows", name, header_row)
    return Transcription(name, rows, {p: column_letter(i) for p, i in headers.items()})


def _cells(name: str, number: int, raw: Sequence[object]) -> list[str]:
    """A record's cells as text, without its empty trailing cells (``[]``: an empty row).

    The empty tail is cut before converting, so a row of a million empty cells (a line
    of delimiters, a cell styled at column XFD) costs nothing; a cell longer than
    :data:`MAX_CELL_CHARS` stops the import, naming its row and column.
    """
    end = len(raw)
    while end and (raw[end - 1] is None or raw[end - 1] == ""):
        end -= 1
    cells = [_cell(c) for c in raw[:end]]
    for i, text in enumerate(cells):
        if len(text) > MAX_CELL_CHARS:
            raise TranscriptionError("coacte-forms-file-cell-too-long", name, number,
                                     column_letter(i), len(text), MAX_CELL_CHARS)
    while cells and not cells[-1]:
        cells.pop()
    return cells


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
        row.notes.append(row_problem(number, extra[0], None, "coacte-forms-file-cell-outside",
                                    (", ".join(extra),), blocking=False))
    if default_question and not values.get("question"):
        values["question"] = default_question
    return row


# -- CSV and XLSX ----------------------------------------------------------------------


def _megabytes(size: int) -> int:
    """``size`` in whole megabytes, rounded up (10.2 MB is told as 11, above a 10 MB
    limit, not as an equal 10)."""
    return math.ceil(size / _MB)


class _Lines:
    """A CSV file's lines, each decoded by its own encoding: UTF-8, else Windows-1252.

    A file put together from two exports (one saved as "CSV UTF-8", one by an older
    Excel) holds both; decoding the whole file by one encoding would turn one half into
    mojibake (``Ã©lus``) without a word. Each line is decoded alone instead, and
    :attr:`windows` keeps the numbers of the lines read as Windows-1252 so that a mixed
    file can be told. A line that is neither stops the import, naming it.
    """

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data
        self.windows: list[int] = []  # lines read as Windows-1252
        self.utf8 = False  # a BOM or a non-ASCII line read as UTF-8

    @property
    def mixed(self) -> bool:
        """Whether both encodings were met (a pure Windows-1252 file is not mixed)."""
        return self.utf8 and bool(self.windows)

    def __iter__(self) -> Iterator[str]:
        """The lines, with their ends, lazily (numbered as the csv module numbers them)."""
        self.windows, self.utf8 = [], self.data.startswith(codecs.BOM_UTF8)
        seen = 0
        for number, match in enumerate(_LINE.finditer(self.data, 3 if self.utf8 else 0), 1):
            if number > MAX_LINES:
                raise TranscriptionError("coacte-forms-file-too-many-lines", self.name,
                                         MAX_LINES)
            line = self._decode(number, match.group())
            if len(line) > MAX_LINE_CHARS:
                raise TranscriptionError("coacte-forms-file-line-too-long", self.name, number,
                                         MAX_LINE_CHARS)
            if seen < _SNIFF_CHARS and _controls(line[:_SNIFF_CHARS - seen]):
                raise TranscriptionError("coacte-forms-file-not-table", self.name)
            seen += len(line)
            yield line

    def _decode(self, number: int, raw: bytes) -> str:
        """Line ``number`` as text: UTF-8 first (Windows-1252 bytes beyond ASCII almost
        never form valid UTF-8, so the order tells them apart), else Windows-1252."""
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise TranscriptionError("coacte-forms-file-encoding-line", self.name,
                                         number) from None
            self.windows.append(number)
            return line
        self.utf8 = self.utf8 or not raw.isascii()
        return line


def _controls(text: str) -> bool:
    """Whether ``text`` holds control characters other than tab and line ends: binary
    data that happens to decode (a text file has none)."""
    return any(c < " " and c not in "\t\r\n" for c in text)


def _delimiter(lines: Iterable[str]) -> str:
    """The delimiter that makes the first non-empty line name the most known columns."""
    first = next((line for line in lines if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return (sum(1 for c in cells if column_param(c)), len(cells))

    return max(_DELIMITERS, key=score)


def read_csv(name: str, data: bytes, default_question: str = "") -> Transcription:
    """A CSV file's rows, read as its lines come (see :class:`_Lines`): the delimiter from
    the first line, a quote left open told first, then the records, within the limits."""
    if b"\x00" in data[:_SNIFF_CHARS]:
        raise TranscriptionError("coacte-forms-file-not-table", name)
    lines = _Lines(name, data)
    delimiter = _delimiter(lines)
    opened = _open_quote(lines, delimiter)
    if opened is not None:
        # The reader would take every line after the quote as one cell: say where the
        # quote opened rather than blame the values (or the length) it swallowed.
        raise TranscriptionError("coacte-forms-file-csv-quote", name, opened)
    transcription = _table(name, _csv_records(name, lines, delimiter), default_question)
    if lines.mixed:  # as the reading pass, which read every line, left it
        _note_windows_lines(name, transcription.rows, lines.windows)
    return transcription


def _csv_records(name: str, lines: Iterable[str],
                 delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, read as the lines come."""
    reader = csv.reader(lines, delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            # The csv module's own bound (131,072 characters): far above ours.
            raise TranscriptionError("coacte-forms-file-csv-cell-too-long", name, line,
                                     MAX_CELL_CHARS) from None
        raise TranscriptionError("coacte-forms-file-csv", name, str(exc)) from None


def _open_quote(lines: Iterable[str], delimiter: str) -> int | None:
    """The line where a quoted cell opens and runs to the end of the file (its closing
    quote missing), else ``None``; read in a strict pass, as the lines come."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    line = 1
    try:
        for _ in reader:
            line = reader.line_num + 1
    except csv.Error as exc:
        return line if "unexpected end of data" in str(exc) else None
    return None


def _note_windows_lines(name: str, rows: list[Row], windows: list[int]) -> None:
    """Warn, once, at the first post-it row read as Windows-1252 in a UTF-8 file, naming
    every such line: its accents are probably right, but the facilitator should look."""
    lines = [n for n in windows if n >= rows[0].number]
    if not lines:
        return  # only the header was: the post-its' text is not concerned
    row = [r for r in rows if r.number <= lines[0]][-1]
    named = ", ".join(str(n) for n in lines[:_NAMED_LINES])
    if len(lines) > _NAMED_LINES:
        named += ", …"
    row.notes.append(row_problem(row.number, None, None, "coacte-forms-file-mixed-encoding",
                                (name, named), blocking=False))


def _zip_parts(data: bytes) -> int | None:
    """The number of parts an archive's end record announces, read without opening it
    (``None``: no end record; 65,535 also stands for "more, see the ZIP64 record").

    Opening a ZIP reads its whole directory; this bounds that read beforehand. The end
    record is searched for as zipfile does: the last one in the file's last 64 KB.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22:
        return None
    return int.from_bytes(data[end + 10:end + 12], "little")


def _check_archive(name: str, data: bytes) -> None:
    """Refuse a workbook that would unzip too big, or parse into too many objects.

    The sizes come from the archive's directory, before anything is unzipped; Python's
    zipfile unzips no more than those declared sizes (it fails the CRC beyond), so the
    check holds for what the reader will read. The parts are then unzipped once, a chunk
    at a time, to count their elements (:func:`_count_elements`).
    """
    parts = _zip_parts(data)
    if parts is None:
        raise TranscriptionError("coacte-forms-file-xlsx", name, "BadZipFile")
    if parts > MAX_PARTS:
        raise TranscriptionError("coacte-forms-file-xlsx-parts", name, MAX_PARTS)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_sizes(name, infos)
            elements = 0
            for info in infos:
                elements = _count_elements(name, archive, info, elements)
    except _ZIP_ERRORS as exc:
        raise TranscriptionError("coacte-forms-file-xlsx", name, type(exc).__name__) from None


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Each part's unzipped size and compression ratio, then their total, against the
    limits (the part is named, so that a photo or a sheet can be told apart)."""
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise TranscriptionError("coacte-forms-file-xlsx-part-too-big", name,
                                     info.filename, _megabytes(info.file_size),
                                     _megabytes(MAX_PART_BYTES))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise TranscriptionError("coacte-forms-file-xlsx-ratio", name, info.filename,
                                     int(ratio), MAX_RATIO)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise TranscriptionError("coacte-forms-file-xlsx-too-big", name, _megabytes(total),
                                 _megabytes(MAX_UNZIPPED_BYTES))


def _count_elements(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                    elements: int) -> int:
    """``elements`` plus those of the part ``info``, unzipped a chunk at a time; refused
    beyond :data:`MAX_ELEMENTS`, or at a DTD. Every part is counted, whatever its name
    (the workbook may give a sheet any name); an image adds a few false "elements"."""
    tail = b""  # the previous chunk's end: a tag may be cut between two chunks
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            buffer = tail + chunk
            if _DTD.search(buffer):
                raise TranscriptionError("coacte-forms-file-xlsx", name, "DOCTYPE")
            elements += len(_ELEMENT.findall(buffer, max(len(tail) - 1, 0)))
            if elements > MAX_ELEMENTS:
                raise TranscriptionError("coacte-forms-file-xlsx-elements", name,
                                         info.filename, MAX_ELEMENTS)
            tail = buffer[-8:]
    return elements


def read_xlsx(name: str, data: bytes, default_question: str = "") -> Transcription:
    """The first sheet of a workbook, checked (:func:`_check_archive`) then streamed.

    Read-only mode parses the sheet as it is iterated; its declared dimensions are
    dropped (``reset_dimensions``) because a sheet claiming ``A1:XFD1048576`` would
    otherwise pad every row to 16,384 cells.
    """
    from openpyxl import load_workbook

    _check_archive(name, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        raise TranscriptionError("coacte-forms-file-xlsx", name, type(exc).__name__) from None
    try:
        if not book.worksheets:
            raise TranscriptionError("coacte-forms-file-empty", name)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return _table(name, _sheet_records(name, sheet), default_question)
    finally:
        book.close()


def _sheet_records(name: str, sheet) -> Iterator[tuple[int, Sequence[object]]]:
    """A read-only sheet's rows, numbered; XML broken further down the sheet (found only
    once reached, in read-only mode) is told like a workbook that cannot be opened."""
    rows = enumerate(sheet.iter_rows(values_only=True), 1)
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the XML parser's and openpyxl's own errors
            raise TranscriptionError("coacte-forms-file-xlsx", name,
                                     type(exc).__name__) from None
        yield number, cells


def read_transcription(name: str, data: bytes, default_question: str = "") -> Transcription:
    """A CSV or XLSX file (told apart by content, not by name) → its post-it rows.

    ``default_question`` is used for rows without a question (and lets a file have no
    question column). Raises :class:`TranscriptionError` when the file is not usable,
    or larger than the limits (see the module's doc).
    """
    name = Path(name).name or "?"
    if len(data) > MAX_FILE_BYTES:
        raise TranscriptionError("coacte-forms-file-too-large", name, _megabytes(len(data)),
                                 _megabytes(MAX_FILE_BYTES))
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
    """The transcription in ``path``, of which at most :data:`MAX_FILE_BYTES` + 1 bytes
    are read: a huge file (or ``/dev/zero``) is refused without being loaded."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise TranscriptionError("coacte-forms-file-unreadable", path.name,
                                 exc.strerror or type(exc).__name__) from None
    if len(data) > MAX_FILE_BYTES:
        size = max(len(data), _size(path))
        raise TranscriptionError("coacte-forms-file-too-large", path.name, _megabytes(size),
                                 _megabytes(MAX_FILE_BYTES))
    return read_transcription(path.name, data, default_question)


def _size(path: Path) -> int:
    """The file's size on disk, for the message (0 when it has none, like a device)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
            row.notes.append(row_problem(number, None, None, "coacte-forms-paste-too-many",
                                        (len(cells), len(PASTE_COLUMNS))))
        rows.append(row)
    return rows


# -- validation through the bots' path -------------------------------------------------


def check(header: Mapping[str, str], rows: list[Row], grid: Grid | None = None,
          title: str = "") -> list[Problem]:
    """Every problem of ``rows`` as a debate of ``header`` (territory, round…), located.

    The rows are written as the debate page the import would create and that page is
    validated by :func:`coacte.validate.read_debate`; post-it n° k is row ``rows[k-1]``.
    """
    text = debate_page(header, [r.values for r in rows])
    _, problems = read_debate(PageRevision(title or "import", 0, "", text), grid or Grid())
    return locate(problems, rows)


def locate(problems: Iterable[Problem], rows: list[Row]) -> list[Problem]:
    """Validation problems of a page made of ``rows`` → problems located in the file."""
    found = [note for row in rows for note in row.notes]
    for p in problems:
        if p.index is None or p.item != "postit" or not 0 < p.index <= len(rows):
            found.append(row_problem(None, None, p.field, p.key, p.params, p.blocking))
            continue
        row = rows[p.index - 1]
        column = row.columns.get(p.field or "")
        found.append(row_problem(row.number, column, p.field, p.key, p.params, p.blocking))
    found.sort(key=lambda r: (r.row or 0, r.column or "", r.field or ""))
    return found


def blocking(problems: Iterable[Problem]) -> bool:
    return any(p.blocking for p in problems)


def postits(rows: Iterable[Row]) -> list[dict[str, str]]:
    return [dict(r.values) for r in rows]
