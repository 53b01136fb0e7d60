"""The ``--json`` forms of the bots' results: plain data other tools can rely on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from coacte.model import GlobalIdea, GlobalSynthesis, Idea, Synthesis

if TYPE_CHECKING:
    from coacte.synthesis.suggestions import Check, Suggestion


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
                     split: Sequence[Check] = ()) -> dict:
    """``{"round", "ideas": [{"key", "question", "kind", "code", "statement",
    "territories", "confirmed", "merged_by", "doubt", "sources": [{"territory", "member",
    "page", "revid", "index", "text"}]}], "suggestions": [...], "splits": [...]}`` (see
    :func:`suggestions`, :func:`splits`). ``confirmed`` is false for a merge the tool
    was unsure of and no moderator confirmed; ``doubt`` then says why (``score``, the
    ``closest`` members, the sure ``parts``). ``member`` names the territory idea a
    source came through (``territory/key``)."""
    return {"round": g.round, "ideas": [
        {"key": i.key, "question": i.question, "kind": i.kind or None, "code": i.code or None,
         "statement": i.statement, "territories": i.territories,
         "confirmed": i.confirmed, "merged_by": i.merged_by, "doubt": doubt(i),
         "sources": [{"territory": m.territory, "member": m.ref, "page": p.page,
                      "revid": p.revid, "index": p.index, "text": p.text}
                     for m in i.members for p in m.idea.sources]}
        for i in g.ideas
    ], "suggestions": suggestions(suggested), "splits": splits(split)}


def doubt(i: GlobalIdea) -> dict | None:
    """``{"score", "closest": [ref, ref], "parts": [[ref, ...], ...]}`` or None."""
    if i.doubt is None:
        return None
    return {"score": i.doubt.score, "closest": list(i.doubt.closest),
            "parts": [list(p) for p in i.doubt.parts]}


def suggestions(items: Sequence[Suggestion]) -> list[dict]:
    """``[{"ideas": [key_a, key_b], "score", "why"}]``, best first: pairs of global
    ideas that may be one idea (:mod:`coacte.synthesis.suggestions`)."""
    return [{"ideas": list(s.ideas), "score": s.score, "why": s.why} for s in items]


def splits(items: Sequence[Check]) -> list[dict]:
    """``[{"idea", "members": ["territory/key", ...], "score", "why"}]``, best question
    first: members that may not belong to their global idea (a part of a merge to
    confirm, or a member the old walls flag); ``score`` is their best cosine with the
    rest of the idea."""
    return [{"idea": c.idea, "members": list(c.members), "score": c.score, "why": c.why}
            for c in items]
