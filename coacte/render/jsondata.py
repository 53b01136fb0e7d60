"""The ``--json`` forms of the bots' results: plain data other tools can rely on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from coacte.model import GlobalSynthesis, Idea, Synthesis

if TYPE_CHECKING:
    from coacte.synthesis.suggestions import Split, Suggestion


def idea(i: Idea) -> dict:
    return {
        "key": i.key,
        "question": i.question,
        "kind": i.kind or None,
        "code": i.code or None,
        "statement": i.statement,
        "sources": [
            {"page": p.page, "revid": p.revid, "index": p.index, "text": p.text}
            for p in i.sources
        ],
    }


def syntheses(items: list[tuple[str, Synthesis]]) -> dict:
    """``{"syntheses": [{"territory", "round", "page", "ideas": [...]}]}``."""
    return {"syntheses": [
        {"territory": s.territory, "round": s.round, "page": page,
         "ideas": [idea(i) for i in s.ideas]}
        for page, s in items
    ]}


def global_synthesis(g: GlobalSynthesis, suggested: Sequence[Suggestion] = (),
                     split: Sequence[Split] = ()) -> dict:
    """``{"round", "ideas": [{"key", "question", "kind", "code", "statement",
    "territories", "sources": [{"territory", "page", "revid", "index", "text"}]}],
    "suggestions": [...], "splits": [...]}`` (see :func:`suggestions`, :func:`splits`)."""
    return {"round": g.round, "ideas": [
        {"key": i.key, "question": i.question, "kind": i.kind or None, "code": i.code or None,
         "statement": i.statement, "territories": i.territories,
         "sources": [{"territory": t, "page": p.page, "revid": p.revid, "index": p.index,
                      "text": p.text} for t, p in i.sources]}
        for i in g.ideas
    ], "suggestions": suggestions(suggested), "splits": splits(split)}


def suggestions(items: Sequence[Suggestion]) -> list[dict]:
    """``[{"ideas": [key_a, key_b], "score", "why"}]``, best first: pairs of global
    ideas that may be one idea (:mod:`coacte.synthesis.suggestions`)."""
    return [{"ideas": list(s.ideas), "score": s.score, "why": s.why} for s in items]


def splits(items: Sequence[Split]) -> list[dict]:
    """``[{"idea", "members": ["territory/key", ...], "score"}]``, lowest fit first:
    members that may not belong to their global idea."""
    return [{"idea": s.idea, "members": list(s.members), "score": s.score} for s in items]
