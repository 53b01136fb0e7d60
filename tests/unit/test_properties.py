"""Bad input: properties of the parser, the validator, the renderer, the bot's region, the
paste import and the webhook, over arbitrary (often hostile) input.

Deterministic (``derandomize=True``): the same examples run every time.
"""

from __future__ import annotations

import json

import mwparserfromhell
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from coacte import contract, importing, validate
from coacte.model import Debate, Grid, GridEntry, PageRevision, PostIt
from coacte.render import synthesis_pages as render
from coacte.synthesis.territory import synthesize
from coacte.web import webhook
from coacte.wikitext import parse, region
from coacte.wikitext.debate_page import debate_page
from coacte.wikitext.values import decode

PROPS = settings(derandomize=True, max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FAST = settings(derandomize=True, max_examples=300, deadline=None)

#: Markup characters, line breaks, a little French and what people type.
MARKUP = "|{}[]<>&~_=!'*#:;- \n\téa1•"
_CHARS = st.one_of(st.sampled_from(MARKUP),
                   st.characters(blacklist_categories=("Cc", "Cs")))
TEXT = st.text(_CHARS, max_size=40)
#: Fragments that make random wikitext look like a debate page.
FRAGMENTS = (
    "{{CO-ACTE débat", "{{CO-ACTE post-it", "{{co-ACTE_post-it", "{{Modèle:CO-ACTE post-it",
    "{{CO-ACTE réaction", "{{CO-ACTE code", "{{!}}", "{{", "}}", "{{{", "}}}", "|", "=",
    "| question = 3", "| texte = ", "| tour = 1", "| territoire = T", "| nature = levier",
    "| code = C01/P15", "| niveau = local, x", "<!--", "-->", "<nowiki>", "</nowiki>", "[[",
    "]]", "&#124;", "&amp;", "&#x7d;", "&#99999999;", "<ref>", "</ref>", "\n", "== h ==",
    "~~~~", "__NOTOC__", "<pre>", "{|", "|}", "||", "<noinclude>", "{{#if:", "[[:x|y]]",
)
WIKITEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), TEXT), max_size=40).map("".join)



def _mostly(good, bad):
    """``good`` three times out of four, else ``bad``."""
    return st.integers(0, 3).flatmap(lambda i: good if i else bad)


QUESTION = _mostly(st.sampled_from(["1", "2", "3"]),
                   st.sampled_from([" 3 ", "0", "4", "", "x", "３", "1.0"]) | TEXT)
HEADER = st.fixed_dictionaries(
    {"territoire": _mostly(st.sampled_from(["Mulhouse", " Odemira "]),
                           st.sampled_from(["Globale", "a|b", "", "[[x]]"]) | TEXT),
     "tour": _mostly(st.sampled_from(["1", "2"]),
                     st.sampled_from(["0", "-1", "", "x", "01"]) | TEXT)},
    optional={"pays": st.sampled_from(["FR", "fr", "", "FRA"]),
              "date": st.sampled_from(["2016-01-12", "2016-13-01", "20160112", ""]),
              "formule": st.one_of(st.sampled_from(contract.FORMULAS), TEXT),
              "participants": st.sampled_from(["24", "-3", "x", ""]),
              "langue": st.sampled_from(["fr", "FR", "french", ""])},
)
POSTIT = st.fixed_dictionaries(
    {"question": QUESTION, "texte": TEXT},
    optional={"groupe": TEXT,
              "nature": st.one_of(st.sampled_from(["blocage", "levier", "lever", ""]), TEXT),
              "code": st.one_of(st.sampled_from(["C01", "C01/P15", "c01", "Z"]), TEXT),
              "niveau": st.one_of(st.sampled_from(["local", "régional, x", "world"]), TEXT),
              "acteurs": TEXT},
)
GRID = Grid({"C": GridEntry("C", "Organisations [[x]] <b>"), "C01": GridEntry("C01", "I", "C"),
             "P": GridEntry("P", "Sens {{x}}", kind="sens")})


def _read(text: str):
    return validate.read_debate(PageRevision("Débat:T/Tour 1", 7, "", text), GRID)


def _check_accounting(text: str):
    """Never raises; problems are located; every post-it call is kept or excluded."""
    debate, problems = _read(text)
    found = parse.calls(text)
    counts = {t: sum(1 for c in found if c.template is t) for t in contract.TEMPLATES}
    for p in problems:
        assert p.page == "Débat:T/Tour 1"
        assert p.field is None or isinstance(p.field, str)
        if p.index is not None:
            limit = counts[contract.REACTION if p.item == "reaction" else contract.POSTIT]
            assert 1 <= p.index <= limit, p
        p.message("fr")
        p.location("en")
    if debate is None:
        assert any(p.blocking and p.index is None for p in problems)
        return debate, problems
    n = counts[contract.POSTIT]
    assert len(debate.postits) + debate.excluded == n
    kept = {p.index for p in debate.postits}
    blocked = {p.index for p in problems
               if p.blocking and p.item == "postit" and p.index is not None}
    assert len(kept) == len(debate.postits)
    assert not kept & blocked
    assert kept | blocked == set(range(1, n + 1))
    return debate, problems


# -- debate pages ------------------------------------------------------------------------


@PROPS
@given(HEADER, st.lists(POSTIT, max_size=8))
def test_written_debate_pages_lose_nothing_and_keep_texts(header, postits):
    text = debate_page(header, postits)
    debate, _ = _check_accounting(text)
    event(f"debate read: {debate is not None}, valid post-its: {bool(debate and debate.postits)}")
    if debate is not None:
        for p in debate.postits:
            assert p.text == postits[p.index - 1]["texte"].strip()
            assert p.question in contract.QUESTIONS


def _raw_call(name: str, params: list[tuple[str, str]], positional: list[str]) -> str:
    parts = [f"{k}={v}" for k, v in params] + positional
    return "{{" + name + "".join("|" + p for p in parts) + "}}"


RAW_PARAM = st.tuples(
    st.one_of(st.sampled_from(["question", "texte", "text", "TEXTE", "nature", "code",
                               "niveau", "groupe", "acteurs", "inconnu", " Kind "]), TEXT),
    st.one_of(QUESTION, TEXT),
)


@PROPS
@given(HEADER, st.lists(st.tuples(st.lists(RAW_PARAM, max_size=6),
                                  st.lists(TEXT, max_size=2)), max_size=6),
       st.lists(WIKITEXT, max_size=3), st.booleans())
def test_raw_debate_pages_never_raise_and_lose_nothing(header, raw, noise, two_headers):
    parts = [_raw_call("CO-ACTE débat", list(header.items()), [])]
    if two_headers:
        parts.append(_raw_call("CO-ACTE débat", [("tour", "1")], []))
    for (params, positional), extra in zip(raw, noise + [""] * len(raw), strict=False):
        parts += [_raw_call("CO-ACTE post-it", params, positional), extra]
    _check_accounting("\n".join(parts))


@PROPS
@given(WIKITEXT)
def test_arbitrary_wikitext_never_raises(text):
    parse.calls(text)
    _check_accounting(text)
    validate.read_grid(PageRevision("CO-ACTE/Grille", 1, "", text))
    validate.read_contributions([PageRevision("X", 1, "", text)])


# -- synthesis and render ----------------------------------------------------------------

_CLEAN_TEXT = TEXT.map(str.strip).filter(bool)
RENDER_POSTIT = st.tuples(
    st.sampled_from([(1, ""), (2, ""), (3, "blocage"), (3, "levier")]), _CLEAN_TEXT,
    TEXT.map(lambda g: " ".join(g.split())), st.sampled_from(["", "C01", "C01/P", "Z9"]),
    st.lists(st.sampled_from(contract.LEVELS), max_size=2, unique=True),
    st.lists(_CLEAN_TEXT.filter(lambda a: "," not in a and ";" not in a), max_size=2),
)


def _ideas(text: str):
    code = mwparserfromhell.parse(text)
    names = [str(t.name).strip() for t in code.filter_templates(recursive=True)]
    assert names[0] == contract.SYNTHESIS.name
    assert set(names[1:]) <= {contract.IDEA.name}
    return code, [t for t in code.filter_templates(recursive=False)
                  if str(t.name).strip() == contract.IDEA.name]


@PROPS
@given(st.lists(RENDER_POSTIT, min_size=1, max_size=10), TEXT)
def test_synthesis_render_round_trips_every_text(raw, territory):
    territory = " ".join(territory.split()) or "T"
    page = "Débat:T/Tour 1"
    postits = [PostIt(page, 42, n, q, t, g, k, c, tuple(lv), tuple(a))
               for n, ((q, k), t, g, c, lv, a) in enumerate(raw, 1)]
    (s,) = synthesize([Debate(page, 42, territory, 1, postits=postits)], GRID)
    text = render.synthesis(s, GRID)
    code, ideas = _ideas(text)
    assert len(ideas) == len(s.ideas)
    assert text.count("{{") == text.count("}}") == 1 + len(ideas)
    assert "<" not in text and ">" not in text
    assert not code.filter_tags() and not code.filter_comments()
    assert not code.filter_external_links()
    allowed = {f":{page}", ":Special:PermanentLink/42"}
    assert {str(link.title) for link in code.filter_wikilinks()} <= allowed
    assert text.count("[[") == len(code.filter_wikilinks()) == 1 + len(ideas)
    header = code.filter_templates(recursive=False)[0]
    assert decode(str(header.get("territoire").value)) == territory
    for rendered, idea in zip(ideas, s.ideas, strict=True):
        assert decode(str(rendered.get("énoncé").value)) == idea.statement
        variants = decode(str(rendered.get("variantes").value)) if rendered.has(
            "variantes") else ""
        assert variants == " • ".join(idea.variants)
    texts = [decode(str(t.get("énoncé").value)) for t in ideas]
    assert set(texts) <= {p.text for p in postits}
    assert sorted(len(i.sources) for i in s.ideas) and sum(
        len(i.sources) for i in s.ideas) == len(postits)


def test_variants_separator_is_unambiguous():
    page = "Débat:T/Tour 1"
    texts = ["chose a • b", "Chose a • b", "chose a • b"]  # merged: statement + one variant
    postits = [PostIt(page, 1, n, 1, t) for n, t in enumerate(texts, 1)]
    (s,) = synthesize([Debate(page, 1, "T", 1, postits=postits)], Grid())
    (idea,) = s.ideas
    _, (rendered,) = _ideas(render.synthesis(s, Grid()))
    raw = str(rendered.get("variantes").value).strip()
    assert [decode(v) for v in raw.split(" • ")] == idea.variants


# -- the bot's region --------------------------------------------------------------------

HUMAN = TEXT.filter(lambda t: "CO-ACTE" not in t)
BODY = st.lists(st.one_of(st.sampled_from(FRAGMENTS), TEXT), max_size=12).map("".join).filter(
    lambda t: "CO-ACTE" not in t)


@FAST
@given(HUMAN, HUMAN, BODY, BODY)
def test_region_keeps_human_text_and_is_idempotent(before, after, body, body2):
    created = region.place(None, body)
    assert created.status == region.CREATE
    assert region.place(created.text, body).status == region.UNCHANGED
    page = before + "\n" + created.text + "\n" + after
    assert region.outside(page) == before + "\n\n" + after
    again = region.place(page, body2)
    if region.clean(body2) == region.clean(body):
        assert again.status == region.UNCHANGED
        return
    assert again.status == region.UPDATE
    assert again.text.startswith(before + "\n") and again.text.endswith("\n" + after)
    assert region.outside(again.text) == region.outside(page)
    assert region.body_of(again.text) == region.clean(body2)
    assert region.place(again.text, body2).status == region.UNCHANGED


@FAST
@given(HUMAN, BODY.filter(lambda b: region.clean(b) != ""))
def test_region_page_without_region_keeps_human_text(before, body):
    assume("CO-ACTE:début" not in before)
    placed = region.place(before, body)
    assert placed.status == region.UPDATE
    assert placed.text.startswith(before.rstrip())
    assert region.place(placed.text, body).status == region.UNCHANGED


@FAST
@given(BODY.filter(lambda b: region.clean(b) != ""), BODY, st.data())
def test_any_human_change_inside_the_region_is_a_conflict(body, body2, data):
    page = region.place(None, body).text
    start, end = region.begin_marks(page)[0].end() + 1, region.end_marks(page)[0].start() - 1
    assert page[start:end] == region.clean(body)
    position = data.draw(st.integers(start, end))
    how = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    if how == "insert" or position == end:
        extra = data.draw(TEXT.filter(lambda t: t.strip("\n")))
        edited = page[:position] + extra + page[position:]
    else:
        old = page[position]
        new = data.draw(_CHARS.filter(lambda c: c != old)) if how == "replace" else ""
        edited = page[:position] + new + page[position + 1:]
    assert region.body_of(edited) != region.clean(body)
    placed = region.place(edited, body2)
    event(f"conflict: {placed.reason}")
    assert placed.status == region.CONFLICT and placed.text is None


# -- paste import ------------------------------------------------------------------------

PASTE = st.lists(st.one_of(st.sampled_from(["\t", " | ", "|", "\n", "\r\n", "\r", "- ", "• ",
                                            "* ", "  ", "a|b", " | | "]), TEXT),
                 max_size=30).map("".join)


@PROPS
@given(PASTE, st.sampled_from(["", "1", "3", "x"]))
def test_paste_never_raises_and_accounts_for_every_line(text, question):
    rows = importing.parse_paste(text, {"question": question})
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert [r.number for r in rows] == [n for n, line in enumerate(lines, 1) if line.strip()]
    for row in rows:
        assert all(note.row == row.number for note in row.notes)
        assert set(row.values) <= set(importing.PASTE_COLUMNS) | {"question"}
    problems = importing.check({"territoire": "T", "tour": "1"}, rows, GRID)
    numbers = {r.number for r in rows}
    for p in problems:
        assert p.row is None or p.row in numbers
        p.location("fr")
    for row in rows:
        if not row.values.get("texte", "").strip():
            assert any(p.row == row.number and p.field == "texte" for p in problems)


# -- webhook -----------------------------------------------------------------------------

SECRET = "s" * 64
NOW = 1_700_000_000
ASCII_HEADER = st.one_of(st.none(), st.text(st.characters(min_codepoint=32, max_codepoint=126),
                                            max_size=80))
BODY_BYTES = st.one_of(st.binary(max_size=200),
                       st.builds(lambda t: json.dumps({"title": t}).encode(), TEXT))


@pytest.fixture(scope="module")
def seen_nonces(tmp_path_factory):
    """One nonce file for all the examples (a nonce seen twice is refused, 409)."""
    return webhook.Nonces(tmp_path_factory.mktemp("webhook") / "nonces.sqlite")


@FAST
@given(ASCII_HEADER, ASCII_HEADER, ASCII_HEADER, BODY_BYTES,
       st.integers(-10**6, 10**6), st.booleans())
def test_webhook_accepts_only_correctly_signed_calls(seen_nonces, stamp, nonce, signature, body,
                                                     skew, signed):
    if signed:
        stamp = str(NOW + skew)
        nonce = nonce or "n"
        signature = webhook.sign(SECRET, stamp, nonce, body)
    headers = {"X-CoActe-Timestamp": stamp, "X-CoActe-Nonce": nonce,
               "X-CoActe-Signature": signature}
    verdict = webhook.verify(SECRET, headers.get, body, seen_nonces, now=NOW)
    good = bool(stamp and nonce and signature) and \
        signature == webhook.sign(SECRET, stamp, nonce, body)
    if verdict.ok:
        assert good and abs(NOW - int(stamp)) <= webhook.MAX_AGE
        assert isinstance(verdict.event["title"], str) and verdict.event["title"]
    else:
        assert verdict.status in (400, 401, 409, 503)
    if not good:
        assert not verdict.ok and verdict.status == 401


def test_webhook_non_ascii_signature_is_refused_not_raised(tmp_path):
    headers = {"X-CoActe-Timestamp": str(NOW), "X-CoActe-Nonce": "n",
               "X-CoActe-Signature": "sha256=é"}
    nonces = webhook.Nonces(tmp_path / "nonces.sqlite")
    verdict = webhook.verify(SECRET, headers.get, b"{}", nonces, now=NOW)
    assert verdict.status == 401


def test_webhook_deeply_nested_body_is_malformed_not_raised(tmp_path):
    body = b"[" * 100_000
    headers = webhook.headers(SECRET, body, timestamp=NOW, nonce="n")
    nonces = webhook.Nonces(tmp_path / "nonces.sqlite")
    verdict = webhook.verify(SECRET, headers.get, body, nonces, now=NOW)
    assert verdict.status == 400


@FAST
@given(TEXT)
def test_plain_values_are_decoded_without_the_parser_exactly_as_with_it(text):
    # decode() skips the parser for values without &, < or {: this must not change
    # what any value reads as (the parser would have found a text node, or markup kept).
    from coacte.wikitext.values import _text_of

    assert decode(text) == _text_of(mwparserfromhell.parse(text)).strip()
