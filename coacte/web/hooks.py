"""The webhook receiver: the CoActe extension's signed "a debate page was saved".

Unsigned, forged, stale or replayed calls are refused and change nothing; an accepted
call queues the page for a debounced refresh (:mod:`coacte.jobs.refresh`) done as the bot.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from coacte.jobs.refresh import Debouncer, refresh
from coacte.web import webhook
from coacte.wiki.client import connect

bp = Blueprint("hooks", __name__, url_prefix="/hooks")


def _job(config, stores):
    """The refresh, as the bot (the edit's author already has their name in history)."""
    def job(titles: set[str]) -> None:
        refresh(connect(config), titles, stores=stores)
    return job


def _debouncer() -> Debouncer:
    app = current_app
    if "coacte_refresh" not in app.extensions:
        app.extensions["coacte_refresh"] = Debouncer(
            _job(app.config["COACTE"], app.extensions["coacte_stores"]),
            app.config.get("COACTE_REFRESH_QUIET", 0.5),
            app.config.get("COACTE_REFRESH_MAX_WAIT", 2.0))
    return app.extensions["coacte_refresh"]


@bp.route("/edit", methods=["POST"])
def edit():
    config = current_app.config["COACTE"]
    secret = config.extra.get("web", {}).get("webhook_secret", "")
    nonces = current_app.extensions.setdefault("coacte_nonces", webhook.Nonces())
    verdict = webhook.verify(secret, request.headers.get, request.get_data(), nonces)
    if not verdict.ok:
        current_app.logger.warning("webhook refused: %s", verdict.reason)
        return jsonify(error=verdict.reason), verdict.status
    title = verdict.event["title"]
    if current_app.config.get("COACTE_REFRESH_SYNC"):
        _job(config, current_app.extensions["coacte_stores"])({title})  # tests: at once
    else:
        _debouncer().add(title)
    return jsonify(queued=title), 202
