"""Post-it text is data: encode/decode round-trips and never yields markup."""

import mwparserfromhell
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coacte import contract
from coacte.contract import fold
from coacte.wikitext.parse import calls
from coacte.wikitext.synthesis_page import members_of, members_value
from coacte.wikitext.values import decode, encode, same_group, split_list, template_call

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
    "voir https://exemple.org/page?x=1, mailto:contact@exemple.org ou HTTP://X.ORG",
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


# --- comparing values: one fold, one group identity -------------------------------------

def test_fold_case_accents_and_spacing():
    assert fold("  Élus  du\tCM ") == "elus du cm"
    assert fold("NUANCÉ") == fold("nuance")


def test_a_group_is_its_folded_name():
    assert same_group("Élus", " elus ")
    assert same_group("Habitants  du quartier", "habitants du Quartier")
    assert not same_group("Élus", "Élues")
    assert same_group("", "  ")


# --- reading a call: one reader ------------------------------------------------------

def test_call_values_canonical_names_decoded_last_duplicate_unknown_left_out():
    text = ("{{CO-ACTE débat|territory= Mulhouse &amp; co |tour=1|tour=2|couleur=bleu"
            "|positional}}")
    [call] = calls(text)
    assert call.values() == {"territoire": "Mulhouse & co", "tour": "2"}
    assert call.raw() == {"territoire": " Mulhouse &amp; co ", "tour": "2"}


def test_template_call_leaves_empty_values_out():
    assert template_call("T", [("a", "1"), ("b", ""), ("c", "x y")]) == \
        "{{T\n| a = 1\n| c = x y\n}}"


# --- the membres value: one codec ---------------------------------------------------

def test_members_value_reads_back():
    refs = ("Rhône & Alpes/q1-abcdef12", "Lyon;x/q2-0123abcd", "Île-de-France/q3b-aa00bb11")
    value = members_value(refs)
    assert value.startswith("Rhône &#38; Alpes/q1-abcdef12 ; ")
    assert members_of(value) == refs
    [call] = calls(template_call(contract.IDEA.name, [("clé", "g1-x"), ("membres", value)]))
    assert members_of(call.raw()["membres"]) == refs


def test_members_of_drops_blanks_and_spacing():
    assert members_of(" a/q1-x ;b/q1-y;  ; ") == ("a/q1-x", "b/q1-y")
    assert members_of("") == ()


_REF = _TEXT.map(str.strip).filter(bool)


@given(st.lists(_REF, max_size=5))
def test_members_round_trip_property(refs):
    assert members_of(members_value(refs)) == tuple(refs)


def test_an_address_stays_readable_but_makes_no_link():
    text = "voir https://exemple.org et mailto:a@b.org ; Horaire: 9h"
    written = encode(text)
    assert "https://" not in written and "mailto:" not in written
    assert "Horaire: 9h" in written  # a colon after an ordinary word stays as typed
    assert decode(written) == text
