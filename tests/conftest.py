"""The test session's real local MediaWiki, started once for all tests that need it.

The wiki lives in a temporary folder on a free port, so it never touches a developer's
own ``.coacte`` wiki, and is stopped at the end. Tests under ``tests/integration`` and
``tests/web`` are marked ``integration`` (``pytest -m "not integration"`` runs the rest).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from coacte import config
from coacte.config import Config
from coacte.wiki import local as localwiki

#: Variables that would point the session at another wiki or settings file.
_ENV = ("COACTE_HOME", "COACTE_CONFIG", "COACTE_WIKI_URL", "COACTE_BOT_USER", "COACTE_BOT_PASSWORD")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def local_wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    """A running local wiki for the session; yields its ``Config`` (as ``config.load()`` reads it).

    ``COACTE_HOME`` points at the session's folder while the session runs, so code under
    test that calls ``coacte.config.load()`` finds this wiki; the environment is restored
    at the end.
    """
    missing = localwiki.missing_requirements()
    if missing and os.geteuid() != 0:
        pytest.fail(f"the local wiki needs {', '.join(missing)}: run scripts/test.sh as root "
                    "(it installs them)")
    home = tmp_path_factory.mktemp("coacte-home")
    saved = {name: os.environ.get(name) for name in _ENV}
    for name in _ENV:
        os.environ.pop(name, None)
    os.environ["COACTE_HOME"] = str(home)
    try:
        localwiki.up(home, port=_free_port(), service_port=_free_port())
        yield config.load()
    finally:
        localwiki.down(home)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
