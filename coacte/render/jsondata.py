"""The ``--json`` forms of the bots' results: plain data other tools can rely on."""

from __future__ import annotations

from coacte.model import GlobalSynthesis, Idea, Synthesis


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


def global_synthesis(g: GlobalSynthesis) -> dict:
    """``{"round", "ideas": [{"key", "question", "kind", "code", "statement",
    "territories", "sources": [{"territory", "page", "revid", "index", "text"}]}]}``."""
    return {"round": g.round, "ideas": [
        {"key": i.key, "question": i.question, "kind": i.kind or None, "code": i.code or None,
         "statement": i.statement, "territories": i.territories,
         "sources": [{"territory": t, "page": p.page, "revid": p.revid, "index": p.index,
                      "text": p.text} for t, p in i.sources]}
        for i in g.ideas
    ]}
