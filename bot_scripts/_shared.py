"""Wiring shared by the bots: connect, report problems, write JSON. No logic here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from coacte import config as settings
from coacte.cache.stores import Stores
from coacte.i18n import language, message
from coacte.jobs.lock import BUSY, Busy
from coacte.jobs.publish import CONFLICT, PENDING, UNCHANGED, Outcome
from coacte.jobs.report import CONFIGURATION, LOGIN, NETWORK, READ_ONLY, JobError, Report
from coacte.problems import Problem
from coacte.wiki.client import LoginRefused, ReadOnly, Unreachable, Wiki, WikiError, connect

#: What stops a run with its own exit status, and that status (:mod:`coacte.cli` turns
#: each into one line on standard error).
EXIT_STATUSES: dict[type[Exception], int] = {
    Busy: BUSY, settings.ConfigError: CONFIGURATION, LoginRefused: LOGIN,
    Unreachable: NETWORK, ReadOnly: READ_ONLY,
}
STOPS = tuple(EXIT_STATUSES)

dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the diffs of what would change; write nothing."
)
json_option = click.option(
    "--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the result as JSON to this file ('-' for standard output).",
)


def open_wiki() -> Wiki:
    """Log in to the configured wiki, or stop with a message that says what to do."""
    try:
        return connect(settings.load())
    except STOPS:
        raise  # their own exit statuses: see coacte.cli
    except WikiError as exc:
        raise click.ClickException(str(exc)) from None


def open_stores() -> Stores:
    """The caches the bots keep between runs, so each text is encoded and each page
    revision parsed once: ``<home>/cache/embeddings.sqlite`` and ``parsed.sqlite``.
    Passed to the jobs that read debate pages or cluster ideas."""
    return Stores.at(settings.home() / "cache")


@contextmanager
def fail_on(*errors: type[Exception]) -> Iterator[None]:
    """Turn a job's :class:`~coacte.jobs.report.JobError` (and ``errors``) into click's
    error: its message on standard error, exit status 1."""
    try:
        yield
    except STOPS:
        raise  # their own exit statuses: see coacte.cli
    except (JobError, *errors) as exc:
        raise click.ClickException(str(exc)) from None


def echo_problems(problems: list[Problem], lang: str | None = None) -> None:
    lang = lang or language()
    for p in problems:
        click.echo(f"{p.location(lang)}: {p.message(lang)}", err=True)


def echo_outcome(outcome: Outcome, n: int, total: int, lang: str | None = None) -> None:
    """One line per page written, proposed, refused or (in a dry run) to be written."""
    if outcome.status == UNCHANGED and outcome.reason != PENDING:
        return
    line = f"[{n}/{total}] {outcome.title}: {outcome.status}"
    if outcome.reason:
        line += " — " + message(outcome.reason, lang=lang or language())
    click.echo(line, err=outcome.status == CONFLICT)
    if outcome.diff:
        click.echo(outcome.diff)


def write_json(path: Path | None, data: object) -> None:
    if path is None:
        return
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if str(path) == "-":
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")


class ClickReport(Report):
    """The CLI's report: problems and conflicts on standard error, the rest on output."""

    def problems(self, problems: list[Problem]) -> None:
        echo_problems(problems)

    def outcome(self, outcome: Outcome, n: int, total: int) -> None:
        echo_outcome(outcome, n, total)

    def line(self, text: str, err: bool = False) -> None:
        click.echo(text, err=err)
