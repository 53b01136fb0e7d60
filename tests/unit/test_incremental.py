"""The incremental run's state: what it remembers, and what makes it forget."""

from __future__ import annotations

from coacte.config import Config
from coacte.wiki import incremental
from coacte.wiki.incremental import State


def state() -> State:
    return State("k", pages={"Débat:A/Tour 1": (10, [("a", 1)], 0),
                             "Débat:A bis/Tour 1": (11, [("a", 1)], 2),
                             "Débat:B/Tour 1": (12, [("b", 1)], 0)},
                 targets={"Synthèse:A/Tour 1": (20, ("a", 1)),
                          "Synthèse:B/Tour 1": (21, ("b", 1))})


def test_round_trip_through_the_file(tmp_path):
    path = tmp_path / "s" / "state.json"
    incremental.save(path, state())
    assert incremental.load(path, "k") == state()
    assert state().problems == 2


def test_another_key_or_a_damaged_file_means_a_full_run(tmp_path):
    path = tmp_path / "state.json"
    incremental.save(path, state())
    assert incremental.load(path, "other") == State("other")
    path.write_text('{"key": "k", "pages": {"x": [1]}, "targets": {}}', encoding="utf-8")
    assert incremental.load(path, "k") == State("k")
    path.write_text("{not json", encoding="utf-8")
    assert incremental.load(path, "k") == State("k")
    assert incremental.load(tmp_path / "missing.json", "k") == State("k")


def test_edited_new_and_gone_pages_are_found():
    listed = {"Débat:A/Tour 1": 10, "Débat:A bis/Tour 1": 15, "Débat:C/Tour 1": 30}
    changed, gone = incremental.changed_pages(state(), listed)
    assert changed == {"Débat:A bis/Tour 1", "Débat:C/Tour 1"}
    assert gone == {"Débat:B/Tour 1"}
    assert state().pairs_of(changed | gone) == {("a", 1), ("b", 1)}
    assert state().pages_feeding({("a", 1)}) == {"Débat:A/Tour 1", "Débat:A bis/Tour 1"}


def test_a_synthesis_page_edited_or_deleted_by_someone_else_is_redone():
    now = {"Synthèse:A/Tour 1": 20, "Synthèse:B/Tour 1": None}
    assert incremental.edited_targets(state(), now) == {("b", 1)}
    assert incremental.edited_targets(state(), {"Synthèse:A/Tour 1": 25,
                                                "Synthèse:B/Tour 1": 21}) == {("a", 1)}


def test_update_replaces_read_pages_and_keeps_conflicts_in_view():
    after = incremental.update(
        state(), {"Débat:A bis/Tour 1": (15, [("b", 1)], 0)}, {"Débat:B/Tour 1"},
        {"Synthèse:A/Tour 1": (None, ("a", 1)), "Synthèse:C/Tour 1": (40, ("c", 1))})
    assert after.pages == {"Débat:A/Tour 1": (10, [("a", 1)], 0),
                           "Débat:A bis/Tour 1": (15, [("b", 1)], 0)}
    assert after.targets == {"Synthèse:A/Tour 1": (incremental.UNKNOWN, ("a", 1)),
                             "Synthèse:B/Tour 1": (21, ("b", 1)),
                             "Synthèse:C/Tour 1": (40, ("c", 1))}
    assert incremental.edited_targets(after, {"Synthèse:A/Tour 1": 20, "Synthèse:B/Tour 1": 21,
                                              "Synthèse:C/Tour 1": 40}) == {("a", 1)}


def test_each_wiki_and_account_has_its_own_state_file(tmp_path):
    one = incremental.state_file(tmp_path, Config("http://a/w", "Bot@x"))
    assert one.parent == tmp_path / "state"
    assert one != incremental.state_file(tmp_path, Config("http://b/w", "Bot@x"))
    assert one != incremental.state_file(tmp_path, Config("http://a/w", "Other@x"))


def test_the_code_fingerprint_covers_the_whole_package():
    """Any change to the method (not only to the wiki side) makes the next run a full one."""
    from coacte.wiki.incremental import PACKAGE, code_files

    names = {p.relative_to(PACKAGE).as_posix() for p in code_files()}
    assert {"model.py", "synthesis/semantic.py", "render/synthesis_pages.py",
            "i18n/fr.json", "wiki/incremental.py"} <= names
