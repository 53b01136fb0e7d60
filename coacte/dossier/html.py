"""The dossier as one self-contained HTML page: CSS inline, charts as ``data:`` URIs.

Rendered by the Jinja2 template ``templates/dossier.html`` with autoescaping on: every
text from the wiki (post-its, territories, groups, grid labels, network contributions)
is escaped, so it shows as written and never runs. French or English through the
``coacte-dossier-*`` messages. The same page is printed to PDF by :mod:`.pdf`.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from coacte import contract
from coacte.dossier import charts
from coacte.dossier.data import DECISION_NOTES, SECTIONS, STABLE_MOVE, Dossier
from coacte.dossier.text import translator

#: A curation action → its ``coacte-dossier-decision-*`` message suffix: the one of the
#: note it leaves on an idea (``coacte-curation-note-merged`` → ``merged``).
DECISION_KEYS = {action: note.rsplit("-", 1)[1] for action, note in DECISION_NOTES.items()}
#: The round's page state → message suffix.
STATES = {"ouvert": "open", "clos": "closed", "figé": "frozen", "": "unpublished"}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def data_uri(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode()


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}\u00a0%"


def number(value: float | None, lang: str = "en") -> str:
    """A statistic as its reader writes it: 2.25 in English, 2,25 in French and
    Portuguese."""
    if value is None:
        return "—"
    text = f"{value:g}"
    return text.replace(".", ",") if lang in ("fr", "pt") else text


def render(dossier: Dossier, lang: str = "fr", *, with_charts: bool = True) -> str:
    """The dossier's HTML page. ``with_charts=False`` leaves the charts out (faster)."""
    t = translator(lang)
    images: dict[str, str | None] = dict.fromkeys(("dimensions", "matrix", "convergence"))
    if with_charts:
        images = {
            "dimensions": data_uri(charts.ideas_per_dimension(dossier, lang)),
            "matrix": data_uri(charts.responsibility_heatmap(dossier, lang)),
            "convergence": data_uri(charts.convergence(dossier, lang)),
        }
    questions = contract.QUESTION_LABELS.get(lang, contract.QUESTION_LABELS["fr"])
    return _environment().get_template("dossier.html").render(
        d=dossier,
        lang=lang,
        t=t,
        charts=images,
        questions=[t("coacte-dossier-question", n, questions[n]) for n in sorted(questions)],
        grid_label=lambda code, label: dossier.grid_label(code, lang, label),
        stable_points=round(STABLE_MOVE * 100),
        decision_keys=DECISION_KEYS,
        section_names=[charts.section_label(s, lang) for s in SECTIONS],
        section_of=lambda idea: charts.section_label((idea.question, idea.kind), lang),
        levels=[(level, charts.level_label(level, lang)) for level in contract.LEVELS],
        state=t(f"coacte-dossier-state-{STATES.get(dossier.state, 'open')}"),
        percent=percent,
        number=lambda value: number(value, lang),
        source_link=dossier.url if dossier.url.startswith(("https://", "http://")) else "",
    )
