"""Entering post-its: a debate page created, or the new post-its added after its own.

The web forms (single entry, bulk paste, file upload) and ``coacte import`` all end here,
so a debate page is written one way whichever door the post-its came through: read the
page, build the new text from the revision read, save against that revision (a page
changed meanwhile is a conflict, nothing is overwritten).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from coacte.i18n import message
from coacte.model import PageRevision
from coacte.wiki.client import Saved, Wiki
from coacte.wikitext.debate_page import append_postits, debate_page

CREATE, APPEND = "create", "append"


@dataclass(frozen=True)
class Entry:
    """What adding post-its to ``title`` would do: the text to save against ``current``
    (``None``: the page is created), and ``action`` (:data:`CREATE` or :data:`APPEND`)."""

    title: str
    current: PageRevision | None
    text: str
    action: str
    count: int
    #: What the text was made of, to add them again to a page that moved meanwhile.
    header: Mapping[str, object] = field(default_factory=dict)
    postits: Sequence[Mapping[str, object]] = ()


def prepare(wiki: Wiki, title: str, header: Mapping[str, object],
            postits: Sequence[Mapping[str, object]]) -> Entry:
    """Read ``title`` and build its new text: a new page with ``header`` and the
    post-its, or the existing page with the post-its added after its own."""
    current = wiki.read([title])[title]
    return entry(title, current, header, postits)


def entry(title: str, current: PageRevision | None, header: Mapping[str, object],
          postits: Sequence[Mapping[str, object]]) -> Entry:
    """:func:`prepare` for a caller that has already read the page."""
    if current is None:
        return Entry(title, None, debate_page(header, postits), CREATE, len(postits),
                     header, postits)
    return Entry(title, current, append_postits(current.text, postits), APPEND, len(postits),
                 header, postits)


def write(wiki: Wiki, e: Entry, source: str, lang: str | None = None) -> Saved:
    """Save an entry; ``source`` names the door in the edit summary (``paste``,
    ``import``…: the ``coacte-forms-summary-<source>[-create]`` messages), written in
    ``lang`` (the person's language in the forms; the wiki's by default)."""
    key = f"coacte-forms-summary-{source}" + ("-create" if e.action == CREATE else "")
    summary = message(key, e.count, lang=lang or wiki.language)
    # Post-its added to a page another save moved meanwhile are added to its latest
    # revision (a page created meanwhile gets them appended): nothing lost, none twice.
    return wiki.update(e.title, lambda page: entry(e.title, page, e.header, e.postits).text,
                       summary, e.current)
