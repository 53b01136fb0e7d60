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
from tests.integration.helpers import human, run


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
    # The four territories' gardens are one idea (fr, pt, en), which the garden
    # association's commitments name.
    assert "Community gardens bring neighbours together." in programme
    assert "Aucune idée de" not in programme  # no commitment names an unknown key
    # The round-2 dossier: round 1's ideas with round 2's reactions, quotes where divided.
    text = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "two.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "tour 2" in flat and "L'essentiel" in flat and "Ce qui divise (tour 2)" in flat
    assert "Ce que les territoires demandent à chaque niveau" in flat
    assert "«" in flat  # a group's comment quoted


# -- secrets, grants and the supervisor (added with the server's supervision) ---------------


def test_the_secret_files_are_private(local_wiki: Config) -> None:
    """LocalSettings.php (secret key, upgrade key, webhook secret) and coacte.toml (the
    passwords) are 0600; the wiki's folder (SQLite: password hashes, sessions) is 0700."""
    import stat

    wdir = localwiki.wiki_dir(config.home())
    for path, mode in ((wdir / "LocalSettings.php", 0o600), (config.config_path(), 0o600),
                       (wdir, 0o700)):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path
    # The PHP server (same user) still reads its settings: the wiki answers with them.
    assert _api(local_wiki, action="query", meta="siteinfo")["query"]["general"]["sitename"]


def test_every_account_logs_in_with_the_password_up_set(
    local_wiki: Config, bot: mwclient.Site
) -> None:
    """The passwords went to MediaWiki on standard input, not on a command line: each
    account still logs in with the one in coacte.toml and is in its groups."""
    local = local_wiki.extra["local"]
    expected = {"admin": {"sysop", "bureaucrat"}, "moderator": {"sysop", "coacte-moderator"},
                "editor": set()}
    for who, groups in expected.items():
        site = mwclient.Site(local_wiki.wiki_url.split("://", 1)[1], path="/", scheme="http",
                             clients_useragent="coacte-tests")
        site.clientlogin(username=local[f"{who}_user"], password=local[f"{who}_password"])
        info = site.api("query", meta="userinfo", uiprop="groups")["query"]["userinfo"]
        assert info["name"] == local[f"{who}_user"]
        assert groups <= set(info["groups"]) and "bot" not in info["groups"]
    rights = set(bot.api("query", meta="userinfo", uiprop="rights")["query"]["userinfo"]["rights"])
    assert "bot" in rights and "patrol" not in rights and "editprotected" not in rights


def _bot_grants(wdir) -> list[str]:
    """The grants of the bot's BotPassword, as the wiki's database holds them."""
    import contextlib
    import json
    import sqlite3

    database = wdir / "data" / f"{localwiki.DB_NAME}.sqlite"
    with contextlib.closing(sqlite3.connect(database.as_uri() + "?mode=ro", uri=True,
                                            timeout=10)) as db:
        (grants,) = db.execute(
            "SELECT bp_grants FROM bot_passwords JOIN user ON bp_user = user_id "
            "WHERE bp_app_id = ? AND user_name = ?", (localwiki.BOT_APP_ID, localwiki.BOT_USER)
        ).fetchone()
    return json.loads(grants)


#: The grants the README documents for the bot (a unit test holds README and code together).
DOCUMENTED_GRANTS = ["basic", "createeditmovepage", "editpage", "highvolume", "uploadeditmovefile",
                     "uploadfile"]


def test_the_botpassword_has_exactly_the_documented_grants(local_wiki: Config) -> None:
    """No patrol, no editprotected: the bot needs neither."""
    wdir = localwiki.wiki_dir(config.home())
    assert sorted(_bot_grants(wdir)) == DOCUMENTED_GRANTS


def _spare_wiki(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """A second local wiki in ``tmp_path`` on free ports, for tests that break or reset
    their wiki (the session's stays untouched); the caller stops it with ``down``."""
    import socket

    for name in ("COACTE_CONFIG", "COACTE_WIKI_URL", "COACTE_BOT_USER", "COACTE_BOT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    ports = []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    home = tmp_path / "spare"
    try:
        return home, localwiki.up(home, port=ports[0], lang="en", service_port=ports[1])
    except BaseException:
        localwiki.down(home)
        raise


def _php_processes(master: int) -> list[int]:
    """A php -S master and its workers (its live children)."""
    from pathlib import Path

    children = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        stat = localwiki._proc_stat(int(stat_file.parent.name))
        if stat and stat[1] == master and stat[0] not in ("Z", "X"):
            children.append(int(stat_file.parent.name))
    return [master, *children]


def _wait_for_new_server(home, old_master: int, within: float = 30.0) -> dict:
    """Poll until the wiki answers again from another php -S master; its status."""
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        info = localwiki.status(home)
        if info["answering"] and info["php_pid"] not in (None, old_master):
            return info
        time.sleep(0.5)
    log = (localwiki.wiki_dir(home) / "server.log").read_text(errors="replace")
    raise AssertionError(f"the wiki did not come back within {within} s:\n{log[-3000:]}")


def test_a_killed_server_is_restarted_by_its_supervisor(tmp_path, monkeypatch) -> None:
    """A segfault or a kill of php -S (here SIGKILL: first the master alone, whose workers
    would go on holding the port, then every process) no longer leaves the wiki dead."""
    import os
    import signal
    import time

    home, cfg = _spare_wiki(tmp_path, monkeypatch)
    try:
        info = localwiki.status(home)
        supervisor, master = info["pid"], info["php_pid"]
        workers = _php_processes(master)[1:]
        assert workers, "php -S runs with workers"
        os.kill(master, signal.SIGKILL)
        info = _wait_for_new_server(home, master)
        assert info["pid"] == supervisor  # the same supervisor; down still stops it all
        assert not any(localwiki._alive(pid) for pid in workers)  # the old workers ended
        master = info["php_pid"]
        for pid in _php_processes(master):
            os.kill(pid, signal.SIGKILL)
        info = _wait_for_new_server(home, master)
        bot = mwclient.Site(cfg.wiki_url.split("://", 1)[1], path="/", scheme="http",
                            clients_useragent="coacte-tests")
        bot.login(cfg.bot_user, cfg.bot_password)
        assert "restarting php -S" in (localwiki.wiki_dir(home) / "server.log").read_text()
        # The supervisor itself killed outright: its php -S goes on, unsupervised, holding
        # the port; the next `up` ends it and starts the wiki under a new supervisor.
        strays = _php_processes(info["php_pid"])
        os.kill(supervisor, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while localwiki._alive(supervisor) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert localwiki.status(home)["running"] is False
        localwiki.up(home, port=cfg.extra["local"]["port"])
        info = localwiki.status(home)
        assert info["answering"] and info["pid"] != supervisor
        assert not any(localwiki._alive(pid) for pid in strays)
        supervisor, master = info["pid"], info["php_pid"]
    finally:
        stopped = localwiki.down(home)
    assert stopped is True
    assert localwiki.status(home)["running"] is False
    assert not any(localwiki._alive(pid) for pid in [supervisor, *_php_processes(master)])


def test_a_hung_server_is_restarted_by_its_supervisor(tmp_path, monkeypatch) -> None:
    """A server that lives but answers nothing (here every php process stopped) is
    restarted after a few unanswered probes (shortened here: one a second, 2 s each)."""
    import os
    import signal
    import time

    monkeypatch.setattr(localwiki, "WATCH_EVERY", 1.0)
    monkeypatch.setattr(localwiki, "WATCH_TIMEOUT", 2.0)
    monkeypatch.setattr(localwiki, "WATCH_FAILURES", 2)
    home, _cfg = _spare_wiki(tmp_path, monkeypatch)
    try:
        # Misses count once the supervisor has seen an answer (or after its start's grace):
        # leave its next probe the time to get one.
        time.sleep(2 * localwiki.WATCH_EVERY + localwiki.WATCH_TIMEOUT)
        master = localwiki.status(home)["php_pid"]
        stopped = _php_processes(master)
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        _wait_for_new_server(home, master)
        assert not any(localwiki._alive(pid) for pid in stopped)
        assert "no answer to 2 probes in a row" in (
            localwiki.wiki_dir(home) / "server.log").read_text()
    finally:
        localwiki.down(home)


def test_up_repairs_lost_passwords_and_old_grants(tmp_path, monkeypatch) -> None:
    """Passwords deleted from coacte.toml and a BotPassword with the grants of older
    wikis (patrol, editprotected): the next ``up`` resets the passwords (by standard
    input) and rewrites the BotPassword with exactly the documented grants."""
    import contextlib
    import json
    import sqlite3

    home, cfg = _spare_wiki(tmp_path, monkeypatch)
    try:
        wdir = localwiki.wiki_dir(home)
        database = wdir / "data" / f"{localwiki.DB_NAME}.sqlite"
        with contextlib.closing(sqlite3.connect(database, timeout=10)) as db:
            db.execute("UPDATE bot_passwords SET bp_grants = ?",
                       (json.dumps([*localwiki.BOT_GRANTS, "patrol", "editprotected"]),))
            db.commit()
        settings = localwiki.config_file(home)
        lost = config.load(settings)
        lost.bot_password = ""
        lost.extra["local"]["admin_password"] = ""
        config.save(lost, settings)

        again = localwiki.up(home, port=cfg.extra["local"]["port"])
        assert sorted(_bot_grants(wdir)) == DOCUMENTED_GRANTS
        assert again.bot_password and again.bot_password != cfg.bot_password
        assert again.extra["local"]["admin_password"] != cfg.extra["local"]["admin_password"]
        assert again.extra["local"]["editor_password"] == cfg.extra["local"]["editor_password"]
        site = mwclient.Site(again.wiki_url.split("://", 1)[1], path="/", scheme="http",
                             clients_useragent="coacte-tests")
        site.clientlogin(username="Admin", password=again.extra["local"]["admin_password"])
        bot = mwclient.Site(again.wiki_url.split("://", 1)[1], path="/", scheme="http",
                            clients_useragent="coacte-tests")
        bot.login(again.bot_user, again.bot_password)
        assert "bot" in bot.rights
    finally:
        localwiki.down(home)


def test_a_refused_login_is_status_7_in_one_line(local_wiki, monkeypatch):
    """Issue 22: a wrong bot password stops the command with its own status, naming the
    account, never the password."""
    monkeypatch.setenv("COACTE_BOT_PASSWORD", "wrong-password-for-the-test")
    result = run("check", "--dry-run")
    assert result.exit_code == 7, result.output
    assert "refused the login of" in result.output
    assert "wrong-password-for-the-test" not in result.output
