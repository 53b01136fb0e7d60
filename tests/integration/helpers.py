"""Small helpers for the integration tests: run a bot, write pages as a human would."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import mwclient
from click.testing import CliRunner

from coacte.cli import main
from coacte.config import Config
from coacte.wiki.client import Wiki, connect
from coacte.wikitext.values import encode


def run(*args: str):
    """Run ``coacte <args>`` in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def unique(name: str) -> str:
    """A territory name no other test uses (tests share one wiki)."""
    return f"{name} {uuid.uuid4().hex[:6]}"


def bot(config: Config) -> Wiki:
    return connect(config)


def human(config: Config) -> mwclient.Site:
    """A session of the local wiki's human moderator (not a bot)."""
    local = config.extra["local"]
    site = mwclient.Site(config.wiki_url.split("://", 1)[1], path="/", scheme="http")
    site.clientlogin(username=local["moderator_user"], password=local["moderator_password"])
    return site


def text_of(site_or_wiki, title: str) -> str | None:
    wiki = site_or_wiki
    page = wiki.read([title])[title]
    return page.text if page else None


def revid_of(wiki: Wiki, title: str) -> int | None:
    page = wiki.read([title])[title]
    return page.revid if page else None


def debate_text(territory: str, postits: list[dict], round_: int = 1) -> str:
    """A debate page as a form would write it: every value encoded as data."""
    lines = [f"{{{{CO-ACTE débat|territoire={encode(territory)}|tour={round_}|pays=FR}}}}"]
    for p in postits:
        params = "".join(f"\n| {k} = {encode(str(v))}" for k, v in p.items())
        lines.append("{{CO-ACTE post-it" + params + "\n}}")
    return "\n".join(lines)


def put(wiki: Wiki, title: str, text: str) -> None:
    """Save a page as the bot account would (used to set up debate pages)."""
    current = wiki.read([title])[title]
    saved = wiki.save(title, text, "test setup", current)
    assert saved.status == "saved", saved


def human_edit(site: mwclient.Site, title: str, change) -> None:
    page = site.pages[title]
    page.edit(change(page.text()), summary="edit by a human")


def load_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


#: One idea per row, as three territories wrote it in their languages (from
#: eval/debates.jsonl): the merge makes one idea of each row; with :data:`OWN_IDEAS`,
#: the queue has pairs of blockers to ask about.
SHARED_IDEAS = [
    ({"question": 3, "nature": "blocage", "code": "C01"},
     ["La mairie ne répond pas à nos courriers.", "You ring the council and never get an answer.",
      "A câmara nunca responde às nossas queixas."]),
    ({"question": 3, "nature": "blocage", "code": "C03"},
     ["Le CPAS, la Ville et les associations travaillent chacun dans leur coin.",
      "Services work in silos: health, housing and the council don't talk to each other.",
      "Cada serviço trabalha para o seu lado, não há articulação entre as instituições."]),
    ({"question": 3, "nature": "levier", "code": "A01"},
     ["Servir à la cantine des fruits et légumes de producteurs girondins.",
      "Local, seasonal food in school dinners.",
      "Produtos locais e biológicos nas cantinas escolares."]),
]


#: A blocker of each territory's own, unlike the others: ideas the merge leaves apart.
OWN_IDEAS = ["Le parking du marché est devenu payant.",
             "The library closes at five, before anyone finishes work.",
             "As passadeiras junto à escola estão apagadas."]


def put_shared_ideas(wiki: Wiki, round_: int) -> list[str]:
    """Three new territories (fr, en, pt) stating :data:`SHARED_IDEAS` in round
    ``round_``, and each a blocker of its own (:data:`OWN_IDEAS`); their names."""
    names = [unique("Revue FR"), unique("Revue EN"), unique("Revue PT")]
    for n, name in enumerate(names):
        postits = [{**fields, "texte": texts[n], "groupe": "Jeunes"}
                   for fields, texts in SHARED_IDEAS]
        postits.append({"question": 3, "nature": "blocage", "texte": OWN_IDEAS[n],
                        "groupe": "Jeunes"})
        put(wiki, f"Débat:{name}/Tour {round_}", debate_text(name, postits, round_=round_))
    return names
