"""Charts on the wiki: PNG files uploaded as ``File:CO-ACTE Tour <n> - <chart>.png``, and
only when their bytes changed.

The charts are drawn deterministically (identical data, identical bytes), so "did the
chart change?" is "does the SHA-1 of the new bytes differ from the wiki's current file?".
The wiki's SHA-1s of every chart of a run are read in one request
(``prop=imageinfo&iiprop=sha1``); a chart whose bytes the wiki already has is not uploaded
(no new file revision, nothing in anyone's watchlist), as a page whose text would not
change is not saved. A new file gets a description page (what it shows, which round,
where its data are, that the CO-ACTE bot generates it, a category); a new version of a
file keeps the description page it has (MediaWiki uses ``text`` for new files only).

Uploads go through :meth:`coacte.wiki.client.Wiki.upload`, so they follow the bot's
etiquette: the stop page is read before each upload, ``maxlag``, ``assert=bot``, the change
tag, a clear comment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from coacte.i18n import message
from coacte.render.synthesis_pages import link
from coacte.wiki.client import Wiki

#: The file name part of each chart the bots upload (stable: pages embed these names).
CHART_NAMES = {
    "programme": "programme",
    "ideas_per_dimension": "idées par dimension",
    "responsibility_heatmap": "responsabilités",
    "convergence": "convergence",
}
#: The file namespace (6) under its canonical name, accepted by every wiki language.
FILE_NS = "File"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class Chart:
    """A chart to put on the wiki: its file name (without ``File:``), PNG bytes, the
    description page's wikitext (used when the file is new) and the upload comment."""

    name: str
    png: bytes
    description: str
    comment: str

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.png).hexdigest()


@dataclass(frozen=True)
class Uploaded:
    """What happened to one chart: ``created`` (a new file), ``updated`` (a new version
    of the file) or ``unchanged`` (the wiki has these bytes: nothing uploaded). In a dry
    run, ``created``/``updated`` say what would be done."""

    name: str
    status: str
    dry_run: bool = False


def file_name(round_: int, chart: str) -> str:
    """``CO-ACTE Tour <n> - <chart>.png`` (without the namespace)."""
    return f"CO-ACTE Tour {round_} - {CHART_NAMES.get(chart, chart)}.png"


def chart(kind: str, round_: int, png: bytes, source: str, lang: str = "fr") -> Chart:
    """A chart of ``kind`` (a key of :data:`CHART_NAMES`) for ``round_``, drawn from the
    data of the page ``source``; its description and comment in ``lang`` (French, the
    network's working language, by default)."""
    what = message(f"coacte-chart-what-{kind}", lang=lang)
    description = message("coacte-chart-description", what, round_, link(source),
                          message("coacte-chart-category", lang=lang), lang=lang)
    comment = message("coacte-chart-upload-comment", CHART_NAMES.get(kind, kind), round_,
                      lang=lang)
    return Chart(file_name(round_, kind), png, description, comment)


def current_sha1(wiki: Wiki, names: Iterable[str]) -> dict[str, str | None]:
    """The SHA-1 of the current version of each file (``None``: no such file), one
    batched request for a run's charts."""
    return wiki.file_sha1(names)


def upload_charts(wiki: Wiki, charts: Iterable[Chart], *, dry_run: bool = False,
                  progress=None) -> list[Uploaded]:
    """Upload each chart whose bytes the wiki does not have as the file's current version.

    One read for all the charts' SHA-1s, then one upload per changed chart. With
    ``dry_run`` nothing is uploaded. A :class:`~coacte.wiki.client.StopRequested` (the stop
    page) ends the loop before the next upload. ``progress(outcome, n, total)`` is called
    after each chart.
    """
    charts = list(charts)
    current = current_sha1(wiki, (c.name for c in charts))
    outcomes = []
    for n, c in enumerate(charts, 1):
        wiki_sha1 = current.get(c.name)
        if wiki_sha1 == c.sha1:
            outcome = Uploaded(c.name, UNCHANGED, dry_run)
        elif not dry_run and upload(wiki, c) is None:
            outcome = Uploaded(c.name, UNCHANGED)  # it got these bytes meanwhile
        else:
            outcome = Uploaded(c.name, CREATED if wiki_sha1 is None else UPDATED, dry_run)
        outcomes.append(outcome)
        if progress:
            progress(outcome, n, len(charts))
    return outcomes


def upload(wiki: Wiki, c: Chart) -> dict | None:
    """Upload one chart as a new file or a new version of it. Returns the API's result,
    or ``None`` when the file's current version already has these bytes."""
    return wiki.upload(c.name, c.png, description=c.description, comment=c.comment)
