"""Post-it text is data: encode/decode round-trips and never yields markup."""

import mwparserfromhell
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coacte.wikitext.values import decode, encode, split_list

HOSTILE = [
    "[[Catégorie:x]]",
    "<script>alert(1)</script>",
    "signé ~~~~",
    "__NOTOC__",
    "{{DISPLAYTITLE:x}}",
    "== heading ==",
    "a {{!}} b",
    "fin }} et | tube",
    "&amp; &eacute; &#124;",
    "{{subst:CURRENTTIME}}",
    "'''gras''' et ''italique''",
    "* liste\n# numérotée\n: indent\n ; pre\n----",
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips(text):
    assert decode(encode(text)) == text.strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_encodes_to_plain_text_nodes(text):
    """The encoded form holds no template, link, tag, heading or comment."""
    code = mwparserfromhell.parse(f"{{{{T|x={encode(text)}}}}}")
    template = code.filter_templates()[0]
    assert len(code.filter_templates()) == 1
    value = template.get("x").value
    kinds = {type(n).__name__ for n in value.nodes}
    assert kinds <= {"Text", "HTMLEntity"}
    for forbidden in ("[[", "{{", "}}", "|", "<", "~~~", "__", "''"):
        assert forbidden not in encode(text)


def test_each_line_starts_inert():
    encoded = encode("a\n* b\n== c ==")
    assert "\n" not in encoded
    assert encoded.count("&#10;") == 2


def test_french_apostrophes_stay_readable():
    assert encode("L'école d'été") == "L'école d'été"


def test_decode_reads_what_a_reader_sees():
    assert decode("  a {{!}} b <!-- note --> ") == "a | b"
    assert decode("<nowiki>[[x]]</nowiki>") == "[[x]]"
    assert decode("caf&eacute; &amp; th&#233;") == "café & thé"
    assert decode("[[Lien]] reste écrit") == "[[Lien]] reste écrit"


def test_split_list():
    assert split_list(" local, national ;européen,, ") == ("local", "national", "européen")


#: Printable text plus line breaks and tabs: MediaWiki stores no other control character.
_TEXT = st.text(st.one_of(
    st.characters(blacklist_categories=("Cc", "Cs")), st.sampled_from("\n\t")))


@given(_TEXT)
def test_round_trip_property(text):
    assert decode(encode(text.strip())) == text.strip()


def test_control_characters_are_dropped():
    assert decode(encode("a\x00b\x07c")) == "abc"
