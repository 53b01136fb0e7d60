"""The local wiki's secrets and server, without a real MediaWiki: no password on a command
line, secret files 0600, the bot's grants as the README says, the supervisor's watch."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from coacte import config as configmod
from coacte.wiki import local, supervisor

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- no password on a command line ---------------------------------------------------------


class _Recorder:
    """Stands for ``subprocess.run``/``Popen``: records every argv, env and stdin, and plays
    the installer (which writes LocalSettings.php) and the shell that starts the server."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def run(self, argv, **kwargs) -> subprocess.CompletedProcess[str]:
        self.calls.append({"argv": list(argv), "env": kwargs.get("env") or {},
                           "stdin": kwargs.get("input") or ""})
        if any(str(a).endswith("install.php") for a in argv):
            confpath = next(a.split("=", 1)[1] for a in argv if a.startswith("--confpath="))
            Path(confpath, "LocalSettings.php").write_text("<?php\n$wgSecretKey = 'k';\n")
        stdout = "4242\n" if argv[:2] == ["sh", "-c"] else ""
        return subprocess.CompletedProcess(argv, 0, stdout, "")

    def popen(self, argv, **kwargs):
        self.calls.append({"argv": list(argv), "env": kwargs.get("env") or {}, "stdin": ""})
        raise AssertionError("up() starts no process but through its detached shell")


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    """``up`` with every outside effect replaced: no apt, no PHP, no server, no login."""
    rec = _Recorder()
    monkeypatch.setattr(local.subprocess, "run", rec.run)
    monkeypatch.setattr(local.subprocess, "Popen", rec.popen)
    monkeypatch.setattr(local, "ensure_packages", lambda: None)
    monkeypatch.setattr(local, "_port_free", lambda port: True)
    monkeypatch.setattr(local, "_server_pid", lambda wdir: None)
    monkeypatch.setattr(local, "_answers", lambda url, timeout=5.0: True)
    monkeypatch.setattr(local, "_verify_bot", lambda url, password: None)
    for name in ("COACTE_CONFIG", "COACTE_WIKI_URL", "COACTE_BOT_USER", "COACTE_BOT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return rec


def _secrets_sent(rec: _Recorder) -> set[str]:
    """Every password that went to a script: the installer's line, the accounts requests."""
    found = set()
    for call in rec.calls:
        if any(str(a).endswith("install.php") for a in call["argv"]):
            found.add(call["stdin"].strip())
        elif any(str(a).endswith(local._ACCOUNTS_SCRIPT) for a in call["argv"]):
            request = json.loads(call["stdin"])
            found |= {u["password"] for u in request["users"]}
            if "botpassword" in request:
                found.add(request["botpassword"]["password"])
    return found


def _assert_nowhere_but_stdin(rec: _Recorder, secrets: set[str]) -> None:
    for call in rec.calls:
        for secret in secrets:
            assert not any(secret in str(arg) for arg in call["argv"]), call["argv"][:4]
            assert not any(secret in str(v) for v in call["env"].values()), call["argv"][:4]


def test_no_password_is_ever_on_a_command_line(tmp_path: Path, recorder: _Recorder) -> None:
    """``ps`` shows every local user each process's command line: the passwords reach
    MediaWiki's installer and the accounts script on standard input only, on a fresh
    install and when lost passwords are reset."""
    home = tmp_path / "home"
    cfg = local.up(home, port=18080)
    stored = {cfg.bot_password, *(cfg.extra["local"][f"{who}_password"]
                                  for who in ("admin", "moderator", "editor"))}
    _assert_nowhere_but_stdin(recorder, stored)
    sent = _secrets_sent(recorder)
    assert stored <= sent  # they did reach MediaWiki (and the bot account's own password too)
    assert len(sent) == 5
    _assert_nowhere_but_stdin(recorder, sent)

    # Passwords lost (the file edited by hand): every account is reset, still by stdin.
    settings = local.config_file(home)
    saved = configmod.load(settings)
    saved.bot_password = ""
    for who in ("admin", "moderator", "editor"):
        saved.extra["local"][f"{who}_password"] = ""
    configmod.save(saved, settings)
    recorder.calls.clear()
    again = local.up(home, port=18080)
    sent = _secrets_sent(recorder)
    assert {again.bot_password, again.extra["local"]["admin_password"]} <= sent
    assert len(sent) == 5
    _assert_nowhere_but_stdin(recorder, sent)


def test_the_server_and_its_supervisor_carry_no_password(tmp_path: Path) -> None:
    argv = local._supervisor_argv(tmp_path, 18080) + supervisor.php_argv(18080, tmp_path)
    assert not any("password" in arg.lower() or "pass=" in arg for arg in argv)


def test_a_failing_script_never_shows_a_password() -> None:
    """MediaWiki's createBotPassword.php prints the password it set; an error message built
    from a script's output masks the secrets first."""
    result = subprocess.CompletedProcess(["php"], 1, "password:'fake-pw-0' set\n", "oops\n")
    with pytest.raises(local.LocalWikiError) as caught:
        local._check(result, "setting the accounts", ("fake-pw-0",))
    assert "fake-pw-0" not in str(caught.value)
    assert "oops" in str(caught.value)


def test_the_accounts_script_is_valid_php(tmp_path: Path) -> None:
    assert shutil.which("php"), "needs php: scripts/test.sh installs it"
    script = local._accounts_script(tmp_path)
    lint = subprocess.run(["php", "-l", str(script)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert _mode(script) == 0o600


# -- files that hold secrets are 0600 --------------------------------------------------------


def test_local_settings_are_rewritten_0600(tmp_path: Path) -> None:
    """LocalSettings.php holds $wgSecretKey, $wgUpgradeKey and the webhook's secret; the
    installer writes it 0644, and so do wikis made before: the next ``up`` tightens it."""
    wdir = tmp_path / "wiki"
    wdir.mkdir(mode=0o755)
    settings = wdir / "LocalSettings.php"
    settings.write_text("<?php\n$wgSecretKey = 'k';\n")
    settings.chmod(0o644)
    assert local._write_settings(wdir, 18080, {"webhook_secret": "w" * 64}) is True
    assert _mode(settings) == 0o600
    assert "w" * 64 in settings.read_text()
    settings.chmod(0o644)  # unchanged text, old mode: the mode alone is fixed
    assert local._write_settings(wdir, 18080, {"webhook_secret": "w" * 64}) is False
    local._make_private(wdir)
    assert _mode(settings) == 0o600
    assert _mode(wdir) == 0o700


def test_the_settings_file_is_0600_whatever_the_umask_and_the_old_mode(tmp_path: Path) -> None:
    path = tmp_path / "coacte.toml"
    old_umask = os.umask(0)
    try:
        configmod.save(configmod.Config(wiki_url="http://w", bot_password="pw"), path)
        assert _mode(path) == 0o600
        path.chmod(0o644)
        configmod.save(configmod.Config(wiki_url="http://w", bot_password="pw2"), path)
        assert _mode(path) == 0o600
    finally:
        os.umask(old_umask)
    assert configmod.load(path).bot_password == "pw2"
    assert [p.name for p in tmp_path.iterdir()] == ["coacte.toml"]  # no temporary file left


def test_a_failed_save_leaves_the_old_settings_intact(tmp_path: Path) -> None:
    """The file is replaced in one rename, never truncated first: a value that cannot be
    written (here a lone surrogate, as an undecodable environment variable gives) fails the
    save and the passwords already there survive."""
    path = tmp_path / "coacte.toml"
    configmod.save(configmod.Config(wiki_url="http://w", bot_password="kept"), path)
    with pytest.raises(UnicodeEncodeError):
        configmod.save(configmod.Config(wiki_url="http://w", bot_password="bad\udc80"), path)
    assert configmod.load(path).bot_password == "kept"
    assert _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["coacte.toml"]


def test_a_symlinked_settings_file_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    link = tmp_path / "coacte.toml"
    link.symlink_to(real)
    configmod.save(configmod.Config(wiki_url="http://w", bot_password="pw"), link)
    assert link.is_symlink() and _mode(real) == 0o600
    assert configmod.load(link).bot_password == "pw"


# -- the bot's grants ------------------------------------------------------------------------


#: The grants' names on Special:BotPasswords (1.39; 1.43 says "High-volume (bot) access").
_GRANT_LABELS = {
    "basic": "basic",
    "high-volume editing": "highvolume",
    "edit existing pages": "editpage",
    "create, edit and move pages": "createeditmovepage",
    "upload new files": "uploadfile",
    "upload, replace, and move files": "uploadeditmovefile",
}


def _readme_grants() -> tuple[list[str], list[str]]:
    """The grants the README names: by label for an existing wiki's administrator, by id
    for the local wiki."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    existing = re.search(r"give the bot a BotPassword with the grants (.*?)\(for the charts\)",
                         readme)
    local_ = re.search(r"the grants asked of an existing wiki above: (.*?);", readme)
    assert existing and local_, "the README no longer says which grants the bot has"
    labels = re.findall(r"\*([^*]+)\*", existing.group(1))
    return [_GRANT_LABELS[label] for label in labels], re.findall(r"`(\w+)`", local_.group(1))


def test_the_bot_has_exactly_the_grants_the_readme_names() -> None:
    request = local._accounts_request(
        {"admin": "a", "bot": "b", "moderator": "m", "editor": "e"}, {"bot"})
    assert request["botpassword"]["grants"] == list(local.BOT_GRANTS)
    for_an_existing_wiki, for_the_local_wiki = _readme_grants()
    assert sorted(for_an_existing_wiki) == sorted(local.BOT_GRANTS)
    assert sorted(for_the_local_wiki) == sorted(local.BOT_GRANTS)
    assert "patrol" not in local.BOT_GRANTS and "editprotected" not in local.BOT_GRANTS


def _fake_database(wdir: Path, grants: list[str]) -> None:
    (wdir / "data").mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(wdir / "data" / f"{local.DB_NAME}.sqlite")) as db:
        db.execute("CREATE TABLE user (user_id INTEGER, user_name BLOB)")
        db.execute("CREATE TABLE bot_passwords (bp_user INTEGER, bp_app_id BLOB, bp_grants BLOB)")
        db.execute("INSERT INTO user VALUES (3, ?)", (local.BOT_USER,))
        db.execute("INSERT INTO bot_passwords VALUES (3, ?, ?)",
                   (local.BOT_APP_ID, json.dumps(grants)))
        db.commit()


def test_old_grants_make_up_rewrite_the_botpassword(tmp_path: Path) -> None:
    """Wikis made before the grants were trimmed also granted patrol and editprotected."""
    old = tmp_path / "old"
    _fake_database(old, [*local.BOT_GRANTS, "patrol", "editprotected"])
    assert local._bot_grants_outdated(old) is True
    known = {"admin": "a", "bot": "b", "moderator": "m", "editor": "e"}
    assert local._accounts_todo(old, known, fresh=False) == {"bot"}
    current = tmp_path / "current"
    _fake_database(current, list(reversed(local.BOT_GRANTS)))
    assert local._bot_grants_outdated(current) is False
    assert local._accounts_todo(current, known, fresh=False) == set()
    assert local._bot_grants_outdated(tmp_path / "none") is False


# -- the supervisor --------------------------------------------------------------------------


class _FakePhp:
    """A ``php -S`` master for ``_watch``: alive until ``exit_after`` polls, then gone."""

    def __init__(self, exit_after: int | None, code: int = -signal.SIGSEGV) -> None:
        self.polls, self.exit_after, self.code = 0, exit_after, code

    def poll(self) -> int | None:
        self.polls += 1
        if self.exit_after is not None and self.polls > self.exit_after:
            return self.code
        return None


def test_the_watch_sees_a_crashed_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "_answers", lambda url, timeout=5.0: True)
    reason = supervisor._watch(_FakePhp(exit_after=2), "http://x", supervisor.Watch(0.0, 1.0, 3))
    assert reason == "php -S exited (killed by SIGSEGV)"


def test_the_watch_sees_a_deaf_server_after_so_many_probes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Alive but no longer answering (every worker dead or stuck): after ``failures``
    probes in a row, counted once it has answered."""
    answers = iter([True, False, True, False, False, False])
    monkeypatch.setattr(supervisor, "answers", lambda url, timeout=5.0: next(answers))
    reason = supervisor._watch(_FakePhp(exit_after=None), "http://x",
                               supervisor.Watch(0.0, 1.0, 3))
    assert reason == "no answer to 3 probes in a row"
    assert next(answers, None) is None  # the one miss before an answer did not count


def test_the_supervisor_is_told_apart_from_other_processes(tmp_path: Path) -> None:
    argv = local._supervisor_argv(tmp_path / "wiki", 18081)
    assert argv[argv.index(local._SUPERVISOR_FLAG) + 2] == "127.0.0.1:18081"
    assert local._server_pid(tmp_path / "wiki") is None  # no pid file
    (tmp_path / "wiki").mkdir()
    local._pid_file(tmp_path / "wiki").write_text(f"{os.getpid()}\n")
    assert local._server_pid(tmp_path / "wiki") is None  # this process is no server
