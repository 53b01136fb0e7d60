"""Debate pages as the forms and the import write them: model values → wikitext.

Every value a person typed goes through :func:`~coacte.wikitext.values.encode`, so a
post-it saying ``}}`` or ``[[Catégorie:x]]`` stays data and reads back unchanged through
:func:`coacte.validate.read_debate`. Parameter names are the contract's French names (an
English alias given in a dict is accepted and written in French), one per line.

Editing an existing page never rewrites what is around the calls it adds or fills: the
rest of the page (other post-its, headings, notes) is kept byte for byte.

The reactions form's logic lives here too, without Flask: what a group already answered
(:func:`group_reactions`), which lines of the form answer (:func:`answers`), and beside
which line each problem of the page written shows (:func:`locate_problems`). A group is
one group whatever its spelling's case, accents or spacing
(:func:`~coacte.wikitext.values.same_group`), as the Delphi count sees it.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

import mwparserfromhell
from mwparserfromhell.nodes import Template as TemplateNode

from coacte import contract
from coacte.contract import fold
from coacte.problems import Problem
from coacte.wikitext.parse import call_of, calls
from coacte.wikitext.values import encode, same_group, template_call

#: The order of a reaction's parameters, as ``coacte round open`` seeds the slots.
_REACTION_ORDER = ("idée", "énoncé", "accord", "priorité", "commentaire", "groupe")
#: The parameters a person fills in; a slot where all are empty is not answered yet.
_REACTION_ANSWER = ("accord", "priorité", "commentaire", "groupe")
#: What a form line gives when it answers (the group alone is not an answer).
_REACTION_TYPED = ("accord", "priorité", "commentaire")


def _french(template: contract.Template, values: Mapping[str, object]) -> dict[str, str]:
    """``values`` keyed by the contract's French names (an English alias is accepted)."""
    out: dict[str, str] = {}
    for name, value in values.items():
        param = template.param(name)
        if param is None:
            raise ValueError(f"{name!r} is not a parameter of {{{{{template.name}}}}}")
        out[param.name] = "" if value is None else str(value)
    return out


def call(template: contract.Template, values: Mapping[str, object]) -> str:
    """One template call, parameters in the contract's order, empty ones left out."""
    given = _french(template, values)
    return template_call(template.name, [
        (p.name, encode(given[p.name].strip())) for p in template.params if p.name in given
    ])


def debate_page(header: Mapping[str, object], postits: Iterable[Mapping[str, object]]) -> str:
    """A debate page: the ``{{CO-ACTE débat}}`` header, then one call per post-it."""
    parts = [call(contract.DEBATE, header)]
    parts += [call(contract.POSTIT, p) for p in postits]
    return "\n".join(parts) + "\n"


def _top_level_spans(text: str, template: contract.Template) -> list[tuple[int, int, TemplateNode]]:
    """``(start, end, node)`` of each top-level call of ``template`` in ``text``."""
    spans = []
    offset = 0
    for node in mwparserfromhell.parse(text).nodes:
        length = len(str(node))
        if isinstance(node, TemplateNode) and \
                contract.template_named(str(node.name)) is template:
            spans.append((offset, offset + length, node))
        offset += length
    return spans


def _insert_after(text: str, position: int | None, block: str) -> str:
    """``block`` on its own lines after ``position`` (``None``: at the end of the page)."""
    if position is None:
        head, tail = text.rstrip("\n"), ""
        return (head + "\n" if head else "") + block + "\n"
    head, tail = text[:position], text[position:]
    return head + "\n" + block + ("" if tail.startswith("\n") else "\n") + tail


def append_postits(text: str, postits: Iterable[Mapping[str, object]]) -> str:
    """``text`` with post-it calls added after its last post-it (or at the end of the page
    when it has none); nothing else on the page changes, and the post-its already there
    keep their numbers."""
    block = "\n".join(call(contract.POSTIT, p) for p in postits)
    if not block:
        return text
    spans = _top_level_spans(text, contract.POSTIT)
    return _insert_after(text, spans[-1][1] if spans else None, block)


def _reaction_values(node: TemplateNode) -> dict[str, str]:
    return call_of(node, contract.REACTION, 0).values()


def _reaction_call(node: TemplateNode | None, values: dict[str, str]) -> str:
    """A reaction call: the ``énoncé`` and any other parameter of ``node`` (the call
    filled in) are kept, the answer is written in full (empty parameters too, as the
    seeded slots are)."""
    kept: dict[str, str] = {}
    extra: list[str] = []
    if node is not None:
        for param in node.params:
            p = contract.REACTION.param(str(param.name)) if param.showkey else None
            if p is None:
                extra.append(f"| {str(param).strip()}")
            elif p.name not in values:
                kept[p.name] = str(param.value).strip()
    lines = ["{{" + contract.REACTION.name]
    for name in _REACTION_ORDER:
        if name in values:
            lines.append(f"| {name} = {encode(values[name].strip())}")
        elif name in kept:
            lines.append(f"| {name} = {kept[name]}")
        elif name in _REACTION_ANSWER:
            lines.append(f"| {name} = ")
    lines += extra
    return "\n".join(lines) + "\n}}"


def set_reactions(text: str, reactions: Iterable[Mapping[str, object]]) -> str:
    """``text`` (a round-n debate page) with each reaction filled in.

    A reaction of group G to idea K replaces the call of K whose group is G; else it
    fills K's empty slot (seeded by ``coacte round open``); else it is added after the
    last reaction call (or at the end of the page). Reactions are given as dicts of the
    template's parameters (``idée`` required). Nothing else on the page changes, and a
    reaction that is already there as given changes nothing at all.
    """
    for reaction in reactions:
        values = _french(contract.REACTION, reaction)
        key = values.get("idée", "").strip()
        if not key:
            raise ValueError("a reaction needs the key of its idea (idée)")
        values["idée"] = key
        group = values.get("groupe", "")
        spans = _top_level_spans(text, contract.REACTION)
        target = None
        for start, end, node in spans:
            current = _reaction_values(node)
            if current.get("idée", "").strip() == key and \
                    same_group(current.get("groupe", ""), group):
                target = (start, end, node)
                break
        if target is None:
            for start, end, node in spans:
                current = _reaction_values(node)
                if current.get("idée", "").strip() == key and \
                        not any(current.get(n, "").strip() for n in _REACTION_ANSWER):
                    target = (start, end, node)
                    break
        if target is None:
            statement = next((v["énoncé"] for v in map(_reaction_values, (n for *_, n in spans))
                              if v.get("idée", "").strip() == key and v.get("énoncé")), "")
            if statement and "énoncé" not in values:
                values["énoncé"] = statement  # the idea's reminder, as on its slot
            text = _insert_after(text, spans[-1][1] if spans else None,
                                 _reaction_call(None, values))
            continue
        start, end, node = target
        merged = {**_reaction_values(node), **values}
        if all(_reaction_values(node).get(n, "").strip() == merged.get(n, "").strip()
               for n in _REACTION_ORDER):
            continue  # already there as given: no change, so no null edit
        text = text[:start] + _reaction_call(node, values) + text[end:]
    return text


# -- the reactions form: what a group answered, which lines answer, where problems go -----


def group_reactions(text: str | None, group: str) -> dict[str, dict[str, str]]:
    """The reactions of ``group`` on a page (compared by
    :func:`~coacte.wikitext.values.same_group`), by idea key, the first of each: what the
    group already answered, to fill its form."""
    found: dict[str, dict[str, str]] = {}
    for c in calls(text or ""):
        if c.template is not contract.REACTION:
            continue
        values = c.values()
        if same_group(values.get("groupe", ""), group) and values.get("idée"):
            found.setdefault(values["idée"].strip(), values)
    return found


def answers(lines: Iterable[Mapping[str, str]], keys: Container[str],
            group: str) -> list[tuple[int, dict[str, str]]]:
    """``(line number, reaction)`` for each form line that answers one of ``keys`` (an
    agreement, a priority or a comment given); a line naming no group is the form's
    ``group``'s. Lines left empty and lines for other ideas are not reactions."""
    found = []
    for n, line in enumerate(lines):
        if line.get("idée") not in keys or not any(line.get(k) for k in _REACTION_TYPED):
            continue
        found.append((n, {**line, "groupe": line.get("groupe") or group}))
    return found


def locate_problems(text: str, given: Sequence[tuple[int, Mapping[str, str]]],
                    problems: Iterable[Problem]) -> dict[tuple[int, str] | None, list[Problem]]:
    """The blocking ``problems`` (read from ``text``, made by :func:`set_reactions` from
    ``given``, as :func:`answers` numbers them) by where a person fixes them: ``(line,
    field)`` for a reaction of one of the lines (a problem of another parameter goes to
    the line's agreement), ``None`` for the page's header."""
    written = {}
    for c in calls(text):
        if c.template is contract.REACTION:
            values = c.values()
            written[c.ordinal] = (values.get("idée", "").strip(), fold(values.get("groupe", "")))
    lines = {(v["idée"], fold(v["groupe"])): n for n, v in given}
    found: dict[tuple[int, str] | None, list[Problem]] = {}
    for p in problems:
        if not p.blocking:
            continue
        if p.item == "reaction" and p.index in written:
            n = lines.get(written[p.index])
            if n is not None:
                field = p.field if p.field in _REACTION_TYPED else "accord"
                found.setdefault((n, field), []).append(p)
        elif p.index is None:
            found.setdefault(None, []).append(p)
    return found
