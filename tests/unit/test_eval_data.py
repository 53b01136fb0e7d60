"""Shape of the labelled set of ordinary debates (eval/debates.jsonl): valid lines, enough
territories, languages and shared ideas, codes from the default grid, coherent labels."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from coacte.model import PageRevision
from coacte.package_data import WIKI_TEMPLATES
from coacte.validate import code_problems, read_grid

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "eval" / "debates.jsonl"
FIELDS = {"id", "cluster", "territory", "lang", "question", "kind", "code", "group", "text"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = DATA.read_bytes().decode("utf-8").splitlines()
    assert all(line.strip() for line in lines), "no blank lines"
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def shared(rows) -> dict[str, list[dict]]:
    """Ideas stated by several territories (``c-…``), with their members."""
    found = defaultdict(list)
    for row in rows:
        if not row["cluster"].startswith("s-"):
            found[row["cluster"]].append(row)
    return found


def territories(members: list[dict]) -> set[str]:
    return {row["territory"] for row in members}


def test_every_line_has_the_fields_with_their_types(rows):
    for row in rows:
        assert set(row) == FIELDS, row
        assert isinstance(row["question"], int), row
        for key in FIELDS - {"question", "code", "kind"}:
            assert isinstance(row[key], str) and row[key].strip(), (key, row)
    assert [row["id"] for row in rows] == [f"d{i:03d}" for i in range(1, len(rows) + 1)]
    texts = [row["text"].casefold() for row in rows]
    assert len(set(texts)) == len(texts), "no post-it copied twice"


def test_size_territories_and_languages(rows):
    assert len(rows) >= 400
    lang_of = defaultdict(set)
    for row in rows:
        lang_of[row["territory"]].add(row["lang"])
    assert len(lang_of) >= 14
    assert all(len(langs) == 1 for langs in lang_of.values()), "one language per territory"
    assert {lang for langs in lang_of.values() for lang in langs} == {"fr", "pt", "en"}


def test_question_and_kind_agree(rows, shared):
    for row in rows:
        assert row["question"] in (1, 2, 3), row
        expected = ("blocage", "levier") if row["question"] == 3 else ("",)
        assert row["kind"] in expected, row
    for cluster, members in shared.items():
        assert len({(r["question"], r["kind"]) for r in members}) == 1, cluster


def test_codes_are_in_the_default_grid(rows):
    text = (WIKI_TEMPLATES / "pages" / "grille.wikitext").read_text("utf-8")
    grid, problems = read_grid(PageRevision("CO-ACTE/Grille", 1, "t", text))
    assert problems == [] and grid.entries
    for row in rows:
        if row["code"]:
            assert code_problems(row["code"], grid) == [], row


def test_singletons_and_shared_ideas(rows, shared):
    for row in rows:
        if row["cluster"].startswith("s-"):
            assert row["cluster"] == f"s-{row['id']}", row
    sizes = [len(territories(members)) for members in shared.values()]
    assert min(sizes) >= 2, "a shared idea is stated by several territories"
    assert len(sizes) >= 35
    assert max(sizes) <= 9
    assert sum(1 for size in sizes if size <= 3) >= 10, "many ideas are shared by few"
    assert sum(1 for size in sizes if size >= 5) >= 5, "some by many"
    assert sum(1 for row in rows if row["cluster"].startswith("s-")) >= 60


def test_shared_ideas_mix_languages(shared):
    mixed = [c for c, members in shared.items() if len({r["lang"] for r in members}) >= 2]
    assert len(mixed) >= 0.9 * len(shared)


def test_repeats_inside_a_territory_come_from_different_groups(shared):
    repeats = 0
    for cluster, members in shared.items():
        for territory in territories(members):
            groups = [r["group"] for r in members if r["territory"] == territory]
            assert len(set(groups)) == len(groups), (cluster, territory)
            repeats += len(groups) > 1
    assert repeats >= 5


def test_share_of_uncoded_members_of_shared_ideas(shared):
    members = [row for group in shared.values() for row in group]
    uncoded = sum(1 for row in members if not row["code"])
    assert 0.25 <= uncoded / len(members) <= 0.45
    partly = [c for c, group in shared.items() if len({bool(r["code"]) for r in group}) == 2]
    assert len(partly) >= 10, "an idea coded in one place is often uncoded in another"
