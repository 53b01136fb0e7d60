"""Model → wikitext: the synthesis pages and the check report, as the bot writes them.

Everything that comes from people (post-it text, groups, actors, codes, grid labels,
messages quoting input) goes through :func:`~coacte.wikitext.values.encode`, so it is
shown literally and never becomes markup. The output is deterministic: the same input
gives the same text, which is what lets a re-run make no edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coacte import contract
from coacte.i18n import message
from coacte.model import GlobalIdea, GlobalSynthesis, Grid, Idea, PostIt, Synthesis
from coacte.problems import Problem
from coacte.synthesis.territory import (
    UNCLASSIFIED,
    dimension_code,
    dimension_rank,
    kind_rank,
)
from coacte.wikitext.synthesis_page import members_value
from coacte.wikitext.values import encode, template_call


def link(title: str, label: str | None = None) -> str:
    """A link that stays a link whatever the namespace (``[[:…]]`` never categorises)."""
    return f"[[:{title}|{encode(label)}]]" if label else f"[[:{title}]]"


def _list(values: Iterable[str]) -> str:
    return ", ".join(encode(v) for v in values)


def sources(postits: Iterable[PostIt]) -> str:
    """Each source page (as a permanent link to the revision read) with the ordinals of
    its post-its: ``[[:Special:PermanentLink/12|Débat:X/Tour 1]] n° 3, 5``."""
    return " ; ".join(_source_pages(postits))


def _source_pages(postits: Iterable[PostIt]) -> list[str]:
    by_page: dict[tuple[str, int], list[int]] = {}
    for p in postits:
        by_page.setdefault((p.page, p.revid), []).append(p.index)
    return [f"{link(f'Special:PermanentLink/{revid}', page)} n° {', '.join(map(str, idx))}"
            for (page, revid), idx in by_page.items()]


def _idea_params(i: Idea | GlobalIdea, postits: Iterable[PostIt], *,
                 variants: str | None = None, sources_shown: str | None = None
                 ) -> list[tuple[str, str]]:
    """The parameters every idea has, territory or global (``variants`` and
    ``sources_shown`` replace the full lists when given)."""
    return [
        ("clé", i.key),
        ("question", str(i.question)),
        ("nature", i.kind),
        ("code", encode(i.code)),
        ("énoncé", encode(i.statement)),
        ("variantes", " • ".join(encode(v) for v in i.variants) if variants is None
         else variants),
        ("occurrences", str(i.occurrences)),
        ("groupes", _list(i.groups)),
        ("niveaux", _list(i.levels)),
        ("acteurs", _list(i.actors)),
        ("sources", sources(postits) if sources_shown is None else sources_shown),
    ]


def idea(i: Idea) -> str:
    return template_call(contract.IDEA.name, _idea_params(i, i.sources))


def _section_title(question: int, kind: str, lang: str) -> str:
    label = contract.QUESTION_LABELS.get(lang, contract.QUESTION_LABELS["fr"])[question]
    if kind:
        label = message(f"coacte-kind-{kind}", lang=lang)
    return message("coacte-render-question", question, label, lang=lang)


def _dimension_title(code: str, grid: Grid, lang: str) -> str:
    if code == UNCLASSIFIED:
        return message("coacte-render-unclassified", lang=lang)
    return f"{encode(code)} — {encode(grid.entries[code].label)}"


def synthesis(s: Synthesis, grid: Grid, lang: str = "fr") -> str:
    """The bot's region of ``Synthèse:<territoire>/Tour <n>``: a header, then the ideas
    by question (blockers and levers apart), then by grid dimension."""
    parts = [template_call(contract.SYNTHESIS.name, [
        ("territoire", encode(s.territory)),
        ("tour", str(s.round)),
        ("débats", ", ".join(link(d.page) for d in s.debates)),
        ("post-its", str(s.postits)),
        ("idées", str(len(s.ideas))),
        ("groupes", _list(s.groups)),
        ("écartés", str(s.excluded)),
    ])]
    parts += _by_section(s.ideas, grid, lang, 2, idea)
    return "\n".join(parts)


def _by_section(ideas: Iterable[Idea | GlobalIdea], grid: Grid, lang: str, level: int,
                show) -> list[str]:
    """The ideas (sorted by question, kind and dimension) under a heading per question
    and kind (``level`` equal signs) and one per grid dimension beneath it."""
    parts: list[str] = []
    section = dimension = None
    outer, inner = "=" * level, "=" * (level + 1)
    for i in ideas:
        if (i.question, i.kind) != section:
            section, dimension = (i.question, i.kind), None
            parts.append(f"{outer} {_section_title(i.question, i.kind, lang)} {outer}")
        dim = dimension_code(i, grid)
        if dim != dimension:
            dimension = dim
            parts.append(f"{inner} {_dimension_title(dim, grid, lang)} {inner}")
        parts.append(show(i))
    return parts


def report(problems: list[Problem], pages: int, lang: str = "fr") -> str:
    """The check report page: one table row per problem, located and explained."""
    if not problems:
        return message("coacte-report-none", pages, lang=lang)
    rows = [
        message("coacte-report-summary", len(problems), pages, lang=lang),
        '{| class="wikitable sortable"',
        "! " + " !! ".join(message(k, lang=lang) for k in (
            "coacte-report-col-page", "coacte-report-col-postit", "coacte-report-col-field",
            "coacte-report-col-message")),
    ]
    for p in problems:
        rows += ["|-", "| " + " || ".join([
            link(p.page), str(p.index) if p.index is not None else "",
            encode(p.field or ""), encode(p.message(lang)),
        ])]
    rows.append("|}")
    return "\n".join(rows)


#: On the global page, an idea shows at most this many variants and source pages: an
#: idea shared by 600 territories has hundreds of each, which would make the page too
#: big for the wiki (``$wgMaxArticleSize``, 2 MB by default) and unreadable. All remain
#: on the territory syntheses its members point to, and in ``coacte global --json``.
GLOBAL_LIST_SHOWN = 12


def _capped(items: list[str], separator: str, lang: str,
            more: str = "coacte-render-more") -> str:
    """The first :data:`GLOBAL_LIST_SHOWN` items, then how many are left out."""
    if len(items) <= GLOBAL_LIST_SHOWN:
        return separator.join(items)
    left = encode(message(more, len(items) - GLOBAL_LIST_SHOWN, lang=lang))
    return separator.join([*items[:GLOBAL_LIST_SHOWN], left])


def global_idea(i: GlobalIdea, lang: str = "fr") -> str:
    """A global idea: an idea's parameters plus its territories, members (territory
    ideas), moderators' decisions and networks' contributions. Variants and sources are
    cut short (see :data:`GLOBAL_LIST_SHOWN`)."""
    postits = [p for _, p in i.sources]
    params = _idea_params(i, postits,
                          variants=_capped([encode(v) for v in i.variants], " • ", lang),
                          sources_shown=_capped(_source_pages(postits), " ; ", lang))
    return template_call(contract.IDEA.name, params + [
        ("territoires", _list(i.territories)),
        ("membres", members_value(m.ref for m in i.members)),
        ("fusion", doubt_note(i, lang)),
        ("curation", " • ".join(_curation_note(note, lang) for note in i.curations)),
        ("apports", " • ".join(
            f"{link(c.page, c.network)} : {encode(c.text)}" for c in i.contributions)),
    ])


def doubt_note(i: GlobalIdea, lang: str = "fr") -> str:
    """The mark of a merge the tool is unsure of (empty when it is sure or confirmed):
    its score and its two closest members' statements, as data."""
    if i.doubt is None:
        return ""
    statements = {m.ref: m.idea.statement for m in i.members}
    a, b = (statements.get(ref, ref) for ref in i.doubt.closest)
    return encode(message("coacte-render-doubt", decimal(i.doubt.score, lang), a, b,
                          lang=lang))


def decimal(value: float, lang: str, places: int = 2) -> str:
    """A number as the reader's language writes it: 0.29 in English, 0,29 in French
    and Portuguese."""
    text = f"{value:.{places}f}"
    return text if lang == "en" else text.replace(".", ",")


def _curation_note(note: tuple[str, tuple[str, ...], str], lang: str) -> str:
    key, params, reason = note
    text = message(key, *params, lang=lang)
    return encode(f"{text} ({reason})" if reason else text)


def keymap(clusters: dict[str, list[str]]) -> str:
    """The hidden record of each key's members before curation (see GlobalSynthesis)."""
    lines = [f"{key} = {members_value(refs)}" for key, refs in sorted(clusters.items())]
    return "<!-- CO-ACTE:clés\n" + "\n".join(lines) + "\n-->"


def global_synthesis(g: GlobalSynthesis, grid: Grid, synthesis_titles: list[str],
                     lang: str = "fr", failed: list[Problem] = (), state: str = "",
                     reactions: list[str] = (), charts: list[tuple[str, str]] = ()) -> str:
    """The bot's region of ``Synthèse:Globale/Tour <n>``: a header, the ideas by
    question and grid dimension (most shared first), the view by meaning code, and the
    responsibility matrix of blockers and levers × levels. ``state`` is the round's
    (ouvert, clos, figé); ``reactions`` the Delphi section's lines (round 2 and later)."""
    parts = [template_call(contract.SYNTHESIS.name, [
        ("territoire", contract.GLOBAL_TERRITORY),
        ("tour", str(g.round)),
        ("débats", _capped([link(t) for t in synthesis_titles], ", ", lang,
                           "coacte-render-more-syntheses")),
        ("territoires", str(len(g.territories))),
        # A Delphi round without post-its shows its reactions, not "0 post-its, 0 ideas"
        # (the template leaves out a row whose value is empty).
        ("post-its", str(g.postits) if g.postits or not reactions else ""),
        ("idées", str(len(g.ideas)) if g.ideas or not reactions else ""),
        ("état", state),
    ])]
    parts += reactions
    if charts:
        parts.append(f"== {message('coacte-render-charts', lang=lang)} ==")
        parts += [f"[[File:{name}|thumb|none|800px|alt={encode(caption)}|{encode(caption)}]]"
                  for name, caption in charts]
    if not g.ideas:  # a Delphi round without new post-its: its reactions are the page
        parts += _failed(failed, lang)
        parts.append(keymap(g.clusters))
        return "\n".join(parts)
    parts.append(f"== {message('coacte-render-view-dimension', lang=lang)} ==")
    parts += _by_section(sorted(g.ideas, key=lambda i: (i.question, kind_rank(i.kind),
                                                         dimension_rank(i, grid))),
                         grid, lang, 3, lambda i: global_idea(i, lang))
    parts.append(f"== {message('coacte-render-view-meaning', lang=lang)} ==")
    coded = [i for i in g.ideas if i.meaning]
    if coded:
        parts += _table([message(k, lang=lang) for k in (
            "coacte-render-col-meaning", "coacte-render-col-idea",
            "coacte-render-col-territories")], [
            [_meaning_label(i.meaning, grid), _idea_link(i), str(len(i.territories))]
            for i in sorted(coded, key=lambda i: (i.meaning, -len(i.territories)))
        ])
    else:
        parts.append(message("coacte-render-no-meaning", lang=lang))
    q3 = [i for i in g.ideas if i.kind]
    if q3:
        parts.append(f"== {message('coacte-render-matrix', lang=lang)} ==")
        parts += _table(
            [message("coacte-render-col-idea", lang=lang),
             message("coacte-render-col-kind", lang=lang), *contract.LEVELS],
            [[_idea_link(i), message(f"coacte-kind-{i.kind}", lang=lang),
              *(str(i.level_counts().get(level, "")) for level in contract.LEVELS)]
             for i in q3],
        )
    parts += _failed(failed, lang)
    parts.append(keymap(g.clusters))
    return "\n".join(parts)


def _failed(failed: Sequence[Problem], lang: str) -> list[str]:
    """The moderators' decisions that no longer apply, listed (never dropped)."""
    if not failed:
        return []
    return [f"== {message('coacte-render-curation-failed', lang=lang)} ==",
            *(f"* {encode(p.location(lang))} : {encode(p.message(lang))}" for p in failed)]


def _idea_link(i: GlobalIdea) -> str:
    return f"[[#idée-{i.key}|{encode(i.statement)}]]"


def _meaning_label(letter: str, grid: Grid) -> str:
    entry = grid.entries.get(letter)
    return f"{encode(letter)} — {encode(entry.label)}" if entry else encode(letter)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ['{| class="wikitable sortable"', "! " + " !! ".join(header)]
    for row in rows:
        lines += ["|-", "| " + " || ".join(row)]
    lines.append("|}")
    return lines
