"""The web service: forms for facilitators, the moderators' desk, (later) the webhook.

``create_app`` is the factory (Flask's pattern): one app per configuration, no global
state, so tests build as many as they like. Each user role has its blueprint:
:mod:`~coacte.web.auth` (log in against the wiki), :mod:`~coacte.web.forms`
(facilitators), :mod:`~coacte.web.moderation` (moderators). Views only wire: the
validation, rendering and wiki access are the core's.
"""

from __future__ import annotations

import logging
import secrets
from importlib import import_module

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from coacte import config as settings
from coacte.cache.stores import NONE, Stores
from coacte.config import Config
from coacte.web import i18n
from coacte.web.pending import PER_SESSION, TOTAL, PendingStore
from coacte.web.sessions import SessionStore

log = logging.getLogger(__name__)

#: Blueprint modules; a module missing from an install is skipped, not fatal.
BLUEPRINTS = ("coacte.web.auth", "coacte.web.forms", "coacte.web.moderation", "coacte.web.review",
              "coacte.web.hooks")


def create_app(config: Config | None = None, *, stores: Stores = NONE,
               **overrides) -> Flask:
    """Build the app for a wiki configuration (default: the bots' own, ``coacte.toml``
    and the environment). ``stores``: the caches its jobs keep between runs (``coacte
    serve`` passes the bots' own). ``overrides`` set Flask config keys (tests use them)."""
    app = Flask(__name__)
    config = config or settings.load()
    web = config.extra.get("web", {})
    secret = settings.environment("COACTE_SECRET_KEY") or web.get("secret_key")
    if not secret:
        log.warning("No COACTE_SECRET_KEY: sessions will not survive a restart.")
        secret = secrets.token_hex(32)
    # Behind https (the service's [web] url), the browser sends the cookie over https
    # only; HSTS is the proxy's to set (it serves the certificate).
    secure = web.get("secure_cookies", str(web.get("url", "")).startswith("https://"))
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(secure),
        COACTE=config,
        COACTE_SESSION_HOURS=float(web.get("session_hours", 8)),
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    )
    app.config.update(overrides)
    app.extensions["coacte_sessions"] = SessionStore(app.config["COACTE_SESSION_HOURS"])
    app.extensions["coacte_forms_pending"] = PendingStore(
        per_session=int(web.get("previews_per_session", PER_SESSION)),
        total=int(web.get("previews_total", TOTAL)))
    app.extensions["coacte_stores"] = stores
    csrf = CSRFProtect(app)
    i18n.init_app(app)
    for name in BLUEPRINTS:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        app.register_blueprint(module.bp)
        if name == "coacte.web.hooks":
            csrf.exempt(module.bp)  # the wiki signs its calls instead (HMAC)

    @app.context_processor
    def _endpoints() -> dict:
        return {"url_map_endpoints": set(app.view_functions)}

    return app
