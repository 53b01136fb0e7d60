"""The co-responsibility programme on the wiki: ``CO-ACTE/Programme/Tour <n>``.

:func:`page` is the bot's region of the plan page: a summary (commitments, actors,
overdue, undated), the timeline (the chart :func:`timeline_png` draws, uploaded as a file,
and the same timeline as text for whoever cannot see it), a table per actor, and the
commitments to fix. Everything people wrote (actors, what they commit to, keys, idea
statements) goes through :func:`~coacte.wikitext.values.encode`.

Neither output depends on anything but the plan: no clock, no locale, no machine
name, so an unchanged programme gives the same text (no edit) and the same PNG bytes (no
new file revision). The day the statuses are computed on is deliberately not printed:
it would change the page every day while nothing happened.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping
from datetime import date

from coacte.i18n import message
from coacte.problems import Problem
from coacte.programme import OVERDUE, PLANNED, UNDATED, Bar, Entry, Plan
from coacte.render.synthesis_pages import link
from coacte.wikitext.values import encode

#: Where each round's programme is written.
TITLE = "CO-ACTE/Programme/Tour {round}"
#: An idea key that can safely go into a link's fragment (keys look like ``g3b-1a2b3c4d``).
_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: The status colours of the page and the chart (the idea template's red and blue).
COLOURS = {OVERDUE: "#d73333", PLANNED: "#3366cc", UNDATED: "#72777d"}
#: A table cell attribute that keeps a date on one line.
_NOWRAP = 'style="white-space:nowrap" | '


def title(round_: int) -> str:
    return TITLE.format(round=round_)


def page(plan: Plan, ideas_page: str, lang: str = "fr", *,
         ideas: Mapping[str, str] | None = None, chart: str | None = None,
         problems: list[Problem] = ()) -> str:
    """The bot's region of ``CO-ACTE/Programme/Tour <n>``.

    ``ideas`` maps the keys of the round's global synthesis (on ``ideas_page``) to their
    statements (``None`` when that page was not read); ``chart`` is the timeline's file
    name, ``None`` when there is nothing dated to draw.
    """
    m = _messages(lang)
    parts = [m("coacte-programme-intro", link(ideas_page)), ""]  # two paragraphs
    if not plan.commitments:
        parts.append(m("coacte-programme-none", plan.round))
    else:
        parts.append(m("coacte-programme-summary", plan.commitments, len(plan.actors),
                       plan.overdue, plan.undated) + " " + (
            m("coacte-programme-as-of", plan.statuses_since.isoformat())
            if plan.statuses_since else m("coacte-programme-as-of-none")))
        parts.append(f"== {m('coacte-programme-timeline')} ==")
        if chart:
            alt = m("coacte-programme-timeline-alt", plan.round)
            parts.append(f"[[File:{chart}|frame|none|alt={alt}"
                         f"|{m('coacte-programme-timeline-caption')}]]")
        else:
            parts.append(m("coacte-programme-no-timeline"))
        parts.append(f"=== {m('coacte-programme-timeline-text')} ===")
        parts += [_chronology_line(actor.name, e, lang) for actor, e in plan.chronology()]
        parts.append(f"== {m('coacte-programme-by-actor')} ==")
        for actor in plan.actors:
            parts.append(f"=== {encode(actor.name)} ({len(actor.entries)}) ===")
            parts += _actor_table(actor.entries, ideas_page, ideas, lang)
    if problems:
        parts.append(f"== {m('coacte-programme-problems')} ==")
        parts += [f"* {link(p.page)}{encode(p.location(lang)[len(p.page):])} : "
                  f"{encode(p.message(lang))}" for p in problems]
    return "\n".join(parts)


def summary(plan: Plan, lang: str = "fr") -> str:
    """The edit summary of the plan page."""
    return message("coacte-programme-edit-summary", plan.round, plan.commitments,
                   len(plan.actors), lang=lang)


def _messages(lang: str):
    return lambda key, *params: message(key, *params, lang=lang)


def _status(e: Entry, lang: str) -> str:
    return message(f"coacte-programme-status-{e.status}", lang=lang)


def _status_cell(e: Entry, lang: str) -> str:
    if e.overdue:
        return f'style="color:#b32424; font-weight:bold;" | {_status(e, lang)}'
    return _status(e, lang)


def _chronology_line(actor: str, e: Entry, lang: str) -> str:
    c = e.commitment
    when = (f"{c.start or '…'} → {c.end or '…'}" if not e.undated
            else message("coacte-programme-status-undated", lang=lang))
    line = f"* {when} · '''{encode(actor)}''' : {encode(c.what)}"
    return line + (f" — '''{_status(e, lang)}'''" if e.overdue else "")


def _actor_table(entries: list[Entry], ideas_page: str, ideas: Mapping[str, str] | None,
                 lang: str) -> list[str]:
    header = [message(f"coacte-programme-col-{k}", lang=lang)
              for k in ("what", "start", "end", "idea", "status", "source")]
    lines = ['{| class="wikitable sortable"', "! " + " !! ".join(header)]
    for e in entries:
        c = e.commitment
        lines += ["|-", f"| {encode(c.what)}", f"| {_date_cell(c.start)}", f"| {_date_cell(c.end)}",
                  f"| {_idea_cell(c.key, ideas_page, ideas, lang)}", f"| {_status_cell(e, lang)}",
                  f"| {link(c.page)}"]
    lines.append("|}")
    return lines


def _date_cell(day: str) -> str:
    return f"{_NOWRAP}{day}" if day else ""


def _idea_cell(key: str, ideas_page: str, ideas: Mapping[str, str] | None, lang: str) -> str:
    """A link to the idea's anchor on the global synthesis (``#idée-<key>``), labelled
    with its statement when known; an unknown or unsafe key is shown as text."""
    if not key:
        return ""
    if not _SAFE_KEY.fullmatch(key) or (ideas is not None and key not in ideas):
        return f"{encode(key)} ({message('coacte-programme-idea-unknown', lang=lang)})"
    statement = (ideas or {}).get(key, "")
    label = f"{encode(statement)} ({key})" if statement else key
    return f"[[:{ideas_page}#idée-{key}|{label}]]"


# -- the timeline chart -----------------------------------------------------------------

#: The chart's fixed geometry, in inches (a row per commitment and per actor heading).
WIDTH, LEFT, RIGHT, TOP, BOTTOM, ROW = 9.0, 3.3, 0.25, 0.75, 0.55, 0.27
DPI = 100
#: Rows drawn at most; the tables list everything.
MAX_BARS = 60
_LABEL_CHARS = 46
#: Matplotlib settings fixed here, so a user's matplotlibrc cannot change the bytes and
#: people's text is never read as mathtext (``$x$``) or LaTeX.
_RC = {
    "font.family": "DejaVu Sans", "font.size": 8.5, "text.usetex": False,
    "text.parse_math": False, "text.hinting": "force_autohint",
    "axes.unicode_minus": True, "path.simplify": True, "savefig.transparent": False,
}


def timeline_png(plan: Plan, lang: str = "fr") -> bytes | None:
    """The plan's Gantt chart as PNG bytes, ``None`` when no commitment is dated.

    One row per dated commitment, under its actor's heading; a bar from start to end
    (inclusive), ▶ for a start with no end, ◆ for an end with no start; red when
    overdue. Fixed size and resolution, no date or version in the PNG's metadata:
    identical plans give identical bytes.
    """
    bars = plan.timeline()
    if not bars:
        return None
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown, hidden = bars[:MAX_BARS], len(bars) - min(len(bars), MAX_BARS)
    rows: list[tuple[str, Bar | None]] = []
    for bar in shown:
        if not rows or rows[-1][1] is None or rows[-1][1].actor != bar.actor:
            rows.append((bar.actor, None))
        rows.append((_short(bar.label), bar))
    height = TOP + BOTTOM + ROW * len(rows) + (0.25 if hidden else 0)
    with matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing from the font: drawn as boxes
        fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((LEFT / WIDTH, (BOTTOM + (0.25 if hidden else 0)) / height,
                           (WIDTH - LEFT - RIGHT) / WIDTH, ROW * len(rows) / height))
        _draw(ax, rows, shown, lang)
        fig.text(0.5, 1 - 0.1 / height, message("coacte-programme-chart-title", plan.round,
                                               lang=lang),
                 ha="center", va="top", fontsize=11, fontweight="bold")
        fig.legend(handles=_legend(lang), loc="upper center", ncol=4, frameon=False,
                   fontsize=8, bbox_to_anchor=(0.5, 1 - 0.36 / height))
        if hidden:
            fig.text(LEFT / WIDTH, 0.08 / height,
                     message("coacte-programme-chart-more", hidden, lang=lang),
                     ha="left", va="bottom", fontsize=8, style="italic", color="#54595d")
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def _draw(ax, rows: list[tuple[str, Bar | None]], shown: list[Bar], lang: str) -> None:
    days = [d for b in shown for d in (b.start, b.end) if d]
    ticks, labels = _month_ticks(min(days), max(days), lang)
    pad = (ticks[-1] - ticks[0]) * 0.015  # room for a marker on the first or last day
    ax.set_xlim(ticks[0] - pad, ticks[-1] + pad)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(ticks, labels)
    ax.set_yticks([i for i, (_, b) in enumerate(rows) if b is not None],
                  [text for text, b in rows if b is not None])
    ax.tick_params(axis="y", length=0, pad=6)
    ax.tick_params(axis="x", labelsize=7.5, colors="#54595d")
    ax.grid(axis="x", color="#eaecf0", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#a2a9b1")
    for i, (text, bar) in enumerate(rows):
        if bar is None:
            ax.axhspan(i - 0.5, i + 0.5, color="#f0f2f5", linewidth=0, zorder=0)
            ax.text(0.005, i, _short(text), va="center", ha="left", fontweight="bold",
                    color="#202122", transform=ax.get_yaxis_transform(), clip_on=True)
            continue
        colour = COLOURS[bar.status]
        if bar.start and bar.end:
            left, right = sorted((bar.start, bar.end))
            ax.barh(i, right.toordinal() + 1 - left.toordinal(), left=left.toordinal(),
                    height=0.6, color=colour, linewidth=0)
        elif bar.start:
            ax.plot([bar.start.toordinal()], [i], marker=">", markersize=7, color=colour,
                    linestyle="none")
        else:
            ax.plot([bar.end.toordinal()], [i], marker="D", markersize=6, color=colour,
                    linestyle="none")


def _legend(lang: str) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Patch(color=COLOURS[PLANNED], label=message("coacte-programme-status-planned", lang=lang)),
        Patch(color=COLOURS[OVERDUE], label=message("coacte-programme-status-overdue", lang=lang)),
        Line2D([], [], marker=">", linestyle="none", color="#54595d",
               label=message("coacte-programme-legend-start", lang=lang)),
        Line2D([], [], marker="D", linestyle="none", color="#54595d", markersize=5,
               label=message("coacte-programme-legend-end", lang=lang)),
    ]


def _month_ticks(first: date, last: date, lang: str) -> tuple[list[int], list[str]]:
    """Month starts around ``[first, last]`` as day ordinals, at most 9, labelled with the
    month's name in ``lang`` (not the machine's locale) and the year."""
    names = message("coacte-programme-months", lang=lang).split()
    low = first.year * 12 + first.month - 1
    high = last.year * 12 + last.month  # the month after the last day's
    step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 60, 120, 600)
                if -(-high // s) - low // s <= 8)
    months = range(low // step * step, -(-high // step) * step + 1, step)
    ticks = [date(m // 12, m % 12 + 1, 1).toordinal() for m in months]
    labels = [f"{names[m % 12]}\n{m // 12}" if step < 12 else str(m // 12) for m in months]
    return ticks, labels
