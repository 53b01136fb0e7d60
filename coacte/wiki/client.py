"""The only module that talks to MediaWiki: batched reads, safe writes, a polite bot.

Bot etiquette (design §7, mediawiki-notes.md): a descriptive User-Agent; ``maxlag=5`` on
every call, waited out with backoff (mwclient sleeps on ``X-Database-Lag``); reads in
batches of 50 titles (500 with ``apihighlimits``), never one request per page; writes
with ``assert=bot``, ``bot=1``, the change tag if one is set, ``basetimestamp`` and
``starttimestamp`` so an edit conflict is detected and never resolved by overwriting;
``createonly``/``nocreate`` so a page created or deleted meanwhile is not clobbered; an
emergency stop page read before every write. Every request is counted by kind so runs
and benchmarks can report what they cost.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import islice
from urllib.parse import parse_qs, urlsplit

import mwclient
import mwclient.errors
import requests

from coacte import __version__
from coacte.config import Config
from coacte.contract import Titles
from coacte.model import PageRevision

USER_AGENT = f"CO-ACTE-Synthese/{__version__} (coacte bot; contact: wiki administrator)"
MAXLAG = 5
#: Words that, alone on a line of the stop page, halt every bot before its next write.
STOP_WORDS = {"STOP", "ARRÊT", "ARRET"}


class WikiError(Exception):
    """A failure talking to the wiki, with a message that says what to do."""


class StopRequested(WikiError):
    """The emergency stop page asks the bots to halt."""


class LoginRefused(WikiError):
    """The wiki refused a name and password (a person's, or the bot's)."""


class Unreachable(WikiError):
    """The wiki did not answer, or not as a MediaWiki API does."""


class ReadOnly(WikiError):
    """The wiki is read-only (maintenance): nothing can be written now."""


class Refused(WikiError):
    """The wiki's API answered a call with an error (``code``, ``info``): a missing
    right, a bad token, a page that cannot be edited. Callers outside this module see
    a :class:`WikiError`, never the library's own exception."""

    def __init__(self, code: str, info: str):
        super().__init__(f"{code}: {info}")
        self.code, self.info = code, info


class SaveStatus(StrEnum):
    """What became of one write (equal to its name in lower case, as JSON says it)."""

    SAVED = "saved"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Saved:
    """Outcome of one write: saved, or a conflict (with the API's error code)."""

    title: str
    status: SaveStatus
    revid: int | None = None
    code: str = ""
    #: The revision the save was made on top of (the API's ``oldrevid``; 0: a new
    #: page), when the wiki said: not the one read means a revision slipped in between.
    parent: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the text was saved."""
        return self.status == SaveStatus.SAVED


#: One lock per page title in this process, held from the read before a save to the
#: save: two saves of one page from one process (two tabs of one account, six quick
#: desk decisions) cannot both pass the check against the same revision, which the wiki
#: does not catch for one account (it reports no conflict with your own last edit).
_SAVING: dict[str, threading.RLock] = {}
_SAVING_GUARD = threading.Lock()


def _slipped(saved: Saved, base: PageRevision | None) -> bool:
    """Whether a save was made on top of another revision than the one read."""
    return saved.ok and saved.parent not in (None, base.revid if base else 0)


def _saving(title: str) -> threading.RLock:
    """The page's lock (re-entrant: :meth:`Wiki.update` holds it around its saves)."""
    with _SAVING_GUARD:
        return _SAVING.setdefault(title, threading.RLock())


@dataclass(frozen=True)
class Change:
    """One of the wiki's recent changes: an edit, or a page created (``new``)."""

    rcid: int
    title: str
    revid: int
    #: The revision it changed (0 for a new page).
    old_revid: int = 0
    user: str = ""
    timestamp: str = ""
    comment: str = ""
    new: bool = False


class Wiki:
    """A logged-in bot session on one wiki."""

    def __init__(self, config: Config, *, timeout: float = 30, max_retries: int = 4,
                 retry_timeout: float = 2):
        if not config.wiki_url:
            raise WikiError(
                "No wiki configured: run `coacte wiki up` for the local wiki, or set "
                "COACTE_WIKI_URL, COACTE_BOT_USER and COACTE_BOT_PASSWORD."
            )
        self.config = config
        self.max_retries, self.retry_timeout = max_retries, retry_timeout
        self.requests: Counter[str] = Counter()
        self._granting: dict[str, set[str]] = {}
        self.start_timestamp = ""
        url = urlsplit(config.wiki_url.rstrip("/") + "/")
        session = requests.Session()
        session.hooks["response"].append(self._count)
        self.site = mwclient.Site(
            url.netloc, path=url.path, scheme=url.scheme or "https", pool=session,
            clients_useragent=USER_AGENT, do_init=False, max_retries=max_retries,
            retry_timeout=retry_timeout, connection_options={"timeout": timeout},
        )
        self.site.connection.headers["User-Agent"] = (
            f"{USER_AGENT} mwclient/{mwclient.__version__}"
        )

    # -- session ------------------------------------------------------------------

    def login(self) -> Wiki:
        """Log in with the BotPassword and learn the site (namespaces, rights)."""
        user = self.config.bot_user
        try:
            if user:
                self.site.login(user, self.config.bot_password)
            else:
                self.site.site_init()
        except mwclient.errors.LoginError as exc:
            reason = getattr(exc, "info", None) or getattr(exc, "code", "") or exc
            raise LoginRefused(
                f"The wiki at {self.config.wiki_url} refused the login of {user!r} "
                f"({reason}). Check COACTE_BOT_USER / COACTE_BOT_PASSWORD (a BotPassword "
                "is written User@AppId)."
            ) from None
        except (requests.RequestException, mwclient.errors.MwClientError) as exc:
            raise self._unreachable(exc) from None
        return self

    def user_login(self, username: str, password: str) -> Wiki:
        """Log a person in with their own wiki account (``clientlogin``), or with a
        BotPassword when the name is written ``User@AppId``. The password is used for
        this one call and kept nowhere."""
        try:
            self.site.site_init()
            if "@" in username:
                self.site.login(username, password)
            else:
                self.site.clientlogin(username=username, password=password)
                self.site.site_init()
        except mwclient.errors.LoginError as exc:
            reason = getattr(exc, "info", None) or getattr(exc, "code", "") or "refused"
            raise LoginRefused(str(reason)) from None
        except (requests.RequestException, mwclient.errors.MwClientError) as exc:
            raise self._unreachable(exc) from None
        return self

    @classmethod
    def resume(cls, config: Config, cookies: requests.cookies.RequestsCookieJar,
               userinfo: dict) -> Wiki:
        """A person's wiki session again, from the cookies and rights kept server side
        (no request made)."""
        wiki = cls(replace(config, bot_user="", bot_password=""))
        wiki.site.connection.cookies = cookies
        wiki.site.site = userinfo.get("site", {})
        wiki.site.namespaces = {int(k): v for k, v in userinfo.get("namespaces", {}).items()}
        wiki.site.username = userinfo.get("name", "")
        wiki.site.groups = userinfo.get("groups", [])
        wiki.site.rights = userinfo.get("rights", [])
        wiki.site.version = wiki.site.version_tuple_from_generator(
            wiki.site.site.get("generator", "MediaWiki 1.39"))
        wiki.site.initialized = True
        return wiki

    def userinfo(self) -> dict:
        """What :meth:`resume` needs: name, groups, rights, site info, namespaces."""
        return {"name": self.site.username, "groups": list(self.site.groups),
                "rights": list(self.site.rights), "site": dict(self.site.site),
                "namespaces": {str(k): v for k, v in self.site.namespaces.items()}}

    @property
    def username(self) -> str:
        return self.site.username

    @property
    def cookies(self) -> requests.cookies.RequestsCookieJar:
        """This session's cookies: what :meth:`resume` needs to act as this person again."""
        return self.site.connection.cookies

    @property
    def is_bot(self) -> bool:
        return "bot" in self.site.rights

    @property
    def rights(self) -> list[str]:
        return list(self.site.rights)

    @property
    def batch_size(self) -> int:
        """Titles per read: 500 with ``apihighlimits`` (bots), 50 otherwise."""
        return 500 if "apihighlimits" in self.site.rights else 50

    @property
    def language(self) -> str:
        lang = (getattr(self.site, "site", None) or {}).get("lang", "fr")
        return "fr" if lang.startswith("fr") else "en" if lang.startswith("en") else lang

    def namespace_prefix(self, ns: int, fallback: str) -> str:
        """The local name of namespace ``ns``, or ``fallback`` (used as a plain title
        prefix) on a wiki where the CoActe extension is not installed."""
        return self.site.namespaces.get(ns) or fallback

    @property
    def titles(self) -> Titles:
        """The titles of debate and synthesis pages on this wiki (its namespace names)."""
        return Titles(self.namespace_prefix(self.config.debate_namespace, "Débat"),
                      self.namespace_prefix(self.config.synthesis_namespace, "Synthèse"))

    # -- reads ----------------------------------------------------------------------

    def transcluding(self, template: str) -> list[PageRevision]:
        """Every page that transcludes ``Template:<template>``, with its current text,
        read in batches through a generator (one request per batch of pages)."""
        return self.revisions(
            generator="embeddedin", geititle=f"Template:{template}",
            geilimit=self.batch_size,
        )

    def read(self, titles: Iterable[str]) -> dict[str, PageRevision | None]:
        """The current revision of each title (``None`` for a missing page), in batches.

        Also records ``start_timestamp`` (the server's time of the first read), which
        writes send as ``starttimestamp``.
        """
        return self._by_titles(titles, self.revisions)

    def transcluding_revids(self, template: str) -> dict[str, int]:
        """``{title: current revision id}`` of every page transcluding ``Template:<template>``,
        without the texts: what an incremental run compares with its state."""
        return {rev.title: rev.revid for rev in self._pages(
            _revision_id, prop="info", generator="embeddedin",
            geititle=f"Template:{template}", geilimit=self.batch_size)}

    def revids(self, titles: Iterable[str]) -> dict[str, int | None]:
        """The current revision id of each title (``None``: missing), no texts, batched."""
        found = self._by_titles(titles, lambda **params: self._pages(
            _revision_id, prop="info", **params))
        return {title: rev.revid if rev else None for title, rev in found.items()}

    def revisions(self, aliases: dict | None = None, **params) -> list[PageRevision]:
        """Run a ``prop=revisions`` query with its continuations; collect each page once."""
        return self._pages(_revision, aliases, prop="revisions",
                           rvprop="content|ids|timestamp|user", rvslots="main", **params)

    def authors(self, title: str) -> list[tuple[int, int, str]]:
        """Every revision of a page, newest first, as ``(revid, parent revid, user)``
        (no texts: one request per 5,000 revisions for a bot)."""
        found: list[tuple[int, int, str]] = []
        cont: dict = {}
        while True:
            result = self.call("query", prop="revisions", titles=title, rvprop="ids|user",
                               rvlimit="max", formatversion=2, **cont)
            for page in result.get("query", {}).get("pages", []):
                found += [(r["revid"], r.get("parentid", 0), r.get("user", ""))
                          for r in page.get("revisions", [])]
            if "continue" not in result:
                return found
            cont = result["continue"]

    def holders(self, right: str, users: Iterable[str]) -> frozenset[str]:
        """Those of ``users`` that hold ``right`` through their groups. (The API's list of
        another user's rights is cut down to a bot password's grants; the groups, and
        which rights each group has, are not.)"""
        users = sorted(set(users))
        if not users:
            return frozenset()
        if right not in self._granting:  # the wiki's groups, read once a session
            groups = self.call("query", meta="siteinfo", siprop="usergroups",
                               formatversion=2)["query"]["usergroups"]
            self._granting[right] = {g["name"] for g in groups if right in g.get("rights", [])}
        granting = self._granting[right]
        found = set()
        for i in range(0, len(users), 50):
            answer = self.call("query", list="users", ususers="|".join(users[i:i + 50]),
                               usprop="groups", formatversion=2)["query"]["users"]
            found |= {u["name"] for u in answer if granting & set(u.get("groups", []))}
        return frozenset(found)

    def newest_change(self) -> tuple[int, int]:
        """The ids of the wiki's newest recent change (edit, creation or log action) and
        of its newest patrol (patrols are logged, not listed among recent changes): what
        changes whenever the desk's lists may (one request; 0 when none)."""
        result = self.call("query", list="recentchanges|logevents", rclimit=1, rcprop="ids",
                           rctype="edit|new|log", letype="patrol", lelimit=1, leprop="ids",
                           formatversion=2)["query"]
        changes, patrols = result.get("recentchanges", []), result.get("logevents", [])
        return (changes[0]["rcid"] if changes else 0, patrols[0]["logid"] if patrols else 0)

    def texts_of(self, revids: Iterable[int]) -> dict[int, str]:
        """The texts of those revisions, by revision id, in batches."""
        wanted = sorted({r for r in revids if r})
        found: dict[int, str] = {}
        for i in range(0, len(wanted), 50):
            result = self.call("query", prop="revisions", revids="|".join(
                map(str, wanted[i:i + 50])), rvprop="ids|content", rvslots="main",
                formatversion=2)
            for page in result.get("query", {}).get("pages", []):
                for r in page.get("revisions", []):
                    found[r["revid"]] = r.get("slots", {}).get("main", {}).get("content", "")
        return found

    def _by_titles(self, titles: Iterable[str], query) -> dict[str, PageRevision | None]:
        """``query(titles=…, aliases=…)`` by batches of titles; each asked title gets its
        page under the name it was asked by, or ``None``."""
        titles = list(dict.fromkeys(titles))
        found: dict[str, PageRevision | None] = dict.fromkeys(titles)
        for i in range(0, len(titles), self.batch_size):
            normalized: dict[str, str] = {}
            for rev in query(titles="|".join(titles[i : i + self.batch_size]),
                             aliases=normalized):
                found[normalized.get(rev.title, rev.title)] = rev
        return found

    def _pages(self, convert, aliases: dict | None = None, **params) -> list[PageRevision]:
        """Run a page query with its continuations; ``convert`` makes each answered page
        a PageRevision (or ``None``: skipped); each page is collected once."""
        params.update(formatversion=2, curtimestamp=1)
        pages: dict[str, PageRevision] = {}
        cont: dict = {}
        while True:
            result = self.call("query", **params, **cont)
            if not self.start_timestamp:
                self.start_timestamp = result.get("curtimestamp", "")
            query = result.get("query", {})
            if aliases is not None:
                for pair in query.get("normalized", []):
                    aliases[pair["to"]] = pair["from"]
            for page in query.get("pages", []):
                rev = convert(page)
                if rev is not None:
                    pages[page["title"]] = rev
            if "continue" not in result:
                return sorted(pages.values(), key=lambda r: r.title)
            cont = result["continue"]

    def revision_texts(self, revids: Iterable[int]) -> dict[int, str]:
        """``{revid: text}`` for revisions of any pages, read in batches."""
        revids = list(dict.fromkeys(revids))
        found: dict[int, str] = {}
        for i in range(0, len(revids), self.batch_size):
            chunk = revids[i : i + self.batch_size]
            result = self.call("query", prop="revisions", revids="|".join(map(str, chunk)),
                               rvprop="ids|content", rvslots="main", formatversion=2)
            for page in result.get("query", {}).get("pages", []):
                for rev in page.get("revisions", []):
                    found[rev["revid"]] = rev["slots"]["main"].get("content", "")
        return found

    def pages_with_prefix(self, prefix: str, namespace: int = 0) -> list[PageRevision]:
        """Every page of ``namespace`` whose title starts with ``prefix`` (every page of it
        for ``""``), with its current text, in batches (one request per batch of pages)."""
        params = dict(generator="allpages", gapnamespace=namespace, gaplimit=self.batch_size)
        if prefix:
            params["gapprefix"] = prefix
        return self.revisions(**params)

    def titles_with_prefix(self, prefix: str, namespace: int = 0) -> list[str]:
        """The titles of the pages of ``namespace`` starting with ``prefix``, without their
        text (one request per batch of titles), sorted."""
        titles: list[str] = []
        cont: dict = {}
        while True:
            result = self.call("query", list="allpages", apprefix=prefix, apnamespace=namespace,
                               aplimit=self.batch_size, formatversion=2, **cont)
            titles += [page["title"] for page in result.get("query", {}).get("allpages", [])]
            if "continue" not in result:
                return sorted(titles)
            cont = result["continue"]

    def history(self, title: str, depth: int = 50) -> list[PageRevision]:
        """The last ``depth`` revisions of a page with their text, newest first (one
        request; empty for a missing page)."""
        result = self.call("query", prop="revisions", titles=title, rvslots="main",
                           rvprop="ids|timestamp|user|content", rvlimit=depth,
                           formatversion=2)
        pages = result.get("query", {}).get("pages", [])
        if not pages:
            return []
        return [PageRevision(pages[0]["title"], r["revid"], r["timestamp"],
                             r["slots"]["main"].get("content", ""), r.get("user", ""))
                for r in pages[0].get("revisions") or []]

    def recent_changes(self, *, namespace: int | None = None, unpatrolled: bool = False,
                       batch: int = 500) -> Iterator[Change]:
        """The wiki's recent edits and page creations, newest first, read ``batch`` at a
        time: the next batch is asked for only when the caller reads on (a watcher stops
        at the last change it handled). ``unpatrolled`` needs the patrol right."""
        params = dict(list="recentchanges", rcprop="title|ids|user|timestamp|comment",
                      rctype="edit|new", rcdir="older", rclimit=batch, formatversion=2)
        if namespace is not None:
            params["rcnamespace"] = namespace
        if unpatrolled:
            params["rcshow"] = "!patrolled"
        cont: dict = {}
        while True:
            result = self.call("query", **params, **cont)
            for rc in result.get("query", {}).get("recentchanges", []):
                yield Change(rc["rcid"], rc["title"], rc.get("revid") or 0,
                             rc.get("old_revid") or 0, rc.get("user", ""),
                             rc.get("timestamp", ""), rc.get("comment", ""),
                             rc.get("type") == "new")
            if "continue" not in result:
                return
            cont = result["continue"]

    def unpatrolled_edits(self, namespace: int, limit: int = 50) -> list[Change]:
        """The newest ``limit`` unpatrolled edits of ``namespace`` (one request)."""
        return list(islice(self.recent_changes(namespace=namespace, unpatrolled=True,
                                               batch=limit), limit))

    def patrol(self, revid: int) -> None:
        """Mark a revision patrolled with this session's own patrol token."""
        tokens = self.call("query", meta="tokens", type="patrol", formatversion=2)
        self.call("patrol", revid=revid, token=tokens["query"]["tokens"]["patroltoken"],
                  formatversion=2)

    def file_sha1(self, names: Iterable[str]) -> dict[str, str | None]:
        """The SHA-1 of each file's current version (``None``: no such file), read in
        batches of titles through ``prop=imageinfo`` (names without ``File:``)."""
        names = list(dict.fromkeys(names))
        found: dict[str, str | None] = dict.fromkeys(names)
        for i in range(0, len(names), self.batch_size):
            titles = {f"File:{name}": name for name in names[i : i + self.batch_size]}
            answered: set[str] = set()
            cont: dict = {}
            while True:
                result = self.call("query", prop="imageinfo", iiprop="sha1", iilimit=1,
                                   titles="|".join(titles), formatversion=2, **cont)
                query = result.get("query", {})
                aliases = {pair["to"]: pair["from"] for pair in query.get("normalized", [])}
                for page in query.get("pages", []):
                    asked = aliases.get(page["title"], page["title"])
                    info = page.get("imageinfo") or []
                    if asked not in titles or asked in answered:
                        continue  # the continuation lists older versions: first is current
                    if info or page.get("missing") or page.get("imagerepository") == "":
                        answered.add(asked)
                    if info and info[0].get("sha1"):
                        found[titles[asked]] = info[0]["sha1"]
                # MediaWiki offers to continue with each file's *older* versions: follow it
                # only while a file of the batch has not been answered at all.
                if "continue" not in result or answered >= set(titles):
                    break
                cont = result["continue"]
        return found

    def upload(self, name: str, data: bytes, *, description: str, comment: str,
               mime: str = "image/png") -> dict | None:
        """Upload ``data`` as ``File:<name>`` (a new file or a new version; the caller
        decided it changed). Returns the API's ``upload`` result, or ``None`` when the
        file's current version already has these bytes. The stop page halts bots first."""
        config = self.config
        if config.bot_user and self.stop_requested():
            raise StopRequested(
                f"The stop page {config.stop_page!r} asks the bots to halt: nothing more is "
                "uploaded. Remove the STOP line from it to let them run again."
            )
        fields = {
            "action": "upload", "format": "json", "formatversion": 2, "filename": name,
            "comment": comment, "text": description, "ignorewarnings": 1,
            "watchlist": "nochange", "maxlag": MAXLAG,
            "assert": "bot" if self.is_bot else "user",
        }
        if config.edit_tag and self.is_bot:
            fields["tags"] = config.edit_tag
        try:
            fields["token"] = self.site.get_token("csrf")
            raw = self.site.raw_call("api", fields, files={"file": (name, io.BytesIO(data),
                                                                   mime)})
            info = json.loads(raw) if raw else {}
            self.site.handle_api_result(
                info, kwargs={k: v for k, v in fields.items() if k != "token"})
        except mwclient.errors.APIError as exc:
            if exc.code == "fileexists-no-change":
                return None
            raise WikiError(
                f"The wiki refused to upload {name!r}: {exc.code}: {exc.info}. The bot needs "
                "the upload grants (uploadfile, uploadeditmovefile) and $wgEnableUploads."
            ) from None
        except (ValueError, requests.RequestException, mwclient.errors.MwClientError) as exc:
            raise WikiError(
                f"The wiki at {config.wiki_url} did not answer the upload of {name!r} "
                f"properly ({type(exc).__name__}: {exc})."
            ) from None
        result = info.get("upload", {})
        if result.get("result") != "Success":
            raise WikiError(f"The wiki did not store {name!r}: {json.dumps(result)[:300]}")
        return result

    # -- writes ---------------------------------------------------------------------

    def stop_requested(self, page: PageRevision | None | bool = False) -> bool:
        """Whether the emergency stop page has a line that is just STOP (or ARRÊT);
        ``page`` is the stop page when the caller already read it."""
        if page is False:
            page = self.read([self.config.stop_page]).get(self.config.stop_page)
        if page is None:
            return False
        return any(line.strip().upper() in STOP_WORDS for line in page.text.splitlines())

    def save(self, title: str, text: str, summary: str, base: PageRevision | None) -> Saved:
        """Write a page, or report a conflict; never overwrite a change made meanwhile.

        ``base`` is the revision the new text was computed from (``None``: the page did
        not exist, so it is created only if it still does not). The check before writing
        and the write hold the page's lock in this process; a revision another process
        of the same account saved in between (which the wiki does not report) is put
        back after the write, and the save is a conflict. For an addition to the page,
        :meth:`update` redoes it on the latest revision instead.
        """
        with _saving(title):
            saved = self._save(title, text, summary, base)
            if not _slipped(saved, base):
                return saved
            # A revision saved meanwhile (the same account, another process: the wiki
            # reports no conflict) was replaced: put it back, and refuse ours.
            (lost,) = self.revisions(revids=str(saved.parent)) or [None]
            now = self.read([title])[title]
            if lost is not None and now is not None and now.revid == saved.revid:
                self._save(title, lost.text, summary, now)
            return Saved(title, SaveStatus.CONFLICT, code="editconflict")

    def update(self, title: str, change: Callable[[PageRevision | None], str], summary: str,
               base: PageRevision | None, attempts: int = 4) -> Saved:
        """Save ``change(revision)``: an addition (post-its appended, a decision inserted)
        computed from ``base``, applied again to the latest revision when the page moved
        since it was read, so nothing another save added meanwhile is lost and the
        addition is made once. After the save, a revision that slipped in between (the
        same account in another process: the wiki reports no conflict) is put back by
        applying the addition to it and saving on top. A ``conflict`` only after
        ``attempts`` tries."""
        with _saving(title):  # read, add and save: once at a time in this process
            return self._update(title, change, summary, base, attempts)

    def _update(self, title: str, change: Callable[[PageRevision | None], str], summary: str,
                base: PageRevision | None, attempts: int) -> Saved:
        page = base
        saved = Saved(title, SaveStatus.CONFLICT, code="editconflict")
        for _ in range(attempts):
            saved = self._save(title, change(page), summary, page)
            if saved.ok:
                if not _slipped(saved, page):
                    return saved
                # Our text replaced a revision we did not read: redo the addition on it.
                (lost,) = self.revisions(revids=str(saved.parent)) or [None]
                if lost is None:
                    return saved
                page = self.read([title])[title]
                if page is None or page.revid != saved.revid:
                    continue  # moved again: the loop reads and adds once more
                repaired = self._save(title, change(lost), summary, page)
                if repaired.ok:
                    return replace(repaired, parent=saved.revid)
            page = self.read([title])[title]
        return saved

    def _save(self, title: str, text: str, summary: str, base: PageRevision | None) -> Saved:
        """One check against ``base`` and one write (callers hold the page's lock): the
        size limit, the stop page, the revision read; then the edit."""
        limit = (getattr(self.site, "site", None) or {}).get("maxarticlesize")
        size = len(text.encode("utf-8"))
        if limit and size > limit:
            raise WikiError(
                f"{title!r} would be {size / 1e6:.1f} MB of wikitext, over this wiki's page "
                f"size limit of {limit / 1e6:.1f} MB: nothing was written. An administrator "
                "can raise $wgMaxArticleSize (in KB) in LocalSettings.php."
            )
        # One read just before writing: the stop page (it halts bots only) and the page
        # itself, whose revision must still be the one the text was computed from. This
        # catches what basetimestamp (one-second resolution) cannot: a human edit saved in
        # the same second as the revision the bot read.
        stop = self.config.stop_page
        now = self.read([stop, title] if self.config.bot_user else [title])
        if self.config.bot_user and self.stop_requested(now.get(stop)):
            raise StopRequested(
                f"The stop page {stop!r} asks the bots to halt: nothing "
                "more is written. Remove the STOP line from it to let them run again."
            )
        current = now.get(title)
        if (current.revid if current else None) != (base.revid if base else None):
            if current is not None and current.text.strip() == text.strip():
                return Saved(title, SaveStatus.SAVED, current.revid)  # already written (a retry)
            return Saved(title, SaveStatus.CONFLICT, code="editconflict")
        try:
            token = self.site.get_token("csrf")
        except (requests.RequestException, mwclient.errors.MwClientError) as exc:
            raise self._unreachable(exc) from None
        params = dict(
            title=title, text=text, summary=summary, bot=1, token=token,
            watchlist="nochange", starttimestamp=self.start_timestamp or _now(),
        )
        params["assert"] = "bot" if self.is_bot else "user"
        if self.config.edit_tag and self.is_bot:
            params["tags"] = self.config.edit_tag
        if base is None:
            params["createonly"] = 1
        else:
            params.update(basetimestamp=base.timestamp, baserevid=base.revid, nocreate=1)
        try:
            result = self.call("edit", **params)["edit"]
        except Refused as exc:
            if exc.code in ("editconflict", "articleexists", "missingtitle", "pagedeleted"):
                # A retried write whose first answer was lost finds its own text there.
                now = self.read([title]).get(title)
                if now is not None and now.text.strip() == text.strip() \
                        and now.user == self.username:
                    return Saved(title, SaveStatus.SAVED, now.revid)
                return Saved(title, SaveStatus.CONFLICT, code=exc.code)
            raise WikiError(
                f"The wiki refused to save {title!r}: {exc.code}: {exc.info}"
            ) from None
        # No "oldrevid" when nothing changed (or a page was created): on what was read.
        return Saved(title, SaveStatus.SAVED, result.get("newrevid"),
                     parent=result.get("oldrevid", base.revid if base else 0))

    # -- plumbing -------------------------------------------------------------------

    def call(self, action: str, **params) -> dict:
        """One API call with ``maxlag``; network failures become a clear WikiError, an
        error the API answers a :class:`Refused` (with its code and info).

        A read-only wiki (maintenance, a replica catching up) is waited out like lag:
        the call is retried with a growing pause before giving up (mwclient retries lag,
        5xx and connection errors itself, but not ``readonly``).
        """
        params.setdefault("maxlag", MAXLAG)
        for attempt in range(self.max_retries + 1):
            try:
                return self.site.api(action, **params)
            except mwclient.errors.APIError as exc:
                if exc.code != "readonly":
                    raise Refused(exc.code, exc.info) from None
                if attempt == self.max_retries:
                    raise ReadOnly(
                        f"The wiki at {self.config.wiki_url} is read-only right now "
                        f"({exc.info}); nothing was written. Try again later."
                    ) from None
                time.sleep(self.retry_timeout * (attempt + 1))
            except (requests.RequestException, mwclient.errors.MaximumRetriesExceeded,
                    mwclient.errors.InvalidResponse) as exc:
                raise self._unreachable(exc) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def _unreachable(self, exc: Exception) -> WikiError:
        return Unreachable(
            f"The wiki at {self.config.wiki_url} did not answer properly "
            f"({type(exc).__name__}: {exc}). Is it running (`coacte wiki status`)?"
        )

    def _count(self, response: requests.Response, *args, **kwargs) -> None:
        request = response.request
        body = request.body or ""
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        fields = parse_qs(body) if body else parse_qs(urlsplit(request.url).query)
        action = fields.get("action", ["?"])[0]
        if action == "query":
            kind = "query:" + "|".join(
                fields.get("generator", []) + fields.get("prop", []) + fields.get("meta", [])
            )
            action = kind
        self.requests[action] += 1

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


def _revision(page: dict) -> PageRevision | None:
    """A ``prop=revisions`` page: its current revision with its text."""
    revs = page.get("revisions")
    if not revs:
        return None
    rev = revs[0]
    return PageRevision(page["title"], rev["revid"], rev["timestamp"],
                        rev["slots"]["main"].get("content", ""), rev.get("user", ""))


def _revision_id(page: dict) -> PageRevision | None:
    """A ``prop=info`` page: its current revision id only (no text, no time)."""
    return PageRevision(page["title"], page["lastrevid"], "", "") \
        if page.get("lastrevid") else None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def connect(config: Config) -> Wiki:
    """A logged-in :class:`Wiki` for ``config``."""
    return Wiki(config).login()
