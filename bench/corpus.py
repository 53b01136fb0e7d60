"""A synthetic network for the benchmarks: N territories × M post-its, as wikitext.

Post-its are drawn from the labelled ideas of ``eval/ideas.jsonl`` (French, English,
Portuguese; the three questions; blockers and levers; grid codes), so the encoder sees
real sentences. To look like a large network rather than the same 226 sentences
everywhere, most post-its get a qualifier of their territory's language ("dans le
quartier", "every weekend"...) and a place word, which makes most texts unique
(the worst case for the global synthesis: every text is encoded); about one in five
keeps its idea's exact words (those merge across territories), and one in seven repeats
an earlier post-it of its page with other case and punctuation (those merge within the
territory).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from coacte.model import PageRevision
from coacte.wikitext.values import encode

IDEAS = Path(__file__).resolve().parent.parent / "eval" / "ideas.jsonl"

QUALIFIERS = {
    "fr": ["dans le quartier", "le soir", "pour tous", "le week-end", "à la mairie",
           "depuis deux ans", "avec les écoles", "en hiver", "au centre-ville",
           "dans les villages", "pendant les vacances", "près de la gare"],
    "en": ["in the neighbourhood", "in the evening", "for everyone", "at weekends",
           "at the town hall", "for two years now", "with the schools", "in winter",
           "in the town centre", "in the villages", "during the holidays", "near the station"],
    "pt": ["no bairro", "à noite", "para todos", "ao fim de semana", "na câmara",
           "há dois anos", "com as escolas", "no inverno", "no centro", "nas aldeias",
           "nas férias", "perto da estação"],
}
PLACES = ["Nord", "Sud", "Est", "Ouest", "Centre", "Haut", "Bas", "Gare", "Port", "Lac",
          "Vallée", "Plaine", "Colline", "Rivière", "Forêt", "Marché", "Moulin", "Pont"]
COUNTRIES = ["FR", "BE", "PT", "GB", "IT", "ES", "DE", "LU"]


def ideas() -> list[dict]:
    with IDEAS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def territory(n: int) -> str:
    return f"Bench {n:04d}"


def debate_title(n: int, round_: int = 1) -> str:
    return f"Débat:{territory(n)}/Tour {round_}"


def debate(n: int, postits: int, rng: random.Random, pool: list[dict],
           round_: int = 1) -> str:
    """The wikitext of territory ``n``'s debate page with ``postits`` post-its."""
    lines = [f"{{{{CO-ACTE débat|territoire={territory(n)}|tour={round_}"
             f"|pays={COUNTRIES[n % len(COUNTRIES)]}}}}}"]
    written: list[tuple[dict, str]] = []
    for i in range(postits):
        if written and i % 7 == 6:
            item, text = rng.choice(written)
            text = text.upper() + " !" if i % 2 else text.lower() + "."
        else:
            item = rng.choice(pool)
            text = item["text"]
            if rng.random() >= 0.2:
                qualifier = rng.choice(QUALIFIERS[item["lang"]])
                text = f"{text} {qualifier} ({rng.choice(PLACES)} {rng.randint(1, 99)})"
            written.append((item, text))
        kind = f"|nature={item['kind']}" if item["kind"] else ""
        code = f"|code={item['code']}" if item.get("code") else ""
        lines.append(f"{{{{CO-ACTE post-it|question={item['question']}|texte={encode(text)}"
                     f"{kind}{code}|groupe=G{i % 4}}}}}")
    return "\n".join(lines)


def pages(count: int, postits: int, *, seed: int = 1, round_: int = 1,
          start: int = 0) -> Iterator[PageRevision]:
    """``count`` debate pages as if read from the wiki (revision ids from 1)."""
    rng = random.Random(seed)
    pool = ideas()
    for n in range(start, start + count):
        yield PageRevision(debate_title(n, round_), n + 1, "2026-01-01T00:00:00Z",
                           debate(n, postits, rng, pool, round_))
