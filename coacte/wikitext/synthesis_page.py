"""Reading back what the bot published on a synthesis page (keys and members)."""

from __future__ import annotations

import re

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
        values = {contract.IDEA.param(n).name: decode(v) for n, v in call.params
                  if contract.IDEA.param(n)}
        key = values.get("clé", "")
        if key:
            found[key] = frozenset(_REF.findall(values.get("membres", "")))
    return found
