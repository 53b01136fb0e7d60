"""The local wiki's supervisor: a detached process per wiki, keeping its ``php -S`` alive.

``coacte wiki up`` starts it as ``python -m coacte.wiki.supervisor`` (see
:mod:`coacte.wiki.local`), detached, in a process group of its own: it runs PHP's
built-in server, asks the API from time to time, and starts the server again when it
exits or stops answering, until ``coacte wiki down`` sends SIGTERM. The process helpers
(``/proc``, the API probe) are here because the supervisor needs them and the rest of
the local wiki reads processes the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from coacte import __version__

#: Seconds to wait for a freshly started server to answer the API.
START_TIMEOUT = 30.0
#: The supervisor asks the API every WATCH_EVERY seconds; after WATCH_FAILURES answers in a
#: row missing for WATCH_TIMEOUT seconds each, it restarts the server. Generous on purpose:
#: a restart kills the requests under way, and four long saves at once (a synthesis of
#: 1,000 territories is megabytes) may keep every worker busy for a while.
WATCH_EVERY = 10.0
WATCH_TIMEOUT = 10.0
WATCH_FAILURES = 3
#: Longest pause between two restarts of a server that keeps dying at once.
RESTART_BACKOFF_MAX = 30.0
#: Marks the supervisor's command line (it is how ``up``, ``down`` and ``status`` know it).
SUPERVISOR_FLAG = "--coacte-wiki-supervisor"

USER_AGENT = f"coacte-localwiki/{__version__} (local test wiki) python-requests"


def url(port: int) -> str:
    return f"http://127.0.0.1:{port}"

def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """A process's (state, parent pid, process group) from ``/proc``; None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), int(fields[2])

def cmdline(pid: int) -> list[bytes]:
    """A process's command line, one item per argument (empty if it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []

def php_servers(port: int, pgid: int) -> list[int]:
    """The live ``php -S`` processes serving ``port`` in process group ``pgid``: master and
    workers.

    A master killed alone leaves its workers serving (they hold the listening socket, as
    seen with PHP 8.2): a restart must end them too, or the new server cannot bind.
    """
    address = f"127.0.0.1:{port}".encode()
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat_file.parent.name)
        stat = proc_stat(pid)
        if stat is None or stat[0] in ("Z", "X") or stat[2] != pgid or pid == os.getpid():
            continue
        argv = cmdline(pid)
        if b"-S" in argv and address in argv:
            found.append(pid)
    return found

def answers(url: str, timeout: float = 5.0) -> bool:
    """True if the wiki's API answers a siteinfo query within ``timeout`` seconds."""
    try:
        response = requests.get(
            url + "/api.php",
            params={"action": "query", "meta": "siteinfo", "format": "json"},
            headers={"User-Agent": USER_AGENT},
            timeout=timeout,
        )
        return response.ok and "query" in response.json()
    except (requests.RequestException, ValueError):
        return False

def php_argv(port: int, code: Path) -> list[str]:
    """PHP's built-in server for the MediaWiki code tree ``code`` on ``port`` (loopback)."""
    return ["php", "-d", "post_max_size=64M", "-S", f"127.0.0.1:{port}", "-t", str(code)]



@dataclass(frozen=True)
class Watch:
    """How a supervisor watches its server (see ``WATCH_EVERY``)."""

    every: float = WATCH_EVERY
    timeout: float = WATCH_TIMEOUT
    failures: int = WATCH_FAILURES


def supervise(argv: list[str]) -> None:
    """The supervisor process's entry point (started by ``_start_server``): run this wiki's
    ``php -S`` and start it again whenever it exits or stops answering, until SIGTERM.

    ``argv`` is ``_supervisor_argv`` after the code: the flag, the wiki folder,
    ``127.0.0.1:<port>``, the MediaWiki code tree, then the watch's every, timeout and
    failures. It logs one line per start and restart to the server log (its standard
    output).
    """
    _flag, wdir, address, code, every, timeout, failures = argv
    port = int(address.rsplit(":", 1)[1])
    watch = Watch(float(every), float(timeout), int(failures))
    signal.signal(signal.SIGTERM, _exit_on_signal)
    _log(f"supervising php -S on {address} for {wdir}")
    try:
        _supervise(port, Path(code), watch)
    finally:
        _stop_php(port)
        _log("stopped")


def _exit_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM (``down``) ends the supervisor through its ``finally``, which stops PHP."""
    raise SystemExit(128 + signum)


def _log(message: str) -> None:
    print(f"[coacte supervisor {time.strftime('%Y-%m-%d %H:%M:%S')}] {message}", flush=True)


def _supervise(port: int, code: Path, watch: Watch) -> None:
    """Start ``php -S``, watch it, stop what is left of it and start it again; for ever.

    A server that dies soon after its start (a broken setting, the port taken) is retried
    ever more slowly, up to ``RESTART_BACKOFF_MAX`` seconds apart, not in a busy loop.
    """
    backoff = 1.0
    while True:
        started = time.monotonic()
        php = subprocess.Popen(php_argv(port, code), stdin=subprocess.DEVNULL)
        _log(f"php -S started (pid {php.pid})")
        reason = _watch(php, url(port), watch)
        _log(f"{reason}; restarting php -S")
        _stop_php(port)
        with contextlib.suppress(subprocess.TimeoutExpired):
            php.wait(timeout=5)
        long_lived = time.monotonic() - started > 60
        backoff = 1.0 if long_lived else min(backoff * 2, RESTART_BACKOFF_MAX)
        time.sleep(backoff)


def _watch(php: subprocess.Popen, url: str, watch: Watch) -> str:
    """Wait until the server fails; return how.

    It fails when its master exits (a crash, a kill), or when ``watch.failures`` probes in
    a row go unanswered: all workers dead or stuck. Probes count only once the server has
    answered, or START_TIMEOUT after its start (MediaWiki's first request is slow).
    """
    started = time.monotonic()
    answered, misses, next_probe = False, 0, started
    while True:
        code = php.poll()
        if code is not None:
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
            return f"php -S exited ({how})"
        if time.monotonic() >= next_probe:
            if answers(url, timeout=watch.timeout):
                answered, misses = True, 0
            elif answered or time.monotonic() - started > START_TIMEOUT:
                misses += 1
                if misses >= watch.failures:
                    return f"no answer to {misses} probes in a row"
            next_probe = time.monotonic() + watch.every
        time.sleep(0.2)


def _stop_php(port: int) -> None:
    """End every ``php -S`` of this supervisor's process group on ``port``: SIGTERM (with
    SIGCONT, so that a stopped process acts on it), then SIGKILL for a stuck one."""
    pgid = os.getpgrp()
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 2.0)):
        pids = php_servers(port, pgid)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
                os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + wait
        while php_servers(port, pgid) and time.monotonic() < deadline:
            time.sleep(0.05)


if __name__ == "__main__":
    supervise(sys.argv[1:])
