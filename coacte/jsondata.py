"""The ``--json`` forms of the bots' results: plain data other tools can rely on."""

from __future__ import annotations

from coacte.model import Idea, Synthesis


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
