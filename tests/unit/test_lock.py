"""One writing run at a time per wiki: across processes, across threads, nested."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from coacte.config import Config
from coacte.jobs.lock import Busy, lock_path, locked, one_run

CONFIG = Config(wiki_url="http://127.0.0.1:1", bot_user="Bot@x")


def test_nested_runs_of_one_thread_share_the_lock(tmp_path):
    with (one_run(CONFIG, "outer", home=tmp_path, wait=0),
          one_run(CONFIG, "inner", home=tmp_path, wait=0)):
        assert "outer" in lock_path(CONFIG, tmp_path).read_text()
    with one_run(CONFIG, "again", home=tmp_path, wait=0):  # released at the end
        pass


def test_another_thread_waits_then_gives_up_naming_the_holder(tmp_path):
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with one_run(CONFIG, "coacte synthesize", home=tmp_path, wait=0):
            inside.set()
            leave.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait(10)
    try:
        with (pytest.raises(Busy, match="coacte synthesize"),
              one_run(CONFIG, "coacte global", home=tmp_path, wait=0.3)):
            pass
    finally:
        leave.set()
        holder.join()


def test_another_process_holding_the_lock_makes_a_run_busy(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from coacte.config import Config
        from coacte.jobs.lock import one_run
        with one_run(Config(wiki_url={CONFIG.wiki_url!r}, bot_user={CONFIG.bot_user!r}),
                     "coacte synthesize --full", home=Path({str(tmp_path)!r}), wait=0):
            print("held", flush=True)
            time.sleep(30)
    """)
    other = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        started = time.monotonic()
        with (pytest.raises(Busy) as caught,
              one_run(CONFIG, "coacte global", home=tmp_path, wait=0.5)):
            pass
        assert time.monotonic() - started >= 0.5  # it waited before giving up
        assert f"{other.pid} " in str(caught.value)
        assert "coacte synthesize --full" in str(caught.value)
    finally:
        other.kill()
        other.wait()
    with one_run(CONFIG, "coacte global", home=tmp_path, wait=5):  # freed by its exit
        pass


def test_a_locked_job_takes_the_lock_unless_it_is_a_dry_run(tmp_path, monkeypatch):
    monkeypatch.setenv("COACTE_HOME", str(tmp_path))
    seen: list[bool] = []

    class Wiki:
        config = CONFIG

    @locked("coacte test")
    def job(wiki, *, dry_run: bool = False) -> str:
        seen.append(lock_path(CONFIG).exists() and "coacte test" in
                    lock_path(CONFIG).read_text())
        return "done"

    assert job(Wiki(), dry_run=True) == "done" and seen == [False]
    assert job(Wiki()) == "done" and seen == [False, True]
