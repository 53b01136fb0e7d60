"""Spreadsheets made for the import's limits: a zip bomb of a million rows written part by
part (a few hundred KB), and the peak memory of reading one in a fresh process.

Shared by the tests of the import's limits and ``bench/hostile.py``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Address space the measuring subprocess gets: without the bounds, reading the bomb
#: would fail here with MemoryError rather than take the machine's memory.
ADDRESS_SPACE = 2 * 1024 ** 3

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Post-its" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def cell(value: str) -> str:
    """A cell holding ``value`` as an inline string."""
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def workbook(path: Path, rows: int, text: str = "Les élus décident seuls") -> Path:
    """A valid XLSX whose sheet holds a header and ``rows`` post-its, written part by part.

    Rows and cells carry no ``r`` attribute (it is optional), so a million rows are the
    same bytes over and over: the sheet's XML (about 80 MB) zips to a few hundred KB — a
    zip bomb like the one found — and writing it costs the test neither time nor memory.
    The sheet declares its size, as Excel's do.
    """
    row = f"<row>{cell(text)}<c><v>1</v></c></row>".encode()

    def body():
        yield f'<dimension ref="A1:B{rows + 1}"/><sheetData>'.encode()
        yield f"<row>{cell('texte')}{cell('question')}</row>".encode()
        for start in range(0, rows, 10_000):
            yield row * min(10_000, rows - start)
        yield b"</sheetData>"

    return write_workbook(path, body())


def write_workbook(path: Path, sheet: Iterable[bytes], prolog: bytes = b"") -> Path:
    """An XLSX of one sheet whose XML, inside ``<worksheet>``, is ``sheet``'s chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, xml in _PARTS.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(prolog + f'<worksheet xmlns="{_MAIN}">'.encode())
            for chunk in sheet:
                part.write(chunk)
            part.write(b"</worksheet>")
    return path


def measure(path: Path, *, stream_only: bool = False) -> tuple[str, float]:
    """Read ``path`` in a fresh process: the refusal's key and the process's peak memory
    (MB, as the kernel counts it: interpreter, imports and reading together).

    The peak is the process's ``VmHWM``, which starts anew at ``exec``; ``ru_maxrss``
    would not do: Linux carries it over from the forking parent (pytest, with every
    test module loaded). ``stream_only`` turns the archive check off, to measure the
    row cap alone.
    """
    script = textwrap.dedent(f"""
        import re, resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
        from coacte import importing
        if {stream_only!r}:
            importing._check_archive = lambda name, data: None
        try:
            importing.read_path(Path(sys.argv[1]))
            print("read")
        except importing.TranscriptionError as exc:
            print(exc.key)
        except MemoryError:
            print("MemoryError")
        status = Path("/proc/self/status").read_text()
        print(re.search(r"VmHWM:\\s*(\\d+) kB", status).group(1))
    """)
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"reading {path} failed: {done.stderr[-500:]}")
    key, peak_kib = done.stdout.split()
    return key, int(peak_kib) / 1024
