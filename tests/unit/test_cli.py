"""Every command answers --help, and the README documents every command."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from coacte.cli import BOTS, main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_main_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in BOTS:
        assert f"  {name}" in result.output


@pytest.mark.parametrize("name", sorted(BOTS))
def test_each_command_has_help_and_a_readme_section(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) > 3
    assert f"coacte {name}" in README


def test_a_mistyped_workers_setting_stops_every_command_with_its_name(monkeypatch):
    monkeypatch.setenv("COACTE_WORKERS", "deux")
    result = CliRunner().invoke(main, ["check", "--dry-run"])
    assert result.exit_code == 2
    assert "COACTE_WORKERS must be a whole number, not 'deux'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("text", "said"), [
    ("[wiki\nwiki_url = 'x'", "not a valid settings file (Expected ']'"),
    ("[bot]\nnear_duplicate_threshold = 'lots'",
     "[bot] near_duplicate_threshold = 'lots': a whole number from 0 to 100 is expected."),
    ("[bot]\ndebate_namespace = 'nope'", "[bot] debate_namespace = 'nope': a whole number"),
    ("[bot]\napproval = 1", "[bot] approval = 1: true or false is expected."),
    ("[bot]\nnear_dupliate_threshold = 90", "near_dupliate_threshold is not a setting"),
    ("[wiki]\nbot_password = 1234", "bot_password = (hidden): text in quotes"),
])
def test_bad_settings_stop_every_command_in_one_line_with_status_6(tmp_path, monkeypatch,
                                                                   text, said):
    """Issue 22: the file, the key, the value and what is accepted; no traceback, no
    secret; exit status 6 (not 1: that says "problems on the pages")."""
    path = tmp_path / "coacte.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COACTE_CONFIG", str(path))
    for command in (["check", "--dry-run"], ["serve"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 6, (command, result.output)
        assert str(path) in result.output and said in result.output
        assert "Traceback" not in result.output and "1234" not in result.output


def test_a_wiki_that_does_not_answer_is_status_8(tmp_path, monkeypatch):
    monkeypatch.setenv("COACTE_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COACTE_WIKI_URL", "http://127.0.0.1:9")  # nothing listens there
    result = CliRunner().invoke(main, ["check", "--dry-run"])
    assert result.exit_code == 8, result.output
    assert "did not answer" in result.output


@pytest.mark.parametrize("name", sorted(BOTS))
def test_every_help_says_the_exit_statuses(name):
    result = CliRunner().invoke(main, [name, "--help"])
    flat = " ".join(result.output.split())
    assert "6 bad settings" in flat and "9 the wiki is read-only" in flat
