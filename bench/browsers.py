"""Browsers of the service for the benchmarks: a logged-in client of the Flask app, as
one person with one of the local wiki's accounts."""

from __future__ import annotations

import re


def csrf(client, path: str) -> str:
    """The CSRF token a page's form carries."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def logged_in(app, config, who: str = "moderator"):
    """A client of ``app`` logged in as the local wiki's ``editor``, ``moderator`` or
    ``admin`` (their names and passwords are in ``[local]`` of the settings)."""
    client = app.test_client()
    local = config.extra["local"]
    client.post("/login", data={"csrf_token": csrf(client, "/login"),
                                "username": local[f"{who}_user"],
                                "password": local[f"{who}_password"]})
    return client
