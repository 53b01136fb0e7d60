"""Wikitext → the contract's template calls, in document order, with nothing dropped.

This module only finds calls and keeps their parameters exactly as written (names,
raw values, duplicates, positional ones): judging them is :mod:`coacte.validate`'s job.
:meth:`Call.values` is the one reading of a call as ``{parameter: text}`` for the
readers that need no judgement (a header's territory and round, a published idea).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mwparserfromhell

from coacte.contract import Template, template_named
from coacte.wikitext.values import decode


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

    def raw(self) -> dict[str, str]:
        """``{French parameter name: value as written}`` for the contract's parameters
        (an English alias is read as its French name); unknown parameters are left out,
        and of a duplicated one the last counts, as MediaWiki reads it."""
        found: dict[str, str] = {}
        for name, value in self.params:
            param = self.template.param(name)
            if param is not None:
                found[param.name] = value
        return found

    def values(self) -> dict[str, str]:
        """:meth:`raw` with each value decoded to the text it stands for
        (:func:`~coacte.wikitext.values.decode`)."""
        return {name: decode(value) for name, value in self.raw().items()}


def call_of(node: mwparserfromhell.nodes.Template, template: Template, ordinal: int) -> Call:
    """The :class:`Call` of one parsed template node (``template`` is its contract
    template), for a caller that walks the parse tree itself."""
    call = Call(template, ordinal)
    for param in node.params:
        if param.showkey:
            call.params.append((str(param.name).strip(), str(param.value)))
        else:
            call.positional.append(str(param.value))
    return call


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
        found.append(call_of(node, template, counts[template.name]))
    return found
