"""The webhook receiver: the CoActe extension's signed "a debate page was saved".

Unsigned, forged, stale or replayed calls are refused and change nothing; an accepted
call queues the page for a debounced refresh (:mod:`coacte.jobs.refresh`) done as the bot.
The nonces seen are kept in ``COACTE_WEBHOOK_NONCES`` (a Flask config key; tests set it)
or the state folder's file (:func:`coacte.web.webhook.nonce_file`), across restarts.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from coacte import config as settings
from coacte.jobs.refresh import Debouncer, refresh
from coacte.web import webhook
from coacte.wiki.client import connect

bp = Blueprint("hooks", __name__, url_prefix="/hooks")

#: Guards the first opening of an app's nonce file against two simultaneous first calls.
_opening = threading.Lock()


def _job(config, stores):
    """The refresh, as the bot (the edit's author already has their name in history)."""
    def job(titles: set[str]) -> None:
        refresh(connect(config), titles, stores=stores)
    return job


_DEBOUNCER_LOCK = threading.Lock()


def _debouncer() -> Debouncer:
    """The app's one refresh worker, made on the first call (under a lock: two first
    calls at once must not start two workers)."""
    app = current_app
    with _DEBOUNCER_LOCK:
        if "coacte_refresh" not in app.extensions:
            app.extensions["coacte_refresh"] = Debouncer(
                _job(app.config["COACTE"], app.extensions["coacte_stores"]),
                app.config.get("COACTE_REFRESH_QUIET", 0.5),
                app.config.get("COACTE_REFRESH_MAX_WAIT", 2.0))
        return app.extensions["coacte_refresh"]


def _nonce_path() -> Path:
    """The app's nonce file: ``COACTE_WEBHOOK_NONCES`` (tests) or the state folder's."""
    path = current_app.config.get("COACTE_WEBHOOK_NONCES")
    return Path(path) if path else webhook.nonce_file(settings.home())


def _nonces() -> webhook.Nonces:
    """The app's nonce store, opened at its first call: an app that is never called (the
    forms' tests, a service without the extension) writes no file."""
    app = current_app
    with _opening:
        if "coacte_nonces" not in app.extensions:
            app.extensions["coacte_nonces"] = webhook.Nonces(_nonce_path())
    return app.extensions["coacte_nonces"]


def _verify(secret: str) -> webhook.Verdict:
    """The call's verdict. A nonce file that cannot be used (unreadable, a full disk)
    refuses the call (503) rather than accept it: without the file a replay could not be
    told apart. The wiki's save is unaffected (the extension only logs the failure)."""
    try:
        return webhook.verify(secret, request.headers.get, request.get_data(), _nonces())
    except (sqlite3.Error, OSError) as error:
        current_app.logger.error("webhook refused: the nonce file %s cannot be used (%s)",
                                 _nonce_path(), error)
        return webhook.Verdict(False, 503, "nonce store unavailable")


@bp.route("/edit", methods=["POST"])
def edit():
    config = current_app.config["COACTE"]
    secret = config.extra.get("web", {}).get("webhook_secret", "")
    verdict = _verify(secret)
    if not verdict.ok:
        current_app.logger.warning("webhook refused: %s", verdict.reason)
        return jsonify(error=verdict.reason), verdict.status
    title = verdict.event["title"]
    if current_app.config.get("COACTE_REFRESH_SYNC"):
        _job(config, current_app.extensions["coacte_stores"])({title})  # tests: at once
    else:
        _debouncer().add(title)
    return jsonify(queued=title), 202
