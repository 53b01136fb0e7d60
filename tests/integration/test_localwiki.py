"""The local wiki that ``coacte wiki up`` builds: reachable, namespaced, with a working bot."""

from __future__ import annotations

import subprocess
import uuid

import mwclient
import pytest
import requests

from coacte import config
from coacte.config import Config
from coacte.wiki import local as localwiki
from tests.integration.helpers import human


def _api(cfg: Config, **params: str) -> dict:
    params = {"format": "json", "formatversion": "2", **params}
    response = requests.get(cfg.api_url, params=params, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="module")
def bot(local_wiki: Config) -> mwclient.Site:
    host = local_wiki.wiki_url.split("://", 1)[1]
    site = mwclient.Site(host, path="/", scheme="http", clients_useragent="coacte-tests")
    site.login(local_wiki.bot_user, local_wiki.bot_password)
    return site


def test_api_answers(local_wiki: Config) -> None:
    general = _api(local_wiki, action="query", meta="siteinfo")["query"]["general"]
    assert general["sitename"] == "CO-ACTE"
    assert general["lang"] == "fr"
    assert general["generator"].startswith("MediaWiki 1.")
    assert local_wiki.wiki_url.startswith("http://127.0.0.1:")


def test_debate_and_synthesis_namespaces(local_wiki: Config) -> None:
    namespaces = _api(local_wiki, action="query", meta="siteinfo", siprop="namespaces")["query"][
        "namespaces"
    ]
    expected = {
        3000: ("Débat", "Debate", True),
        3001: ("Discussion débat", "Debate talk", False),
        3002: ("Synthèse", "Synthesis", True),
        3003: ("Discussion synthèse", "Synthesis talk", False),
    }
    for ns_id, (name, canonical, content) in expected.items():
        ns = namespaces[str(ns_id)]
        assert (ns["name"], ns["canonical"]) == (name, canonical)
        assert ns["subpages"] is True
        assert ns.get("content", False) is content


def test_english_names_resolve_on_french_wiki(local_wiki: Config) -> None:
    titles = "Debate:Mulhouse/Tour 1|Synthesis:Globale/Tour 1|Débat:Lyon"
    pages = _api(local_wiki, action="query", titles=titles)["query"]["pages"]
    assert {(p["ns"], p["title"]) for p in pages} == {
        (3000, "Débat:Mulhouse/Tour 1"),
        (3002, "Synthèse:Globale/Tour 1"),
        (3000, "Débat:Lyon"),
    }


def test_bot_logs_in_with_botpassword_and_has_bot_rights(
    local_wiki: Config, bot: mwclient.Site
) -> None:
    assert local_wiki.bot_user == "CoacteBot@coacte"
    assert {"bot", "apihighlimits", "noratelimit"} <= set(bot.rights)


def test_second_up_is_a_noop(local_wiki: Config) -> None:
    home = config.home()
    before = localwiki.status(home)
    settings = localwiki.wiki_dir(home) / "LocalSettings.php"
    mtime = settings.stat().st_mtime_ns
    again = localwiki.up(home, port=local_wiki.extra["local"]["port"])
    after = localwiki.status(home)
    assert after["pid"] == before["pid"]
    assert again.bot_password == local_wiki.bot_password
    assert again.extra["local"] == local_wiki.extra["local"]
    assert settings.stat().st_mtime_ns == mtime


def test_status_reports_running(local_wiki: Config) -> None:
    info = localwiki.status(config.home())
    assert info["running"] is True
    assert info["url"] == local_wiki.wiki_url
    assert info["port"] == local_wiki.extra["local"]["port"]
    assert info["dir"] == local_wiki.extra["local"]["dir"]
    assert isinstance(info["pid"], int)


def test_bot_page_in_debate_namespace_lands_in_3000(bot: mwclient.Site) -> None:
    title = f"Débat:Test intégration {uuid.uuid4().hex[:8]}/Tour 1"
    result = bot.api(
        "edit",
        http_method="POST",
        title=title,
        text="Un post-it de test.",
        summary="test",
        bot=1,
        createonly=1,
        token=bot.get_token("csrf"),
        **{"assert": "bot"},
    )
    assert result["edit"]["result"] == "Success"
    assert result["edit"]["title"] == title
    page = bot.api("query", titles=title, prop="info")["query"]["pages"]
    (info,) = page.values()
    assert info["ns"] == 3000


def test_transclusion_is_visible_as_soon_as_the_edit_returns(bot: mwclient.Site) -> None:
    """Link tables are current when the edit call returns (PHP's built-in server waits for
    MediaWiki's post-send updates before it answers); the bots rely on ``embeddedin``."""
    key = uuid.uuid4().hex[:8]
    template = f"Modèle:Test en-tête {key}"
    token = bot.get_token("csrf")
    bot.api("edit", http_method="POST", title=template, text="en-tête", bot=1, token=token)
    for i in range(3):
        title = f"Débat:Test inclusion {key}/Tour {i + 1}"
        bot.api(
            "edit", http_method="POST", title=title, text="{{" + template + "}}", bot=1, token=token
        )
        found = bot.api("query", list="embeddedin", eititle=template, eilimit="max")
        assert title in {p["title"] for p in found["query"]["embeddedin"]}


def test_the_demo_runs_twice_and_the_second_run_edits_nothing(local_wiki, tmp_path):
    """`coacte demo` on a wiki that already has it: no new page, no edit; and it leaves
    the desk something to show (an input problem, an unpatrolled facilitator's edit)."""
    from coacte.jobs.demo import run_demo
    from coacte.jobs.report import DONE, Report
    from coacte.wiki.client import connect

    def opened():
        return connect(local_wiki)

    first = run_demo(opened, report=Report(), dossier=tmp_path / "one.pdf")
    assert first.status == DONE
    wiki = opened()

    def last_change() -> int:
        changes = wiki.call("query", list="recentchanges", rclimit=1, rcprop="ids",
                            formatversion=2)["query"]["recentchanges"]
        return changes[0]["rcid"] if changes else 0

    before = last_change()
    second = run_demo(opened, report=Report(), dossier=tmp_path / "two.pdf")
    assert second.status == DONE
    assert last_change() == before  # not one page created or edited
    report = wiki.read([local_wiki.report_page])[local_wiki.report_page].text
    assert "Odemira" in report  # the demo's malformed post-it, for the error report
    moderator = human(local_wiki)  # the patrol right: a moderator's session
    waiting = moderator.api("query", list="recentchanges", rcshow="!patrolled",
                            rctitle="Débat:Bristol/Tour 1", rcprop="user|title",
                            formatversion=2)["query"]["recentchanges"]
    assert any(c["user"] == local_wiki.extra["local"]["editor_user"] for c in waiting)
    # A proposal waits for the desk (approval mode), the same one after the second run.
    from coacte.jobs.desk import pending

    assert [p.target for p in pending(wiki)] == ["CO-ACTE/Programme/Tour 1"]
    # The demo commitments name their ideas: the programme shows them, reports nothing.
    programme = wiki.read(["CO-ACTE/Programme/Tour 1"])["CO-ACTE/Programme/Tour 1"].text
    assert "Le potager collectif de la maison de quartier" in programme
    assert "Aucune idée de" not in programme  # no commitment names an unknown key
    # The round-2 dossier: round 1's ideas with round 2's reactions, quotes where divided.
    text = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "two.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "tour 2" in flat and "L'essentiel" in flat and "Ce qui divise (tour 2)" in flat
    assert "Ce que les territoires demandent à chaque niveau" in flat
    assert "«" in flat  # a group's comment quoted
