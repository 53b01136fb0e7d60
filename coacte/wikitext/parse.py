"""Wikitext → the contract's template calls, in document order, with nothing dropped.

This module only finds calls and keeps their parameters exactly as written (names,
raw values, duplicates, positional ones): judging them is :mod:`coacte.validate`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mwparserfromhell

from coacte.contract import Template, template_named


@dataclass
class Call:
    """One call of a contract template on a page.

    ``ordinal`` counts the calls of the same template on the page (1-based, document
    order): for post-its it is the index that problems and sources point at.
    ``params`` keeps every ``name = value`` as written, duplicates included (MediaWiki
    would silently read only the last one); ``positional`` the unnamed values.
    """

    template: Template
    ordinal: int
    params: list[tuple[str, str]] = field(default_factory=list)
    positional: list[str] = field(default_factory=list)


def calls(text: str) -> list[Call]:
    """Every call of a contract template in ``text``, nested ones included.

    Calls inside HTML comments or ``<nowiki>`` are not calls for MediaWiki either, and
    mwparserfromhell does not report them as templates.
    """
    found: list[Call] = []
    counts: dict[str, int] = {}
    for node in mwparserfromhell.parse(text).filter_templates(recursive=True):
        template = template_named(str(node.name))
        if template is None:
            continue
        counts[template.name] = counts.get(template.name, 0) + 1
        call = Call(template, counts[template.name])
        for param in node.params:
            if param.showkey:
                call.params.append((str(param.name).strip(), str(param.value)))
            else:
                call.positional.append(str(param.value))
        found.append(call)
    return found
