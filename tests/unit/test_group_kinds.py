"""The vocabulary of group kinds: "Jeunes", "Young people" and "Jovens" are one kind,
read from the groups page with its problems located, installed as a seeded page."""

from __future__ import annotations

from coacte import contract
from coacte.config import Config
from coacte.jobs.install import SEEDED, TEMPLATES_DIR, wanted_pages
from coacte.model import GroupKind, GroupKinds, PageRevision
from coacte.validate import read_groups
from coacte.wikitext.templatedata import templatedata_json

TITLE = "CO-ACTE/Groupes"


def groups(text: str):
    return read_groups(PageRevision(TITLE, 3, "t", text))


VOCABULARY = groups("""
Texte libre entre les appels.
{{CO-ACTE groupe | type = elus | fr = Élus ; Élus locaux
  | en = Councillors, Elected officials | pt = Eleitos }}
{{CO-ACTE groupe | kind = jeunes | fr = Jeunes ; Lycéens | en = Young people ; Youth
  | pt = Jovens }}
""")[0]


def test_names_in_three_languages_are_one_kind_compared_folded():
    for name in ("Élus", "elus", " ÉLUS  LOCAUX ", "Councillors", "elected officials",
                 "Eleitos", "elus"):
        assert VOCABULARY.kind_of(name) == "elus", name
    for name in ("Jeunes", "lyceens", "Young People", "youth", "JOVENS"):
        assert VOCABULARY.kind_of(name) == "jeunes", name
    assert VOCABULARY.knows("Jovens") and VOCABULARY.knows("")
    assert not VOCABULARY.knows("Agriculteurs")


def test_an_unknown_name_is_its_own_kind_folded_as_without_a_vocabulary():
    assert VOCABULARY.kind_of("  Habitants du  Quartier ") == "habitants du quartier"
    assert VOCABULARY.kind_of("") == ""
    empty = GroupKinds()
    assert empty.kind_of("Élus") == "elus" and empty.kind_of("Councillors") == "councillors"
    assert empty.closest("Élus") is None and empty.display("elus") is None


def test_closest_kind_of_an_unknown_name():
    assert VOCABULARY.closest("Jovem") == "jeunes"
    assert VOCABULARY.closest("Élus municipaux") == "elus"
    assert VOCABULARY.closest("young") == "jeunes"
    assert VOCABULARY.closest("Agriculteurs") is None
    assert VOCABULARY.closest("") is None


def test_display_name_in_the_readers_language_then_another_then_the_key():
    assert VOCABULARY.display("elus", "fr") == "Élus"
    assert VOCABULARY.display("elus", "en") == "Councillors"
    assert VOCABULARY.display("jeunes", "pt") == "Jovens"
    assert VOCABULARY.display("jeunes", "de") == "Jeunes"  # no German name: French
    assert VOCABULARY.display("inconnu") is None
    assert GroupKind("seniors", {"pt": ("Idosos",)}).name("en") == "Idosos"
    assert GroupKind("seniors").name("fr") == "seniors"
    assert VOCABULARY.kinds["elus"].names == {
        "fr": ("Élus", "Élus locaux"), "en": ("Councillors", "Elected officials"),
        "pt": ("Eleitos",)}
    assert VOCABULARY.page == TITLE


def test_page_problems_are_located():
    kinds, problems = groups("""
{{CO-ACTE groupe | type = elus | fr = Élus | es = Electos }}
{{CO-ACTE groupe | fr = Orphelins }}
{{CO-ACTE groupe | type = conseil | fr = Conseil ; elus | en = Council }}
{{CO-ACTE groupe | type = ELUS | en = Councillors }}
{{CO-ACTE groupe | type = jeunes | type = young }}
""")
    assert [(p.index, p.field, p.key, p.params, p.blocking, p.item) for p in problems] == [
        (1, "es", "coacte-problem-unknown-param", ("es", "CO-ACTE groupe"), False, "group"),
        (2, "type", "coacte-problem-required", ("type",), True, "group"),
        (3, "fr", "coacte-problem-group-name-taken", ("elus", "conseil", "elus"), True,
         "group"),
        (5, "type", "coacte-problem-duplicate-param", ("type",), True, "group"),
    ]
    # the first kind keeps a name claimed twice; one kind on two calls adds up its names
    assert kinds.kind_of("Élus") == "elus" and kinds.kind_of("Council") == "conseil"
    assert kinds.kinds["elus"].names == {"fr": ("Élus",), "en": ("Councillors",)}
    assert kinds.kinds["conseil"].names == {"fr": ("Conseil",), "en": ("Council",)}
    assert "orphelins" not in kinds.names and "jeunes" not in kinds.kinds
    assert "CO-ACTE/Groupes — group kind 3 — field “fr”" in problems[2].location("en")


def test_no_page_no_vocabulary():
    kinds, problems = read_groups(None)
    assert kinds == GroupKinds() and problems == []


def test_the_shipped_page_reads_without_problems_and_is_seeded_by_install():
    config = Config()
    assert config.groups_page == TITLE
    wanted = {w.title: w for w in wanted_pages(config)}
    page = wanted[TITLE]
    assert page.kind == SEEDED
    kinds, problems = groups(page.text)
    assert problems == []
    assert len(kinds.kinds) >= 10
    for fr, en, pt in (("Élus", "Councillors", "Eleitos"), ("Jeunes", "Young people", "Jovens"),
                       ("Habitants", "Residents", "Moradores"),
                       ("Personnes âgées", "Older people", "Idosos"),
                       ("Associations", "Community groups", "Associações"),
                       ("Techniciens", "Professionals", "Técnicos"),
                       ("Entreprises", "Businesses", "Empresas")):
        assert kinds.kind_of(fr) == kinds.kind_of(en) == kinds.kind_of(pt) != fold_of(en)


def fold_of(name: str) -> str:
    return GroupKinds().kind_of(name)


def test_the_template_is_in_the_contract_with_generated_templatedata():
    template = contract.template_named("Modèle:CO-ACTE groupe")
    assert template is contract.GROUP_KIND and template in contract.TEMPLATES
    assert template.param("kind").name == "type" and template.param("pt").is_list
    assert (TEMPLATES_DIR / "groupe.wikitext").exists()
    assert '"type"' in templatedata_json(template) and '"kind"' in templatedata_json(template)
