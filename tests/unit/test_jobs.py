"""The jobs' own pieces, on a fake wiki: what ``round status`` prints, each run's stores
used and no other, a round's global pages read once, a wrong file told before any wiki."""

from __future__ import annotations

from coacte.cache.parsed_pages import ParseStore
from coacte.cache.stores import Stores
from coacte.config import Config
from coacte.contract import Titles
from coacte.jobs.demo import ready_lines
from coacte.jobs.global_round import global_synthesis
from coacte.jobs.import_debate import read_file
from coacte.jobs.inputs import read_inputs
from coacte.jobs.report import DONE, Report
from coacte.jobs.rounds import status_lines
from coacte.model import PageRevision
from coacte.synthesis.rounds import delphi_view
from coacte.validate import read_debates
from coacte.wiki.incremental import code_version
from tests.unit.test_rounds import GRID, PREVIOUS, page


class FakeWiki:
    """Just what the reading jobs use: a config, batched reads (each title recorded),
    transclusions, the files' SHA-1s (none: nothing is uploaded in a dry run)."""

    language = "fr"
    titles = Titles()
    total_requests = 0

    def __init__(self, pages: list[PageRevision]):
        self.config = Config(wiki_url="http://wiki.test/w")
        self.pages = {p.title: p for p in pages}
        self.reads: list[str] = []

    def read(self, titles):
        titles = list(titles)
        self.reads += titles
        return {t: self.pages.get(t) for t in titles}

    def transcluding(self, template):
        return [p for p in self.pages.values() if "{{" + template in p.text]

    def titles_with_prefix(self, prefix, namespace=0):
        return sorted(t for t in self.pages if t.split(":", 1)[-1].startswith(prefix))

    def file_sha1(self, names):
        return dict.fromkeys(names)


class Lines(Report):
    """A report that keeps the lines told."""

    def __init__(self):
        self.lines: list[tuple[str, bool]] = []

    def line(self, text: str, err: bool = False) -> None:
        self.lines.append((text, err))


def round_two() -> list[PageRevision]:
    return [page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "Élus", "")]),
            page("Odemira", [("g3b-aaaa1111", "", "", "", "")])]


def test_round_status_lines_name_who_and_what_is_waiting():
    debates, _ = read_debates(round_two(), GRID)
    view, _ = delphi_view(debates, 2, PREVIOUS, None, closed=False)
    assert status_lines(view, 2) == [
        "round 2: 2 ideas, 1 with reactions",
        "territories that have not reacted yet: Odemira",
        "ideas nobody has reacted to yet:",
        "  g3l-bbbb2222  Un budget participatif",
    ]
    everyone = read_debates([page("Mulhouse", [("g3b-aaaa1111", "oui", "4", "", ""),
                                               ("g3l-bbbb2222", "non", "2", "", "")])],
                            GRID)[0]
    view, _ = delphi_view(everyone, 2, PREVIOUS, None, closed=False)
    assert status_lines(view, 2)[1:] == ["territories that have not reacted yet: none",
                                         "ideas nobody has reacted to yet:", "  none"]


def test_each_run_parses_into_the_store_it_is_given_and_no_other(tmp_path):
    wiki = FakeWiki(round_two())
    one, two = ParseStore(tmp_path / "one.sqlite"), ParseStore(tmp_path / "two.sqlite")
    context = f"{code_version()}|grid None"
    first = read_inputs(wiki, parse_store=one)
    assert ("Débat:Mulhouse/Tour 2", 9) in one.view(context)
    assert ("Débat:Mulhouse/Tour 2", 9) not in two.view(context)
    assert read_inputs(wiki, parse_store=two).debates == first.debates
    assert ("Débat:Mulhouse/Tour 2", 9) in two.view(context)
    assert read_inputs(wiki).debates == first.debates  # no store: parsed again, the same


def test_round_close_reads_each_global_page_once(tmp_path):
    wiki = FakeWiki([PREVIOUS, *round_two()])
    stores = Stores(parsed=ParseStore(tmp_path / "parsed.sqlite"))
    result = global_synthesis(wiki, 2, close=True, dry_run=True, stores=stores)
    assert result.status == DONE and result.data["reactions"]
    assert "pending" not in result.data  # closed
    pages = [t for t in wiki.reads if t.startswith("Synthèse:Globale/")]
    assert sorted(pages) == ["Synthèse:Globale/Tour 1", "Synthèse:Globale/Tour 2"]


def test_a_file_that_cannot_be_read_is_told_without_a_wiki(tmp_path):
    report = Lines()
    assert read_file(tmp_path / "missing.csv", report=report, lang="en") is None
    ((text, err),) = report.lines
    assert err and "missing.csv" in text


def test_the_demo_says_where_to_look():
    config = Config(wiki_url="http://localhost:8080", extra={"local": {"admin_user": "Admin"}})
    lines = ready_lines(config, Titles(), ["http://localhost:8080/index.php?title=S"], "d.pdf")
    assert lines[0] == "\nThe demo is ready. Open:"
    assert "    http://localhost:8080/index.php?title=S" in lines
    assert lines[-1].startswith("  accounts (") and "Admin (admin)" in lines[-1]
    assert not any("coacte serve" in line for line in lines)  # no [web] url
    served = Config(wiki_url="http://localhost:8080",
                    extra={"web": {"url": "http://127.0.0.1:5000"}})
    lines = ready_lines(served, Titles(), [], "d.pdf")
    assert "http://127.0.0.1:5000/moderation/review?round=1" in "\n".join(lines)


class BatchWiki(FakeWiki):
    """A fake wiki that keeps each batch read (one API request each on a real wiki)."""

    def __init__(self, pages):
        super().__init__(pages)
        self.batches: list[list[str]] = []

    def read(self, titles):
        self.batches.append(list(titles))
        return super().read(titles)


def test_the_groups_page_is_read_in_the_grid_pages_batch():
    groups = PageRevision("CO-ACTE/Groupes", 4, "t",
                          "{{CO-ACTE groupe | type = elus | fr = Élus | en = Councillors }}")
    wiki = BatchWiki([groups, *round_two()])
    batches = wiki.batches
    inputs = read_inputs(wiki)
    assert batches == [["CO-ACTE/Grille", "CO-ACTE/Groupes"]]
    assert inputs.group_kinds.kind_of("Councillors") == "elus"
    assert [p.key for p in inputs.problems] == ["coacte-problem-no-grid"]
    missing = read_inputs(FakeWiki(round_two()))
    assert missing.group_kinds.names == {}
    assert "coacte-problem-no-groups" in [p.key for p in missing.problems]
    # a caller that hands its grid page gets the groups page read alone
    batches.clear()
    read_inputs(wiki, grid_page=None)
    assert batches == [["CO-ACTE/Groupes"]]
