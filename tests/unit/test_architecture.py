"""The house by role, checked: each folder imports only from its own floor or below, only
the wiki side talks to MediaWiki, nothing sets another module's globals, and the README's
"How it fits together" names every module.

The floors are the architecture of design §4 and the README: the method's vocabulary at
the bottom, then its pure stages (parse → validate → curate → synthesize → render), the
export dossier, the wiki side, the jobs, and the doors (the service, the CLI's bots).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Each unit (a top-level module of ``coacte``, a package of it, or ``bot_scripts``) and
#: its floor: a unit may import from its own floor or below, never above.
FLOORS = {
    "coacte.contract": 0, "coacte.config": 0, "coacte.i18n": 0, "coacte.cache": 0,
    "coacte.package_data": 0,
    "coacte": 0,  # the package's face: __version__ only
    "coacte.problems": 1, "coacte.model": 1,
    "coacte.wikitext": 2, "coacte.forms": 2,
    "coacte.validate": 3,
    "coacte.curation": 4, "coacte.programme": 4, "coacte.importing": 4,
    "coacte.synthesis": 5,
    "coacte.render": 6,
    "coacte.dossier": 7,
    "coacte.wiki": 8,
    "coacte.jobs": 9,
    "coacte.web": 10,
    "bot_scripts": 11, "coacte.cli": 11, "coacte.__main__": 11,
}

#: Libraries that speak MediaWiki's API: only the wiki side imports them.
WIKI_LIBRARIES = ("mwclient", "requests")


def modules() -> dict[str, Path]:
    found = {}
    for folder in ("coacte", "bot_scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def unit(module: str) -> str:
    """The unit a module belongs to: the longest name of :data:`FLOORS` it starts with."""
    best = ""
    for name in FLOORS:
        if (module == name or module.startswith(name + ".")) and len(name) > len(best):
            best = name
    assert best, f"{module} belongs to no floor: add it to FLOORS (and to the README)"
    return best


def imports(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module ``path`` imports (also inside functions), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.append((base, node.lineno))
            found += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return found


def local_imports() -> list[tuple[str, str, int]]:
    """(importer, imported unit, line) for every import of one of our modules."""
    known = modules()
    edges = []
    for module, path in known.items():
        for name, line in imports(path, module):
            if name in known:
                edges.append((module, name, line))
    return edges


def test_no_import_runs_back_up_a_floor():
    upward = [f"{a} (floor {FLOORS[unit(a)]}) imports {b} (floor {FLOORS[unit(b)]}), line {n}"
              for a, b, n in local_imports() if FLOORS[unit(b)] > FLOORS[unit(a)]]
    assert upward == []


def test_no_cycle_between_units():
    graph: dict[str, set[str]] = {}
    for a, b, _ in local_imports():
        if unit(a) != unit(b):
            graph.setdefault(unit(a), set()).add(unit(b))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted({f"{a} ⇄ {b}" for a, targets in graph.items() for b in targets
                     if reaches(b, a, {b})})
    assert cycles == []


def test_only_the_wiki_side_talks_to_mediawiki():
    outside = []
    for module, path in modules().items():
        if unit(module) == "coacte.wiki":
            continue
        for name, line in imports(path, module):
            if name.split(".")[0] in WIKI_LIBRARIES:
                outside.append(f"{module}:{line} imports {name}")
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\.call\(\s*\"(query|edit|upload|patrol)\"|\.site\.", text):
            line = text.count("\n", 0, match.start()) + 1
            outside.append(f"{module}:{line} sends a raw API request ({match.group(0)})")
    assert outside == []


def test_no_module_state_set_from_outside():
    """A ``global`` statement means a function sets module state that other callers then
    share silently (stores, settings): pass such things explicitly instead."""
    found = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Global):
                found.append(f"{module}:{node.lineno} global {', '.join(node.names)}")
    assert found == []


def test_the_readme_names_every_module():
    """"How it fits together" lists every module, by its path or in its folder's row."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    missing = []
    for path in modules().values():
        relative = path.relative_to(ROOT)
        folder = f"`{relative.parent}/`"
        if path.name == "__init__.py" and any(row.startswith(f"| {folder}") for row in rows):
            continue  # a package's face: its folder's row says what the package is
        named = f"`{relative}`" in section or any(
            folder in row and f"`{path.name}`" in row for row in rows)
        if not named:
            missing.append(str(relative))
    assert missing == []


def test_the_readme_names_no_module_that_is_gone():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    gone = []
    for row in section.splitlines():
        folder = re.match(r"\| `((?:coacte|bot_scripts)(?:/\w+)*)/`", row)
        for name in re.findall(r"`([\w/]+\.py)`", row):
            path = ROOT / name if "/" in name else ROOT / (folder.group(1) if folder else
                                                          "coacte") / name
            if not path.exists():
                gone.append(f"{name} ({row[:40]}…)")
    assert gone == []


def test_no_benchmark_imports_the_tests():
    """Issue 23: what a benchmark and a test share lives in ``bench/`` (the tests may
    import it), so a benchmark runs without the test suite."""
    found = [f"{path.name}:{line} imports {name}" for path in sorted((ROOT / "bench").glob("*.py"))
             for name, line in imports(path, f"bench.{path.stem}")
             if name == "tests" or name.startswith("tests.")]
    assert found == []


def test_the_files_shipped_beside_the_code_are_inside_the_package():
    """Issue 23: a wheel holds them (``coacte/package_data.py``); none is found by
    walking up from a source file out of the package."""
    found = [f"{path.relative_to(ROOT)}:{n}" for path in modules().values()
             for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"parents\[2\]|parent\.parent\.parent", text)
             and "tests" not in path.parts]
    assert found == []


def test_settings_are_read_from_the_environment_in_config_only():
    """Issue 23: one place says which variables set what (``config.environment``); the
    wiki side may pass the environment on to the programs it starts."""
    found = [f"{path.relative_to(ROOT)}:{n}" for path in modules().values()
             if path.name != "config.py"
             for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[", text)
             and "PYTHONPATH" not in text]
    assert found == []
