"""A bot's proposal page: the full text it would write on a page, awaiting a moderator.

In approval mode (``approval = true`` in the ``[bot]`` table) the bot does not write a
page itself: it saves ``CO-ACTE/Propositions/<page>`` instead, and a moderator approves
it from the desk. The proposal page reads::

    {{CO-ACTE proposition
    | page = Synthèse:Mulhouse/Tour 1
    | base = 1234
    | horodatage = 2016-01-12T10:00:00Z
    | résumé = Synthèse de Mulhouse, tour 1 : 12 post-its, 9 idées
    }}
    <pre>
    …the proposed text, with &, < and > written as &amp; &lt; &gt;…
    </pre>

Why ``<pre>`` with those three characters escaped:

* The proposed text is itself wikitext full of templates, comments and (encoded) post-it
  text; on the proposal page it must show literally and do nothing: add no category,
  expand no template, sign no ``~~~~``. ``<pre>`` is a parser *tag*: MediaWiki strips
  its content before the pre-save transform and before parsing, so ``{{subst:…}}``,
  ``~~~~``, ``__NOTOC__``, ``[[Catégorie:x]]`` inside it stay text; it displays as
  preformatted text, which is what a reviewer wants to read.
* Once ``<`` is written ``&lt;``, no ``</pre>`` (nor ``</nowiki>``, nor any tag) can
  occur in the content, so the block cannot be closed early, whatever the text holds.
  ``&`` is written ``&amp;`` so that an entity in the text (``&#124;``, which the
  bot's encoded post-its are full of) reads back as itself. ``<pre>`` renders entities,
  so a reader of the page sees the proposed text exactly; ``<nowiki>`` would show the
  escapes instead, and cannot hold a literal ``</nowiki>``.
* Tabs, carriage returns and other control characters are written as numeric references
  too, because MediaWiki's save normalises them; line breaks are kept, so the page's
  source stays readable line by line.

:func:`parse` undoes exactly what :func:`render` did, so the proposed text round-trips
exactly. The header holds the base revision (id and timestamp) the text was computed
from: approving writes against it, so a page changed since is a conflict, never
overwritten. A blank proposal page is no proposal (approved or rejected ones are
blanked: that needs no delete right and keeps the history).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import mwparserfromhell

from coacte.contract import normalize_template_name
from coacte.wikitext.values import decode, encode

#: Where proposals live: ``CO-ACTE/Propositions/<target title>``.
PREFIX = "CO-ACTE/Propositions/"
TEMPLATE = "CO-ACTE proposition"
#: Parameter names (French first, English alias second).
_PARAMS = {"page": ("page", "page"), "base": ("base", "base"),
           "horodatage": ("horodatage", "timestamp"), "résumé": ("résumé", "summary")}
_BLOCK = re.compile(r"<pre>\n([^<]*)\n</pre>")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_REF = re.compile(r"&(amp|lt|gt|#\d{1,3});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">"}


@dataclass(frozen=True)
class Proposal:
    """The text the bot proposes for ``page``, computed from revision ``base_revid``
    (``None`` and ``""``: the page did not exist, the proposal creates it)."""

    page: str
    text: str
    base_revid: int | None
    base_timestamp: str = ""
    summary: str = ""

    @property
    def creates(self) -> bool:
        return self.base_revid is None


class MalformedProposal(ValueError):
    """A proposal page that is neither blank nor in the format :func:`render` writes."""


def title_for(page: str) -> str:
    """The proposal page of a target page."""
    return PREFIX + page


def target_of(title: str) -> str | None:
    """The target page of a proposal page (``None`` for any other title)."""
    if title.startswith(PREFIX) and len(title) > len(PREFIX):
        return title[len(PREFIX):]
    return None


def escape(text: str) -> str:
    """Text that ``<pre>`` shows literally and that holds no ``<`` (so no closing tag)."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub(lambda m: f"&#{ord(m.group())};", out)


def unescape(text: str) -> str:
    """The inverse of :func:`escape`: only the references it writes are read (every
    ``&`` of the original was written ``&amp;``, so no other ``&`` can be one)."""
    return _REF.sub(lambda m: _NAMED.get(m.group(1)) or chr(int(m.group(1)[1:])), text)


def render(proposal: Proposal) -> str:
    """The proposal page's wikitext."""
    base = "" if proposal.base_revid is None else str(proposal.base_revid)
    header = (
        f"{{{{{TEMPLATE}\n| page = {encode(proposal.page)}\n| base = {base}\n"
        f"| horodatage = {encode(proposal.base_timestamp)}\n"
        f"| résumé = {encode(proposal.summary)}\n}}}}"
    )
    return f"{header}\n<pre>\n{escape(proposal.text)}\n</pre>"


def is_blank(text: str | None) -> bool:
    """A missing or blanked proposal page: nothing awaits a moderator."""
    return text is None or not text.strip()


def parse(text: str) -> Proposal:
    """The proposal a page holds; :class:`MalformedProposal` if it is not one (callers
    check :func:`is_blank` first)."""
    block = _BLOCK.search(text)
    if block is None:
        raise MalformedProposal("no <pre> block")
    header = mwparserfromhell.parse(text[: block.start()])
    found = [t for t in header.filter_templates(recursive=False)
             if normalize_template_name(str(t.name)) == TEMPLATE]
    if len(found) != 1:
        raise MalformedProposal(f"expected one {{{{{TEMPLATE}}}}} header")
    values: dict[str, str] = {}
    for param in found[0].params:
        name = str(param.name).strip()
        for key, names in _PARAMS.items():
            if name in names:
                values[key] = decode(str(param.value))
    page = values.get("page", "")
    base = values.get("base", "")
    if not page:
        raise MalformedProposal("no page")
    if base and not base.isdigit():
        raise MalformedProposal(f"base is not a revision id: {base!r}")
    return Proposal(page, unescape(block.group(1)), int(base) if base else None,
                    values.get("horodatage", ""), values.get("résumé", ""))
