"""The caches a run keeps between runs, passed explicitly to whatever uses them.

Two stores make a network-scale run cheap when little changed: parsed debate pages
(:class:`~coacte.cache.parsed_pages.ParseStore`, for
:func:`coacte.jobs.inputs.read_inputs`) and sentence vectors
(:class:`~coacte.cache.vectors.EmbeddingStore`, for
:func:`coacte.synthesis.encoder.embed` through the clustering). A door (the CLI's bots,
``coacte serve``) builds one :class:`Stores` with :meth:`Stores.at` and hands it to the
jobs; tests and the core alone use none (:data:`NONE`). No module keeps a store of its
own, so two callers with two stores never share one by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coacte.cache.parsed_pages import ParseStore

if TYPE_CHECKING:
    from coacte.cache.vectors import EmbeddingStore


@dataclass(frozen=True)
class Stores:
    """Parsed pages and sentence vectors kept across runs (``None``: not kept)."""

    parsed: ParseStore | None = None
    vectors: EmbeddingStore | None = None

    @classmethod
    def at(cls, folder: Path) -> Stores:
        """The stores of ``folder`` (the bots': ``<home>/cache``): ``parsed.sqlite`` and
        ``embeddings.sqlite``, created when missing."""
        from coacte.cache.vectors import EmbeddingStore  # numpy only when a run needs it

        return cls(ParseStore(folder / "parsed.sqlite"),
                   EmbeddingStore(folder / "embeddings.sqlite"))


#: No store: every page is parsed and every text encoded again.
NONE = Stores()
