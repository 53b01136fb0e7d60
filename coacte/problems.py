"""Input problems: what is wrong, and exactly where, in words a facilitator understands.

Every problem names the page, the post-it's ordinal on it (1-based, among the post-it
template calls in document order) or ``None`` for the page itself, the field, and a
message. A *blocking* problem means the post-it (or the whole page) is left out of the
synthesis; the others are reported and the post-it is still counted, so nothing typed
in good faith is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from coacte.i18n import message


@dataclass(frozen=True)
class Problem:
    page: str
    index: int | None
    field: str | None
    key: str
    params: tuple = ()
    blocking: bool = True
    #: What ``index`` counts: post-its on a debate page, curations on a synthesis page,
    #: reactions on a round-2+ debate page.
    item: str = "postit"

    def message(self, lang: str | None = None) -> str:
        text = message(self.key, *self.params, lang=lang)
        if self.blocking and self.item == "postit":
            text += " " + message("coacte-problem-left-out", lang=lang)
        return text

    def as_dict(self, lang: str | None = None) -> dict:
        """The ``--json`` form: ``{"page", "index", "field", "message"}``."""
        return {
            "page": self.page,
            "index": self.index,
            "field": self.field,
            "message": self.message(lang),
        }

    def location(self, lang: str | None = None) -> str:
        where = self.page
        if self.index is not None:
            where += " — " + message(f"coacte-where-{self.item}", self.index, lang=lang)
        if self.field:
            where += " — " + message("coacte-where-field", self.field, lang=lang)
        return where

    def sort_key(self) -> tuple:
        return (self.page, self.index or 0, self.field or "", self.key)
