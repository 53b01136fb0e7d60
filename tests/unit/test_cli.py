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
