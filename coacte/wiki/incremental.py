"""What a run may skip: the pages and syntheses nothing changed since the last run.

A whole-wiki ``coacte synthesize`` over 1,000 debate pages spends its time reading and
parsing 60,000 post-its that, most days, nobody touched. A run remembers, in a small
state file, the revision of every debate page it read and the (territory, round) pairs
each fed, and the revision it left every synthesis page at. The next run lists revision
ids only (no content), and reads, parses and synthesizes again only:

- the pairs fed by a page that is new, edited, moved or gone (before or after the edit:
  a page that changes territory changes two syntheses);
- the pairs whose synthesis page someone else edited (or deleted) since.

Everything is invalidated at once when the grid page, the settings or the bot's code
change (the state's ``key``). A synthesis page that ended in a conflict is looked at
again by every run, which reports the conflict again until someone resolves it. Losing
the state file costs one full run, never a wrong page: a revision id names one text
forever.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from coacte import __version__
from coacte.config import Config

Pair = tuple[str, int]
#: The revision recorded for a synthesis page the run could not write (a conflict): no
#: page has it, so the next run computes the page again and reports it again.
UNKNOWN = 0


@dataclass
class State:
    """The last run's view of the wiki (see the module docstring)."""

    key: str = ""
    #: debate page title -> (revision id, pairs it fed, problems it had)
    pages: dict[str, tuple[int, list[Pair], int]] = field(default_factory=dict)
    #: synthesis page title -> (revision id the bot left it at, its pair)
    targets: dict[str, tuple[int, Pair]] = field(default_factory=dict)

    def pairs_of(self, titles: set[str]) -> set[Pair]:
        return {tuple(p) for t in titles if t in self.pages for p in self.pages[t][1]}

    def pages_feeding(self, pairs: set[Pair]) -> set[str]:
        return {t for t, (_, fed, _) in self.pages.items() if any(tuple(p) in pairs for p in fed)}

    @property
    def problems(self) -> int:
        return sum(n for _, _, n in self.pages.values())


#: The ``coacte`` package, whose every file a synthesis may depend on.
PACKAGE = Path(__file__).resolve().parents[1]


def code_files() -> list[Path]:
    """The package's code and message files, all of them (not only the wiki side's)."""
    return sorted(p for pattern in ("*.py", "*.json") for p in PACKAGE.rglob(pattern))


def code_version() -> str:
    """The bot's version and a fingerprint of its code and messages (each file's path,
    size and modification time): after an upgrade, or any change to the code, the next
    incremental run is a full one, even if the version number was not raised."""
    stamp = hashlib.sha1()
    for path in code_files():
        info = path.stat()
        stamp.update(f"{path.relative_to(PACKAGE)}|{info.st_size}|{info.st_mtime_ns}\n"
                     .encode())
    return f"{__version__}+{stamp.hexdigest()[:12]}"


def state_file(home: Path, config: Config, job: str = "synthesize") -> Path:
    """Where the state of ``job``'s runs by ``config``'s bot on its wiki is kept."""
    name = hashlib.sha1(f"{config.wiki_url}|{config.bot_user}".encode()).hexdigest()[:12]
    return home / "state" / f"{job}-{name}.json"


def load_fingerprint(path: Path) -> object:
    """What :func:`save_fingerprint` wrote there (``None`` if nothing readable)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_fingerprint(path: Path, value: object) -> None:
    """Remember a job's last inputs (atomically: a crash leaves the old file or the new)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def load(path: Path, key: str) -> State:
    """The state at ``path`` if it was written under ``key``; else an empty state (a
    full run). A missing or damaged file is an empty state too."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return State(key)
    if not isinstance(data, dict) or data.get("key") != key:
        return State(key)
    try:
        pages = {t: (int(r), [(str(p[0]), int(p[1])) for p in fed], int(n))
                 for t, (r, fed, n) in data["pages"].items()}
        targets = {t: (int(r), (str(p[0]), int(p[1])))
                   for t, (r, p) in data["targets"].items()}
    except (KeyError, TypeError, ValueError, IndexError):
        return State(key)
    return State(key, pages, targets)


def save(path: Path, state: State) -> None:
    """Write the state (atomically)."""
    save_fingerprint(path, {"key": state.key, "pages": state.pages, "targets": state.targets})


def changed_pages(state: State, listed: dict[str, int]) -> tuple[set[str], set[str]]:
    """Debate pages that are new or edited (to read) and pages no longer listed (gone,
    moved, or no longer a debate page)."""
    changed = {t for t, revid in listed.items()
               if t not in state.pages or state.pages[t][0] != revid}
    return changed, set(state.pages) - set(listed)


def edited_targets(state: State, now: dict[str, int | None]) -> set[Pair]:
    """The pairs whose synthesis page is no longer at the revision the bot left."""
    return {pair for t, (revid, pair) in state.targets.items() if now.get(t) != revid}


def update(state: State, read: dict[str, tuple[int, list[Pair], int]], gone: set[str],
           written: dict[str, tuple[int | None, Pair]]) -> State:
    """The state after a run: the debate pages ``read`` (revision, pairs, problems)
    replace their entries, ``gone`` ones leave; each synthesis page of ``written`` gets
    the revision the run left it at (``None``: a conflict, or not known: recorded as
    :data:`UNKNOWN`, so every run looks at it again until it is resolved)."""
    pages = {t: v for t, v in state.pages.items() if t not in gone}
    pages.update(read)
    targets = dict(state.targets)
    for title, (revid, pair) in written.items():
        targets[title] = (revid or UNKNOWN, pair)
    return State(state.key, pages, targets)
