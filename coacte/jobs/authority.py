"""Only moderators decide: a decision on a global page counts only when an account with
the moderators' right (:data:`~coacte.contract.MODERATE`) wrote it.

The wiki lets anyone who may edit a page write a ``{{CO-ACTE curation}}`` call on it, so
the bot looks at who did, from the page's history: the accounts that edited it (the
bot's own revisions aside: it writes its region, never a decision), and which of them
hold the right through their groups. When all do, nothing more is read (two requests).
Otherwise the texts of the other accounts' revisions and of their parents are read, and
the decisions those revisions added are the page's ``refused``: listed where decisions
not applied are listed, never applied (:func:`~coacte.curation.read_curations`). A
moderator who agrees writes the decision again (another reason is enough: another id).
"""

from __future__ import annotations

from dataclasses import replace

from coacte import contract
from coacte.curation import decision_id, read_curations
from coacte.model import PageRevision
from coacte.wiki.client import Wiki


def vetted(wiki: Wiki, page: PageRevision | None) -> PageRevision | None:
    """``page`` with the decisions written without the moderators' right named in its
    ``refused`` (the page itself when it holds no decision)."""
    if page is None or not _ids(page.title, page.text):
        return page
    history = [(revid, parent, user) for revid, parent, user in wiki.authors(page.title)
               if user != wiki.username]
    allowed = wiki.holders(contract.MODERATE, {user for _, _, user in history})
    others = [(revid, parent, user) for revid, parent, user in history if user not in allowed]
    if not others:
        return page
    texts = wiki.texts_of([r for r, _, _ in others] + [p for _, p, _ in others])
    refused: dict[str, str] = {}
    for revid, parent, user in reversed(others):  # oldest first: who added it first
        added = _ids(page.title, texts.get(revid, "")) - _ids(page.title, texts.get(parent, ""))
        for found in added:
            refused.setdefault(found, user)
    now = _ids(page.title, page.text)
    return replace(page, refused=tuple(sorted((k, u) for k, u in refused.items() if k in now)))


def vetted_pages(wiki: Wiki, pages: dict) -> dict:
    """:func:`vetted` for each page of a mapping (rounds or titles to pages)."""
    return {key: vetted(wiki, page) for key, page in pages.items()}


def _ids(title: str, text: str) -> set[str]:
    """The ids of the decisions a page's text holds."""
    if not text:
        return set()
    return {decision_id(c) for c in read_curations(PageRevision(title, 0, "", text))[0]}
