"""Reading a page's template calls as the wiki shows the page: comments, includeonly,
noinclude, literal tags, unclosed and nested calls (issue: parser parity)."""

from __future__ import annotations

from coacte import contract
from coacte.model import Grid, GridEntry, PageRevision
from coacte.validate import read_debate
from coacte.wikitext.parse import parse, visible

HEADER = "{{CO-ACTE débat | territoire = Tarbes | tour = 1 }}\n"
GRID = Grid({"A": GridEntry("A", "Accès")})


def texts(page: str) -> list[str]:
    return [c.values()["texte"] for c in parse(page).calls
            if c.template is contract.POSTIT]


def test_comments_are_removed_before_the_calls_are_read():
    page = HEADER + (
        "{{CO-ACTE post-it | question = 2 | <!-- note --> texte = un }}\n"
        "{{CO-ACTE post-it | question <!-- y --> = 2 | texte = deux }}\n"
        "{{CO-ACTE post-it <!-- x --> | question = 1 | texte = trois }}\n"
        "{{CO-ACTE post-it | question = 1 | texte = quatre<!-- pas ceci --> }}\n")
    assert texts(page) == ["un", "deux", "trois", "quatre"]
    debate, problems = read_debate(PageRevision("Débat:Tarbes/Tour 1", 1, "t", page), GRID)
    assert [p.text for p in debate.postits] == ["un", "deux", "trois", "quatre"]
    assert [p.index for p in debate.postits] == [1, 2, 3, 4]  # numbering as shown
    assert [p for p in problems if p.blocking] == []


def test_what_a_page_view_does_not_show_is_not_counted():
    page = HEADER + (
        "<includeonly>{{CO-ACTE post-it | question = 1 | texte = caché }}</includeonly>\n"
        "<noinclude>{{CO-ACTE post-it | question = 1 | texte = montré }}</noinclude>\n"
        "<onlyinclude>{{CO-ACTE post-it | question = 1 | texte = aussi }}</onlyinclude>\n"
        "<nowiki>{{CO-ACTE post-it | question = 1 | texte = littéral }}</nowiki>\n"
        "<pre>{{CO-ACTE post-it | question = 1 | texte = exemple }}</pre>\n"
        "{{CO-ACTE post-it | question = 1 | texte = dernier }}\n"
        "<!-- jamais fermé {{CO-ACTE post-it | question = 1 | texte = commenté }}\n")
    assert texts(page) == ["montré", "aussi", "dernier"]
    assert parse(page).unclosed == []  # a call in nowiki or pre is an example, not a call
    # An unclosed <includeonly> hides the rest of the page, as it does on the wiki.
    assert texts(HEADER + "<includeonly>\n{{CO-ACTE post-it|question=1|texte=x}}") == []


def test_an_unclosed_call_is_reported_at_its_line():
    page = HEADER + ("{{CO-ACTE post-it | question = 1 | texte = un }}\n"
                     "{{CO-ACTE post-it | question = 1 | texte = jamais fermé\n")
    parsed = parse(page)
    assert texts(page) == ["un"]
    assert [(t.name, line) for t, line in parsed.unclosed] == [("CO-ACTE post-it", 3)]
    debate, problems = read_debate(PageRevision("Débat:Tarbes/Tour 1", 1, "t", page), GRID)
    assert len(debate.postits) == 1
    unclosed = [p for p in problems if p.key == "coacte-problem-unclosed"]
    assert [p.params for p in unclosed] == [("CO-ACTE post-it", 3)]


def test_lines_count_in_the_saved_text_even_after_a_long_comment():
    page = HEADER + "<!--\n\n\n-->\n{{CO-ACTE post-it | question = 1 | texte = x }}\n"
    assert [c.line for c in parse(page).calls] == [1, 6]
    shown = visible(page)
    assert "<!--" not in shown.text and shown.line(shown.text.index("{{CO-ACTE post")) == 6


def test_a_post_it_inside_another_is_reported_not_counted_twice():
    page = HEADER + ("{{CO-ACTE post-it | question = 1 | texte = dehors "
                     "{{CO-ACTE post-it | question = 1 | texte = dedans }} }}\n")
    calls = [c for c in parse(page).calls if c.template is contract.POSTIT]
    assert [(c.ordinal, c.inside) for c in calls] == [(1, ""), (2, "CO-ACTE post-it")]
    debate, problems = read_debate(PageRevision("Débat:Tarbes/Tour 1", 1, "t", page), GRID)
    assert len(debate.postits) == 1 and debate.excluded == 1
    nested = [p for p in problems if p.key == "coacte-problem-nested"]
    assert [(p.index, p.params) for p in nested] == [(2, ("CO-ACTE post-it", 2))]


def test_territories_that_lead_to_one_page_are_one_territory_and_reported():
    from coacte.validate import read_debates

    def page(territory: str, n: int) -> PageRevision:
        return PageRevision(f"Débat:T{n}/Tour 1", n, "t",
                            f"{{{{CO-ACTE débat | territoire = {territory} | tour = 1 }}}}\n"
                            "{{CO-ACTE post-it | question = 1 | texte = x }}")

    debates, problems = read_debates(
        [page("Arles", 1), page("Arles\u202e", 2), page("Nîmes", 3), page("nîmes", 4)], GRID)
    # "Arles" + U+202E is "Arles" on the wiki: the mark is taken out (and reported), so
    # both pages are one territory's, and two pages of one round are named.
    assert sorted(d.territory for d in debates) == ["Arles", "Arles", "Nîmes", "nîmes"]
    (invisible,) = [p for p in problems if p.key == "coacte-problem-invisible"]
    assert invisible.page == "Débat:T2/Tour 1" and "‹U+202E›" in invisible.params[0]
    twice = [p.page for p in problems if p.key == "coacte-problem-same-territory-round"]
    assert sorted(twice) == [f"Débat:T{n}/Tour 1" for n in range(1, 5)]


def test_a_very_long_post_it_is_reported_kept_whole_and_compared_by_its_beginning(
        monkeypatch):
    from coacte.synthesis import encoder, similarity

    long = "Les financements arrivent trop tard. " * 300  # 11,100 characters
    page = HEADER + f"{{{{CO-ACTE post-it | question = 1 | texte = {long} }}}}\n"
    debate, problems = read_debate(PageRevision("Débat:Tarbes/Tour 1", 1, "t", page), GRID)
    assert debate.postits[0].text == long.strip()  # the synthesis keeps the whole text
    [warning] = [p for p in problems if p.key == "coacte-problem-text-long"]
    assert (warning.index, warning.field, warning.blocking) == (1, "texte", False)
    assert warning.params == (len(long.strip()), contract.POSTIT_CHARS)
    assert len(similarity.normalize(long)) <= contract.POSTIT_CHARS
    seen: list[int] = []
    monkeypatch.setattr(encoder, "_encode", lambda texts: (
        seen.extend(len(t) for t in texts) or encoder.np.ones((len(texts), encoder.DIMENSIONS),
                                                                dtype=encoder.np.float32)))
    encoder.embed([long, "court"])
    assert max(seen) <= contract.POSTIT_CHARS


def test_a_post_it_inside_an_unknown_template_is_reported():
    page = HEADER + "{{Boîte | {{CO-ACTE post-it | question = 1 | texte = x }} }}\n"
    [call] = [c for c in parse(page).calls if c.template is contract.POSTIT]
    assert call.inside == "Boîte"
    debate, problems = read_debate(PageRevision("Débat:Tarbes/Tour 1", 1, "t", page), GRID)
    assert debate.postits == [] and debate.excluded == 1
    assert [p.params for p in problems if p.key == "coacte-problem-nested"] == [("Boîte", 2)]
