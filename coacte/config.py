"""Where the bots find their wiki and their settings.

One TOML file (``coacte.toml``) holds the settings; ``coacte wiki up`` writes it for the
local wiki. Environment variables override it, so the same commands run against any
existing MediaWiki: ``COACTE_WIKI_URL``, ``COACTE_BOT_USER``, ``COACTE_BOT_PASSWORD``.
The file lives in the project's ignored ``.coacte/`` folder (or ``COACTE_HOME``), so a
password never lands in the repository; it is never printed either (see ``__repr__``).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import tomli_w

#: Settings a wiki administrator may change in the ``[wiki]``/``[bot]`` tables.
DEFAULTS = {
    "header_template": "CO-ACTE débat",
    "postit_template": "CO-ACTE post-it",
    "grid_page": "CO-ACTE/Grille",
    "groups_page": "CO-ACTE/Groupes",
    "report_page": "CO-ACTE/Rapport de vérification",
    "stop_page": "CO-ACTE/Arrêt",
    "debate_namespace": 3000,
    "synthesis_namespace": 3002,
    "edit_tag": "",
    "near_duplicate_threshold": 92,
    "approval": False,
}


def home() -> Path:
    """The project-local state folder: ``$COACTE_HOME`` or ``./.coacte``."""
    return Path(os.environ.get("COACTE_HOME") or ".coacte").absolute()


def environment(name: str) -> str:
    """An environment variable's value (``""`` when unset): every setting read from the
    environment is read here, in this module (``COACTE_WORKERS``, ``COACTE_LANG``,
    ``COACTE_SECRET_KEY``, ``COACTE_LOCK_WAIT``, the locale's ``LC_ALL``/``LANG``, and
    those of :func:`load`)."""
    return os.environ.get(name, "")


def config_path() -> Path:
    """The settings file: ``$COACTE_CONFIG`` or ``<home>/coacte.toml``."""
    explicit = os.environ.get("COACTE_CONFIG")
    return Path(explicit).absolute() if explicit else home() / "coacte.toml"


@dataclass
class Config:
    """Everything a bot needs to talk to one wiki."""

    wiki_url: str = ""
    bot_user: str = ""
    bot_password: str = field(default="", repr=False)
    header_template: str = DEFAULTS["header_template"]
    postit_template: str = DEFAULTS["postit_template"]
    grid_page: str = DEFAULTS["grid_page"]
    #: The vocabulary of group kinds: "Jeunes", "Young people", "Jovens" are one kind.
    groups_page: str = DEFAULTS["groups_page"]
    report_page: str = DEFAULTS["report_page"]
    stop_page: str = DEFAULTS["stop_page"]
    debate_namespace: int = DEFAULTS["debate_namespace"]
    synthesis_namespace: int = DEFAULTS["synthesis_namespace"]
    edit_tag: str = DEFAULTS["edit_tag"]
    near_duplicate_threshold: int = DEFAULTS["near_duplicate_threshold"]
    #: Approval mode: the bot does not write pages itself but proposes each new text on
    #: ``CO-ACTE/Propositions/<page>`` for a moderator to approve (the moderators' desk).
    approval: bool = DEFAULTS["approval"]
    #: Extra sections of the file (e.g. ``[local]`` written by ``coacte wiki up``).
    extra: dict = field(default_factory=dict, repr=False)

    @property
    def api_url(self) -> str:
        return self.wiki_url.rstrip("/") + "/api.php"

    def page_url(self, title: str) -> str:
        """A reader's address for a page (``index.php?title=``, which every setup serves)."""
        from urllib.parse import quote

        path = quote(title.replace(" ", "_"), safe="/:'")
        return f"{self.wiki_url.rstrip('/')}/index.php?title={path}"


_ENV = {
    "wiki_url": "COACTE_WIKI_URL",
    "bot_user": "COACTE_BOT_USER",
    "bot_password": "COACTE_BOT_PASSWORD",
}


class ConfigError(ValueError):
    """Settings the bots cannot use, said in one line: the file, the key, the value and
    what is accepted (the commands exit with status 6, the service does not start)."""


#: Ranges of the whole-number settings (inclusive).
_RANGES = {"near_duplicate_threshold": (0, 100), "debate_namespace": (100, 2**31 - 1),
           "synthesis_namespace": (100, 2**31 - 1)}


def load(path: Path | None = None) -> Config:
    """Read the settings file (if any), then apply the environment overrides. Raises
    :class:`ConfigError` for a file that is not TOML, an unknown key or a value of the
    wrong kind or out of range."""
    path = path or config_path()
    data: dict = {}
    if path.exists():
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not a valid settings file ({exc}): fix that line, "
                              "or delete the file and run `coacte wiki up` again.") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read ({exc.strerror}).") from None
    known = {f.name: f for f in fields(Config) if f.name != "extra"}
    kwargs: dict = {}
    for table in ("wiki", "bot"):
        values = data.get(table, {})
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{table}] must be a table of settings.")
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{path}: [{table}] {key} is not a setting; the settings "
                                  f"are {', '.join(sorted(known))}.")
            kwargs[key] = _checked(path, table, key, value, DEFAULTS.get(key, ""))
    extra = {k: v for k, v in data.items() if k not in ("wiki", "bot")}
    for name, var in _ENV.items():
        if os.environ.get(var):
            kwargs[name] = os.environ[var]
    return Config(**kwargs, extra=extra)


def _checked(path: Path, table: str, key: str, value: object, default: object) -> object:
    """``value`` when it is of the kind of ``default`` (and within its range)."""
    shown = "(hidden)" if "password" in key else repr(value)  # a secret is never printed
    where = f"{path}: [{table}] {key} = {shown}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: true or false is expected.")
    elif isinstance(default, int):
        low, high = _RANGES.get(key, (0, 2**31 - 1))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{where}: a whole number from {low} to {high} is expected.")
    elif not isinstance(value, str):
        raise ConfigError(f"{where}: text in quotes is expected.")
    return value


def save(config: Config, path: Path | None = None) -> Path:
    """Write the settings file, readable by its owner only (it holds a password)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    values = asdict(config)
    extra = values.pop("extra")
    wiki = {k: values.pop(k) for k in ("wiki_url", "bot_user", "bot_password")}
    doc = {"wiki": wiki, "bot": values, **extra}
    write_private(path, tomli_w.dumps(doc))
    return path


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in a file only its owner may read or write (0600).

    For files that hold secrets (this settings file, the local wiki's LocalSettings.php).
    The text goes to a new file beside the old one, created 0600 whatever the umask, which
    then replaces it in one rename: no other user ever sees the secrets (a looser mode of
    the old file goes with it), a reader sees the old text or the new, never half a file,
    and a failure (a disk full, a text that cannot be encoded) leaves the old file intact.
    A symlink is followed: its target is replaced, the link kept.
    """
    data = text.encode("utf-8")  # before anything is opened: a failure here changes nothing
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
