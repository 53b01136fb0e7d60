"""Moderators' curation of the global synthesis, applied again at every run.

A moderator rewords a statement, merges two ideas, splits one, or corrects a code by
writing ``{{CO-ACTE curation}}`` on the global synthesis page, outside the bot's
region. The bot re-applies every decision, in page order, each time it rebuilds the
synthesis, so curation survives re-runs (design §3). A decision that no longer matches
anything (an unknown key, a member that moved) is reported, never silently dropped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from coacte import contract
from coacte.model import GlobalIdea, Grid, PageRevision
from coacte.problems import Problem
from coacte.validate import code_problems
from coacte.wikitext import region
from coacte.wikitext.parse import calls
from coacte.wikitext.values import decode, split_list

_REFS = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Curation:
    """One moderator decision; ``ordinal`` is its position among curations on the page."""

    page: str
    ordinal: int
    action: str
    idea: str = ""
    ideas: tuple[str, ...] = ()
    statement: str = ""
    members: tuple[str, ...] = ()
    code: str = ""
    reason: str = ""

    def problem(self, field: str | None, key: str, *params) -> Problem:
        return Problem(self.page, self.ordinal, field, key, params, blocking=False,
                       item="curation")


def read_curations(page: PageRevision | None) -> tuple[list[Curation], list[Problem]]:
    """The curation calls a page holds outside the bot's region."""
    if page is None:
        return [], []
    found, problems = [], []
    for call in calls(region.outside(page.text)):
        if call.template is not contract.CURATION:
            continue
        values = {}
        for name, raw in call.params:
            param = contract.CURATION.param(name)
            if param is None:
                problems.append(Problem(page.title, call.ordinal, name,
                                        "coacte-problem-unknown-param",
                                        (name, contract.CURATION.name), blocking=False,
                                        item="curation"))
            else:
                values[param.name] = decode(raw)
        action = values.get("action", "").strip().lower()
        if action not in contract.CURATION_ACTIONS:
            problems.append(Problem(page.title, call.ordinal, "action", "coacte-problem-choice",
                                    (action, ", ".join(contract.CURATION_ACTIONS)),
                                    blocking=False, item="curation"))
            continue
        found.append(Curation(
            page.title, call.ordinal, action, values.get("idée", "").strip(),
            split_list(values.get("idées", "")), values.get("énoncé", "").strip(),
            tuple(r for r in _REFS.split(values.get("membres", "").strip()) if r),
            values.get("code", "").strip(), values.get("motif", "").strip(),
        ))
    return found, problems


def apply(ideas: list[GlobalIdea], curations: list[Curation],
          grid: Grid) -> tuple[list[GlobalIdea], list[Problem]]:
    """The ideas with every decision applied in order, and the decisions that failed."""
    result = [replace(i, members=list(i.members), curations=list(i.curations)) for i in ideas]
    problems: list[Problem] = []
    for c in curations:
        problem = _APPLY[c.action](result, c, grid)
        if problem:
            problems.append(problem)
    return result, problems


def _find(ideas: list[GlobalIdea], key: str) -> GlobalIdea | None:
    return next((i for i in ideas if i.key == key), None)


def _reword(ideas: list[GlobalIdea], c: Curation, grid: Grid) -> Problem | None:
    idea = _find(ideas, c.idea)
    if idea is None:
        return c.problem("idée", "coacte-curation-unknown-idea", c.idea or "—")
    if not c.statement:
        return c.problem("énoncé", "coacte-problem-required", "énoncé")
    idea.statement = c.statement
    idea.curations.append(_note("coacte-curation-note-reworded", c))
    return None


def _merge(ideas: list[GlobalIdea], c: Curation, grid: Grid) -> Problem | None:
    keys = list(dict.fromkeys(c.ideas))
    if len(keys) < 2:
        return c.problem("idées", "coacte-curation-merge-two")
    found = [_find(ideas, k) for k in keys]
    missing = [k for k, i in zip(keys, found, strict=True) if i is None]
    if missing:
        return c.problem("idées", "coacte-curation-unknown-idea", ", ".join(missing))
    target, others = found[0], found[1:]
    if any((o.question, o.kind) != (target.question, target.kind) for o in others):
        return c.problem("idées", "coacte-curation-merge-mismatch", ", ".join(keys))
    for other in others:
        target.members.extend(other.members)
        ideas.remove(other)
    target.curations.append(_note("coacte-curation-note-merged", c, ", ".join(keys[1:])))
    return None


def _split(ideas: list[GlobalIdea], c: Curation, grid: Grid) -> Problem | None:
    idea = _find(ideas, c.idea)
    if idea is None:
        return c.problem("idée", "coacte-curation-unknown-idea", c.idea or "—")
    refs = {m.ref: m for m in idea.members}
    missing = [r for r in c.members if r not in refs]
    if not c.members or missing:
        return c.problem("membres", "coacte-curation-unknown-member",
                         ", ".join(missing) or "—", idea.key)
    if len(set(c.members)) >= len(refs):
        return c.problem("membres", "coacte-curation-split-all", idea.key)
    apart = [refs[r] for r in dict.fromkeys(c.members)]
    idea.members = [m for m in idea.members if m.ref not in c.members]
    lead = max(apart, key=lambda m: m.idea.occurrences)
    digest = hashlib.sha1(min(c.members).encode("utf-8")).hexdigest()[:4]
    new = GlobalIdea(f"{idea.key}-{digest}", idea.question, idea.kind, lead.idea.code,
                     lead.idea.statement, apart)
    new.curations.append(_note("coacte-curation-note-split-from", c, idea.key))
    idea.curations.append(_note("coacte-curation-note-split", c, new.key))
    ideas.insert(ideas.index(idea) + 1, new)
    return None


def _recode(ideas: list[GlobalIdea], c: Curation, grid: Grid) -> Problem | None:
    idea = _find(ideas, c.idea)
    if idea is None:
        return c.problem("idée", "coacte-curation-unknown-idea", c.idea or "—")
    if not c.code:
        return c.problem("code", "coacte-problem-required", "code")
    problems = code_problems(c.code, grid)
    if problems:
        return c.problem("code", *problems[0])
    idea.code = c.code
    idea.curations.append(_note("coacte-curation-note-recoded", c, c.code))
    return None


_APPLY = {"reformuler": _reword, "fusionner": _merge, "séparer": _split, "recoder": _recode}


def _note(key: str, c: Curation, *params: str) -> tuple[str, tuple[str, ...], str]:
    """A message key, its parameters and the moderator's reason, rendered later in the
    page's language."""
    return (key, params, c.reason)
