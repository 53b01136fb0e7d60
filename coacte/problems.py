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
    #: reactions on a round-2+ debate page, rows of a transcription (``row``: ``page``
    #: is then the file, and ``column`` its column letter when known).
    item: str = "postit"
    column: str | None = None

    @property
    def row(self) -> int | None:
        """The transcription's row (``None``: the debate itself, or not a row)."""
        return self.index if self.item == "row" else None

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
        if self.item == "row":
            return self._row_location(lang)
        where = self.page
        if self.index is not None:
            where += " — " + message(f"coacte-where-{self.item}", self.index, lang=lang)
        if self.field:
            where += " — " + message("coacte-where-field", self.field, lang=lang)
        return where

    def _row_location(self, lang: str | None) -> str:
        """Where in a transcription: its row and column, else the debate itself."""
        parts = []
        if self.index is not None:
            parts.append(message("coacte-forms-where-row", self.index, lang=lang))
        if self.column:
            parts.append(message("coacte-forms-where-column", self.column, lang=lang))
        if self.field:
            parts.append(message("coacte-where-field", self.field, lang=lang))
        return " — ".join(parts) or message("coacte-forms-where-debate", lang=lang)

    def sort_key(self) -> tuple:
        return (self.page, self.index or 0, self.field or "", self.key)


def row_problem(row: int | None, column: str | None, field: str | None, key: str,
                params: tuple = (), blocking: bool = True, file: str = "") -> Problem:
    """A problem of a transcription (a pasted or imported table): ``row`` is ``None``
    for the debate itself (territory, round), ``column`` the file's column letter when
    known."""
    return Problem(file, row, field, key, tuple(params), blocking, item="row", column=column)
