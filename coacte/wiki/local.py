"""The local MediaWiki: the project's embedded default wiki, one command away.

``coacte wiki up`` gives every contributor, test session and demo the same real wiki without
any hand configuration: Debian's ``mediawiki`` package (one code tree in
``/usr/share/mediawiki``), a SQLite database and PHP's built-in web server on loopback.
Everything that belongs to one wiki lives in ``<home>/wiki/`` (settings, database, uploads,
log, pid), and ``MW_CONFIG_FILE`` points the shared code tree at it, so several wikis (a
developer's and a test session's) run side by side and a wiki is deleted with its folder.

``up`` is idempotent: a second call on a running wiki reads the passwords back from the
configuration file, finds the server answering and changes nothing. It repairs what it
can (a stopped server, a lost password, a changed port) instead of failing.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import tomllib
from pathlib import Path

import requests

from coacte import __version__
from coacte import config as configmod
from coacte.config import Config

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
#: What the bot's BotPassword may do: edit and create pages fast, upload, patrol, and edit
#: the protected pages (templates, grid) that ``coacte install`` maintains.
BOT_GRANTS = (
    "basic",
    "highvolume",
    "editpage",
    "createeditmovepage",
    "uploadfile",
    "uploadeditmovefile",
    "patrol",
    "editprotected",
)
MODERATOR_USER = "Moderateur"
#: A facilitator without moderation rights (tests of the forms and of refused access).
EDITOR_USER = "Animatrice"
#: The extension's moderators' group.
MODERATOR_GROUP = "coacte-moderator"

#: ``index.php/Title`` works on PHP's built-in server (it sets PATH_INFO) and reads better
#: than ``index.php?title=Title``; both were checked, including titles with ``.``, ``?``, ``&``.
ARTICLE_PATH = "/index.php/$1"

#: Seconds to wait for a freshly started server to answer the API.
START_TIMEOUT = 30.0

_BLOCK_BEGIN = "# >>> coacte wiki up: managed block, rewritten on every `coacte wiki up` >>>"
_BLOCK_END = "# <<< coacte wiki up <<<"

_USER_AGENT = f"coacte-localwiki/{__version__} (local test wiki) python-requests"


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
    """The CoActe extension's ``extension.json``, loaded from the source tree.

    The wiki loads the extension in place (not a copy), so an edit to the extension is live
    at the next request.
    """
    manifest = Path(__file__).resolve().parents[2] / "extension" / "extension.json"
    if not manifest.exists():
        raise LocalWikiError(
            f"the CoActe extension is not at {manifest}; run from a source checkout "
            "(pip install -e .)"
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


def _url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def _php_str(value: str) -> str:
    """A PHP single-quoted string literal (no interpolation, only ``\\`` and ``'`` escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _new_password() -> str:
    """A random account password: 32 letters and digits (safe on a command line, in TOML)."""
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


def _maintenance(wdir: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a MediaWiki maintenance script against this wiki's LocalSettings.php."""
    env = {**os.environ, "MW_CONFIG_FILE": str(wdir / "LocalSettings.php")}
    return subprocess.run(
        ["php", str(MEDIAWIKI_DIR / "maintenance" / script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=wdir,
    )


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        raise LocalWikiError(f"{what} failed (exit {result.returncode}): {detail[-2000:]}")


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
    """Create the SQLite database and LocalSettings.php with MediaWiki's own installer."""
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
            f"--pass={admin_password}",
            "--quiet",
            SITE_NAME,
            ADMIN_USER,
        ],
        capture_output=True,
        text=True,
        cwd=wdir,
    )
    if result.returncode != 0 or not (wdir / "LocalSettings.php").exists():
        # A half-made database would make the next try fail with "already installed".
        shutil.rmtree(data, ignore_errors=True)
        (wdir / "LocalSettings.php").unlink(missing_ok=True)
        _check(result, "MediaWiki install.php")
        raise LocalWikiError("MediaWiki install.php wrote no LocalSettings.php")


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
    path.write_text(new, encoding="utf-8")
    return True


# --------------------------------------------------------------------------------------
# Accounts


def _set_user(wdir: Path, user: str, password: str, *groups: str) -> None:
    """Create a user (or reset an existing one's password) and put it in groups
    (core groups as flags, the extension's groups as ``--custom-groups``)."""
    flags = [f"--{g}" for g in groups if not g.startswith("coacte-")]
    custom = [g for g in groups if g.startswith("coacte-")]
    if custom:
        flags.append(f"--custom-groups={','.join(custom)}")
    result = _maintenance(wdir, "createAndPromote.php", *flags, user, password)
    if result.returncode != 0 and "exists" in (result.stdout + result.stderr):
        result = _maintenance(wdir, "createAndPromote.php", "--force", *flags, user, password)
    _check(result, f"createAndPromote.php for {user}")


def _set_bot_password(wdir: Path, password: str, reset: bool) -> None:
    """Create the bot's BotPassword; with ``reset``, replace an existing one.

    On a rerun the BotPassword already exists with the password from the configuration:
    that is fine and left alone. ``reset`` is for a password that was lost (configuration
    deleted), since createBotPassword.php cannot change an existing one.
    """
    args = ["--appid", BOT_APP_ID, "--grants", ",".join(BOT_GRANTS), BOT_USER, password]
    result = _maintenance(wdir, "createBotPassword.php", *args)
    if result.returncode == 0:
        return
    if "already exist" not in result.stdout + result.stderr:
        _check(result, "createBotPassword.php")
    if not reset:
        return
    delete = (
        "DELETE FROM bot_passwords WHERE bp_app_id = "
        f"'{BOT_APP_ID}' AND bp_user IN "
        f"(SELECT user_id FROM user WHERE user_name = '{BOT_USER}')"
    )
    # No --status: sql.php reports "0 row(s) affected" for any SQLite write, even a
    # successful one, so only a failing query (exception, non-zero exit) is an error.
    _check(_maintenance(wdir, "sql.php", "--query", delete), "removing the old BotPassword")
    _check(_maintenance(wdir, "createBotPassword.php", *args), "createBotPassword.php")


def _ensure_accounts(
    wdir: Path, passwords: dict[str, str], todo: set[str], reset_bot: bool
) -> None:
    """Create or reset the accounts named in ``todo`` ("admin", "bot", "moderator",
    "editor").

    Admin is made by the installer; the bot logs in with its BotPassword; the moderator is
    a human sysop for browser tests of the moderation pages.
    """
    if "admin" in todo:
        _set_user(wdir, ADMIN_USER, passwords["admin"], "sysop", "bureaucrat")
    if "bot" in todo:
        # The bot account's own password is never used (it logs in with its BotPassword),
        # so it is not stored: every reset draws a new one.
        _set_user(wdir, BOT_USER, _new_password(), "bot")
        _set_bot_password(wdir, passwords["bot"], reset=reset_bot)
    if "moderator" in todo:
        _set_user(wdir, MODERATOR_USER, passwords["moderator"], "sysop", MODERATOR_GROUP)
    if "editor" in todo:
        _set_user(wdir, EDITOR_USER, passwords["editor"])


# --------------------------------------------------------------------------------------
# The server


def _pid_file(wdir: Path) -> Path:
    return wdir / "server.pid"


def _server_pid(wdir: Path) -> int | None:
    """The pid of this wiki's PHP server if it is alive, else None.

    The pid file alone could name a recycled pid: the process must be a PHP server whose
    environment selects this wiki's LocalSettings.php.
    """
    try:
        pid = int(_pid_file(wdir).read_text().strip())
    except (OSError, ValueError):
        return None
    proc = Path(f"/proc/{pid}")
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        environ = (proc / "environ").read_bytes().split(b"\0")
    except OSError:
        return None
    if stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):
        return None
    settings = f"MW_CONFIG_FILE={wdir / 'LocalSettings.php'}".encode()
    if b"-S" not in cmdline or settings not in environ:
        return None
    return pid


def _server_port(pid: int) -> int | None:
    """The port a running PHP server listens on, from its command line."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    for arg in cmdline:
        match = re.fullmatch(rb"127\.0\.0\.1:(\d+)", arg)
        if match:
            return int(match.group(1))
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


def _answers(url: str) -> bool:
    """True if the wiki's API answers a siteinfo query."""
    try:
        response = requests.get(
            url + "/api.php",
            params={"action": "query", "meta": "siteinfo", "format": "json"},
            headers={"User-Agent": _USER_AGENT},
            timeout=5,
        )
        return response.ok and "query" in response.json()
    except (requests.RequestException, ValueError):
        return False


def _start_server(wdir: Path, port: int) -> int:
    """Start ``php -S`` detached from this process; return its pid.

    A shell puts PHP in the background and exits, so the server is not a child of Python
    (it outlives the command, and no zombie or "still running" warning is left behind);
    ``start_new_session`` gives it its own process group, which ``down`` signals as a whole
    (the master and its ``PHP_CLI_SERVER_WORKERS`` workers).
    """
    if not _port_free(port):
        raise LocalWikiError(_port_taken(port))
    log = wdir / "server.log"
    env = {
        **os.environ,
        "MW_CONFIG_FILE": str(wdir / "LocalSettings.php"),
        "PHP_CLI_SERVER_WORKERS": "4",
        "COACTE_SERVER_LOG": str(log),
    }
    result = subprocess.run(
        [
            "sh",
            "-c",
            '"$@" >>"$COACTE_SERVER_LOG" 2>&1 </dev/null & echo $!',
            "sh",
            "php",
            "-d",
            "post_max_size=64M",
            "-S",
            f"127.0.0.1:{port}",
            "-t",
            str(MEDIAWIKI_DIR),
        ],
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


# --------------------------------------------------------------------------------------
# Verification


def _verify_bot(url: str, password: str) -> str | None:
    """Log the bot in with its BotPassword; None if it works and has the bot right.

    Returns what went wrong otherwise, so ``up`` can repair the accounts once.
    """
    import mwclient

    host = url.split("://", 1)[1]
    try:
        site = mwclient.Site(host, path="/", scheme="http", clients_useragent=_USER_AGENT)
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

    pid = _server_pid(wdir)
    if pid is not None and _server_port(pid) != port:
        down(home)
        pid = None
    if pid is None and not _port_free(port):
        # Before installing anything: the accounts would be made for a wiki that cannot start.
        raise LocalWikiError(_port_taken(port))

    wdir.mkdir(parents=True, exist_ok=True)
    (wdir / "images").mkdir(exist_ok=True)
    (wdir / "cache").mkdir(exist_ok=True)
    (wdir / "tmp").mkdir(exist_ok=True)

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
    # The web service beside the wiki: its address, the webhook's shared secret, the key
    # that signs its cookies. Kept across runs; a new service port moves the URLs.
    previous = configmod.load(cfg_path).extra.get("web", {}) if cfg_path.exists() else {}
    service = (f"http://127.0.0.1:{service_port}" if service_port
               else previous.get("url") or "http://127.0.0.1:5000")
    web = {
        **previous,
        "url": service,
        "webhook_url": f"{service}/hooks/edit",
        "webhook_secret": previous.get("webhook_secret") or secrets.token_hex(32),
        "secret_key": previous.get("secret_key") or secrets.token_hex(32),
    }
    # PHP reads LocalSettings.php on every request: a running server needs no restart.
    _write_settings(wdir, port, web)

    # The installer made Admin with its password; anything else unknown is (re)set.
    accounts = {"admin", "bot", "moderator", "editor"}
    todo = accounts - {"admin"} if fresh else accounts - set(known)
    if todo:
        _ensure_accounts(wdir, passwords, todo, reset_bot=not fresh)

    if pid is None:
        pid = _start_server(wdir, port)
    _wait_until_answering(wdir, url, pid)

    problem = _verify_bot(url, passwords["bot"])
    if problem and "bot" not in todo:
        # Accounts changed behind our back (e.g. the BotPassword was deleted): repair once.
        _ensure_accounts(wdir, passwords, {"bot"}, reset_bot=True)
        problem = _verify_bot(url, passwords["bot"])
    if problem:
        raise LocalWikiError(problem)

    cfg = configmod.load(cfg_path)
    cfg.wiki_url = url
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

    SIGTERM goes to the server's process group (master and workers), SIGKILL after a few
    seconds if any lingers; returns once all are gone, so the port can be reused at once.
    The wiki's files are kept: ``up`` starts it again.
    """
    wdir = wiki_dir(home)
    pid = _server_pid(wdir)
    if pid is None:
        _pid_file(wdir).unlink(missing_ok=True)
        return False
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
    _pid_file(wdir).unlink(missing_ok=True)
    return True


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
    """Where the local wiki is and whether its server runs.

    Keys: ``dir``, ``url`` (None if never installed), ``running``, ``pid``, ``port``,
    ``installed``.
    """
    wdir = wiki_dir(home)
    pid = _server_pid(wdir)
    port = (_server_port(pid) if pid else None) or _settings_port(wdir)
    return {
        "dir": str(wdir),
        "url": _url(port) if port else None,
        "running": pid is not None,
        "pid": pid,
        "port": port,
        "installed": (wdir / "LocalSettings.php").exists(),
    }
