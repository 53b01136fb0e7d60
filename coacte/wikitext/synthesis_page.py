"""Reading back what the bot published on a synthesis page (keys and members)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import mwparserfromhell

from coacte import contract
from coacte.wikitext import region
from coacte.wikitext.parse import calls
from coacte.wikitext.values import decode

#: ``<territory>/<territory idea key>``, separated by " ; " in the ``membres`` parameter.
_REF = re.compile(r"\s*(.+?/q\d[a-z]?-[0-9a-f]{8,})\s*(?:;|$)")


_KEYMAP = re.compile(r"<!-- CO-ACTE:clés\n(.*?)-->", re.S)


def idea_members(text: str | None) -> dict[str, frozenset[str]]:
    """``{global key: members}`` as last published on a global page.

    The hidden key map (members before curation) is preferred; pages without one fall
    back to the ideas' ``membres`` parameters.
    """
    body = region.body_of(text or "")
    if body is None:
        return {}
    keymap = _KEYMAP.search(body)
    if keymap:
        pairs = (line.split(" = ", 1) for line in keymap.group(1).splitlines() if " = " in line)
        return {key.strip(): frozenset(_REF.findall(refs)) for key, refs in pairs}
    found: dict[str, frozenset[str]] = {}
    for call in calls(body):
        if call.template is not contract.IDEA:
            continue
        values = _values(call)
        key = values.get("clé", "")
        if key:
            found[key] = frozenset(_REF.findall(values.get("membres", "")))
    return found


@dataclass(frozen=True)
class PublishedIdea:
    """A global idea as published on a (frozen) global synthesis page."""

    key: str
    question: int
    kind: str
    statement: str


def _values(call) -> dict[str, str]:
    template = call.template
    return {template.param(n).name: decode(v) for n, v in call.params if template.param(n)}


def published_ideas(text: str | None) -> list[PublishedIdea]:
    """The ideas in the bot's region of a synthesis page, in page order (each once)."""
    body = region.body_of(text or "")
    found: dict[str, PublishedIdea] = {}
    for call in calls(body or ""):
        if call.template is contract.IDEA:
            v = _values(call)
            if v.get("clé") and v.get("question", "").isdigit():
                found.setdefault(v["clé"], PublishedIdea(
                    v["clé"], int(v["question"]), v.get("nature", ""), v.get("énoncé", "")))
    return list(found.values())


def state(text: str | None) -> str:
    """The ``état`` of a global synthesis page's header ("" when none)."""
    body = region.body_of(text or "")
    for call in calls(body or ""):
        if call.template is contract.SYNTHESIS:
            return _values(call).get("état", "").strip()
    return ""


def freeze(body: str) -> str:
    """A global page's body with its header's ``état`` set to ``figé``."""
    code = mwparserfromhell.parse(body)
    for template in code.filter_templates(recursive=False):
        if contract.template_named(str(template.name)) is contract.SYNTHESIS:
            for name in ("état", "state"):
                if template.has(name):
                    template.remove(name)
            template.add("état", "figé")
            break
    return str(code)
