"""Helpers for web tests: an app on the session's wiki, a logged-in test client."""

from __future__ import annotations

import re

from coacte.config import Config
from coacte.web import create_app


def app_for(config: Config, **overrides):
    return create_app(config, TESTING=True, **overrides)


def csrf(client, path: str = "/login") -> str:
    """The CSRF token a page's form carries."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(client, config: Config, who: str = "editor"):
    """Log in as the local wiki's facilitator ("editor") or moderator ("moderator")."""
    local = config.extra["local"]
    return client.post("/login", data={
        "csrf_token": csrf(client), "username": local[f"{who}_user"],
        "password": local[f"{who}_password"]}, headers={"Accept-Language": "fr"})
