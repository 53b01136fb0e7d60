"""Delphi rounds on the wiki: the round-n debate page the bot seeds, and the reactions
section of the global synthesis (convergence per idea, the secretariat's to-do list)."""

from __future__ import annotations

from coacte import contract
from coacte.i18n import message
from coacte.render.synthesis_pages import link, template_call
from coacte.synthesis.delphi import IdeaStats
from coacte.synthesis.rounds import DelphiView
from coacte.wikitext.synthesis_page import PublishedIdea
from coacte.wikitext.values import encode


def round_debate(territory: str, round_: int, previous_page: str, ideas: list[PublishedIdea],
                 lang: str = "fr") -> str:
    """A round-n debate page: the header, one reaction slot per global idea of question 3
    of the previous round, and room for new post-its. A page for a human to fill in."""
    parts = [
        template_call(contract.DEBATE.name, [("territoire", encode(territory)),
                                              ("tour", str(round_))]),
        message("coacte-round-intro", round_, link(previous_page), lang=lang),
        f"== {message('coacte-round-reactions', lang=lang)} ==",
    ]
    for idea in ideas:
        parts.append(
            "{{" + contract.REACTION.name + "\n"
            f"| idée = {idea.key}\n| énoncé = {encode(idea.statement)}\n"
            "| accord = \n| priorité = \n| commentaire = \n| groupe = \n}}"
        )
    parts += [f"== {message('coacte-round-new-postits', lang=lang)} ==",
              message("coacte-round-new-postits-help", round_, lang=lang)]
    return "\n".join(parts) + "\n"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)} %"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _change(stats: IdeaStats, lang: str) -> str:
    c = stats.change
    if not c:
        return ""
    bits = []
    if c.get("agreement") is not None:
        bits.append(f"{message('coacte-round-col-agreement', lang=lang)} "
                    f"{c['agreement'] * 100:+.0f} pts")
    if c.get("iqr") is not None:
        bits.append(f"IQR {c['iqr']:+g}")
    if c.get("consensus"):
        bits.append(message(f"coacte-round-consensus-{c['consensus']}", lang=lang))
    return ", ".join(bits)


def _group_name(view: DelphiView, stats: IdeaStats, kind: str, lang: str) -> str:
    """How a kind of group is shown: its name in ``lang`` on the groups page, else the
    first spelling its reactions used, else "no group"."""
    return (view.group_kinds.display(kind, lang) or stats.group_names.get(kind)
            or message("coacte-round-no-group", lang=lang))


def delphi_section(view: DelphiView, lang: str = "fr") -> list[str]:
    """The reactions table (one row per idea of round n−1) and, while the round is open,
    the territories and ideas still waiting for an answer."""
    heading = message("coacte-round-section", view.previous_round, lang=lang)
    stats = [view.stats.get(i.key) or IdeaStats(i.key) for i in view.ideas]
    # The change since the previous round, only when there was one to compare with.
    changed = any(_change(s, lang) for s in stats)
    header = [message(f"coacte-round-col-{c}", lang=lang) for c in (
        "idea", "territories", "agreement", "by-group", "median", "iqr", "consensus",
        *(("change",) if changed else ()))]
    lines = [f"== {heading} ==", message("coacte-round-section-help", link(view.previous_page),
                                         lang=lang),
             '{| class="wikitable sortable"', "! " + " !! ".join(header)]
    for idea, s in zip(view.ideas, stats, strict=True):
        groups = ", ".join(f"{encode(_group_name(view, s, k, lang))} {_percent(v)}"
                           for k, v in s.agreement_by_group.items())
        lines += ["|-", "| " + " || ".join([
            f"{encode(idea.statement)} <small>({idea.key})</small>",
            str(len(s.territories)), _percent(s.agreement), groups,
            _number(s.priority_median), _number(s.priority_iqr),
            "✔" if s.consensus else "", *((encode(_change(s, lang)),) if changed else ()),
        ])]
    lines.append("|}")
    comments = [(idea, c) for idea in view.ideas
                for c in (view.stats.get(idea.key) or IdeaStats(idea.key)).comments]
    if comments:
        lines.append(f"=== {message('coacte-round-comments', lang=lang)} ===")
        lines += [f"* {encode(idea.statement)} — {encode(t)}"
                  f"{' (' + encode(g) + ')' if g else ''} : {encode(text)}"
                  for idea, (t, g, text) in comments]
    if view.pending is not None:
        territories, keys = view.pending
        statements = {i.key: i.statement for i in view.ideas}
        lines.append(f"=== {message('coacte-round-pending', lang=lang)} ===")
        lines.append(message("coacte-round-pending-territories", lang=lang) + " "
                     + (", ".join(encode(t) for t in territories) or "—"))
        lines.append("")
        lines.append(message("coacte-round-pending-ideas", lang=lang) + " "
                     + (", ".join(f"{encode(statements.get(k, k))} ({k})" for k in keys) or "—"))
    return lines
