"""The local MediaWiki: the project's embedded default wiki, one command away.

``coacte wiki up`` gives every contributor, test session and demo the same real wiki without
any hand configuration: Debian's ``mediawiki`` package (one code tree in
``/usr/share/mediawiki``), a SQLite database and PHP's built-in web server on loopback.
Everything that belongs to one wiki lives in ``<home>/wiki/`` (settings, database, uploads,
log, pid), and ``MW_CONFIG_FILE`` points the shared code tree at it, so several wikis (a
developer's and a test session's) run side by side and a wiki is deleted with its folder.

``up`` is idempotent: a second call on a running wiki reads the passwords back from the
configuration file, finds the server answering and changes nothing. It repairs what it
can (a stopped or deaf server, a lost password, a changed port, outdated grants) instead
of failing.

The server runs under a small supervisor (a detached Python process, see ``supervise``)
that restarts ``php -S`` when it dies or stops answering: one page that crashes a PHP
worker (a 3,000-deep nesting of parser functions segfaults PHP 8.2) must not leave the
wiki dead with nothing noticing.

No password is ever on a command line (any local user reads those in ``ps``): the
installer reads the admin's from standard input, the accounts script reads a JSON
request there. The files holding secrets (``LocalSettings.php``, the configuration) are
0600, the wiki's folder 0700.

Checked on Debian 12's MediaWiki 1.39 (PHP 8.2) and on Debian 13's MediaWiki 1.43 (its
package unpacked and run with PHP 8.2); where they differ, the code says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from coacte import config as configmod
from coacte.config import Config
from coacte.package_data import EXTENSION
from coacte.package_data import HERE as PACKAGE
from coacte.wiki.supervisor import (  # the process helpers the supervisor shares
    START_TIMEOUT,
    USER_AGENT,
    WATCH_EVERY,
    WATCH_FAILURES,
    WATCH_TIMEOUT,
)
from coacte.wiki.supervisor import SUPERVISOR_FLAG as _SUPERVISOR_FLAG
from coacte.wiki.supervisor import answers as _answers
from coacte.wiki.supervisor import cmdline as _cmdline
from coacte.wiki.supervisor import proc_stat as _proc_stat
from coacte.wiki.supervisor import url as _url

#: Debian's MediaWiki code tree, shared by every local wiki.
MEDIAWIKI_DIR = Path("/usr/share/mediawiki")
#: The Debian packages the local wiki needs.
PACKAGES = ("mediawiki", "php-sqlite3", "php-cli", "php-intl", "php-mbstring", "php-xml",
            "php-gd")

SITE_NAME = "CO-ACTE"
DB_NAME = "coacte"
ADMIN_USER = "Admin"
BOT_USER = "CoacteBot"
BOT_APP_ID = "coacte"
#: What the bot's BotPassword may do, exactly the grants the README asks of a wiki
#: administrator (a test holds the two together): read and edit fast (``basic``,
#: ``highvolume``: the bot flag, 500 pages a request, no rate limit), edit and create pages,
#: upload the charts. Nothing more: the bot patrols nothing (moderators patrol in their
#: own session, at the desk) and edits no protected page (``coacte install`` protects
#: none); a grant only passes on a right the account's groups give, and the ``bot``
#: group gives neither ``patrol`` nor ``editprotected`` anyway.
BOT_GRANTS = (
    "basic",
    "highvolume",
    "editpage",
    "createeditmovepage",
    "uploadfile",
    "uploadeditmovefile",
)
MODERATOR_USER = "Moderateur"
#: A facilitator without moderation rights (tests of the forms and of refused access).
EDITOR_USER = "Animatrice"
#: The extension's moderators' group.
MODERATOR_GROUP = "coacte-moderator"

#: ``index.php/Title`` works on PHP's built-in server (it sets PATH_INFO) and reads better
#: than ``index.php?title=Title``; both were checked, including titles with ``.``, ``?``, ``&``.
ARTICLE_PATH = "/index.php/$1"


#: PHP's built-in server forks this many workers (each runs one request at a time).
SERVER_WORKERS = 4

_BLOCK_BEGIN = "# >>> coacte wiki up: managed block, rewritten on every `coacte wiki up` >>>"
_BLOCK_END = "# <<< coacte wiki up <<<"



class LocalWikiError(RuntimeError):
    """The local wiki could not be set up, started or reached; the message says why."""


# --------------------------------------------------------------------------------------
# Packages


def ensure_packages() -> None:
    """Install Debian's MediaWiki and the PHP modules it needs, if they are missing.

    The wiki runs on the distribution's packages (security updates come with the system);
    installing them needs root, so a normal user gets the exact command instead.
    """
    missing = missing_requirements()
    if not missing:
        return
    command = (
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        "--no-install-recommends " + " ".join(PACKAGES)
    )
    if os.geteuid() != 0:
        raise LocalWikiError(f"the local wiki needs {', '.join(missing)}; as root, run: {command}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES], check=True, env=env
    )
    missing = missing_requirements()
    if missing:
        raise LocalWikiError(f"still missing after apt-get install: {', '.join(missing)}")


def missing_requirements() -> list[str]:
    """What is missing for the local wiki to run (empty when all is there)."""
    missing = []
    if not (MEDIAWIKI_DIR / "maintenance" / "install.php").exists():
        missing.append("mediawiki")
    if shutil.which("php") is None:
        missing.append("php-cli")
        return missing
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.lower()
    names = set(modules.split())
    if "pdo_sqlite" not in names or "sqlite3" not in names:
        missing.append("php-sqlite3")
    for module, package in (("intl", "php-intl"), ("mbstring", "php-mbstring"), ("xml", "php-xml"),
                            ("gd", "php-gd")):
        if module not in names:
            missing.append(package)
    return missing


# --------------------------------------------------------------------------------------
# Paths and small helpers


def wiki_dir(home: Path) -> Path:
    """The folder of the local wiki: settings, database, uploads, log and pid."""
    return Path(home).absolute() / "wiki"


def extension_manifest() -> Path:
    """The CoActe extension's ``extension.json``, shipped in the package.

    The wiki loads the extension in place (not a copy), so an edit to the extension is live
    at the next request.
    """
    manifest = EXTENSION / "extension.json"
    if not manifest.exists():
        raise LocalWikiError(
            f"the CoActe extension is not at {manifest}: the package is incomplete; "
            "install it again (pip install coacte, or pip install -e . in a checkout)"
        )
    return manifest


def config_file(home: Path) -> Path:
    """Where ``up`` writes the configuration.

    For the project's own home this is ``coacte.config.config_path()`` (so
    ``COACTE_CONFIG`` is honoured); for any other folder it is ``<home>/coacte.toml``.
    """
    home = Path(home).absolute()
    if home == configmod.home():
        return configmod.config_path()
    return home / "coacte.toml"


def _php_str(value: str) -> str:
    """A PHP single-quoted string literal (no interpolation, only ``\\`` and ``'`` escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _new_password() -> str:
    """A random account password: 32 letters and digits (nothing to escape in JSON, TOML)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _new_bot_password() -> str:
    """A random BotPassword.

    MediaWiki only treats a login as a BotPassword login if the password matches
    ``[0-9a-w]{32,}`` (``BotPassword::canonicalizeLoginData``); anything else is silently
    tried as the main account's password and fails.
    """
    alphabet = "0123456789abcdefghijklmnopqrstuvw"
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _maintenance(
    wdir: Path, script: str | Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a maintenance script (MediaWiki's by name, or ours by path) against this wiki.

    ``stdin`` is how a secret reaches the script: never ``args``, which any local user
    reads in ``ps`` (``/proc/<pid>/cmdline``).
    """
    path = script if isinstance(script, Path) else MEDIAWIKI_DIR / "maintenance" / script
    env = {
        **os.environ,
        "MW_CONFIG_FILE": str(wdir / "LocalSettings.php"),
        "MW_INSTALL_PATH": str(MEDIAWIKI_DIR),
    }
    return subprocess.run(
        ["php", str(path), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env,
        cwd=wdir,
    )


def _check(
    result: subprocess.CompletedProcess[str], what: str, hidden: tuple[str, ...] = ()
) -> None:
    """Raise ``LocalWikiError`` with the script's output if it failed.

    The output is shown to help, so any of the ``hidden`` secrets that a script might echo
    (MediaWiki's createBotPassword.php prints the password it set) is masked first.
    """
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        for secret in hidden:
            if secret:
                detail = detail.replace(secret, "********")
        detail = detail[-2000:]  # cut after masking: a cut secret would not be masked
        raise LocalWikiError(f"{what} failed (exit {result.returncode}): {detail}")


def _make_private(wdir: Path) -> None:
    """Close the wiki to other local users: its folder 0700, LocalSettings.php 0600.

    LocalSettings.php holds ``$wgSecretKey``, ``$wgUpgradeKey`` and the webhook's secret;
    the SQLite files hold password hashes and live sessions. The installer writes
    LocalSettings.php 0644 (with the umask), and wikis made before this rule have it so:
    every ``up`` tightens both (a mode change leaves the file's mtime alone). The PHP
    server runs as the same user, so it still reads everything.
    """
    wdir.chmod(0o700)
    settings = wdir / "LocalSettings.php"
    if settings.exists() and settings.stat().st_mode & 0o777 != 0o600:
        settings.chmod(0o600)


# --------------------------------------------------------------------------------------
# Secrets kept in the configuration file


def _known_secrets(path: Path, wdir: Path) -> dict[str, str]:
    """The passwords an earlier ``up`` of this wiki wrote, read from the file itself.

    The raw file, not ``config.load()``: environment overrides may point the bots at another
    wiki, and their password must not be mistaken for the local bot's. Passwords count only
    if the ``[local]`` table describes this wiki folder, and the bot password only if
    ``[wiki]`` still points at the local wiki.
    """
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    local = data.get("local", {})
    wiki = data.get("wiki", {})
    if local.get("dir") != str(wdir):
        return {}
    found = {}
    if local.get("admin_password"):
        found["admin"] = str(local["admin_password"])
    if local.get("moderator_password"):
        found["moderator"] = str(local["moderator_password"])
    if local.get("editor_password"):
        found["editor"] = str(local["editor_password"])
    if (
        wiki.get("bot_password")
        and wiki.get("bot_user") == f"{BOT_USER}@{BOT_APP_ID}"
        and str(wiki.get("wiki_url", "")).rstrip("/") == _url(local.get("port", 0))
    ):
        found["bot"] = str(wiki["bot_password"])
    return found


# --------------------------------------------------------------------------------------
# Installation and settings


def _install(wdir: Path, port: int, lang: str, admin_password: str) -> None:
    """Create the SQLite database and LocalSettings.php with MediaWiki's own installer.

    The admin's password goes through ``--passfile=php://stdin``, not ``--pass``: the
    installer reads the file named by ``--passfile`` with ``file_get_contents`` and trims
    the line end (MediaWiki 1.39 and 1.43 alike; checked in both ``install.php``).
    """
    data = wdir / "data"
    result = subprocess.run(
        [
            "php",
            str(MEDIAWIKI_DIR / "maintenance" / "install.php"),
            "--dbtype=sqlite",
            f"--dbpath={data}",
            f"--dbname={DB_NAME}",
            f"--confpath={wdir}",
            f"--server={_url(port)}",
            "--scriptpath=",
            f"--lang={lang}",
            "--passfile=php://stdin",
            "--quiet",
            SITE_NAME,
            ADMIN_USER,
        ],
        input=admin_password + "\n",
        capture_output=True,
        text=True,
        cwd=wdir,
    )
    if result.returncode != 0 or not (wdir / "LocalSettings.php").exists():
        # A half-made database would make the next try fail with "already installed".
        shutil.rmtree(data, ignore_errors=True)
        (wdir / "LocalSettings.php").unlink(missing_ok=True)
        _check(result, "MediaWiki install.php", (admin_password,))
        raise LocalWikiError("MediaWiki install.php wrote no LocalSettings.php")
    _make_private(wdir)


def _settings_block(wdir: Path, port: int, web: dict | None = None) -> str:
    """Our settings, appended after the installer's (so they win).

    Kept between markers and rewritten by every ``up``: a new setting (or a new port) reaches
    existing wikis, and what a human adds outside the block stays.
    """
    images = wdir / "images"
    lines = [
        _BLOCK_BEGIN,
        f"$wgServer = {_php_str(_url(port))};",
        "$wgCanonicalServer = $wgServer;",
        # PHP's built-in server sets PATH_INFO, so index.php/Title works (checked).
        f"$wgArticlePath = {_php_str(ARTICLE_PATH)};",
        "$wgUsePathInfo = true;",
        "$wgLogos = [ '1x' => \"$wgResourceBasePath/resources/assets/mediawiki.png\" ];",
        "",
        "wfLoadExtension( 'ParserFunctions' );",
        "wfLoadExtension( 'TemplateData' );",
        "wfLoadExtension( 'InputBox' );",
        f"wfLoadExtension( 'CoActe', {_php_str(str(extension_manifest()))} );",
        "",
        # Uploads live with the wiki. The built-in server only serves files under its
        # document root (the shared code tree), so files are served by img_auth.php, which
        # streams them from $wgUploadDirectory (on a public wiki it just checks the path).
        "$wgEnableUploads = true;",
        "# A global synthesis of 1,000 territories is a few MB of wikitext (default: 2 MB).",
        "$wgMaxArticleSize = 16384;",
        # Thumbnails (the charts) with PHP's GD: the installer may have found a `convert`
        # that is not ImageMagick.
        "$wgUseImageMagick = false;",
        f"$wgUploadDirectory = {_php_str(str(images))};",
        '$wgUploadPath = "$wgScriptPath/img_auth.php";',
        "",
        # A loopback wiki sends no mail.
        "$wgEnableEmail = false;",
        "$wgEnableUserEmail = false;",
        "$wgEmailAuthentication = false;",
        "$wgEnotifUserTalk = false;",
        "$wgEnotifWatchlist = false;",
        "",
        "$wgEnableBotPasswords = true;",
        # MediaWiki's bot group has no 'noratelimit': the bot was throttled after 90 edits
        # a minute ("ratelimited", which mwclient does not retry). The BotPassword's
        # 'highvolume' grant passes the right on once the group has it.
        "$wgGroupPermissions['bot']['noratelimit'] = true;",
        "",
        # Speed, measured with 4 workers: CACHE_NONE was as fast as CACHE_DB on sequential
        # edits and ~8% faster on concurrent ones, with no "database is locked" error in
        # either; sessions and parser output still go to the SQLite cache database
        # (CACHE_ANYTHING falls back to it). Localisation in CDB files, off the databases.
        "$wgMainCacheType = CACHE_NONE;",
        f"$wgCacheDirectory = {_php_str(str(wdir / 'cache'))};",
        # MediaWiki's temp files (upload chunks, the job runner's backoff file) stay with the
        # wiki instead of the shared /tmp, so wikis side by side do not mix them.
        f"$wgTmpDirectory = {_php_str(str(wdir / 'tmp'))};",
        # One job per page view (index.php only: MediaWiki 1.39 never runs jobs from
        # api.php, so a bot-only workload lets them pile up; see run_jobs()). The built-in
        # server holds the response until the script ends, so a view pays for its job.
        "$wgJobRunRate = 1;",
        "$wgRunJobsAsync = false;",
        "",
        # A developer's wiki on loopback: show the error, not a cryptic id.
        "$wgShowExceptionDetails = true;",
        "",
        # The CoActe extension tells the web service about debate edits (signed webhook),
        # and links to its forms. The secret is also in coacte.toml [web], never in a page.
        f"$wgCoActeWebhookUrl = {_php_str((web or {}).get('webhook_url', ''))};",
        f"$wgCoActeWebhookSecret = {_php_str((web or {}).get('webhook_secret', ''))};",
        f"$wgCoActeFormsUrl = {_php_str((web or {}).get('url', ''))};",
        # PHP's built-in server holds the save's response until deferred updates end.
        "$wgCoActeWebhookTimeout = 1;",
        _BLOCK_END,
    ]
    return "\n".join(lines) + "\n"


def _write_settings(wdir: Path, port: int, web: dict | None = None) -> bool:
    """Put the managed block into LocalSettings.php; True if the file changed."""
    path = wdir / "LocalSettings.php"
    text = path.read_text(encoding="utf-8")
    block = _settings_block(wdir, port, web)
    pattern = re.compile(re.escape(_BLOCK_BEGIN) + r".*?" + re.escape(_BLOCK_END) + r"\n?", re.S)
    if pattern.search(text):
        new = pattern.sub(lambda _m: block, text, count=1)
    else:
        new = text.rstrip("\n") + "\n\n" + block
    if new == text:
        return False
    configmod.write_private(path, new)  # 0600: it holds the secret key and the webhook's
    return True


# --------------------------------------------------------------------------------------
# Accounts

#: The accounts script's file name in the wiki folder.
_ACCOUNTS_SCRIPT = "coacte-accounts.php"

#: ``coacte/wiki/php/accounts.php``: creates or resets accounts and the bot's
#: BotPassword from a JSON request on standard input. MediaWiki's createAndPromote.php
#: and createBotPassword.php take the password only as a command-line argument (1.39
#: and 1.43 alike, checked), where every local user reads
#: it in ``ps``; this script does their work with the same services. In 1.43 ``User``,
#: ``BotPassword`` (``MediaWiki\User``), ``IDBAccessObject`` (``Wikimedia\Rdbms``) and
#: ``Maintenance`` (``MediaWiki\Maintenance``) have namespaces, 1.39's global names being
#: aliases: the script names none but ``Maintenance`` (the alias every extension's scripts
#: extend) and classes named alike in both (``AuthManager``, ``MediaWikiServices``). It
#: calls ``MediaWikiServices::getInstance()``, not ``getServiceContainer()`` (not in 1.39's
#: Maintenance), and follows 1.43's createAndPromote.php where it differs from 1.39's:
#: groups first, then the password (a group may have a stricter password policy).
_ACCOUNTS_PHP = (PACKAGE / "wiki" / "php" / "accounts.php").read_text(encoding="utf-8")


def _accounts_script(wdir: Path) -> Path:
    """The accounts script in the wiki folder, (re)written when its text changed."""
    path = wdir / _ACCOUNTS_SCRIPT
    if not path.exists() or path.read_text(encoding="utf-8") != _ACCOUNTS_PHP:
        configmod.write_private(path, _ACCOUNTS_PHP)
    return path


def _account(name: str, password: str, *groups: str) -> dict:
    """One user of an accounts request: created if missing, password set, groups added."""
    return {"name": name, "password": password, "groups": list(groups)}


def _accounts_request(passwords: dict[str, str], todo: set[str]) -> dict:
    """What the accounts script must do for the accounts named in ``todo``.

    Admin is made by the installer; the bot logs in with its BotPassword (with exactly
    ``BOT_GRANTS``; an existing one is replaced); the moderator is a human sysop for
    browser tests of the moderation pages; the editor a facilitator without those rights.
    """
    users = []
    if "admin" in todo:
        users.append(_account(ADMIN_USER, passwords["admin"], "sysop", "bureaucrat"))
    if "bot" in todo:
        # The bot account's own password is never used (it logs in with its BotPassword),
        # so it is not stored: every reset draws a new one.
        users.append(_account(BOT_USER, _new_password(), "bot"))
    if "moderator" in todo:
        users.append(_account(MODERATOR_USER, passwords["moderator"], "sysop", MODERATOR_GROUP))
    if "editor" in todo:
        users.append(_account(EDITOR_USER, passwords["editor"]))
    request: dict = {"users": users}
    if "bot" in todo:
        request["botpassword"] = {
            "user": BOT_USER,
            "appid": BOT_APP_ID,
            "password": passwords["bot"],
            "grants": list(BOT_GRANTS),
        }
    return request


def _ensure_accounts(wdir: Path, passwords: dict[str, str], todo: set[str]) -> None:
    """Create or reset the accounts named in ``todo`` ("admin", "bot", "moderator",
    "editor") in one run of the accounts script, the passwords on its standard input."""
    request = _accounts_request(passwords, todo)
    if not request["users"]:
        return
    hidden = tuple(u["password"] for u in request["users"]) + tuple(
        [request["botpassword"]["password"]] if "botpassword" in request else [])
    result = _maintenance(wdir, _accounts_script(wdir), stdin=json.dumps(request))
    _check(result, "setting the accounts", hidden)


def _bot_grants_outdated(wdir: Path) -> bool:
    """True if the bot's BotPassword in the wiki's database has other grants than
    ``BOT_GRANTS`` (wikis made before the grants were trimmed also have ``patrol`` and
    ``editprotected``), so ``up`` rewrites it. Read-only; any doubt (no database yet, a
    lock, another schema) means "not outdated": the login check still guards the bot.
    """
    database = wdir / "data" / f"{DB_NAME}.sqlite"
    if not database.exists():
        return False
    query = (
        "SELECT bp_grants FROM bot_passwords JOIN user ON bp_user = user_id "
        "WHERE bp_app_id = ? AND user_name = ?"
    )
    try:
        uri = database.as_uri() + "?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
            rows = db.execute(query, (BOT_APP_ID, BOT_USER)).fetchall()
        grants = json.loads(rows[0][0]) if len(rows) == 1 else None
    except (sqlite3.Error, ValueError, TypeError):
        return False
    return grants is not None and sorted(grants) != sorted(BOT_GRANTS)


# --------------------------------------------------------------------------------------
# The server


def _pid_file(wdir: Path) -> Path:
    """Holds the pid of the server's supervisor (of a bare ``php -S`` for older wikis)."""
    return wdir / "server.pid"


def _alive(pid: int) -> bool:
    """True if the process exists and is not a zombie (a dead child not yet reaped)."""
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _server_pid(wdir: Path) -> int | None:
    """The pid of this wiki's server (its supervisor) if it is alive, else None.

    The pid file alone could name a recycled pid: the process must be our supervisor, or
    a ``php -S`` started before supervision, whose environment selects this wiki's
    LocalSettings.php.
    """
    try:
        pid = int(_pid_file(wdir).read_text().strip())
    except (OSError, ValueError):
        return None
    if not _alive(pid):
        return None
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    cmdline = _cmdline(pid)
    settings = f"MW_CONFIG_FILE={wdir / 'LocalSettings.php'}".encode()
    if _SUPERVISOR_FLAG.encode() not in cmdline and b"-S" not in cmdline:
        return None
    return pid if settings in environ else None


def _is_supervisor(pid: int) -> bool:
    """True if the process is a supervisor (not a bare ``php -S`` of an older wiki)."""
    return _SUPERVISOR_FLAG.encode() in _cmdline(pid)


def _server_port(pid: int) -> int | None:
    """The port a running server listens on, from its (or its supervisor's) command line."""
    for arg in _cmdline(pid):
        match = re.fullmatch(rb"127\.0\.0\.1:(\d+)", arg)
        if match:
            return int(match.group(1))
    return None


def _php_master(pid: int) -> int | None:
    """The ``php -S`` master that a supervisor runs now (None between two restarts)."""
    if not _is_supervisor(pid):
        return pid  # a bare php -S of an older wiki is its own master
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        child = int(stat_file.parent.name)
        stat = _proc_stat(child)
        if stat and stat[1] == pid and stat[0] not in ("Z", "X") and b"-S" in _cmdline(child):
            return child
    return None


def _settings_port(wdir: Path) -> int | None:
    """The port written in the managed block of LocalSettings.php."""
    try:
        text = (wdir / "LocalSettings.php").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"\$wgServer = 'http://127\.0\.0\.1:(\d+)';", text)
    return int(match.group(1)) if match else None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _port_taken(port: int) -> str:
    return (
        f"port {port} on 127.0.0.1 is taken by another program; stop it or choose another "
        "port (coacte wiki up --port N)"
    )


def _supervisor_argv(wdir: Path, port: int) -> list[str]:
    """The supervisor's command line: :mod:`coacte.wiki.supervisor` with the wiki, the port,
    the MediaWiki code tree and the watch's settings (all read here, in the process that
    starts it, so a test may shorten the watch or point at another MediaWiki)."""
    return [
        sys.executable, "-m", "coacte.wiki.supervisor", _SUPERVISOR_FLAG, str(wdir),
        f"127.0.0.1:{port}", str(MEDIAWIKI_DIR), repr(float(WATCH_EVERY)),
        repr(float(WATCH_TIMEOUT)), str(int(WATCH_FAILURES)),
    ]


def _start_server(wdir: Path, port: int) -> int:
    """Start the server's supervisor detached from this process; return its pid.

    A shell puts the supervisor in the background and exits, so it is not a child of
    Python (it outlives the command, and no zombie or "still running" warning is left
    behind); ``start_new_session`` gives it its own process group, which its ``php -S``
    (the master and its ``PHP_CLI_SERVER_WORKERS`` workers) shares and ``down`` signals as
    a whole. ``PYTHONPATH`` names this source tree, so the supervisor imports this very
    module even where the package is not installed.
    """
    if not _port_free(port):
        raise LocalWikiError(_port_taken(port))
    log = wdir / "server.log"
    source = str(PACKAGE.parent)  # the folder that holds the coacte package
    env = {
        **os.environ,
        "MW_CONFIG_FILE": str(wdir / "LocalSettings.php"),
        "PHP_CLI_SERVER_WORKERS": str(SERVER_WORKERS),
        "COACTE_SERVER_LOG": str(log),
        "PYTHONPATH": os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p),
    }
    result = subprocess.run(
        ["sh", "-c", '"$@" >>"$COACTE_SERVER_LOG" 2>&1 </dev/null & echo $!', "sh",
         *_supervisor_argv(wdir, port)],
        capture_output=True,
        text=True,
        env=env,
        cwd=wdir,
        start_new_session=True,
        check=True,
    )
    pid = int(result.stdout.strip())
    _pid_file(wdir).write_text(f"{pid}\n")
    return pid


def _wait_until_answering(wdir: Path, url: str, pid: int, timeout: float = START_TIMEOUT) -> None:
    """Return once the wiki answers; raise with the server log's tail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(url):
            return
        if _server_pid(wdir) != pid:
            break
        time.sleep(0.1)
    tail = ""
    log = wdir / "server.log"
    if log.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    raise LocalWikiError(f"the wiki at {url} did not answer (log {log}):\n{tail}")


def _serve(home: Path, wdir: Path, port: int, pid: int | None) -> int:
    """Make sure the wiki answers on ``port``; return its server's (supervisor's) pid.

    A running server still deaf after START_TIMEOUT (hung, or restarting in vain) is
    stopped and started afresh, once. A server that does not come up is stopped again:
    no supervisor is left restarting it for ever.
    """
    url = _url(port)
    if pid is not None:
        try:
            _wait_until_answering(wdir, url, pid)
            return pid
        except LocalWikiError:
            down(home)
    pid = _start_server(wdir, port)
    try:
        _wait_until_answering(wdir, url, pid)
    except LocalWikiError:
        down(home)
        raise
    return pid


# --------------------------------------------------------------------------------------
# Verification


def _verify_bot(url: str, password: str) -> str | None:
    """Log the bot in with its BotPassword; None if it works and has the bot right.

    Returns what went wrong otherwise, so ``up`` can repair the accounts once.
    """
    import mwclient

    host = url.split("://", 1)[1]
    try:
        site = mwclient.Site(host, path="/", scheme="http", clients_useragent=USER_AGENT)
        site.login(f"{BOT_USER}@{BOT_APP_ID}", password)
    except (mwclient.errors.LoginError, mwclient.errors.APIError) as exc:
        return f"bot login failed: {exc}"
    if "bot" not in site.rights:
        return "the bot logged in but lacks the 'bot' right"
    return None


# --------------------------------------------------------------------------------------
# Public API


def up(home: Path, port: int = 8080, lang: str = "fr",
       service_port: int | None = None) -> Config:
    """Install (first time), configure, start and check the local wiki; write the config.

    Idempotent: on a running, healthy wiki it only reads the configuration back. ``lang``
    is the wiki's content language and only matters at install time. A different ``port``
    than the running server's restarts it on the new port. Raises ``LocalWikiError``
    (before installing anything) if the port is taken by another program.
    """
    ensure_packages()
    wdir = wiki_dir(home)
    url = _url(port)
    cfg_path = config_file(home)

    pid = _reusable_server(home, wdir, port)
    if pid is None and not _port_free(port):
        # Before installing anything: the accounts would be made for a wiki that cannot start.
        raise LocalWikiError(_port_taken(port))

    for folder in (wdir, wdir / "images", wdir / "cache", wdir / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    _make_private(wdir)  # before the installer writes secrets in it

    known = _known_secrets(cfg_path, wdir)
    passwords = {
        "admin": known.get("admin") or _new_password(),
        "bot": known.get("bot") or _new_bot_password(),
        "moderator": known.get("moderator") or _new_password(),
        "editor": known.get("editor") or _new_password(),
    }
    fresh = not (wdir / "LocalSettings.php").exists()
    if fresh:
        _install(wdir, port, lang, passwords["admin"])
    web = _web_settings(cfg_path, service_port)
    # PHP reads LocalSettings.php on every request: a running server needs no restart.
    _write_settings(wdir, port, web)

    todo = _accounts_todo(wdir, known, fresh)
    if todo:
        _ensure_accounts(wdir, passwords, todo)

    _serve(home, wdir, port, pid)

    problem = _verify_bot(url, passwords["bot"])
    if problem and "bot" not in todo:
        # Accounts changed behind our back (e.g. the BotPassword was deleted): repair once.
        _ensure_accounts(wdir, passwords, {"bot"})
        problem = _verify_bot(url, passwords["bot"])
    if problem:
        raise LocalWikiError(problem)
    return _save_config(cfg_path, wdir, port, passwords, web)


def _reusable_server(home: Path, wdir: Path, port: int) -> int | None:
    """The running server's pid if ``up`` may keep it; else None, the server stopped.

    A server on another port is stopped (``up`` starts it on the new one), and so is a
    bare ``php -S`` started before supervision (``up`` starts it under a supervisor);
    stray ``php -S`` processes of the wiki are ended.
    """
    pid = _server_pid(wdir)
    if pid is None or _server_port(pid) != port or not _is_supervisor(pid):
        down(home)  # with no server, this only ends strays that would hold the port
        return None
    return pid


def _web_settings(cfg_path: Path, service_port: int | None) -> dict:
    """The ``[web]`` table: the web service beside the wiki.

    Its address, the webhook's shared secret, the key that signs its cookies. Kept across
    runs; a new service port moves the URLs.
    """
    previous = configmod.load(cfg_path).extra.get("web", {}) if cfg_path.exists() else {}
    service = (f"http://127.0.0.1:{service_port}" if service_port
               else previous.get("url") or "http://127.0.0.1:5000")
    return {
        **previous,
        "url": service,
        "webhook_url": f"{service}/hooks/edit",
        "webhook_secret": previous.get("webhook_secret") or secrets.token_hex(32),
        "secret_key": previous.get("secret_key") or secrets.token_hex(32),
    }


def _accounts_todo(wdir: Path, known: dict[str, str], fresh: bool) -> set[str]:
    """The accounts ``up`` must (re)set: on a fresh wiki all but Admin (the installer made
    it with its password); else those whose password is unknown, and the bot's
    BotPassword if its grants are not ``BOT_GRANTS``."""
    accounts = {"admin", "bot", "moderator", "editor"}
    if fresh:
        return accounts - {"admin"}
    todo = accounts - set(known)
    if "bot" not in todo and _bot_grants_outdated(wdir):
        todo.add("bot")
    return todo


def _save_config(
    cfg_path: Path, wdir: Path, port: int, passwords: dict[str, str], web: dict
) -> Config:
    """Write the local wiki's address, the bot's login and the passwords (0600)."""
    cfg = configmod.load(cfg_path)
    cfg.wiki_url = _url(port)
    cfg.bot_user = f"{BOT_USER}@{BOT_APP_ID}"
    cfg.bot_password = passwords["bot"]
    cfg.extra = {
        **cfg.extra,
        "local": {
            "port": port,
            "admin_user": ADMIN_USER,
            "admin_password": passwords["admin"],
            "moderator_user": MODERATOR_USER,
            "moderator_password": passwords["moderator"],
            "editor_user": EDITOR_USER,
            "editor_password": passwords["editor"],
            "dir": str(wdir),
        },
    }
    cfg.extra["web"] = web
    if not cfg.edit_tag:
        cfg.edit_tag = "coacte-bot"  # defined and applied by the CoActe extension
    configmod.save(cfg, cfg_path)
    return cfg


def _live_members(pid: int, pgid: int | None) -> bool:
    """True while the server or any process of its group still runs (zombies excluded).

    The workers hold the listening socket too: the port is free only once they are gone.
    """
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        member = int(stat_file.parent.name) == pid or (pgid is not None and group == pgid)
        if member and state not in ("Z", "X"):
            return True
    return False


def down(home: Path) -> bool:
    """Stop the local wiki's server; True if it was running.

    SIGTERM goes to the server's process group (supervisor, master and workers), SIGKILL
    after a few seconds if any lingers; returns once all are gone, so the port can be
    reused at once. Stray ``php -S`` of this wiki are ended too (see ``_end_strays``).
    The wiki's files are kept: ``up`` starts it again.
    """
    wdir = wiki_dir(home)
    pid = _server_pid(wdir)
    if pid is None:
        _pid_file(wdir).unlink(missing_ok=True)
        return _end_strays(wdir)
    try:
        pgid: int | None = os.getpgid(pid)
    except ProcessLookupError:
        pgid = None
    if pgid == os.getpgrp():
        # Never signal our own process group (a server started without its own session).
        pgid = None

    def signal_server(sig: signal.Signals) -> None:
        try:
            if pgid is not None:
                os.killpg(pgid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass

    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        signal_server(sig)
        deadline = time.monotonic() + wait
        while _live_members(pid, pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _live_members(pid, pgid):
            break
    _end_strays(wdir)
    _pid_file(wdir).unlink(missing_ok=True)
    return True


def _end_strays(wdir: Path) -> bool:
    """End the ``php -S`` processes of this wiki that no supervisor runs; True if any.

    Only called once the wiki's supervisor is gone, so every such process is a stray: the
    workers of a master that crashed before supervision (PHP 8.2's master also serves and
    can segfault; its workers go on holding the port), or a server whose supervisor was
    itself killed outright. They would make ``up`` fail with "port taken". A process is
    this wiki's if its environment selects this wiki's LocalSettings.php.
    """
    settings = f"MW_CONFIG_FILE={wdir / 'LocalSettings.php'}".encode()
    strays = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat_file.parent.name)
        if b"-S" not in _cmdline(pid) or not _alive(pid):
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue  # another user's process
        if settings in environ:
            strays.append(pid)
    found = bool(strays)
    for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        strays = [pid for pid in strays if _alive(pid)]  # never signal a pid reused since
        for pid in strays:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while any(_alive(pid) for pid in strays) and time.monotonic() < deadline:
            time.sleep(0.05)
    return found


def run_jobs(home: Path) -> None:
    """Run the wiki's whole job queue now (``maintenance/runJobs.php``).

    MediaWiki 1.39 runs queued jobs only at the end of ``index.php`` requests, never for
    ``api.php``: after a template edit, the refreshLinks jobs that update categories and
    ``templatelinks`` of the pages using it wait for someone to browse. Tests and bots that
    need those tables current call this (a page's own edit updates its links at once).
    """
    wdir = wiki_dir(home)
    _check(_maintenance(wdir, "runJobs.php", "--quiet"), "runJobs.php")


def status(home: Path) -> dict:
    """Where the local wiki is, whether its server runs and whether it answers.

    Keys: ``dir``, ``url`` (None if never installed), ``running`` (the server's process
    lives), ``pid`` (the supervisor's; ``down`` stops it), ``php_pid`` (the ``php -S``
    master it runs now; None between two restarts), ``answering`` (the API answered within
    3 s: a running server that does not answer is hung or restarting, and ``up`` repairs
    it), ``port``, ``installed``.
    """
    wdir = wiki_dir(home)
    pid = _server_pid(wdir)
    port = (_server_port(pid) if pid else None) or _settings_port(wdir)
    return {
        "dir": str(wdir),
        "url": _url(port) if port else None,
        "running": pid is not None,
        "pid": pid,
        "php_pid": _php_master(pid) if pid else None,
        "answering": bool(pid and port and _answers(_url(port), timeout=3.0)),
        "port": port,
        "installed": (wdir / "LocalSettings.php").exists(),
    }
