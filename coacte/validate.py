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
from coacte.contract import fold
from coacte.model import (
    Contribution,
    Debate,
    Grid,
    GridEntry,
    GroupKind,
    GroupKinds,
    PageRevision,
    PostIt,
    Reaction,
)
from coacte.problems import Problem
from coacte.wikitext.parse import Call, calls, parse
from coacte.wikitext.values import decode, split_list

#: ``object[/meaning[/beneficiary]]``: ``C01``, ``A01-11/P15/k``, ``B/O``.
_CODE = re.compile(
    r"^(?P<object>[A-Z](?:\d{2}(?:-\d{2})?)?)"
    r"(?:/(?P<meaning>[A-Z](?:\d{2})?)(?:/(?P<beneficiary>[a-z0-9]+))?)?$"
)
#: A grid entry's code: a dimension letter, its two-digit objects (``A01``, ``A01-11``),
#: or a meaning (``P15``): never more parts (``A01/P15/k/x``) nor other characters.
_GRID_CODE = re.compile(r"^[A-Za-z](?:\d{2}(?:-\d{2})?)?$")
#: Characters MediaWiki forbids in titles: a territory is part of the synthesis title.
_TITLE_FORBIDDEN = set("#<>[]|{}")
#: Accepted priorities of a reaction.
PRIORITIES = range(1, 6)
#: English and Portuguese (and unaccented) spellings of the contract's values, read as
#: the French ones (keys folded: no case, no accents).
_VALUE_ALIASES = {
    "blocker": "blocage", "bloqueio": "blocage", "obstaculo": "blocage",
    "lever": "levier", "alavanca": "levier",
    "yes": "oui", "sim": "oui",
    "no": "non", "nao": "non",
    "nuanced": "nuancé", "mixed": "nuancé", "matizado": "nuancé", "em parte": "nuancé",
    "regional": "régional",
    "european": "européen", "europeen": "européen", "europeu": "européen",
    "nacional": "national",
    "world": "mondial", "global": "mondial", "mundial": "mondial",
}


def _choice(value: str, choices: Iterable[str]) -> str | None:
    """The contract value ``value`` stands for (compared by :func:`fold`: any case, with
    or without accents; English alias accepted)."""
    key = fold(_VALUE_ALIASES.get(fold(value), value))
    return next((choice for choice in choices if fold(choice) == key), None)


def agreement_value(value: str) -> str | None:
    """The canonical agreement (``oui``, ``non``, ``nuancé``) a value stands for, compared
    without case or accents (``Nuance`` → ``nuancé``); ``None`` for anything else."""
    return _choice(value, contract.AGREEMENTS)


def priority_value(value: str) -> int | None:
    """The priority (1–5) a value stands for; ``None`` for anything else."""
    value = value.strip()
    return int(value) if value in {str(p) for p in PRIORITIES} else None


def reaction_value_problems(agreement: str, priority: str) -> list[tuple]:
    """What is wrong with a reaction's answer: ``[(field, message key, *params)]``,
    empty when fine. An empty agreement or priority is fine (not given). The one check
    of these values: :func:`read_debate` and the Delphi statistics both use it."""
    found: list[tuple] = []
    agreement, priority = agreement.strip(), priority.strip()
    if agreement and agreement_value(agreement) is None:
        found.append(("accord", "coacte-problem-choice", agreement,
                      ", ".join(contract.AGREEMENTS)))
    if priority and priority_value(priority) is None:
        found.append(("priorité", "coacte-problem-priority", priority))
    return found


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
    parsed = parse(page.text)
    problems += unclosed_problems(page.title, parsed.unclosed, contract.GRID_CODE)
    folded: set[str] = set()
    for call in parsed.calls:
        if call.template is not contract.GRID_CODE:
            continue
        r = Reader(page.title, call, None, problems)
        code, label = r.get("code").strip(), r.get("libellé").strip()
        if code and not _GRID_CODE.match(code):
            r.report("code", "coacte-problem-grid-code", code)
            continue
        if code.upper() in folded and code not in grid.entries:  # a01 beside A01
            r.report("code", "coacte-problem-grid-duplicate", code)
            continue
        folded.add(code.upper())
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
        labels = {lang: text for lang in ("en", "pt")
                  if (text := " ".join(r.get(f"libellé {lang}").split()))}
        grid.entries[code] = GridEntry(code, label, r.get("parent").strip(), kind, labels)
    for entry in grid.entries.values():
        if entry.parent and entry.parent not in grid.entries:
            problems.append(Problem(page.title, None, "parent", "coacte-problem-grid-parent",
                                    (entry.code, entry.parent), blocking=False))
    if not grid.entries:  # as good as no grid: codes are checked for their form only
        problems.append(Problem(page.title, None, None, "coacte-problem-grid-empty",
                                (contract.GRID_CODE.name,), blocking=False))
    return grid, problems


def unclosed_problems(title: str, unclosed: list, template: contract.Template
                      ) -> list[Problem]:
    """A problem for each call of ``template`` a page never closes (MediaWiki shows it
    as plain text, nothing reads it), naming its line."""
    return [Problem(title, None, None, "coacte-problem-unclosed-call", (t.name, line))
            for t, line in unclosed if t is template]


def read_groups(page: PageRevision | None) -> tuple[GroupKinds, list[Problem]]:
    """The vocabulary of group kinds from its wiki page (``{{CO-ACTE groupe}}`` calls):
    each kind's key and its fr/en/pt names, so "Jeunes", "Young people" and "Jovens"
    count as one kind. A call without a kind, or a name another kind already has (the
    first kind keeps it), is reported where it is; two calls of one kind add up their
    names. No page: an empty vocabulary (every group name is its own kind)."""
    problems: list[Problem] = []
    if page is None:
        return GroupKinds(), problems
    kinds = GroupKinds(page=page.title)
    names: dict[str, dict[str, list[str]]] = {}
    for call in calls(page.text):
        if call.template is not contract.GROUP_KIND:
            continue
        mine: list[Problem] = []
        r = Reader(page.title, call, call.ordinal, mine)
        key = " ".join(r.get("type").split())
        if not key:
            r.report("type", "coacte-problem-required", "type")
        problems += [replace(p, item="group") for p in mine]
        if not key or r.blocked:
            continue
        folded = fold(key)
        kinds.kinds.setdefault(folded, GroupKind(key))
        where = Problem(page.title, call.ordinal, "type", "", item="group")
        _claim(kinds, folded, key, where, problems)
        own = names.setdefault(folded, {})
        for language in contract.GROUP_LANGUAGES:
            given = own.setdefault(language, [])
            for name in split_list(r.get(language)):
                if (_claim(kinds, folded, name, replace(where, field=language), problems)
                        and fold(name) not in map(fold, given)):
                    given.append(name)
    for folded, own in names.items():
        kind = kinds.kinds[folded]
        kinds.kinds[folded] = GroupKind(kind.key, {lang: tuple(given)
                                                   for lang, given in own.items() if given})
    return kinds, problems


def _claim(kinds: GroupKinds, kind: str, name: str, where: Problem,
           problems: list[Problem]) -> bool:
    """Give ``name`` to the kind ``kind`` (folded keys) unless another kind has it
    (reported at ``where``): whether the name is the kind's."""
    folded = fold(name)
    owner = kinds.names.setdefault(folded, kind)
    if owner != kind:
        problems.append(replace(where, key="coacte-problem-group-name-taken",
                                params=(name, kinds.kinds[kind].key, kinds.kinds[owner].key)))
    return owner == kind


def read_debate(page: PageRevision, grid: Grid) -> tuple[Debate | None, list[Problem]]:
    """One debate page → its debate and valid post-its, plus every problem found.

    A page without a usable header (no territory, no valid round, several headers) is
    left out whole; an invalid post-it is left out alone and counted in ``excluded``.
    """
    problems: list[Problem] = []
    parsed = parse(page.text)
    found = parsed.calls
    for template, line in parsed.unclosed:  # shown as plain text: not a post-it
        problems.append(Problem(page.title, None, None, "coacte-problem-unclosed",
                                (template.name, line)))
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
            if call.inside:  # it shows inside the other's text, not as a post-it of its own
                problems.append(Problem(page.title, call.ordinal, None,
                                        "coacte-problem-nested", (call.inside, call.line)))
                postit = None
            if debate is None:
                continue
            if postit is None:
                debate.excluded += 1
            else:
                debate.postits.append(postit)
    return debate, problems


def _read_header(page: PageRevision, call: Call, problems: list[Problem]) -> Debate | None:
    r = Reader(page.title, call, None, problems)
    territory = _territory(r)
    round_ = _integer(r, "tour", minimum=1, required=True, blocking=True)
    participants = _integer(r, "participants", minimum=0, required=False, blocking=False)
    country, when, formula, language = _header_details(r)
    if r.blocked or territory is None or round_ is None:
        return None
    return Debate(page.title, page.revid, territory, round_, country, when, formula,
                  participants, language)


def _visible(r: Reader, field: str, value: str) -> str:
    """A name without its invisible characters (zero-width spaces and joiners, bidi
    controls, soft hyphens: Unicode's format characters), reported when there were
    some: "Guimar\u200bães" would otherwise be a second territory that reads the same."""
    kept = "".join(c for c in value if unicodedata.category(c) != "Cf")
    if kept != value:
        shown = "".join(f"‹U+{ord(c):04X}›" if unicodedata.category(c) == "Cf" else c
                        for c in value)
        r.report(field, "coacte-problem-invisible", shown, kept, blocking=False)
    return " ".join(kept.split())


def _territory(r: Reader) -> str | None:
    """The header's territory, spacing normalised; ``None`` (reported) when it cannot
    name the territory's pages."""
    territory = _visible(r, "territoire", " ".join(r.get("territoire").split()))
    if not territory:
        r.report("territoire", "coacte-problem-required", "territoire")
    elif _TITLE_FORBIDDEN & set(territory):
        r.report("territoire", "coacte-problem-territory-chars", territory,
                 " ".join(sorted(_TITLE_FORBIDDEN)))
    elif territory.casefold() == contract.GLOBAL_TERRITORY.casefold():
        r.report("territoire", "coacte-problem-territory-reserved", territory)
    else:
        return territory
    return None


def _header_details(r: Reader) -> tuple[str, str, str, str]:
    """Country, date, formula and language: a wrong one is reported, never blocking."""
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
    return country, when, formula, language


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
    question = _question(r)
    text = r.get("texte")
    if not text:
        r.report("texte", "coacte-problem-required", "texte")
    elif len(text) > contract.POSTIT_CHARS:  # kept whole; compared by its beginning
        r.report("texte", "coacte-problem-text-long", len(text), contract.POSTIT_CHARS,
                 blocking=False)
    kind = _kind(r, question)
    code = r.get("code").strip()
    if code:
        _check_code(r, code, grid)
    levels = _levels(r)
    if r.blocked or question is None or not text or kind is None:
        return None
    return PostIt(page.title, page.revid, call.ordinal, question, text,
                  _visible(r, "groupe", " ".join(r.get("groupe").split())), kind, code,
                  levels, split_list(r.get("acteurs")))


def _question(r: Reader) -> int | None:
    raw = r.get("question").strip()
    if not raw:
        r.report("question", "coacte-problem-required", "question")
    elif raw not in {str(q) for q in contract.QUESTIONS}:
        r.report("question", "coacte-problem-question", raw,
                 ", ".join(str(q) for q in contract.QUESTIONS))
    else:
        return int(raw)
    return None


def _kind(r: Reader, question: int | None) -> str | None:
    """A question 3 post-it's kind (required); "" for other questions, where a kind is
    reported and ignored; ``None`` (reported) when a question 3 post-it has none valid."""
    raw = r.get("nature").strip()
    if question != 3:
        if raw and question is not None:
            r.report("nature", "coacte-problem-kind-not-q3", raw, question, blocking=False)
        return ""
    if not raw:
        r.report("nature", "coacte-problem-kind-missing")
        return None
    kind = _choice(raw, contract.KINDS)
    if kind is None:
        r.report("nature", "coacte-problem-choice", raw, ", ".join(contract.KINDS))
    return kind


def _levels(r: Reader) -> tuple[str, ...]:
    """The post-it's levels, each once; an unknown one is reported and left out."""
    levels: list[str] = []
    for level in split_list(r.get("niveau")):
        chosen = _choice(level, contract.LEVELS)
        if chosen is None:
            r.report("niveau", "coacte-problem-level", level, ", ".join(contract.LEVELS),
                     blocking=False)
        elif chosen not in levels:
            levels.append(chosen)
    return tuple(levels)


def _read_reaction(page: PageRevision, call: Call, debate: Debate | None,
                   problems: list[Problem]) -> Reaction | None:
    """A ``{{CO-ACTE réaction}}``: empty slots are fine (not answered yet)."""
    mine: list[Problem] = []
    r = Reader(page.title, call, call.ordinal, mine)
    key = r.get("idée").strip()
    if not key:
        r.report("idée", "coacte-problem-required", "idée")
    for field, key, *params in reaction_value_problems(r.get("accord"), r.get("priorité")):
        r.report(field, key, *params)
    if debate is not None and debate.round < 2 and call.ordinal == 1:
        r.report(None, "coacte-problem-reaction-round-1", blocking=False)
    problems += [replace(p, item="reaction") for p in mine]
    if debate is None or any(p.blocking for p in mine):
        return None
    return Reaction(page.title, page.revid, call.ordinal, debate.territory, debate.round, key,
                    agreement_value(r.get("accord")) or "", priority_value(r.get("priorité")),
                    r.get("commentaire"), " ".join(r.get("groupe").split()))


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


#: Characters MediaWiki drops from a title (directional marks and overrides), and the
#: spaces it folds into one underscore (its title codec's rules, since 1.18).
_TITLE_DROPPED = re.compile("[\u200e\u200f\u202a-\u202e]")
_TITLE_SPACES = re.compile("[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f"
                           "\u3000]+")


def title_key(territory: str) -> str:
    """The page a territory's name leads to, as MediaWiki normalises titles (dropped
    marks, folded spaces, first letter in capitals), without case: two territories with
    one key would write one synthesis page."""
    text = _TITLE_SPACES.sub(" ", _TITLE_DROPPED.sub("", territory)).strip()
    return text.casefold()


def colliding(debates: list[Debate]) -> tuple[list[Debate], list[Problem]]:
    """The debates whose territories are distinct names but one page on the wiki
    (``A`` and ``A`` + U+202E): each run would overwrite the other's synthesis, so
    neither is kept until a facilitator renames one; the others, and the problems."""
    by_page: dict[tuple[str, int], list[Debate]] = defaultdict(list)
    for debate in debates:
        by_page[(title_key(debate.territory), debate.round)].append(debate)
    kept: list[Debate] = []
    problems: list[Problem] = []
    for same in by_page.values():
        names = {d.territory.casefold() for d in same}
        if len(names) < 2:
            kept += same
            continue
        for debate in same:
            others = ", ".join(f"{d.territory!r} ({d.page})" for d in same
                               if d.territory.casefold() != debate.territory.casefold())
            problems.append(Problem(debate.page, None, "territoire",
                                    "coacte-problem-territory-collision",
                                    (repr(debate.territory), others)))
    return [d for d in debates if d in kept], problems


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
    debates, collisions = colliding(debates)
    problems.extend(collisions)
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
