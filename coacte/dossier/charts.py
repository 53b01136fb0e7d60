"""The dossier's charts, as PNG bytes: the same data always gives the same bytes.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot, no global backend, safe
in a web service's threads), at a fixed width and resolution, with no software name or
date in the PNG's metadata. Texts from the wiki are shown as written (a ``$`` is never read as
mathematics). The functions are reused to upload the charts to the wiki.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from coacte import contract
from coacte.dossier.data import SECTIONS, Dossier
from coacte.dossier.text import translator

#: Inches and dots per inch of every chart (1200 pixels wide).
WIDTH, DPI = 8.0, 150
#: At most this many ideas in the heat map (those naming levels most often).
HEATMAP_ROWS = 25
#: Characters per line of a chart's 8-point note across the figure (8 inches wide).
NOTE_CHARACTERS = 110
#: Colours of the sections (questions 1, 2, blockers, levers): colour-blind safe (Okabe–Ito).
SECTION_COLOURS = ("#009E73", "#E69F00", "#D55E00", "#0072B2")
#: Level values → ASCII message suffixes.
LEVEL_KEYS = {"local": "local", "régional": "regional", "national": "national",
              "européen": "european", "mondial": "global"}
#: Everything that could differ between two runs is left out of the PNG.
_METADATA = {"Software": None}


def short(text: str, limit: int) -> str:
    """``text`` on one line, cut at ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def message(key: str, *params: object, lang: str) -> str:
    return translator(lang)(key, *params)


def section_label(section: tuple[int, str], lang: str) -> str:
    question, kind = section
    return message(f"coacte-dossier-section-{kind or question}", lang=lang)


def level_label(level: str, lang: str) -> str:
    return message(f"coacte-dossier-level-{LEVEL_KEYS.get(level, 'local')}", lang=lang)


def _figure(height: float) -> tuple[Figure, FigureCanvasAgg]:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    return figure, FigureCanvasAgg(figure)


def _png(figure: Figure) -> bytes:
    for text in figure.findobj(Text):  # wiki text is shown as written, never as maths
        text.set_parse_math(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata=_METADATA, facecolor="white")
    return buffer.getvalue()


def _empty(title: str, text: str) -> Figure:
    figure, _ = _figure(1.6)
    figure.suptitle(title, fontsize=12, fontweight="bold")
    figure.text(0.5, 0.4, text, ha="center", va="center", fontsize=10, color="#555")
    return figure


def ideas_per_dimension_figure(dossier: Dossier, lang: str) -> Figure:
    """Horizontal bars: ideas per grid dimension (grid order, unclassified last), each
    bar split by section (achievements, still to do, blockers, levers)."""
    title = message("coacte-dossier-chart-dimensions", dossier.round, lang=lang)
    groups = list(dossier.dimensions)
    if not groups:
        return _empty(title, message("coacte-dossier-no-ideas", lang=lang))
    labels = [short(f"{g.code} — {dossier.grid_label(g.code, lang, g.label)}" if g.code else
                    message("coacte-dossier-unclassified", lang=lang), 48) for g in groups]
    figure, _ = _figure(1.4 + 0.42 * len(groups))
    ax = figure.add_subplot()
    positions = list(range(len(groups)))
    left = [0] * len(groups)
    for n, section in enumerate(SECTIONS):
        values = [g.by_section[n] for g in groups]
        ax.barh(positions, values, left=left, color=SECTION_COLOURS[n], height=0.7,
                label=section_label(section, lang))
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in zip(positions, left, strict=True):
        ax.text(total + 0.1, y, str(total), va="center", fontsize=8)
    ax.set_yticks(positions, labels, fontsize=8, parse_math=False)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) * 1.1 + 1)
    ax.set_xlabel(message("coacte-dossier-chart-ideas", lang=lang), fontsize=9)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4, fontsize=8,
              frameon=False)
    figure.suptitle(title, fontsize=12, fontweight="bold")
    return figure


def responsibility_heatmap_figure(dossier: Dossier, lang: str) -> Figure:
    """Heat map of the responsibility matrix: blockers and levers × levels, the number
    of post-its naming each level in each cell. At most :data:`HEATMAP_ROWS` ideas,
    those naming levels most often, in the matrix's order."""
    title = message("coacte-dossier-chart-matrix", dossier.round, lang=lang)
    named = [i for i in dossier.matrix if any(n for _, n in i.levels)]
    if not named:
        return _empty(title, message("coacte-dossier-no-levels", lang=lang))
    top = {i.key for i in sorted(named, key=lambda i: -sum(n for _, n in i.levels))[:HEATMAP_ROWS]}
    rows = [i for i in named if i.key in top]
    values = [[n for _, n in i.levels] for i in rows]
    highest = max(max(row) for row in values)
    figure, _ = _figure(1.9 + 0.3 * len(rows))
    ax = figure.add_subplot()
    ax.imshow(values, cmap="Blues", vmin=0, vmax=max(highest, 1) * 1.15, aspect="auto")
    for y, row in enumerate(values):
        for x, value in enumerate(row):
            if value:
                ax.text(x, y, str(value), ha="center", va="center", fontsize=8,
                        color="white" if value > highest / 2 else "#1a1a1a")
    kinds = {k: message(f"coacte-dossier-kind-short-{k}", lang=lang) for k in contract.KINDS}
    ax.set_yticks(range(len(rows)),
                  [f"{kinds[i.kind]} · {short(i.statement_in(lang), 60)}" for i in rows],
                  fontsize=8, parse_math=False)
    ax.set_xticks(range(len(contract.LEVELS)),
                  [level_label(level, lang) for level in contract.LEVELS], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.set_xticks([x + 0.5 for x in range(len(contract.LEVELS) - 1)], minor=True)
    ax.set_yticks([y + 0.5 for y in range(len(rows) - 1)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    note = message("coacte-dossier-chart-matrix-legend", lang=lang)
    if len(named) > len(rows):
        note += " " + message("coacte-dossier-chart-matrix-top", len(rows), len(named),
                              lang=lang)
    figure.suptitle(title, fontsize=12, fontweight="bold")
    # Under the map, across the figure and wrapped: long statements push the map to the
    # right, so a note beside its top left corner ran off the image.
    figure.supxlabel(textwrap.fill(note, NOTE_CHARACTERS), fontsize=8, color="#555")
    return figure


def convergence_figure(dossier: Dossier, lang: str) -> Figure | None:
    """Delphi convergence across rounds: mean agreement and share of ideas at consensus
    (left), median interquartile range of priorities (right, lower is closer). ``None``
    when no Delphi round reacted yet."""
    rounds = list(dossier.rounds)
    if not rounds:
        return None
    labels = [message("coacte-dossier-round", r.round, lang=lang) for r in rounds]
    figure, _ = _figure(3.4)
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    positions = list(range(len(rounds)))
    agreement = [100 * (r.mean_agreement or 0) for r in rounds]
    consensus = [100 * r.consensus / r.ideas if r.ideas else 0 for r in rounds]
    width = 0.38
    bars = left.bar([p - width / 2 for p in positions], agreement, width, color="#0072B2",
                    label=message("coacte-dossier-chart-agreement", lang=lang))
    left.bar_label(bars, [f"{v:.0f}" if r.mean_agreement is not None else "—"
                          for v, r in zip(agreement, rounds, strict=True)], fontsize=7.5)
    bars = left.bar([p + width / 2 for p in positions], consensus, width, color="#009E73",
                    label=message("coacte-dossier-chart-consensus", lang=lang))
    left.bar_label(bars, [f"{r.consensus}/{r.ideas}" for r in rounds], fontsize=7.5)
    left.set_ylim(0, 115)
    left.set_yticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100"], fontsize=8)
    left.set_ylabel("%", fontsize=9)
    left.axhline(75, color="#aaa", linewidth=0.8, linestyle="--", zorder=0)
    left.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=7.5,
                frameon=False)
    iqr = [r.median_iqr or 0 for r in rounds]
    bars = right.bar(positions, iqr, 0.5, color="#E69F00")
    right.bar_label(bars, [f"{r.median_iqr:.2g}" if r.median_iqr is not None else "—"
                           for r in rounds], fontsize=7.5)
    right.set_ylim(0, max(4.0, max(iqr) * 1.2))
    right.axhline(1, color="#aaa", linewidth=0.8, linestyle="--", zorder=0)
    right.set_title(textwrap.fill(message("coacte-dossier-chart-iqr", lang=lang), 34),
                    fontsize=8.5)
    right.tick_params(axis="y", labelsize=8)
    for ax in (left, right):
        ax.set_xticks(positions, labels, fontsize=8.5, parse_math=False)
        ax.set_xlim(-0.7, len(rounds) - 0.3)
        ax.spines[["top", "right"]].set_visible(False)
    figure.supxlabel(textwrap.fill(message("coacte-dossier-chart-thresholds", lang=lang),
                                   NOTE_CHARACTERS), fontsize=7.5,
                     color="#555")
    figure.suptitle(message("coacte-dossier-chart-convergence", lang=lang),
                    fontsize=12, fontweight="bold")
    return figure


#: The dossier's charts, in the order the global page shows them.
DOSSIER_CHARTS = ("ideas_per_dimension", "responsibility_heatmap", "convergence")
_FIGURES = {"ideas_per_dimension": ideas_per_dimension_figure,
            "responsibility_heatmap": responsibility_heatmap_figure,
            "convergence": convergence_figure}


def figures(dossier: Dossier, lang: str) -> dict[str, Figure]:
    """The dossier's charts as figures, by name (a chart with nothing to draw is left
    out): what :func:`draw` renders, and what a test measures."""
    # A chart of nothing (no idea, no level named: a Delphi round's page) is left out.
    something = {"ideas_per_dimension": bool(dossier.dimensions),
                 "responsibility_heatmap": any(n for i in dossier.matrix for _, n in i.levels),
                 "convergence": True}
    drawn = {name: _FIGURES[name](dossier, lang) for name in DOSSIER_CHARTS
             if something[name]}
    return {name: figure for name, figure in drawn.items() if figure is not None}


def draw(dossier: Dossier, lang: str) -> dict[str, bytes]:
    """The dossier's PNGs by chart name (a chart with nothing to draw is left out)."""
    return {name: _png(figure) for name, figure in figures(dossier, lang).items()}


def ideas_per_dimension(dossier: Dossier, lang: str) -> bytes:
    return _png(ideas_per_dimension_figure(dossier, lang))


def responsibility_heatmap(dossier: Dossier, lang: str) -> bytes:
    return _png(responsibility_heatmap_figure(dossier, lang))


def convergence(dossier: Dossier, lang: str) -> bytes | None:
    figure = convergence_figure(dossier, lang)
    return None if figure is None else _png(figure)
