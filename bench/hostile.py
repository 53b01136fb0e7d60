"""Hostile inputs, family by family: how many were tried and how many held.

    python bench/hostile.py [--verbose]

Each family feeds the core what a hostile or careless user could type or upload, and
checks the behaviour the README promises (no wiki needed: the parity of the parser with
MediaWiki itself is proven by ``tests/integration/test_parser_parity.py``):

- markup: a post-it's text written back shows literally and reads back the same;
- addresses: a URL in a post-it makes no link;
- spreadsheet formulas: a CSV cell never starts a formula;
- page structure: comments, includeonly/noinclude/onlyinclude, nowiki/pre, unclosed and
  nested calls: the post-its counted are those a page view shows (the expected counts
  were read from MediaWiki 1.39's ``action=parse``), the others reported;
- territory names: invisible characters (those MediaWiki drops from titles, and
  zero-width spaces, joiners and soft hyphens, which it keeps) are taken out and
  reported, so the names are one territory, whose two pages of a round are named;
- long texts: a post-it over the limit is reported and compared by its beginning;
- imports: zip bombs, oversized or malformed files, mixed encodings are refused or read
  line by line with a clear problem, without running out of memory.

A family that does not hold prints its failures; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coacte import contract  # noqa: E402
from coacte.model import Grid, GridEntry, PageRevision  # noqa: E402
from coacte.validate import read_debate, read_debates  # noqa: E402
from coacte.wikitext.parse import parse  # noqa: E402
from coacte.wikitext.values import decode, encode  # noqa: E402

GRID = Grid({"A": GridEntry("A", "Accès")})
HEADER = "{{CO-ACTE débat | territoire = Tarbes | tour = 1 }}\n"
Case = tuple[str, Callable[[], bool]]

MARKUP = [
    "[[Catégorie:x]]", "[[Fichier:x.png]]", "<script>alert(1)</script>", "signé ~~~~",
    "__NOTOC__", "{{DISPLAYTITLE:x}}", "== titre ==", "a {{!}} b", "fin }} et | tube",
    "&amp; &eacute; &#124;", "{{subst:CURRENTTIME}}", "'''gras''' et ''italique''",
    "* liste\n# numérotée\n: indent\n ; pre\n----", '"><img src=x onerror=alert(1)>',
    "<!-- caché -->", "<nowiki>x</nowiki>", "{{{1}}}", "[http://x.org lien]",
    "#REDIRECT [[Accueil]]", "<ref>note</ref>", "{{#invoke:x|y}}", "-{zh}-", "ISBN 978-3-16",
]
ADDRESSES = ["https://exemple.org/a?b=1", "http://x.org", "mailto:a@b.org", "HTTPS://X.ORG",
             "ftp://x", "tel:+33123", "irc://x", "news:x", "voir https://x.org, et //x.org"]
FORMULAS = ["=1+1", "+33 6", "-2", "@SUM(A1)", "\t=x", "\r=x", "=HYPERLINK(\"http://x\")"]
#: Pages and the post-its MediaWiki 1.39 shows on them (action=parse, counted).
PAGES = [
    ("{{CO-ACTE post-it | question = 2 | <!-- note --> texte = un }}", 1),
    ("{{CO-ACTE post-it | question <!-- y --> = 2 | texte = deux }}", 1),
    ("{{CO-ACTE post-it <!-- x --> | question = 1 | texte = trois }}", 1),
    ("<includeonly>{{CO-ACTE post-it | question = 1 | texte = x }}</includeonly>", 0),
    ("<noinclude>{{CO-ACTE post-it | question = 1 | texte = x }}</noinclude>", 1),
    ("<onlyinclude>{{CO-ACTE post-it | question = 1 | texte = x }}</onlyinclude>", 1),
    ("<nowiki>{{CO-ACTE post-it | question = 1 | texte = x }}</nowiki>", 0),
    ("<pre>{{CO-ACTE post-it | question = 1 | texte = x }}</pre>", 0),
    ("<!-- {{CO-ACTE post-it | question = 1 | texte = x }}", 0),
    ("{{CO-ACTE post-it | question = 1 | texte = a "
     "{{CO-ACTE post-it | question = 1 | texte = b }} }}", 2),
    ("{{CO-ACTE post-it | question = 1 | texte = jamais fermé", 0),
    ("{{Pas un modèle | {{CO-ACTE post-it | question = 1 | texte = x }} }}", 0),
    ("{{CO-ACTE_post-it|question=1|texte=x}}", 1),
    ("{{Modèle:CO-ACTE post-it|question=1|texte=x}}", 1),
]
INVISIBLE = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def markup() -> Iterable[Case]:
    import mwparserfromhell

    def held(text: str) -> bool:
        written = encode(text)
        nodes = mwparserfromhell.parse(f"{{{{T|x={written}}}}}").filter_templates()[0]
        kinds = {type(n).__name__ for n in nodes.get("x").value.nodes}
        return decode(written) == text.strip() and kinds <= {"Text", "HTMLEntity"}
    return [(text, lambda t=text: held(t)) for text in MARKUP]


def addresses() -> Iterable[Case]:
    schemes = ("http://", "https://", "mailto:", "ftp://", "tel:", "irc://", "news:")

    def held(text: str) -> bool:
        written = encode(text).lower()
        return decode(encode(text)) == text and not any(s in written for s in schemes)
    return [(text, lambda t=text: held(t)) for text in ADDRESSES]


def formulas() -> Iterable[Case]:
    from coacte.dossier.opendata import FORMULA_STARTS, _csv_cell
    return [(repr(text), lambda t=text: not _csv_cell(t).startswith(FORMULA_STARTS))
            for text in FORMULAS]


def structure() -> Iterable[Case]:
    def held(body: str, shown: int) -> bool:
        text = HEADER + body
        calls = [c for c in parse(text).calls if c.template is contract.POSTIT]
        counted = sum(c.inside in ("", contract.POSTIT.name) for c in calls)
        debate, problems = read_debate(PageRevision("Débat:Tarbes/Tour 1", 1, "t", text), GRID)
        reported = {p.key for p in problems}
        hidden_but_said = ("jamais fermé" not in body
                           or "coacte-problem-unclosed" in reported)
        nested_said = sum(bool(c.inside) for c in calls) == 0 or "coacte-problem-nested" in \
            reported
        return counted == shown and hidden_but_said and nested_said
    return [(body, lambda b=body, n=shown: held(b, n)) for body, shown in PAGES]


def territories() -> Iterable[Case]:
    def held(mark: str) -> bool:
        pages = [PageRevision(f"Débat:T{n}/Tour 1", n, "t",
                              f"{{{{CO-ACTE débat | territoire = {name} | tour = 1 }}}}\n"
                              "{{CO-ACTE post-it | question = 1 | texte = x }}")
                 for n, name in enumerate(("Arles", f"Arles{mark}", f"Ar{mark}les"), 1)]
        debates, problems = read_debates(pages, GRID)
        hidden = [p for p in problems if p.key == "coacte-problem-invisible"]
        twice = [p for p in problems if p.key == "coacte-problem-same-territory-round"]
        return ({d.territory for d in debates} == {"Arles"} and len(hidden) == 2
                and len(twice) == 3)
    return [(f"U+{ord(mark):04X}", lambda m=mark: held(m)) for mark in INVISIBLE]


def long_texts() -> Iterable[Case]:
    from coacte.synthesis.similarity import normalize

    def held(size: int) -> bool:
        text = ("mot " * (size // 4 + 1))[:size].strip()
        page = HEADER + f"{{{{CO-ACTE post-it | question = 1 | texte = {text} }}}}"
        debate, problems = read_debate(PageRevision("Débat:T/Tour 1", 1, "t", page), GRID)
        said = any(p.key == "coacte-problem-text-long" for p in problems)
        return (debate.postits[0].text == text and len(normalize(text)) <= contract.POSTIT_CHARS
                and said == (len(text) > contract.POSTIT_CHARS))
    return [(f"{size:,} characters", lambda s=size: held(s))
            for size in (4_999, 5_001, 100_000, 2_000_000)]


def imports() -> Iterable[Case]:
    import tempfile

    from bench.workbooks import workbook  # the zip-bomb builder
    from coacte.importing import TranscriptionError, read_transcription

    def refused(name: str, data: bytes) -> bool:
        try:
            read_transcription(name, data)
        except TranscriptionError:
            return True
        return False

    def bomb(rows: int) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return workbook(Path(folder) / "bomb.xlsx", rows).read_bytes()

    def mixed() -> bool:
        data = (b"question;texte;groupe\n" + "1;Élus à Mulhouse;Élus\n".encode()
                + "2;Jeunes à Tarbes;Jeunes\n".encode("cp1252"))
        texts = [row.values.get("texte") for row in read_transcription("x.csv", data).rows]
        return texts == ["Élus à Mulhouse", "Jeunes à Tarbes"]
    return [
        ("xlsx bomb of 1,000,000 rows", lambda: refused("bomb.xlsx", bomb(1_000_000))),
        ("xlsx of 6,000 rows", lambda: refused("big.xlsx", bomb(6_000))),
        ("not a zip", lambda: refused("x.xlsx", b"PK\x03\x04 garbage")),
        ("csv of 100,000 rows", lambda: refused(
            "x.csv", b"question;texte\n" + b"1;x\n" * 100_000)),
        ("csv cell of 1 MB", lambda: refused("x.csv", b"question;texte\n1;" + b"x" * 1_000_000)),
        ("csv of 20 MB", lambda: refused("x.csv", b"question;texte\n" + b"1;x\n" * 5_000_000)),
        ("mixed utf-8 and cp1252 lines", mixed),
    ]


FAMILIES: dict[str, Callable[[], Iterable[Case]]] = {
    "markup in a post-it": markup,
    "addresses": addresses,
    "spreadsheet formulas (CSV export)": formulas,
    "page structure (comments, tags, unclosed, nested)": structure,
    "invisible characters in territory names": territories,
    "long texts": long_texts,
    "imports (bombs, sizes, encodings)": imports,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    total = held_total = 0
    for family, cases in FAMILIES.items():
        held, failed = 0, []
        for name, check in cases():
            try:
                ok = check()
            except Exception as exc:  # a crash is a failure of the family, not of the bench
                ok, name = False, f"{name}: {type(exc).__name__}: {exc}"
            held += ok
            if not ok:
                failed.append(name)
            elif args.verbose:
                print(f"    held: {name!r}")
        count = held + len(failed)
        total, held_total = total + count, held_total + held
        print(f"{family}: {held}/{count} held")
        for name in failed:
            print(f"    FAILED: {name!r}")
    print(f"all families: {held_total}/{total} hostile inputs held")
    print(f"peak memory refusing a zip bomb of 1,000,000 rows: {bomb_peak():.0f} MB "
          "(a fresh process: interpreter, imports and reading)")
    return 0 if held_total == total else 1


def bomb_peak() -> float:
    """The peak memory of a fresh process that reads (and refuses) the bomb."""
    import tempfile

    from bench.workbooks import measure, workbook

    with tempfile.TemporaryDirectory() as folder:
        _, peak = measure(workbook(Path(folder) / "bomb.xlsx", 1_000_000))
    return peak


if __name__ == "__main__":
    sys.exit(main())
