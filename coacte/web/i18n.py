"""The interface's language: French, English or Portuguese, chosen from the browser.

Messages live in the same MediaWiki-style JSON files as the bots' (``coacte/i18n/web``),
so one format serves the wiki, the bots and the service.
"""

from __future__ import annotations

from flask import Flask, g, request

from coacte.i18n import LANGUAGES, message, plural


def init_app(app: Flask) -> None:
    app.before_request(choose_language)

    @app.context_processor
    def _helpers() -> dict:
        return {"_": t, "lang": lambda: g.get("lang", "fr")}


def choose_language() -> None:
    """The request's language: ``?uselang=``, else the browser's, else French. Also
    called by error pages raised before the request's own hooks ran (a refused upload)."""
    chosen = request.args.get("uselang")
    g.lang = chosen if chosen in LANGUAGES else (
        request.accept_languages.best_match(LANGUAGES) or "fr")


def t(key: str, *params: object) -> str:
    """A message in the request's language, plural forms resolved (plain text: Jinja
    escapes it)."""
    lang = g.get("lang", "fr")
    return plural(message(key, *params, lang=lang), lang)
