"""Where a post-it is validated: template calls → model objects, with located problems.

``coacte check`` and ``coacte synthesize`` (and later the forms and the importer) share
this one path, so a facilitator sees the same verdict wherever they type. The rules are
the wiki contract's (design §5) and the grid's (the ``CO-ACTE/Grille`` page).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from coacte import contract
from coacte.model import (
    Contribution,
    Debate,
    Grid,
    GridEntry,
    PageRevision,
    PostIt,
    Reaction,
)
from coacte.problems import Problem
from coacte.wikitext.parse import Call, calls
from coacte.wikitext.values import decode, split_list

#: ``object[/meaning[/beneficiary]]``: ``C01``, ``A01-11/P15/k``, ``B/O``.
_CODE = re.compile(
    r"^(?P<object>[A-Z](?:\d{2}(?:-\d{2})?)?)"
    r"(?:/(?P<meaning>[A-Z](?:\d{2})?)(?:/(?P<beneficiary>[a-z0-9]+))?)?$"
)
#: Characters MediaWiki forbids in titles: a territory is part of the synthesis title.
_TITLE_FORBIDDEN = set("#<>[]|{}")
#: English (and unaccented) spellings of the contract's values, read as the French ones.
_VALUE_ALIASES = {
    "blocker": "blocage",
    "lever": "levier",
    "regional": "régional",
    "european": "européen",
    "europeen": "européen",
    "world": "mondial",
    "global": "mondial",
}


def _fold(text: str) -> str:
    return text.strip().casefold()


def _choice(value: str, choices: Iterable[str]) -> str | None:
    """The contract value ``value`` stands for (any case; English alias accepted)."""
    key = _VALUE_ALIASES.get(_fold(value), _fold(value))
    for choice in choices:
        if _fold(choice) == key or _strip_accents(_fold(choice)) == _strip_accents(key):
            return choice
    return None


def _strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


class Reader:
    """Reads one call's parameters, reporting unknown, duplicate and positional ones."""

    def __init__(self, page: str, call: Call, index: int | None, problems: list[Problem]):
        self.page, self.index, self.problems = page, index, problems
        self.values: dict[str, str] = {}
        self.duplicated: set[str] = set()
        for value in call.positional:
            self.report(None, "coacte-problem-positional", decode(value), blocking=False)
        for name, raw in call.params:
            param = call.template.param(name)
            if param is None:
                self.report(name, "coacte-problem-unknown-param", name, call.template.name,
                            blocking=False)
                continue
            if param.name in self.values or param.name in self.duplicated:
                self.duplicated.add(param.name)
                self.report(param.name, "coacte-problem-duplicate-param", param.name)
            self.values[param.name] = decode(raw)

    def report(self, field: str | None, key: str, *params, blocking: bool = True) -> None:
        self.problems.append(Problem(self.page, self.index, field, key, params, blocking))

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def blocked(self) -> bool:
        return bool(self.duplicated)


def read_grid(page: PageRevision | None) -> tuple[Grid, list[Problem]]:
    """The classification grid from its wiki page (``{{CO-ACTE code}}`` calls)."""
    grid = Grid()
    problems: list[Problem] = []
    if page is None:
        return grid, problems
    for call in calls(page.text):
        if call.template is not contract.GRID_CODE:
            continue
        r = Reader(page.title, call, None, problems)
        code, label = r.get("code").strip(), r.get("libellé").strip()
        kind = _choice(r.get("type") or "objet", ("objet", "sens"))
        if not code or not label:
            r.report("code" if not code else "libellé", "coacte-problem-grid-entry",
                     call.ordinal)
            continue
        if kind is None:
            r.report("type", "coacte-problem-choice", r.get("type"), "objet, sens")
            continue
        if code in grid.entries:
            r.report("code", "coacte-problem-grid-duplicate", code)
            continue
        grid.entries[code] = GridEntry(code, label, r.get("parent").strip(), kind)
    for entry in grid.entries.values():
        if entry.parent and entry.parent not in grid.entries:
            problems.append(Problem(page.title, None, "parent", "coacte-problem-grid-parent",
                                    (entry.code, entry.parent), blocking=False))
    return grid, problems


def read_debate(page: PageRevision, grid: Grid) -> tuple[Debate | None, list[Problem]]:
    """One debate page → its debate and valid post-its, plus every problem found.

    A page without a usable header (no territory, no valid round, several headers) is
    left out whole; an invalid post-it is left out alone and counted in ``excluded``.
    """
    problems: list[Problem] = []
    found = calls(page.text)
    headers = [c for c in found if c.template is contract.DEBATE]
    if not headers:
        problems.append(Problem(page.title, None, None, "coacte-problem-no-header",
                                (contract.DEBATE.name,)))
        return None, problems
    if len(headers) > 1:
        problems.append(Problem(page.title, None, None, "coacte-problem-several-headers",
                                (len(headers), contract.DEBATE.name)))
        return None, problems
    debate = _read_header(page, headers[0], problems)
    for call in found:
        if call.template is contract.REACTION:
            reaction = _read_reaction(page, call, debate, problems)
            if debate is not None and reaction is not None:
                debate.reactions.append(reaction)
        if call.template is contract.POSTIT:
            postit = _read_postit(page, call, grid, problems)
            if debate is None:
                continue
            if postit is None:
                debate.excluded += 1
            else:
                debate.postits.append(postit)
    return debate, problems


def _read_header(page: PageRevision, call: Call, problems: list[Problem]) -> Debate | None:
    r = Reader(page.title, call, None, problems)
    territory = " ".join(r.get("territoire").split())
    ok = not r.blocked
    if not territory:
        r.report("territoire", "coacte-problem-required", "territoire")
        ok = False
    elif _TITLE_FORBIDDEN & set(territory):
        r.report("territoire", "coacte-problem-territory-chars", territory,
                 " ".join(sorted(_TITLE_FORBIDDEN)))
        ok = False
    elif territory.casefold() == contract.GLOBAL_TERRITORY.casefold():
        r.report("territoire", "coacte-problem-territory-reserved", territory)
        ok = False
    round_ = _integer(r, "tour", minimum=1, required=True, blocking=True)
    if round_ is None:
        ok = False
    participants = _integer(r, "participants", minimum=0, required=False, blocking=False)
    country = r.get("pays").strip()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        r.report("pays", "coacte-problem-country", country, blocking=False)
    when = r.get("date").strip()
    if when:
        try:
            date.fromisoformat(when)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
                raise ValueError(when)
        except ValueError:
            r.report("date", "coacte-problem-date", when, blocking=False)
    formula = r.get("formule").strip()
    if formula:
        chosen = _choice(formula, contract.FORMULAS)
        if chosen is None:
            r.report("formule", "coacte-problem-choice", formula,
                     ", ".join(contract.FORMULAS), blocking=False)
        formula = chosen or formula
    language = r.get("langue").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2,3}", language):
        r.report("langue", "coacte-problem-language", language, blocking=False)
    if not ok:
        return None
    return Debate(page.title, page.revid, territory, round_, country, when, formula,
                  participants, language)


def _integer(r: Reader, name: str, *, minimum: int, required: bool,
             blocking: bool) -> int | None:
    raw = r.get(name).strip()
    if not raw:
        if required:
            r.report(name, "coacte-problem-required", name)
        return None
    if not re.fullmatch(r"\d+", raw) or int(raw) < minimum:
        r.report(name, "coacte-problem-integer", raw, minimum, blocking=blocking)
        return None
    return int(raw)


def _read_postit(page: PageRevision, call: Call, grid: Grid,
                 problems: list[Problem]) -> PostIt | None:
    r = Reader(page.title, call, call.ordinal, problems)
    ok = not r.blocked
    question_raw = r.get("question").strip()
    question = None
    if not question_raw:
        r.report("question", "coacte-problem-required", "question")
    elif question_raw not in {str(q) for q in contract.QUESTIONS}:
        r.report("question", "coacte-problem-question", question_raw,
                 ", ".join(str(q) for q in contract.QUESTIONS))
    else:
        question = int(question_raw)
    ok = ok and question is not None
    text = r.get("texte")
    if not text:
        r.report("texte", "coacte-problem-required", "texte")
        ok = False
    kind_raw = r.get("nature").strip()
    kind = ""
    if question == 3:
        if not kind_raw:
            r.report("nature", "coacte-problem-kind-missing")
            ok = False
        else:
            kind = _choice(kind_raw, contract.KINDS) or ""
            if not kind:
                r.report("nature", "coacte-problem-choice", kind_raw,
                         ", ".join(contract.KINDS))
                ok = False
    elif kind_raw and question is not None:
        r.report("nature", "coacte-problem-kind-not-q3", kind_raw, question, blocking=False)
    code = r.get("code").strip()
    if code:
        _check_code(r, code, grid)
    levels = []
    for level in split_list(r.get("niveau")):
        chosen = _choice(level, contract.LEVELS)
        if chosen is None:
            r.report("niveau", "coacte-problem-level", level, ", ".join(contract.LEVELS),
                     blocking=False)
        elif chosen not in levels:
            levels.append(chosen)
    if not ok:
        return None
    return PostIt(page.title, page.revid, call.ordinal, question, text,
                  " ".join(r.get("groupe").split()), kind, code, tuple(levels),
                  split_list(r.get("acteurs")))


def _read_reaction(page: PageRevision, call: Call, debate: Debate | None,
                   problems: list[Problem]) -> Reaction | None:
    """A ``{{CO-ACTE réaction}}``: empty slots are fine (not answered yet)."""
    mine: list[Problem] = []
    r = Reader(page.title, call, call.ordinal, mine)
    key = r.get("idée").strip()
    if not key:
        r.report("idée", "coacte-problem-required", "idée")
    agreement_raw = r.get("accord").strip()
    agreement = _choice(agreement_raw, contract.AGREEMENTS) if agreement_raw else ""
    if agreement is None:
        r.report("accord", "coacte-problem-choice", agreement_raw,
                 ", ".join(contract.AGREEMENTS))
    priority_raw = r.get("priorité").strip()
    priority = None
    if priority_raw:
        if re.fullmatch(r"[1-5]", priority_raw):
            priority = int(priority_raw)
        else:
            r.report("priorité", "coacte-problem-priority", priority_raw)
    if debate is not None and debate.round < 2 and call.ordinal == 1:
        r.report(None, "coacte-problem-reaction-round-1", blocking=False)
    problems += [replace(p, item="reaction") for p in mine]
    if debate is None or any(p.blocking for p in mine):
        return None
    return Reaction(page.title, page.revid, call.ordinal, debate.territory, debate.round, key,
                    agreement or "", priority, r.get("commentaire"),
                    " ".join(r.get("groupe").split()))


def _check_code(r: Reader, code: str, grid: Grid) -> None:
    for key, *params in code_problems(code, grid):
        r.report("code", key, *params, blocking=False)


def code_problems(code: str, grid: Grid) -> list[tuple]:
    """What is wrong with a SPIRAL code: ``[(message key, *params)]``, empty when fine.

    A code must be well formed and, when the grid is known, use the grid's codes (a finer
    object like ``A01-11`` is fine when ``A01`` is in the grid).
    """
    match = _CODE.match(code)
    if match is None:
        return [("coacte-problem-code-format", code)]
    if not grid.entries:
        return []
    found = []
    obj = match["object"]
    if not (grid.knows(obj, "objet") or grid.knows(obj.split("-")[0], "objet")):
        found.append(("coacte-problem-code-unknown", obj, code))
    meaning = match["meaning"]
    if meaning and not grid.knows(meaning, "sens"):
        found.append(("coacte-problem-code-unknown", meaning, code))
    return found


def check_debates(debates: list[Debate]) -> list[Problem]:
    """Problems across pages: two debate pages for the same territory and round.

    Both pages stay in the synthesis (nothing is lost); the facilitators are told.
    """
    by_key: dict[tuple[str, int], list[Debate]] = defaultdict(list)
    for debate in debates:
        by_key[(debate.territory.casefold(), debate.round)].append(debate)
    problems = []
    for same in by_key.values():
        if len(same) < 2:
            continue
        for debate in same:
            others = ", ".join(d.page for d in same if d is not debate)
            problems.append(Problem(debate.page, None, "territoire",
                                    "coacte-problem-same-territory-round",
                                    (debate.territory, debate.round, others),
                                    blocking=False))
    return problems


def read_debates(pages: Iterable[PageRevision], grid: Grid, *,
                 known: dict | None = None) -> tuple[list[Debate], list[Problem]]:
    """Every debate page → the debates and all problems, sorted by place.

    ``known`` maps (title, revision id) to what :func:`read_debate` found on it with this
    grid: a revision read before is not parsed again (and new ones are added to it).
    """
    debates: list[Debate] = []
    problems: list[Problem] = []
    for page in pages:
        if known is None:
            debate, found = read_debate(page, grid)
        else:
            key = (page.title, page.revid)
            if key not in known:
                known[key] = read_debate(page, grid)
            debate, found = known[key]
        problems.extend(found)
        if debate is not None:
            debates.append(debate)
    problems.extend(check_debates(debates))
    problems.sort(key=Problem.sort_key)
    return debates, problems


def read_contributions(pages: Iterable[PageRevision]) -> tuple[list[Contribution], list[Problem]]:
    """Thematic networks' contributions (``{{CO-ACTE apport}}``) on any page."""
    found: list[Contribution] = []
    problems: list[Problem] = []
    for page in pages:
        for call in calls(page.text):
            if call.template is not contract.CONTRIBUTION:
                continue
            mine: list[Problem] = []
            r = Reader(page.title, call, call.ordinal, mine)
            for name in ("réseau", "idée", "texte"):
                if not r.get(name).strip():
                    r.report(name, "coacte-problem-required", name)
            problems += [replace(p, item="contribution") for p in mine]
            if not any(p.blocking for p in mine):
                found.append(Contribution(page.title, page.revid, call.ordinal,
                                          r.get("réseau").strip(), r.get("idée").strip(),
                                          r.get("texte")))
    return found, problems
