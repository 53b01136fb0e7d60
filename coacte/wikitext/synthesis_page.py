"""Reading back what the bot published on a synthesis page (keys and members).

The ``membres`` value (``territory/key ; territory/key``) is written and read here only:
:func:`members_value` for the render, :func:`members_of` for every reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import mwparserfromhell

from coacte import contract
from coacte.wikitext import region
from coacte.wikitext.parse import calls
from coacte.wikitext.values import decode, encode

#: One member in a ``membres`` value: a run of characters up to a ``;`` separator, an
#: entity (``&#38;``, whose ``;`` is not a separator) counting as one character.
_MEMBER = re.compile(r"(?:&#?\w+;|[^;&]|&)+")


def members_value(refs: Iterable[str]) -> str:
    """The ``membres`` value of ideas' members (``territory/key`` refs): each written as
    data, separated by " ; ", a ``;`` inside a ref as an entity, so that
    :func:`members_of` reads the very same refs back."""
    return " ; ".join("&#59;".join(encode(part) for part in ref.split(";")) for ref in refs)


def members_of(value: str) -> tuple[str, ...]:
    """The members (``territory/key`` refs) a ``membres`` value stands for, in order.

    ``value`` is the parameter as written on the page (entities not yet decoded): it is
    split at its ``;`` separators first, so an encoded ``&`` or ``;`` inside a ref stays
    in it; each ref is then decoded. Blanks are dropped.
    """
    refs = (decode(ref) for ref in _MEMBER.findall(value))
    return tuple(ref for ref in refs if ref)


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
        return {key.strip(): frozenset(members_of(refs)) for key, refs in pairs}
    found: dict[str, frozenset[str]] = {}
    for call in calls(body):
        if call.template is not contract.IDEA:
            continue
        key = call.values().get("clé", "")
        if key:
            found[key] = frozenset(members_of(call.raw().get("membres", "")))
    return found


@dataclass(frozen=True)
class PublishedIdea:
    """A global idea as a global synthesis page publishes it: what later rounds, the
    desk and the curation rules read back (``members``: ``territory/key`` refs)."""

    key: str
    question: int
    kind: str
    statement: str
    code: str = ""
    members: tuple[str, ...] = ()


def published_ideas(text: str | None) -> list[PublishedIdea]:
    """The ideas in the bot's region of a synthesis page, in page order (each once),
    with their code and members."""
    body = region.body_of(text or "")
    found: dict[str, PublishedIdea] = {}
    for call in calls(body or ""):
        if call.template is contract.IDEA:
            v = call.values()
            if v.get("clé") and v.get("question", "").isdigit():
                found.setdefault(v["clé"], PublishedIdea(
                    v["clé"], int(v["question"]), v.get("nature", ""), v.get("énoncé", ""),
                    v.get("code", ""), members_of(call.raw().get("membres", ""))))
    return list(found.values())


def state(text: str | None) -> str:
    """The ``état`` of a global synthesis page's header ("" when none)."""
    body = region.body_of(text or "")
    for call in calls(body or ""):
        if call.template is contract.SYNTHESIS:
            return call.values().get("état", "").strip()
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
