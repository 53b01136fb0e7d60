"""Post-it text is data: how it is read from, and written into, a template parameter.

A facilitator's post-it may contain anything: ``|``, ``}}``, ``[[Catégorie:x]]``,
``<script>``, ``~~~~``, ``__NOTOC__``, a ``== heading ==`` line, HTML entities. Written
back raw, any of these would become markup (a broken template, a category, a signature,
a section). :func:`encode` turns a text into wikitext that MediaWiki displays literally
and that :func:`decode` reads back to the very same text, so the text round-trips;
:func:`template_call` writes encoded values as one call.

Values are also compared here, once: :func:`fold` is how spellings of one value compare
(case, accents, spacing), and :func:`same_group` the contract's identity of a group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import mwparserfromhell
from mwparserfromhell.nodes import Comment, HTMLEntity, Tag, Template, Text

from coacte.contract import fold

#: Characters that are markup anywhere in a template parameter, always written as
#: numeric entities. ``&`` comes first so that a literal "&amp;" in a post-it survives.
#: ``•`` is not markup but the bot's list separator (variants): encoded, it stays
#: unambiguous.
_ALWAYS = set("&<>[]{}|~_=!•")
#: Characters that are markup only at the start of a line (lists, indents, <pre>, <hr>).
_LINE_START = set("*#:;- \t")
#: MediaWiki's default ``$wgUrlProtocols``: after one of these names, a ``:`` makes the
#: rest of the word a clickable external link (``https://…``, ``mailto:…``). Its colon is
#: written as an entity, so the address stays readable and inert.
URL_SCHEMES = frozenset((
    "bitcoin", "ftp", "ftps", "geo", "git", "gopher", "http", "https", "irc", "ircs",
    "magnet", "mailto", "matrix", "mms", "news", "nntp", "redis", "sftp", "sip", "sips",
    "sms", "ssh", "svn", "tel", "telnet", "urn", "worldwind", "xmpp"))
_SCHEME_BEFORE = re.compile(r"([A-Za-z]+)$")


def encode(text: str) -> str:
    """Wikitext that shows ``text`` literally, whatever it contains.

    Every markup character is written as a numeric entity (``|`` → ``&#124;``); line
    breaks become ``&#10;`` so no line of the value can start a list or a heading;
    apostrophes are escaped only where two meet (``''`` is bold/italic markup), so
    French text stays readable in the page source; the colon of an address
    (``https://``, ``mailto:``) is escaped so that MediaWiki makes no link of it. Control
    characters other than line breaks and tabs are dropped: MediaWiki would not store
    them.
    """
    out: list[str] = []
    line_start = True
    for i, ch in enumerate(text):
        if ch < " " and ch not in "\n\t":
            continue  # MediaWiki stores no control character but line breaks and tabs
        if ch in _ALWAYS:
            out.append(f"&#{ord(ch)};")
        elif ch == "\n":
            out.append("&#10;")
            line_start = True
            continue
        elif line_start and ch in _LINE_START:
            out.append(f"&#{ord(ch)};")
        elif ch == "'" and (text[i - 1 : i] == "'" or text[i + 1 : i + 2] == "'"):
            out.append("&#39;")
        elif ch == ":" and _is_scheme(text, i):
            out.append("&#58;")
        else:
            out.append(ch)
        line_start = False
    return "".join(out)


def _is_scheme(text: str, colon: int) -> bool:
    """Whether the letters just before ``text[colon]`` name a URL scheme."""
    before = _SCHEME_BEFORE.search(text, max(0, colon - 12), colon)
    return bool(before) and before[1].lower() in URL_SCHEMES


def decode(value: str) -> str:
    """The text a parameter value stands for, as a reader of the page sees it.

    HTML entities are decoded, ``{{!}}`` is a ``|`` (MediaWiki's escape), the content
    of ``<nowiki>`` is taken as is, HTML comments are dropped; any other markup is kept
    as written, so it stays visible data. Surrounding white space is not part of it
    (MediaWiki strips it from named parameters).
    """
    if not _MARKUP.search(value):
        return value.strip()  # plain text (most post-its): nothing to decode, no parse
    return _text_of(mwparserfromhell.parse(value)).strip()


#: What :func:`decode` acts on: an entity, a tag or comment, a template. Without any of
#: them the parser would return the value as one text node.
_MARKUP = re.compile(r"[&<{]")


def _text_of(code: mwparserfromhell.wikicode.Wikicode) -> str:
    parts: list[str] = []
    for node in code.nodes:
        if isinstance(node, Text):
            parts.append(node.value)
        elif isinstance(node, HTMLEntity):
            parts.append(node.normalize())
        elif isinstance(node, Comment):
            continue
        elif isinstance(node, Template) and str(node.name).strip() == "!":
            parts.append("|")
        elif isinstance(node, Tag) and str(node.tag).lower() == "nowiki":
            parts.append(str(node.contents) if node.contents is not None else "")
        else:
            parts.append(str(node))
    return "".join(parts)


def split_list(value: str) -> tuple[str, ...]:
    """A comma- or semicolon-separated list parameter (levels, actors), blanks dropped."""
    items = value.replace(";", ",").split(",")
    return tuple(item.strip() for item in items if item.strip())


def same_group(a: str, b: str) -> bool:
    """Whether two group names name one homogeneous group (the contract's identity of a
    group: :func:`fold`-equal, "Élus" is " elus"). Forms, page edits and the Delphi count
    all use it, so a reaction one of them sees as the group's is the group's for all."""
    return fold(a) == fold(b)


def template_call(name: str, params: Iterable[tuple[str, str]]) -> str:
    """A call of template ``name``, one ``| name = value`` line per parameter, empty
    values left out. The values are written as given: encode the data first."""
    lines = [f"{{{{{name}"]
    lines += [f"| {key} = {value}" for key, value in params if value != ""]
    return "\n".join(lines) + "\n}}"
