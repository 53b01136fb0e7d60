"""Helpers of the browser tests: Chromium's settings, contexts, screenshots, logging in."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from coacte.config import Config
from coacte.wiki.client import Wiki

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
#: Milliseconds a browser action or navigation may take (the wiki answers in ~1 s).
TIMEOUT_MS = 20_000


def new_context(browser: Browser, **options) -> BrowserContext:
    """A fresh context (no cookies) with the French interface and the suite's timeouts."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900},
                                  **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


class Shots:
    """Screenshots of the pages a test visits, only when ``COACTE_SCREENSHOTS`` is set:
    ``screenshots/<test>-<nn>-<name>.png``."""

    def __init__(self, test_name: str):
        self.enabled = bool(os.environ.get("COACTE_SCREENSHOTS"))
        self.prefix = re.sub(r"[^A-Za-z0-9_]+", "_", test_name.removeprefix("test_"))
        self.count = 0

    def __call__(self, page: Page, name: str) -> None:
        if not self.enabled:
            return
        self.count += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def watch_dialogs(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens (dismissed); a test asserts none."""
    seen: list[str] = []

    def on_dialog(dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


def log_in(page: Page, server: str, config: Config, who: str, shot: Shots) -> None:
    """Log in through the form as the local wiki's "editor" or "moderator": type the
    name, Tab, type the password, press Enter; lands on the home page."""
    local = config.extra["local"]
    page.goto(f"{server}/login")
    shot(page, f"login-{who}")
    expect(page.locator("#username")).to_be_focused()  # autofocus: the keyboard starts here
    page.keyboard.type(local[f"{who}_user"])
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(local[f"{who}_password"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("header .who")).to_have_text(local[f"{who}_user"])
    shot(page, f"logged-in-{who}")


def last_user(wiki: Wiki, title: str) -> str:
    """Who saved the page's last revision, as the wiki's API says."""
    result = wiki.call("query", prop="revisions", titles=title, rvprop="user",
                       formatversion=2)
    return result["query"]["pages"][0]["revisions"][0]["user"]
