"""Parsed pages kept across runs: found again only for the same revision and context."""

from __future__ import annotations

from coacte.cache.parsed_pages import ParseStore
from coacte.model import PageRevision
from coacte.validate import read_debates, read_grid

PAGE = PageRevision("Débat:Lyon/Tour 1", 7, "2026-01-01T00:00:00Z",
                    "{{CO-ACTE débat|territoire=Lyon|tour=1}}\n"
                    "{{CO-ACTE post-it|question=1|texte=Un jardin partagé}}\n"
                    "{{CO-ACTE post-it|question=9|texte=Hors sujet}}")


def test_a_revision_parsed_once_is_read_back_the_same_in_a_later_run(tmp_path):
    grid, _ = read_grid(None)
    first = ParseStore(tmp_path / "parsed.sqlite").view("v1|grid 3")
    expected = read_debates([PAGE], grid, known=first)
    assert (PAGE.title, 7) in first
    later = ParseStore(tmp_path / "parsed.sqlite").view("v1|grid 3")  # another process
    assert (PAGE.title, 7) in later
    assert read_debates([PAGE], grid, known=later) == expected
    assert expected[1]  # the bad question is reported from the store too


def test_another_revision_or_context_is_parsed_again(tmp_path):
    grid, _ = read_grid(None)
    store = ParseStore(tmp_path / "parsed.sqlite")
    read_debates([PAGE], grid, known=store.view("v1|grid 3"))
    assert (PAGE.title, 8) not in store.view("v1|grid 3")
    assert (PAGE.title, 7) not in store.view("v1|grid 4")
    assert (PAGE.title, 7) not in store.view("v2|grid 3")


def test_a_damaged_row_is_parsed_again_not_trusted(tmp_path):
    grid, _ = read_grid(None)
    store = ParseStore(tmp_path / "parsed.sqlite")
    read_debates([PAGE], grid, known=store.view("c"))
    store.db.write("UPDATE parsed SET value = x'00ff'")
    view = store.view("c")
    assert (PAGE.title, 7) not in view
    debates, _ = read_debates([PAGE], grid, known=view)
    assert [p.text for p in debates[0].postits] == ["Un jardin partagé"]
    assert (PAGE.title, 7) in store.view("c")  # written again


def test_an_unreadable_file_is_set_aside_and_the_run_goes_on(tmp_path, caplog):
    path = tmp_path / "parsed.sqlite"
    path.write_bytes(b"\x00garbage" * 500)
    grid, _ = read_grid(None)
    view = ParseStore(path).view("v1|grid 3")
    debates, problems = read_debates([PAGE], grid, known=view)
    assert "parsed.sqlite cannot be read" in caplog.text
    assert (tmp_path / "parsed.sqlite.damaged").exists()
    assert len(debates) == 1 and (PAGE.title, PAGE.revid) in ParseStore(path).view("v1|grid 3")


def test_a_file_cut_during_a_run_is_set_aside_and_the_pages_parsed_again(tmp_path):
    """Issue 22: the cache file is overwritten while a run has it open: the run parses
    the page again (no error), and the next run opens a new file."""
    grid, _ = read_grid(None)
    path = tmp_path / "parsed.sqlite"
    store = ParseStore(path)
    filler = "\n{{CO-ACTE post-it|question=2|texte=" + "mot " * 1000 + "}}"
    pages = [PageRevision(f"Débat:T{n}/Tour 1", n, "t",  # more than SQLite keeps in memory
                          PAGE.text.replace("Lyon", f"T{n}") + filler) for n in range(1, 800)]
    read_debates(pages, grid, known=store.view("c"))
    path.write_bytes(b"not a database at all " * 100_000)
    debates, _ = read_debates(pages, grid, known=store.view("c"))
    assert len(debates) == 799 and (tmp_path / "parsed.sqlite.damaged").exists()
    assert (pages[0].title, 1) in ParseStore(path).view("c")  # written again, in a new file
