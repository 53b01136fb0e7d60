"""A real package (issue 23): a wheel built from the checkout, installed in a fresh
virtual environment outside it, installs the contract on the test wiki.

The files shipped beside the code (templates' wikitext, forms, demo debates, the
extension: :mod:`coacte.package_data`) must be in the wheel, not found by walking up
from a source file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coacte import package_data

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (package_data.WIKI_TEMPLATES, package_data.FORM_DEFINITIONS, package_data.DEMO,
           package_data.EXTENSION, package_data.HERE / "wiki" / "php")


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A virtual environment holding the wheel (its dependencies from this Python's)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: building writes build/ and egg-info beside the code
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".coacte", "*.egg-info", "build", "__pycache__", ".*_cache", ".hypothesis"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(work / "dist"), str(source)], check=True)
    (wheel,) = (work / "dist").glob("coacte-*.whl")
    env = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env)],
                   check=True)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True)
    return env


def test_the_wheel_holds_every_file_shipped_beside_the_code(venv):
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import coacte.package_data as d; print(d.HERE)"],
        capture_output=True, text=True, check=True, cwd=venv.parent).stdout.strip()
    installed = Path(found)
    assert installed.is_relative_to(venv)  # the wheel's copy, not this checkout
    for folder in SHIPPED:
        wanted = {p.relative_to(package_data.HERE) for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
        there = {p.relative_to(installed) for p in
                 (installed / folder.relative_to(package_data.HERE)).rglob("*") if p.is_file()}
        assert wanted and wanted <= there, folder.name


def test_coacte_install_from_the_wheel_installs_the_contract_on_the_wiki(venv, local_wiki):
    """Run from outside the checkout, with the test wiki's settings."""
    result = subprocess.run([str(venv / "bin" / "coacte"), "install"], capture_output=True,
                            text=True, cwd=venv.parent, env={**os.environ})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    from tests.integration.helpers import bot, text_of

    assert "{{{territoire" in text_of(bot(local_wiki), "Modèle:CO-ACTE débat")
