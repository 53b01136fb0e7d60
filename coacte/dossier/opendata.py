"""The dossier as open data: JSON (everything), XLSX (one sheet per table), CSV (one table).

Every format is written from the same :func:`tables`: named tables of rows with fixed
columns (``docs/opendata.md`` documents each field). In JSON a list stays a list and a
missing value is ``null``; in CSV and XLSX a list is joined with ``"; "`` (use the JSON
for exact lists) and a missing value is an empty cell. Column names and values are the
same whatever the language of the dossier: kinds and levels are the wiki contract's
values (``blocage``, ``levier``; ``local``, ``régional``, ``national``, ``européen``,
``mondial``).

CSV files are UTF-8 without byte order mark, comma-separated, quoted as RFC 4180 says,
with a header row; a text a spreadsheet would read as a formula (it begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written after an apostrophe (the
JSON and the XLSX keep every text exactly as typed).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from coacte import contract
from coacte.dossier.data import Dossier, Group

#: The JSON's ``format`` and ``version``: the version changes when a field changes meaning
#: or disappears (adding a field does not change it).
FORMAT, VERSION = "coacte-dossier", 1
#: Separator of list values in CSV and XLSX cells.
LIST_SEPARATOR = "; "
#: Column names of the ideas per section (questions 1 and 2, blockers, levers).
SECTION_COLUMNS = ("question1", "question2", "blockers", "levers")

_COLUMNS: dict[str, tuple[str, ...]] = {
    "figures": ("figure", "value"),
    "territories": ("territory", "country", "language", "debates", "participants", "groups",
                    "postits", "excluded", "ideas"),
    "ideas": ("key", "question", "kind", "code", "code_label", "dimension", "dimension_label",
              "meaning", "meaning_label", "statement", "territories_count", "territories",
              "groups", "postits", "actors", "variants"),
    "dimensions": ("dimension", "label", "ideas", *SECTION_COLUMNS, "postits", "keys"),
    "meanings": ("meaning", "label", "ideas", *SECTION_COLUMNS, "postits", "keys"),
    "matrix": ("key", "kind", "statement", *contract.LEVELS, "total"),
    "proposals": ("level", "rank", "key", "kind", "statement", "territories_count",
                  "territories", "postits"),
    "quotes": ("key", "rank", "text", "territory", "group", "page", "revid", "index"),
    "rounds": ("round", "previous_round", "ideas", "answered", "reactions", "territories",
               "mean_agreement", "median_iqr", "consensus"),
    "convergence": ("round", "key", "kind", "statement", "reactions", "territories",
                    "agreement", "priority_median", "priority_iqr", "consensus", "votes_oui",
                    "votes_non", "votes_nuance"),
    "contributions": ("key", "network", "text", "page"),
    "programme": ("round", "who", "what", "key", "idea", "start", "end", "status"),
    "method": ("figure", "value"),
}
#: The tables, in the order of the XLSX sheets and of the JSON's keys.
TABLES = tuple(_COLUMNS)


def columns(table: str) -> tuple[str, ...]:
    return _COLUMNS[table]


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _group_rows(groups: tuple[Group, ...], name: str) -> list[dict]:
    return [{name: g.code, "label": g.label, "ideas": len(g.keys),
             **dict(zip(SECTION_COLUMNS, g.by_section, strict=True)),
             "postits": g.postits, "keys": list(g.keys)} for g in groups]


def tables(d: Dossier) -> dict[str, list[dict]]:
    """Every table of the dossier: ``{name: [row, …]}``, each row a dict with exactly
    the table's :func:`columns`, lists as lists, missing values as ``None``."""
    found: dict[str, list[dict]] = {
        "figures": [{"figure": k, "value": v} for k, v in asdict(d.figures).items()],
        "territories": [{
            "territory": t.name, "country": t.country or None, "language": t.language or None,
            "debates": list(t.debates), "participants": t.participants,
            "groups": list(t.groups), "postits": t.postits, "excluded": t.excluded,
            "ideas": t.ideas,
        } for t in d.territories],
        "ideas": [{
            "key": i.key, "question": i.question, "kind": i.kind or None,
            "code": i.code or None, "code_label": i.code_label or None,
            "dimension": i.dimension or None, "dimension_label": i.dimension_label or None,
            "meaning": i.meaning or None, "meaning_label": i.meaning_label or None,
            "statement": i.statement, "territories_count": len(i.territories),
            "territories": list(i.territories), "groups": list(i.groups),
            "postits": i.postits, "actors": list(i.actors), "variants": list(i.variants),
        } for i in d.ideas],
        "dimensions": _group_rows(d.dimensions, "dimension"),
        "meanings": _group_rows(d.meanings, "meaning"),
        "matrix": [{
            "key": i.key, "kind": i.kind, "statement": i.statement, **dict(i.levels),
            "total": sum(n for _, n in i.levels),
        } for i in d.matrix],
        "proposals": [{
            "level": entry.level, "rank": rank, "key": p.key, "kind": p.kind,
            "statement": p.statement, "territories_count": len(p.territories),
            "territories": list(p.territories), "postits": p.postits,
        } for entry in d.proposals for rank, p in enumerate(entry.proposals, 1)],
        "quotes": [{
            "key": q.key, "rank": rank, "text": q.text, "territory": q.territory,
            "group": q.group or None, "page": q.page, "revid": q.revid, "index": q.index,
        } for i in d.ideas for rank, q in enumerate(i.quotes, 1)],
        "rounds": [{
            "round": r.round, "previous_round": r.round - 1, "ideas": r.ideas,
            "answered": r.answered, "reactions": r.reactions, "territories": r.territories,
            "mean_agreement": _share(r.mean_agreement),
            "median_iqr": r.median_iqr, "consensus": r.consensus,
        } for r in d.rounds],
        "convergence": [{
            "round": s.round, "key": s.key, "kind": s.kind or None, "statement": s.statement,
            "reactions": s.reactions, "territories": s.territories,
            "agreement": _share(s.agreement), "priority_median": s.priority_median,
            "priority_iqr": s.priority_iqr, "consensus": s.consensus,
            "votes_oui": dict(s.votes).get("oui", 0), "votes_non": dict(s.votes).get("non", 0),
            "votes_nuance": dict(s.votes).get("nuancé", 0),
        } for s in d.round_stats],
        "contributions": [{"key": c.key, "network": c.network, "text": c.text, "page": c.page}
                          for c in d.contributions],
        "programme": [{
            "round": c.round, "who": c.who, "what": c.what, "key": c.key or None,
            "idea": c.idea or None, "start": c.start or None, "end": c.end or None,
            "status": c.status,
        } for c in d.programme],
        "method": [{"figure": k, "value": _method_value(v)}
                   for k, v in (asdict(d.method).items() if d.method else ())],
    }
    return found


def _method_value(value: object) -> object:
    """A method card figure as a cell: decisions as ``action=count``, languages listed."""
    if isinstance(value, tuple):
        return [f"{a}={n}" if isinstance(a, str) and isinstance(n, int) else str(a)
                for a, n in value] if value and isinstance(value[0], tuple) else list(value)
    return value


def to_json(d: Dossier) -> str:
    """``{"format", "version", "round", "ideas_round", "state", "page", "url",
    "figures": {…}, "method": {…}, "<table>": [row, …] …}``: every table but
    ``figures`` and ``method``, which are one object each."""
    found = tables(d)
    document: dict = {
        "format": FORMAT, "version": VERSION, "round": d.round,
        "ideas_round": d.ideas_round or d.round, "state": d.state or None,
        "page": d.page or None, "url": d.url or None,
        "figures": {row["figure"]: row["value"] for row in found.pop("figures")},
        "method": {row["figure"]: row["value"] for row in found.pop("method")},
    }
    document.update(found)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(value: object) -> object:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


#: What a spreadsheet reads as the start of a formula when it opens a CSV file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    """A CSV cell. A text that a spreadsheet would run as a formula (``=HYPERLINK(…)``)
    gets a leading apostrophe, as OWASP advises and spreadsheets show it: the cell reads
    as the text typed. Numbers are written as numbers (``-0.5`` stays a number)."""
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def to_csv(d: Dossier, table: str = "ideas") -> str:
    """One table as CSV text (header row, then one line per row)."""
    if table not in _COLUMNS:
        raise ValueError(f"unknown table {table!r}: one of {', '.join(TABLES)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_COLUMNS[table])
    for row in tables(d)[table]:
        writer.writerow([_csv_cell(row[c]) for c in _COLUMNS[table]])
    return out.getvalue()


def to_xlsx(d: Dossier) -> bytes:
    """An XLSX workbook, one sheet per table (named as the table), a bold frozen header
    row with filters. Texts are stored as texts, never as formulas (control characters,
which XLSX cannot hold, are left out)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, rows in tables(d).items():
        sheet = workbook.create_sheet(name)
        names = _COLUMNS[name]
        sheet.append(list(names))
        for cell in sheet[1]:
            cell.font = bold
        widths = [len(c) for c in names]
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(names, start=1):
                value = _cell(row[column])
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.value = value
                    cell.data_type = TYPE_STRING  # "=…" is a post-it, not a formula
                    widths[c - 1] = max(widths[c - 1], min(len(value), 60))
                    if len(value) > 60:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                else:
                    cell.value = value
                    widths[c - 1] = max(widths[c - 1], len(str(value or "")))
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = width + 2
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(len(rows) + 1, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
