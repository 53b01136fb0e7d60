"""The integration session: one real local MediaWiki, started once for all tests.

Every test under ``tests/integration`` is marked ``integration`` (run only the unit tests
with ``pytest -m "not integration"``). The wiki lives in a temporary folder on a free port,
so it never touches a developer's own ``.coacte`` wiki, and is stopped at the end.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from coacte import config, localwiki
from coacte.config import Config

_HERE = Path(__file__).parent

#: Variables that would point the session at another wiki or settings file.
_ENV = ("COACTE_HOME", "COACTE_CONFIG", "COACTE_WIKI_URL", "COACTE_BOT_USER", "COACTE_BOT_PASSWORD")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``integration`` (this hook sees the whole session)."""
    for item in items:
        if _HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)


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
        pytest.skip(f"the local wiki needs {', '.join(missing)} (install them as root)")
    home = tmp_path_factory.mktemp("coacte-home")
    saved = {name: os.environ.get(name) for name in _ENV}
    for name in _ENV:
        os.environ.pop(name, None)
    os.environ["COACTE_HOME"] = str(home)
    try:
        localwiki.up(home, port=_free_port())
        yield config.load()
    finally:
        localwiki.down(home)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
