"""Reading back what the bot published on a synthesis page (keys and members)."""

from __future__ import annotations

import re

from coacte import contract
from coacte.wikitext import region
from coacte.wikitext.parse import calls
from coacte.wikitext.values import decode

#: ``<territory>/<territory idea key>``, separated by " ; " in the ``membres`` parameter.
_REF = re.compile(r"\s*(.+?/q\d[a-z]?-[0-9a-f]{8,})\s*(?:;|$)")


def idea_members(text: str | None) -> dict[str, frozenset[str]]:
    """``{global key: members}`` of the ideas in the bot's region of a global page."""
    body = region.body_of(text or "")
    if body is None:
        return {}
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
