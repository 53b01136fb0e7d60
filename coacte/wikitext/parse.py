"""Wikitext → the contract's template calls, in document order, as the wiki shows them.

This module only finds calls and keeps their parameters exactly as written (names,
raw values, duplicates, positional ones): judging them is :mod:`coacte.validate`'s job.
:meth:`Call.values` is the one reading of a call as ``{parameter: text}`` for the
readers that need no judgement (a header's territory and round, a published idea).

The page is first read as MediaWiki's preprocessor reads it for a page view
(:func:`visible`): comments are removed (an unclosed one runs to the end of the page),
``<includeonly>`` sections are not shown, ``<noinclude>`` and ``<onlyinclude>`` only
lose their tags, and literal tags (``<nowiki>``, ``<pre>``…) keep what they hold. So
the bot counts the post-its the page shows, no more, no less. What MediaWiki shows as
plain text — a call never closed — and a call inside another's parameter are found
too (:class:`Parsed`), for the check report to name them at their line.
"""

from __future__ import annotations

import bisect
import re
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
    #: The line of the page (1-based, in the text as saved) where the call starts.
    line: int = 0
    #: The template whose parameter holds this call ("" when it stands on the page): the
    #: wiki shows it only if that template exists and shows that parameter.
    inside: str = ""

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


#: What the preprocessor handles before it reads template calls, on a page view: tags
#: whose content is literal (kept as written), comments (removed; unclosed: to the end),
#: ``<includeonly>`` sections (removed; unclosed: to the end) and the tags of
#: ``<noinclude>``/``<onlyinclude>`` (removed, their content shown).
_PREPROCESSED = re.compile(
    r"(?P<literal><(?P<tag>nowiki|pre|source|syntaxhighlight|math|templatedata)\b[^>]*?"
    r"(?:/>|>.*?</(?P=tag)\s*>))"
    r"|(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<include><includeonly\s*>.*?(?:</includeonly\s*>|\Z))"
    r"|(?P<marker></?(?:noinclude|onlyinclude)\s*/?>)",
    re.S | re.I,
)
#: Where a template call may start: ``{{`` and a name up to ``|``, ``}}`` or the end.
_OPENING = re.compile(r"\{\{(?!\{)\s*([^{}|\n]*?)\s*(?=\||\}\}|\n|\Z)")


@dataclass
class Visible:
    """A page's text as the preprocessor reads it for a page view, and the way back to
    the saved text's lines (``starts``: each kept piece's offset in the visible text and
    in the saved text)."""

    text: str
    source: str
    starts: list[tuple[int, int]]
    #: The spans of the visible text that literal tags hold: no call starts there.
    literal: list[tuple[int, int]] = field(default_factory=list)

    def in_literal(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.literal)

    def line(self, offset: int) -> int:
        """The saved text's line (1-based) of a visible offset."""
        i = bisect.bisect_right(self.starts, (offset, float("inf"))) - 1
        shown, saved = self.starts[i] if i >= 0 else (0, 0)
        return self.source.count("\n", 0, saved + offset - shown) + 1


def visible(text: str) -> Visible:
    """``text`` as MediaWiki's preprocessor reads it for a page view (see
    :data:`_PREPROCESSED`)."""
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []
    literal: list[tuple[int, int]] = []
    length, cursor = 0, 0
    for m in _PREPROCESSED.finditer(text):
        if m.group("literal"):
            shown = length + m.start() - cursor
            literal.append((shown, shown + len(m[0])))
            continue
        if m.start() > cursor:
            starts.append((length, cursor))
            pieces.append(text[cursor:m.start()])
            length += m.start() - cursor
        cursor = m.end()
    starts.append((length, cursor))
    pieces.append(text[cursor:])
    return Visible("".join(pieces), text, starts, literal)


@dataclass
class Parsed:
    """Every contract call a page shows, and the contract calls it never closes
    (``(template, line)``: MediaWiki shows them as plain text)."""

    calls: list[Call]
    unclosed: list[tuple[Template, int]]


def parse(text: str) -> Parsed:
    """Every call of a contract template in ``text`` as a page view shows it, nested ones
    included (each with its line and the call it sits in), and the unclosed ones."""
    shown = visible(text)
    found: list[Call] = []
    counts: dict[str, int] = {}
    spans: list[tuple[int, int, str]] = []  # every template call, by start: (start, end, name)
    cursor = -1
    for node in mwparserfromhell.parse(shown.text).filter_templates(recursive=True):
        start = shown.text.find(str(node), cursor + 1)  # pre-order: starts only grow
        cursor = start
        outer = next((name for s, e, name in reversed(spans) if s < start < e), "")
        template = template_named(str(node.name))
        name = template.name if template else " ".join(str(node.name).split())
        spans.append((start, start + len(str(node)), name))
        if template is None:
            continue
        counts[template.name] = counts.get(template.name, 0) + 1
        call = call_of(node, template, counts[template.name])
        call.line, call.inside = shown.line(start), outer
        found.append(call)
    starts = {s for s, _, _ in spans}
    unclosed = [(template, shown.line(m.start()))
                for m in _OPENING.finditer(shown.text)
                if m.start() not in starts and not shown.in_literal(m.start())
                and (template := template_named(m[1]))]
    return Parsed(found, unclosed)


def calls(text: str) -> list[Call]:
    """Every call of a contract template in ``text`` as a page view shows it (see
    :func:`parse`), nested ones included."""
    return parse(text).calls
