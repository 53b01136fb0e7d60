"""One writing run at a time per wiki: ``coacte synthesize`` twice, or the service's
refresh beside a cron job, would each compute and save the same pages.

The checks before each save already keep the pages right when two runs meet (a page
changed meanwhile is a conflict, never overwritten), but both runs would do the work
and report the same edits. :func:`one_run` holds an exclusive lock on a file of the
state folder, one per wiki and bot account (:func:`~coacte.wiki.incremental.state_file`):
across processes with ``flock``, and between the threads of one process (the service)
with a lock that the thread holding it may take again (the demo runs the jobs one
inside another). A run that finds the lock taken waits a bounded time, then stops with
:class:`Busy`, which names the run that holds it; the CLI exits with :data:`BUSY`.
"""

from __future__ import annotations

import fcntl
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from coacte import config as settings
from coacte.config import Config
from coacte.jobs.report import JobError
from coacte.wiki.incremental import state_file

#: The exit status of a command that found another run of the same wiki going.
BUSY = 5
#: How long a run waits for the other one to finish (seconds): a territory's refresh
#: takes seconds, a whole round's synthesis about a minute. ``COACTE_LOCK_WAIT`` sets it.
DEFAULT_WAIT = 120.0
_POLL = 0.2


class Busy(JobError):
    """Another run of the same wiki holds the lock; the message says which."""


@dataclass
class _Holder:
    """This process's hold on one lock file: the thread lock, how many nested runs of
    the holding thread are inside, and the open file that carries the ``flock``."""

    thread_lock: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    fd: int | None = None


_HOLDERS: dict[Path, _Holder] = {}
_HOLDERS_LOCK = threading.Lock()


def lock_path(config: Config, home: Path | None = None) -> Path:
    return state_file(home or settings.home(), config, "run").with_suffix(".lock")


def wait_limit() -> float:
    try:
        return max(0.0, float(settings.environment("COACTE_LOCK_WAIT") or DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT


@contextmanager
def one_run(config: Config, what: str, *, wait: float | None = None,
            home: Path | None = None) -> Iterator[None]:
    """Hold the wiki's run lock while the block runs; ``what`` (e.g. ``coacte
    synthesize``) is written in the file so a run that waits can say who holds it."""
    path = lock_path(config, home)
    limit = wait_limit() if wait is None else wait
    with _HOLDERS_LOCK:
        holder = _HOLDERS.setdefault(path, _Holder())
    deadline = time.monotonic() + limit
    if not holder.thread_lock.acquire(timeout=limit):
        raise Busy(_busy_message(path, limit))
    try:
        if holder.depth == 0:
            holder.fd = _lock_file(path, what, deadline, limit)
        holder.depth += 1
        try:
            yield
        finally:
            holder.depth -= 1
            if holder.depth == 0 and holder.fd is not None:
                os.close(holder.fd)  # closing the file releases the flock
                holder.fd = None
    finally:
        holder.thread_lock.release()


def _lock_file(path: Path, what: str, deadline: float, limit: float) -> int:
    """The lock file, opened and locked (waiting until ``deadline``), with this run
    written in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise Busy(_busy_message(path, limit)) from None
            time.sleep(_POLL)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()} {time.strftime('%Y-%m-%d %H:%M:%S')} {what}\n".encode())
    return fd


def _busy_message(path: Path, waited: float) -> str:
    try:
        holder = path.read_text(encoding="utf-8").strip()
    except OSError:
        holder = ""
    who = f" (pid, start, command: {holder})" if holder else ""
    return (f"Another run on this wiki holds {path}{who}; waited {waited:g} s. Run again "
            f"when it has finished (COACTE_LOCK_WAIT sets how long to wait).")


P = ParamSpec("P")
R = TypeVar("R")


def locked(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A writing job, run under :func:`one_run` of its wiki (its first argument); a dry
    run writes nothing and takes no lock."""
    def wrap(job: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(job)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if kwargs.get("dry_run"):
                return job(*args, **kwargs)
            with one_run(args[0].config, what):  # type: ignore[attr-defined]
                return job(*args, **kwargs)
        return run
    return wrap
