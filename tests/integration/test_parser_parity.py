"""Parser parity, proven on the real wiki: for generated debate pages — comments anywhere,
``includeonly``/``noinclude``/``onlyinclude``, ``nowiki`` and ``pre``, spacing, a
post-it inside another, unclosed calls and comments — the bot counts exactly the
post-its that MediaWiki renders (``action=parse`` of the page, no edit).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coacte import contract
from coacte.wikitext.parse import parse
from tests.integration.helpers import bot, run

TITLE = "Débat:Parité/Tour 1"
HEADER = "{{CO-ACTE débat | territoire = Parité | tour = 1 }}\n"
WORDS = st.sampled_from(["jardin", "voisins", "budget", "école", "tram", "santé", "loyers"])
COMMENT = st.sampled_from(["<!-- note -->", "<!--x-->", "<!--\nligne\n-->", "<!---->"])
SPACE = st.sampled_from(["", " ", "  ", "\n", " \n "])


@pytest.fixture(scope="module")
def wiki(local_wiki):
    assert run("install").exit_code == 0
    return bot(local_wiki)


@st.composite
def postit(draw, depth: int = 0) -> str:
    """One post-it call, a comment or spacing slipped in where a facilitator might."""
    def gap() -> str:
        return draw(st.one_of(SPACE, COMMENT)) if draw(st.booleans()) else draw(SPACE)

    text = " ".join(draw(st.lists(WORDS, min_size=1, max_size=4)))
    if depth == 0 and draw(st.integers(0, 5)) == 0:  # a post-it inside this one's text
        text += " " + draw(postit(depth=1))
    name = draw(st.sampled_from(["CO-ACTE post-it", "CO-ACTE<!-- x --> post-it",
                                 "CO-ACTE_post-it", "co-ACTE post-it", "Modèle:CO-ACTE post-it"]))
    question = draw(st.sampled_from(["1", "2"]))
    return (f"{{{{{gap()}{name}{gap()}|{gap()}question{gap()}={gap()}{question}{gap()}"
            f"|{gap()}texte{gap()}={gap()}{text}{gap()}}}}}")


@st.composite
def block(draw) -> str:
    """A post-it as the page holds it: bare, or inside a tag or a comment."""
    call = draw(postit())
    wrapper = draw(st.sampled_from([
        "{}", "{}", "{}", "<includeonly>{}</includeonly>", "<noinclude>{}</noinclude>",
        "<onlyinclude>{}</onlyinclude>", "<nowiki>{}</nowiki>", "<pre>{}</pre>",
        "<!-- {} -->", "<div>{}</div>"]))
    return wrapper.format(call)


@st.composite
def page(draw) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    ending = draw(st.sampled_from([
        "", "", "\n{{CO-ACTE post-it | question = 1 | texte = jamais fermé",
        "\n<!-- jamais fermé {{CO-ACTE post-it | question = 1 | texte = caché }}",
        "\n<includeonly>{{CO-ACTE post-it | question = 1 | texte = caché }}"]))
    return HEADER + "\n".join(blocks) + ending


def counted(text: str) -> int:
    """The post-its the bot sees as the wiki shows them: on the page, or in a post-it's
    text (which the template shows); one inside an unknown template (a red link, whose
    parameters the wiki never shows) is reported by the check, not shown."""
    return sum(c.template is contract.POSTIT and c.inside in ("", contract.POSTIT.name)
               for c in parse(text).calls)


def rendered_postits(wiki, text: str) -> int:
    html = wiki.call("parse", title=TITLE, text=text, contentmodel="wikitext", prop="text",
                     disablelimitreport=1, formatversion=2)["parse"]["text"]
    return html.count('class="coacte-postit"')


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(text=page())
def test_the_bot_counts_the_post_its_the_wiki_shows(wiki, text):
    assert counted(text) == rendered_postits(wiki, text), text


def test_the_cases_the_issue_found(wiki):
    """The pages of the reliability report, one by one."""
    cases = [
        HEADER + "{{CO-ACTE post-it | question = 2 | <!-- note --> texte = un }}",
        HEADER + "{{CO-ACTE post-it | question <!-- y --> = 2 | texte = deux }}",
        HEADER + "{{CO-ACTE post-it <!-- x --> | question = 1 | texte = trois }}",
        HEADER + "<includeonly>{{CO-ACTE post-it | question = 1 | texte = x }}</includeonly>",
        HEADER + "<!-- {{CO-ACTE post-it | question = 1 | texte = x }}",
        HEADER + "{{CO-ACTE post-it | question = 1 | texte = a "
                 "{{CO-ACTE post-it | question = 1 | texte = b }} }}",
        HEADER + "{{CO-ACTE post-it | question = 1 | texte = jamais fermé",
        HEADER + "{{Pas un modèle | {{CO-ACTE post-it | question = 1 | texte = x }} }}",
    ]
    for text in cases:
        assert counted(text) == rendered_postits(wiki, text), text
