"""The bot's region: created, updated, left alone when unchanged, humans never overwritten."""

from coacte.wikitext import region


def test_create_then_unchanged_then_update_keeps_human_text():
    created = region.place(None, "corps 1")
    assert created.status == region.CREATE
    page = "Texte humain avant.\n\n" + created.text + "\n\nNote humaine après."
    assert region.place(page, "corps 1\n").status == region.UNCHANGED
    updated = region.place(page, "corps 2")
    assert updated.status == region.UPDATE
    assert updated.text.startswith("Texte humain avant.")
    assert updated.text.endswith("Note humaine après.")
    assert region.body_of(updated.text) == "corps 2"


def test_page_without_region_gets_one_at_its_end():
    placed = region.place("Une page écrite à la main.", "corps")
    assert placed.status == region.UPDATE
    assert placed.text.startswith("Une page écrite à la main.\n\n")
    assert region.body_of(placed.text) == "corps"


def test_human_edit_inside_region_is_a_conflict():
    page = region.place(None, "ligne 1\nligne 2").text
    edited = page.replace("ligne 2", "ligne 2 corrigée à la main")
    placed = region.place(edited, "ligne 1\nligne 3")
    assert placed.status == region.CONFLICT and placed.text is None
    assert placed.reason == "coacte-conflict-human-edit"


def test_damaged_markers_are_a_conflict():
    page = region.place(None, "corps").text
    for damaged in (page.replace(region.END, ""), page + "\n" + page,
                    page.split("\n", 1)[1]):
        assert region.place(damaged, "autre").status == region.CONFLICT


def test_clean_matches_what_mediawiki_stores():
    assert region.clean("  \n a  \r\nb\t\n\n") == "a\nb"
    assert region.clean("e\u0301") == "\u00e9"
