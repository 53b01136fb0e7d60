"""What an edit touches, and the debouncer's batching."""

import threading
import time

from coacte.jobs.refresh import Debouncer, touched
from coacte.model import PageRevision


def test_touched_reads_the_headers():
    pages = [PageRevision("Débat:A", 1, "t", "{{CO-ACTE débat|territoire= Mulhouse |tour=2}}"),
             PageRevision("Autre", 2, "t", "pas un débat"),
             PageRevision("Débat:B", 3, "t", "{{CO-ACTE débat|territory=Bristol|round=x}}")]
    assert touched(pages) == {("Mulhouse", 2)}


def test_debouncer_batches_a_burst_and_retries_a_failure():
    batches: list[set[str]] = []
    done = threading.Event()
    fail = {"once": True}

    def job(titles):
        if fail.pop("once", False):
            raise RuntimeError("wiki down")
        batches.append(titles)
        done.set()

    debouncer = Debouncer(job, quiet=0.2, max_wait=5)
    for n in range(5):
        debouncer.add(f"Page {n}")
        time.sleep(0.02)
    assert done.wait(5)
    assert batches == [{f"Page {n}" for n in range(5)}]


def test_failures_back_off_and_are_logged_in_one_line_after_the_first(caplog):
    """Issue 22: a wrong bot password retried about once a second forever, a traceback
    each; now the pause doubles up to a cap, and a kind of failure met before is one
    line."""
    import logging

    debouncer = Debouncer(lambda titles: None, backoff=2, longest=30)
    with caplog.at_level(logging.WARNING):
        pauses = [debouncer.failed(PermissionError("login refused"), {"P"}) for _ in range(6)]
    assert pauses == [2, 4, 8, 16, 30, 30]
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1 and len(caplog.records) == 6
    assert "next try in 30 s" in caplog.records[-1].getMessage()
