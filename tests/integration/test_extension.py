"""The CoActe extension on the real wiki, and the syntheses that refresh themselves."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from coacte.package_data import EXTENSION
from coacte.web import create_app, webhook
from tests.integration.helpers import (
    bot,
    debate_text,
    human,
    human_edit,
    put,
    revid_of,
    run,
    text_of,
    unique,
)


def test_namespaces_tag_right_and_group_are_visible_through_the_api(local_wiki):
    wiki = bot(local_wiki)
    info = wiki.call("query", meta="siteinfo", siprop="namespaces|usergroups",
                     formatversion=2)["query"]
    names = {ns["id"]: ns["name"] for ns in info["namespaces"].values()}
    assert (names[3000], names[3001], names[3002], names[3003]) == (
        "Débat", "Discussion débat", "Synthèse", "Discussion synthèse")
    groups = {g["name"]: g["rights"] for g in info["usergroups"]}
    assert "coacte-moderate" in groups["coacte-moderator"]
    tags = wiki.call("query", list="tags", tgprop="defined|active|source",
                     formatversion=2)["query"]["tags"]
    tag = next(t for t in tags if t["name"] == "coacte-bot")
    assert tag["defined"] and tag["active"] and "extension" in tag["source"]
    moderator = local_wiki.extra["local"]["moderator_user"]
    users = wiki.call("query", list="users", ususers=moderator, usprop="groups",
                      formatversion=2)["query"]["users"]
    assert "coacte-moderator" in users[0]["groups"]


def test_bot_edits_carry_the_tag(local_wiki):
    name = unique("Tag")
    assert run("install").exit_code == 0
    wiki = bot(local_wiki)
    put(wiki, f"Débat:{name}/Tour 1", debate_text(name, [{"question": 1, "texte": "x"}]))
    assert run("synthesize", "--territory", name).exit_code == 0
    rev = wiki.call("query", prop="revisions", titles=f"Synthèse:{name}/Tour 1",
                    rvprop="tags|user", formatversion=2)["query"]["pages"][0]["revisions"][0]
    assert rev["tags"] == ["coacte-bot"]


def test_sidebar_links_to_the_forms(local_wiki):
    html = requests.get(f"{local_wiki.wiki_url}/index.php?title=CO-ACTE/Grille",
                        timeout=10).text
    service = local_wiki.extra["web"]["url"]
    assert f'href="{service}/debates/new"' in html and "n-coacte-new-debate" in html


def test_a_way_in_the_portal_from_the_sidebar_and_no_red_category(local_wiki):
    """`coacte install` writes the portal and the categories the contract's pages use;
    the extension links the portal from every page's sidebar."""
    assert run("install").exit_code == 0
    html = requests.get(f"{local_wiki.wiki_url}/index.php?title=CO-ACTE/Grille",
                        timeout=10).text
    assert 'id="n-coacte-portal"' in html
    portal = requests.get(f"{local_wiki.wiki_url}/index.php?title=CO-ACTE", timeout=10).text
    assert "Participer" in portal and "Synthèses CO-ACTE" in portal
    wiki = bot(local_wiki)
    for name in ("Débats CO-ACTE", "Synthèses CO-ACTE", "Engagements CO-ACTE",
                 "Modèles CO-ACTE", "Graphiques CO-ACTE", "CO-ACTE"):
        assert wiki.read([f"Category:{name}"])[f"Category:{name}"] is not None, name
    # Its category links are blue (class="new" marks a missing page).
    catlinks = portal.split('id="catlinks"', 1)[1].split("</div>", 1)[0]
    assert "CO-ACTE" in catlinks and 'class="new"' not in catlinks
    again = run("install")
    assert again.exit_code == 0 and "0 edits" in again.output


class _Receiver(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.calls.append((dict(self.headers), body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def receiver(local_wiki):
    """A stand-in for the service on the port the wiki notifies."""
    port = urlsplit(local_wiki.extra["web"]["webhook_url"]).port
    _Receiver.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", port), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Receiver.calls
    server.shutdown()
    server.server_close()


def test_a_saved_debate_page_produces_a_correctly_signed_call(local_wiki, receiver, tmp_path):
    name = unique("Signé")
    wiki = bot(local_wiki)
    put(wiki, f"Débat:{name}/Tour 1", debate_text(name, [{"question": 1, "texte": "x"}]))
    put(wiki, f"Brouillon {name}", "pas un débat")
    deadline = time.time() + 10
    while not receiver and time.time() < deadline:
        time.sleep(0.1)
    assert len(receiver) == 1
    headers, body = receiver[0]
    event = json.loads(body)
    assert event["title"] == f"Débat:{name}/Tour 1"
    assert event["revid"] == revid_of(wiki, f"Débat:{name}/Tour 1")
    secret = local_wiki.extra["web"]["webhook_secret"]
    verdict = webhook.verify(secret, lambda h: headers.get(h), body,
                             webhook.Nonces(tmp_path / "nonces.sqlite"))
    assert verdict.ok, verdict.reason


def test_webhook_refuses_forged_and_replayed_calls_and_refreshes_on_a_good_one(local_wiki):
    assert run("install").exit_code == 0
    name = unique("Crochet")
    wiki = bot(local_wiki)
    title = f"Débat:{name}/Tour 1"
    put(wiki, title, debate_text(name, [{"question": 1, "texte": "Première idée"}]))
    synthesis = f"Synthèse:{name}/Tour 1"
    client = create_app(local_wiki, TESTING=True, COACTE_REFRESH_SYNC=True).test_client()
    body = json.dumps({"title": title}).encode()
    secret = local_wiki.extra["web"]["webhook_secret"]
    assert client.post("/hooks/edit", data=body).status_code == 401
    forged = webhook.headers("not the secret", body)
    assert client.post("/hooks/edit", data=body, headers=forged).status_code == 401
    stale = webhook.headers(secret, body, timestamp=int(time.time()) - 3600)
    assert client.post("/hooks/edit", data=body, headers=stale).status_code == 401
    assert revid_of(wiki, synthesis) is None  # nothing changed
    good = webhook.headers(secret, body)
    assert client.post("/hooks/edit", data=body, headers=good).status_code == 202
    assert "Première idée" in text_of(wiki, synthesis)
    assert text_of(wiki, "Synthèse:Globale/Tour 1") is not None
    before = revid_of(wiki, synthesis)
    assert client.post("/hooks/edit", data=body, headers=good).status_code == 409
    assert revid_of(wiki, synthesis) == before


def test_watch_catches_up_after_a_restart(local_wiki):
    assert run("install").exit_code == 0
    assert run("watch", "--once").exit_code == 0  # first start: begins from now
    name = unique("Veille")
    wiki = bot(local_wiki)
    moderator_edit = f"Débat:{name}/Tour 1"
    # Edits by someone else than the bot, made while the watcher is stopped.
    site = human(local_wiki)
    site.pages[moderator_edit].edit(debate_text(name, [{"question": 2, "texte": "Vue"}]),
                                    summary="facilitator")
    assert revid_of(wiki, f"Synthèse:{name}/Tour 1") is None
    result = run("watch", "--once")
    assert result.exit_code == 0 and "changed pages" in result.output
    assert "Vue" in text_of(wiki, f"Synthèse:{name}/Tour 1")
    human_edit(site, moderator_edit, lambda t: t.replace("Vue", "Vue corrigée"))
    again = run("watch", "--once")
    assert "Vue corrigée" in text_of(wiki, f"Synthèse:{name}/Tour 1")
    assert "1 changed pages" in again.output
    assert "changed pages" not in run("watch", "--once").output  # nothing new: nothing done


def test_extension_php_is_lint_clean_and_manifest_valid():
    import subprocess

    root = EXTENSION
    for php in [*root.glob("*.php"), *root.glob("src/*.php")]:
        result = subprocess.run(["php", "-l", str(php)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((root / "extension.json").read_text(encoding="utf-8"))
    assert manifest["manifest_version"] == 2
    for lang in ("en", "fr", "qqq"):
        messages = json.loads((root / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
        assert {"coacte-desc", "tag-coacte-bot", "group-coacte-moderator"} <= set(messages)
