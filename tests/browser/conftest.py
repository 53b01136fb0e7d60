"""End-to-end browser tests: Debian's headless Chromium, driven by Playwright, against the
Flask service served by a real WSGI server and the session's real MediaWiki.

Every test of this folder is marked ``integration`` and ``browser``
(``pytest -m "not browser"`` runs the rest). Chromium is not optional here: a missing
``/usr/bin/chromium`` fails the tests (``scripts/test.sh`` installs it). Set
``COACTE_SCREENSHOTS=1`` to save a screenshot of every page visited in ``screenshots/``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from coacte.config import Config
from coacte.web import create_app
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, Shots, new_context
from tests.integration.helpers import run

_HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the headless Chromium (Playwright)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder (this hook sees the whole session)."""
    for item in items:
        if _HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def installed(local_wiki: Config) -> Config:
    """The wiki with the contract's templates and the grid (pages render the post-its)."""
    result = run("install")
    assert result.exit_code == 0, result.output
    return local_wiki


@pytest.fixture(scope="session")
def server(installed: Config) -> Iterator[str]:
    """The service (``create_app``) on a real threaded WSGI server on 127.0.0.1 and a free
    port, in a background thread; yields its base URL, shut down at the end."""
    app = create_app(installed)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="coacte-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install chromium, as scripts/test.sh does)", pytrace=False)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture()
def context(browser):
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture()
def page(context):
    return context.new_page()


@pytest.fixture()
def shot(request) -> Shots:
    return Shots(request.node.name)
