"""Moderators' curation of the global synthesis: one decision type, one rule set.

A moderator rewords a statement, merges two ideas, splits one, or corrects a code by
writing ``{{CO-ACTE curation}}`` on the global synthesis page, outside the bot's
region (by hand, or through the desk's form: :func:`from_form`, :func:`curation_call`,
:func:`insert_curation`). The bot re-applies every decision, in page order, each time it
rebuilds the synthesis, so curation survives re-runs (design §3). A decision that no
longer matches anything (an unknown key, a member that moved) is reported, never
silently dropped.

:func:`check` is the one rule set: the desk refuses a decision it finds wrong before
writing it, and :func:`apply` reports it at every run, with the same message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import mwparserfromhell

from coacte import contract
from coacte.contract import template_named
from coacte.model import GlobalIdea, Grid, PageRevision
from coacte.problems import Problem
from coacte.validate import code_problems, unclosed_problems
from coacte.wikitext import region
from coacte.wikitext.parse import parse
from coacte.wikitext.synthesis_page import PublishedIdea, members_of, members_value
from coacte.wikitext.values import decode, encode, split_list


@dataclass(frozen=True)
class Curation:
    """One moderator decision: read from a page (``page``, and ``ordinal``, its position
    among the curations there) or typed in the desk's form (no page yet)."""

    action: str
    idea: str = ""
    ideas: tuple[str, ...] = ()
    statement: str = ""
    members: tuple[str, ...] = ()
    code: str = ""
    reason: str = ""
    page: str = ""
    ordinal: int = 0
    #: The frozen round whose ideas a ``fusionner`` / ``distinguer`` means, when written
    #: on the next round's page (0: the page's own round).
    round: int = 0

    def problem(self, field: str | None, key: str, *params) -> Problem:
        return Problem(self.page, self.ordinal, field, key, params, blocking=False,
                       item="curation")


# -- reading and writing ---------------------------------------------------------------------


def read_curations(page: PageRevision | None) -> tuple[list[Curation], list[Problem]]:
    """The curation calls a page holds outside the bot's region (a call with an unknown
    action is reported, not kept: it could not be applied; nor is one the page's
    ``refused`` names: written by an account without the moderators' right)."""
    if page is None:
        return [], []
    found, problems = [], []
    refused = dict(page.refused)
    parsed = parse(region.outside(page.text))
    problems += [replace(p, item="curation") for p in
                 unclosed_problems(page.title, parsed.unclosed, contract.CURATION)]
    for call in parsed.calls:
        if call.template is not contract.CURATION:
            continue
        values, raws = {}, {}
        for name, raw in call.params:
            param = contract.CURATION.param(name)
            if param is None:
                problems.append(Problem(page.title, call.ordinal, name,
                                        "coacte-problem-unknown-param",
                                        (name, contract.CURATION.name), blocking=False,
                                        item="curation"))
            else:
                values[param.name], raws[param.name] = decode(raw), raw
        c = Curation(
            action_named(values.get("action", "")), values.get("idée", "").strip(),
            split_list(values.get("idées", "")), values.get("énoncé", "").strip(),
            members_of(raws.get("membres", "")),
            values.get("code", "").strip(), values.get("motif", "").strip(),
            page.title, call.ordinal,
        )
        c, wrong = _with_round(c, values.get("tour", ""))
        wrong = wrong or _action_problems(c) or _round_problems(c)
        who = refused.get(decision_id(c)) if refused and not wrong else None
        if who is not None:
            wrong = [c.problem("action", "coacte-curation-not-moderator", who or "?")]
        problems += wrong
        if not wrong:
            found.append(c)
    return found, problems


def _with_round(c: Curation, value: str) -> tuple[Curation, list[Problem]]:
    """The decision with its ``tour`` read (a round number, or nothing)."""
    value = value.strip()
    if not value:
        return c, []
    if not value.isdigit() or int(value) < 1:
        return c, [c.problem("tour", "coacte-curation-bad-round", value)]
    return replace(c, round=int(value)), []


#: The actions that may name a frozen round's ideas (``tour``): they answer "same idea?",
#: which the next round's Delphi view needs (see :func:`merge_published`).
CARRIED_ACTIONS = ("fusionner", "distinguer")


def _round_problems(c: Curation) -> list[Problem]:
    if c.round and c.action not in CARRIED_ACTIONS:
        return [c.problem("tour", "coacte-curation-round-action", c.action)]
    return []


def this_round(curations: Sequence[Curation], round_: int) -> list[Curation]:
    """The decisions about the page's own round's ideas."""
    return [c for c in curations if c.round in (0, round_)]


def carried(curations: Sequence[Curation], round_: int) -> tuple[list[Curation], list[Problem]]:
    """The decisions on round ``round_``'s page about the frozen round before it, and
    those naming any other round (reported: they are kept on the page, applied nowhere)."""
    found, problems = [], []
    for c in curations:
        if c.round == round_ - 1 and c.round >= 1:
            found.append(c)
        elif c.round and c.round != round_:
            problems.append(c.problem("tour", "coacte-curation-round-other", str(c.round),
                                      str(round_ - 1)))
    return found, problems


def merge_published(ideas: Sequence[PublishedIdea], curations: Sequence[Curation]
                    ) -> tuple[list[PublishedIdea], dict[str, str], list[Problem]]:
    """A frozen round's ideas as its next round reacts to them, once the decisions
    carried from it are applied: each ``fusionner`` makes its first idea hold the others'
    members (the others are gone, and ``{gone key: kept key}`` says where they went); a
    ``distinguer`` changes nothing here. A decision that no longer applies (an idea
    gone) is reported, in page order, and left on the page."""
    result = list(ideas)
    moved: dict[str, str] = {}
    problems: list[Problem] = []
    for c in curations:
        known = {i.key: i for i in result}
        wrong = _CHECK[c.action](c, known, Grid({}))
        if wrong:
            problems += wrong[:1]
            continue
        if c.action != "fusionner":
            continue
        target, *others = list(dict.fromkeys(c.ideas))
        members = list(known[target].members)
        for key in others:
            members += [m for m in known[key].members if m not in members]
            moved[key] = target
        merged = replace(known[target], members=tuple(members))
        result = [merged if i.key == target else i for i in result if i.key not in others]
    return result, {k: _final(moved, k) for k in moved}, problems


def _final(moved: dict[str, str], key: str) -> str:
    while key in moved:
        key = moved[key]
    return key


def from_form(action: str, idea: str = "", ideas: str | list[str] = "", statement: str = "",
              members: str = "", code: str = "", reason: str = "") -> Curation:
    """A decision from the desk's form fields: keys as a list or separated by commas,
    members one per line or separated by semicolons; surrounding spaces dropped."""
    keys = ideas if isinstance(ideas, list) else list(split_list(ideas))
    refs = [r.strip() for r in re.split(r"[;\n]", members) if r.strip()]
    return Curation(action_named(action), idea.strip(),
                    tuple(dict.fromkeys(k.strip() for k in keys if k.strip())),
                    " ".join(statement.split()), tuple(dict.fromkeys(refs)),
                    code.strip(), " ".join(reason.split()))


def action_named(name: str) -> str:
    """The action a curation's ``action`` value stands for: French, or its English alias
    (``merge`` is ``fusionner``), case and spaces aside."""
    action = " ".join(name.split()).lower()
    return contract.CURATION_ACTION_ALIASES.get(action, action)


def kept_apart(curations: Sequence[Curation]) -> list[tuple[str, ...]]:
    """The keys each ``distinguer`` decision keeps apart, in page order: the clustering
    never puts their members in one idea (:func:`coacte.synthesis.cross_territory.build`)."""
    return [tuple(dict.fromkeys(c.ideas)) for c in curations if c.action == "distinguer"]


def decision_id(c: Curation) -> str:
    """A decision's identity, whatever its spacing or place on the page: the same
    decision written twice has one id, a changed one another."""
    return hashlib.sha1(curation_call(c).encode("utf-8")).hexdigest()[:16]


def curation_call(c: Curation) -> str:
    """The ``{{CO-ACTE curation}}`` call of a decision, every value written as data:
    :func:`read_curations` reads the same decision back."""
    params = [("action", c.action)]
    if c.action in ("fusionner", "distinguer"):
        params.append(("idées", ", ".join(c.ideas)))
    else:
        params.append(("idée", c.idea))
    if c.action == "reformuler":
        params.append(("énoncé", c.statement))
    if c.action == "recoder":
        params.append(("code", c.code))
    if c.reason:
        params.append(("motif", c.reason))
    if c.round:
        params.append(("tour", str(c.round)))
    written = [f"{name} = {encode(value)}" for name, value in params]
    if c.action in ("séparer", "confirmer"):
        written.insert(2, f"membres = {members_value(c.members)}")
    inner = " | ".join(written)
    return f"{{{{{contract.CURATION.name} | {inner} }}}}"


def insert_curation(text: str | None, call: str) -> str:
    """The page with a decision added above the bot's region, after the decisions
    already there (they apply in page order, so a new decision comes last among them)."""
    text = text or ""
    marks = region.begin_marks(text)
    at = marks[0].start() if len(marks) == 1 else 0
    before, after = text[:at], text[at:]
    if before and not before.endswith("\n"):
        before += "\n"
    return f"{before}{call}\n{after}"


def remove_curation(text: str, decision: Curation) -> str | None:
    """The page without the last call of ``decision`` (found by what it decides, by
    :func:`decision_id`, whatever its spacing; the line it stood on goes with it), or
    ``None`` when the page holds no such call outside the bot's region. The page is
    parsed, not searched as a string: a call inside another one, or one in the bot's
    region, is never cut."""
    wanted = decision_id(decision)
    begins, ends = region.begin_marks(text), region.end_marks(text)
    inside = (begins[0].start(), ends[0].end()) if len(begins) == len(ends) == 1 else (0, 0)
    code = mwparserfromhell.parse(text)
    found, offset = None, 0
    for node in code.nodes:  # the page's own calls, with where each starts
        start, offset = offset, offset + len(str(node))
        if (isinstance(node, mwparserfromhell.nodes.Template)
                and template_named(str(node.name)) is contract.CURATION
                and not inside[0] <= start < inside[1]):
            read = read_curations(PageRevision("", 0, "", str(node)))[0]
            if read and decision_id(read[0]) == wanted:
                found = node
    if found is None:
        return None
    index = code.index(found)
    following = code.nodes[index + 1] if index + 1 < len(code.nodes) else None
    code.remove(found)
    if isinstance(following, mwparserfromhell.nodes.Text) and following.value.startswith("\n"):
        following.value = following.value[1:]
    return str(code)


def decision_of(call: str) -> Curation | None:
    """The decision a ``{{CO-ACTE curation}}`` call writes (as :func:`curation_call`
    wrote it), or ``None`` when it is not one."""
    read = read_curations(PageRevision("", 0, "", call))[0]
    return read[0] if read else None


# -- the rules ---------------------------------------------------------------------------


def check(c: Curation, ideas: Sequence[PublishedIdea], grid: Grid) -> list[Problem]:
    """What is wrong with a decision against the ideas as the page publishes them (empty:
    it applies). Every problem names the decision's field it is about."""
    wrong = _action_problems(c)
    if wrong:
        return wrong
    known = {i.key: i for i in ideas}
    return _CHECK[c.action](c, known, grid)


def _action_problems(c: Curation) -> list[Problem]:
    if c.action in contract.CURATION_ACTIONS:
        return []
    return [c.problem("action", "coacte-problem-choice", c.action,
                      ", ".join(contract.CURATION_ACTIONS))]


def _idea_problems(c: Curation, known: dict[str, PublishedIdea]) -> list[Problem]:
    if c.idea in known:
        return []
    return [c.problem("idée", "coacte-curation-unknown-idea", c.idea or "—")]


def _check_reword(c: Curation, known: dict[str, PublishedIdea], grid: Grid) -> list[Problem]:
    found = _idea_problems(c, known)
    if not c.statement:
        found.append(c.problem("énoncé", "coacte-problem-required", "énoncé"))
    return found


def _keys_problems(c: Curation, known: dict[str, PublishedIdea], too_few: str) -> list[Problem]:
    """A decision on several ideas (``idées``) names two or more, all on the page."""
    keys = list(dict.fromkeys(c.ideas))
    if len(keys) < 2:
        return [c.problem("idées", too_few)]
    missing = [k for k in keys if k not in known]
    if missing:
        return [c.problem("idées", "coacte-curation-unknown-idea", ", ".join(missing))]
    return []


def _check_merge(c: Curation, known: dict[str, PublishedIdea], grid: Grid) -> list[Problem]:
    found = _keys_problems(c, known, "coacte-curation-merge-two")
    keys = list(dict.fromkeys(c.ideas))
    if not found and len({(known[k].question, known[k].kind) for k in keys}) > 1:
        return [c.problem("idées", "coacte-curation-merge-mismatch", ", ".join(keys))]
    return found


def _check_distinguish(c: Curation, known: dict[str, PublishedIdea],
                       grid: Grid) -> list[Problem]:
    return _keys_problems(c, known, "coacte-curation-distinguish-two")


def _check_split(c: Curation, known: dict[str, PublishedIdea], grid: Grid) -> list[Problem]:
    found = _members_problems(c, known)
    if not found and len(set(c.members)) >= len(set(known[c.idea].members)):
        return [c.problem("membres", "coacte-curation-split-all", c.idea)]
    return found


def _check_recode(c: Curation, known: dict[str, PublishedIdea], grid: Grid) -> list[Problem]:
    found = _idea_problems(c, known)
    if not c.code:
        found.append(c.problem("code", "coacte-problem-required", "code"))
    else:
        found += [c.problem("code", *p) for p in code_problems(c.code, grid)]
    return found


def _check_confirm(c: Curation, known: dict[str, PublishedIdea], grid: Grid) -> list[Problem]:
    """``confirmer`` names an idea and members of it (those a moderator says belong)."""
    return _members_problems(c, known)


def _members_problems(c: Curation, known: dict[str, PublishedIdea]) -> list[Problem]:
    """A decision on members (``séparer``, ``confirmer``) names a known idea and at least
    one member, each of them a member of that idea."""
    if c.idea not in known:
        return _idea_problems(c, known)
    members = set(known[c.idea].members)
    missing = [r for r in c.members if r not in members]
    if not c.members or missing:
        return [c.problem("membres", "coacte-curation-unknown-member",
                          ", ".join(missing) or "—", c.idea)]
    return []


_CHECK = {"reformuler": _check_reword, "fusionner": _check_merge, "séparer": _check_split,
          "recoder": _check_recode, "distinguer": _check_distinguish,
          "confirmer": _check_confirm}


# -- applying ------------------------------------------------------------------------------


def apply(ideas: list[GlobalIdea], curations: list[Curation],
          grid: Grid) -> tuple[list[GlobalIdea], list[Problem]]:
    """The ideas with every decision applied in order, and the decisions that failed
    (each with the first problem :func:`check` finds, against the ideas as they are at
    its turn: what the page would publish then)."""
    result = [replace(i, members=list(i.members), curations=list(i.curations)) for i in ideas]
    problems: list[Problem] = []
    for c in curations:
        named = {c.idea, *c.ideas}  # the rules look only at the ideas a decision names
        wrong = check(c, [published(i) for i in result if i.key in named], grid)
        if wrong:
            problems.append(wrong[0])
        else:
            _APPLY[c.action](result, c)
    return result, problems


def published(idea: GlobalIdea) -> PublishedIdea:
    """A global idea as its page publishes it (what a decision is checked against)."""
    return PublishedIdea(idea.key, idea.question, idea.kind, idea.statement, idea.code,
                         tuple(m.ref for m in idea.members))


def _find(ideas: list[GlobalIdea], key: str) -> GlobalIdea:
    return next(i for i in ideas if i.key == key)


def _reword(ideas: list[GlobalIdea], c: Curation) -> None:
    idea = _find(ideas, c.idea)
    idea.statement = c.statement
    idea.curations.append(_note("coacte-curation-note-reworded", c))


def _merge(ideas: list[GlobalIdea], c: Curation) -> None:
    keys = list(dict.fromkeys(c.ideas))
    target, *others = (_find(ideas, k) for k in keys)
    for other in others:
        target.members.extend(other.members)
        ideas.remove(other)
        # A moderator's merge is sure: the other's members join the target's first part.
        _joined(target, [m.ref for m in other.members], add=True)
    target.merged_by = "moderator"
    target.curations.append(_note("coacte-curation-note-merged", c, ", ".join(keys[1:])))


def _confirm(ideas: list[GlobalIdea], c: Curation) -> None:
    """The members belong: their parts join the lead's; an idea left with one part is
    confirmed (no longer marked)."""
    idea = _find(ideas, c.idea)
    if idea.doubt is None:
        return  # sure already (or confirmed by an earlier decision): nothing to change
    _joined(idea, list(c.members))
    if idea.doubt is None:
        idea.merged_by = "confirmed"
        idea.curations.append(_note("coacte-curation-note-confirmed", c))


def _joined(idea: GlobalIdea, refs: list[str], add: bool = False) -> None:
    """The idea's doubt once the parts holding ``refs`` join its first part (``add``:
    refs new to the idea, added to the first part); none left when one part remains."""
    if idea.doubt is None:
        return
    wanted = set(refs)
    first = list(idea.doubt.parts[0]) + ([r for r in refs] if add else [])
    rest = []
    for part in idea.doubt.parts[1:]:
        if wanted & set(part):
            first += part
        else:
            rest.append(part)
    idea.doubt = None if not rest else replace(idea.doubt,
                                               parts=(tuple(first), *map(tuple, rest)))


def _without(idea: GlobalIdea, refs: set[str]) -> None:
    """The idea's doubt once ``refs`` left it: none when one part remains."""
    if idea.doubt is None:
        return
    parts = [tuple(r for r in part if r not in refs) for part in idea.doubt.parts]
    parts = [p for p in parts if p]
    closest = idea.doubt.closest
    if len(parts) < 2:
        idea.doubt = None
    elif set(closest) & refs:
        idea.doubt = replace(idea.doubt, parts=tuple(parts), closest=(parts[0][0], parts[1][0]))
    else:
        idea.doubt = replace(idea.doubt, parts=tuple(parts))


def _split(ideas: list[GlobalIdea], c: Curation) -> None:
    idea = _find(ideas, c.idea)
    refs = {m.ref: m for m in idea.members}
    apart = [refs[r] for r in dict.fromkeys(c.members)]
    idea.members = [m for m in idea.members if m.ref not in c.members]
    _without(idea, set(c.members))
    lead = max(apart, key=lambda m: m.idea.occurrences)
    new = GlobalIdea(split_key(idea.key, c.members), idea.question, idea.kind, lead.idea.code,
                     lead.idea.statement, apart)
    new.curations.append(_note("coacte-curation-note-split-from", c, idea.key))
    idea.curations.append(_note("coacte-curation-note-split", c, new.key))
    ideas.insert(ideas.index(idea) + 1, new)


def split_key(key: str, members: Sequence[str]) -> str:
    """The key of the idea ``séparer`` makes of ``members`` of idea ``key``."""
    return f"{key}-{hashlib.sha1(min(members).encode('utf-8')).hexdigest()[:4]}"


def _recode(ideas: list[GlobalIdea], c: Curation) -> None:
    idea = _find(ideas, c.idea)
    idea.code = c.code
    idea.curations.append(_note("coacte-curation-note-recoded", c, c.code))


def _distinguish(ideas: list[GlobalIdea], c: Curation) -> None:
    """The clustering already kept them apart (:func:`kept_apart`): say so on each."""
    keys = list(dict.fromkeys(c.ideas))
    for key in keys:
        others = ", ".join(k for k in keys if k != key)
        _find(ideas, key).curations.append(_note("coacte-curation-note-distinguished", c,
                                                  others))


_APPLY = {"reformuler": _reword, "fusionner": _merge, "séparer": _split, "recoder": _recode,
          "distinguer": _distinguish, "confirmer": _confirm}


def _note(key: str, c: Curation, *params: str) -> tuple[str, tuple[str, ...], str]:
    """A message key, its parameters and the moderator's reason, rendered later in the
    page's language."""
    return (key, params, c.reason)
