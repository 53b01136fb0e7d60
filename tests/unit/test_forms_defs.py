"""The form definitions (forms/*.toml) match the contract, and the web forms and the
wiki's preload and InputBox pages are all generated from them."""

import re

import mwparserfromhell
import pytest
from werkzeug.datastructures import MultiDict

from coacte import contract, forms
from coacte.i18n import keys
from coacte.model import Grid, PageRevision
from coacte.validate import read_debate
from coacte.wikitext.parse import calls

TEMPLATES = {"debate": contract.DEBATE, "postit": contract.POSTIT,
             "reaction": contract.REACTION}


def test_the_three_definitions_load_for_their_templates():
    defs = forms.definitions()
    assert set(defs) == set(TEMPLATES)
    for name, template in TEMPLATES.items():
        assert defs[name].template is template


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_field_is_a_contract_parameter_with_the_contracts_choices(name):
    defn = forms.definition(name)
    template = TEMPLATES[name]
    for f in defn.fields:
        assert template.param(f.name) is f.param
        assert f.param.name == f.name  # French names
        if f.widget in forms.CHOICE_WIDGETS:
            assert f.choices == f.param.choices != ()
        assert f.label("fr") and f.label("en")
        assert f.help("fr") and f.help("en")
    # nothing required by the contract is forgotten, nothing asked twice
    required = {p.name for p in template.params if p.required}
    assert required <= set(defn.names)
    assert len(defn.names) == len(set(defn.names))


def test_the_debate_and_postit_forms_ask_for_every_parameter_in_contract_order():
    for name in ("debate", "postit"):
        assert forms.definition(name).names == tuple(p.name for p in TEMPLATES[name].params)


def test_i18n_keys_of_the_definitions_exist_in_both_languages():
    for defn in forms.definitions().values():
        used = [defn.title_key, defn.intro_key] + [
            k for f in defn.fields for k in (f.label_key, f.help_key) if k]
        assert set(used) <= keys("en") & keys("fr") & keys("qqq")


@pytest.mark.parametrize("data, error", [
    ({"template": "CO-ACTE inconnu"}, "not a contract template"),
    ({"template": "CO-ACTE post-it", "field": [{"param": "auteur", "widget": "text"}]},
     "not the French name"),
    ({"template": "CO-ACTE post-it", "field": [{"param": "text", "widget": "text"}]},
     "not the French name"),
    ({"template": "CO-ACTE post-it", "field": [{"param": "groupe", "widget": "select"}]},
     "no choices"),
    ({"template": "CO-ACTE post-it", "field": [{"param": "texte", "widget": "slider"}]},
     "widget"),
    ({"template": "CO-ACTE post-it", "field": [{"param": "texte", "widget": "text"}]},
     "required parameters not asked: \\['question'\\]"),
    ({"template": "CO-ACTE post-it", "field": [{"param": "texte", "widget": "text",
                                                "choices": ["a"]}]}, "unknown keys"),
])
def test_a_definition_that_does_not_match_the_contract_is_refused(data, error):
    with pytest.raises(forms.DefinitionError, match=error):
        forms.parse_definition(data, "test.toml")


def test_wtform_has_the_fields_in_order_with_the_contracts_choices():
    cls = forms.wtform(forms.definition("postit"), "en")
    form = cls(MultiDict([("question", "3"), ("texte", " Un texte "), ("niveau", "local"),
                          ("niveau", "national"), ("nature", "blocage")]))
    assert [f.name for f in form] == list(forms.definition("postit").names)
    assert re.findall(r'<option[^>]*value="([^"]*)"', str(form.question())) == [
        "", "1", "2", "3"]
    assert re.findall(r'type="checkbox" value="([^"]*)"', str(form.niveau())) == list(
        contract.LEVELS)
    assert form.texte.label.text == "Text"
    values = forms.values_of(form, forms.definition("postit"))
    assert values == {"question": "3", "texte": "Un texte", "groupe": "", "nature": "blocage",
                      "code": "", "niveau": "local, national", "acteurs": ""}
    assert 'type="checkbox"' in str(form.niveau())
    assert forms.is_blank(forms.values_of(cls(MultiDict()), forms.definition("postit")))


def test_wtform_labels_follow_the_language():
    assert forms.wtform(forms.definition("debate"), "fr")().territoire.label.text == \
        "Territoire"
    assert forms.wtform(forms.definition("debate"), "en")().territoire.label.text == \
        "Territory"
    assert 'type="number"' in str(forms.wtform(forms.definition("debate"))().tour())
    assert 'type="date"' in str(forms.wtform(forms.definition("debate"))().date())


def _preload_body(text):
    """What MediaWiki copies from a preload page: includeonly kept, noinclude dropped."""
    text = re.sub(r"<noinclude>.*?</noinclude>", "", text, flags=re.S)
    return text.replace("<includeonly>", "").replace("</includeonly>", "")


def test_preload_page_is_the_skeleton_of_a_debate_page_in_definition_order():
    pages = forms.wiki_pages()
    text = pages[forms.PRELOAD_PAGE]
    body = _preload_body(text)
    found = calls(body)
    assert [c.template for c in found] == [contract.DEBATE] + [contract.POSTIT] * 3
    assert [n for n, _ in found[0].params] == list(forms.definition("debate").names)
    for c in found[1:]:
        assert [n for n, _ in c.params] == list(forms.definition("postit").names)
        assert all(v.strip() == "" for _, v in c.params)
    # the preload page itself transcludes nothing (it is not taken for a debate page)
    shown = re.sub(r"<includeonly>.*?</includeonly>", "", text, flags=re.S)
    assert calls(shown) == []
    # once filled in, the skeleton is a valid debate page
    filled = body.replace("| territoire = ", "| territoire = Mulhouse", 1).replace(
        "| tour = ", "| tour = 1", 1).replace("| question = ", "| question = 1", 1).replace(
        "| texte = ", "| texte = Une idée", 1)
    debate, problems = read_debate(PageRevision("Débat:Mulhouse/Tour 1", 1, "", filled),
                                   Grid())
    assert [p.text for p in debate.postits] == ["Une idée"]
    assert debate.excluded == 2  # the two empty post-its are reported, not lost


def test_forms_page_has_an_inputbox_per_language_and_every_field():
    text = forms.wiki_pages("Debate")[forms.FORMS_PAGE]
    code = mwparserfromhell.parse(text)
    boxes = [t for t in code.filter_tags() if str(t.tag) == "inputbox"]
    assert len(boxes) == 2
    for box in boxes:
        lines = dict(line.split("=", 1) for line in str(box.contents).strip().splitlines())
        assert lines["type"] == "create"
        assert lines["preload"] == forms.PRELOAD_PAGE
        assert lines["prefix"] == "Debate:"
    assert "Créer la page du débat" in text and "Create the debate page" in text
    for defn in forms.definitions().values():
        for f in defn.fields:
            assert f"<code>{f.name}</code>" in text
            assert f.help("fr").replace("<", "&lt;").replace(">", "&gt;") in text
            assert f.help("en").replace("<", "&lt;").replace(">", "&gt;") in text
    # skeletons are shown, not transcluded
    assert calls(text) == []
    assert "<territoire>" not in text


def test_every_message_of_the_forms_templates_exists_in_both_languages():
    import json

    from coacte.package_data import HERE as package

    used = set()
    for path in (package / "web" / "templates" / "forms").glob("*.html"):
        used |= set(re.findall(r"""_\(\s*["'](coacte-[a-z0-9-]*[a-z0-9])["']""",
                               path.read_text(encoding="utf-8")))
    assert len(used) > 50
    # keys built at run time (f"coacte-forms-saved-{kind}", "coacte-forms-row-" ~ source…)
    used |= {f"coacte-forms-{k}" for k in (
        "saved-created", "saved-appended", "saved-reactions", "row-paste", "row-import",
        "kind-blocage", "kind-levier", "summary-paste", "summary-paste-create",
        "summary-import", "summary-import-create")}
    assert used - (keys("en") & keys("fr") & keys("qqq")) == set()
    files = {lang: json.loads((package / "i18n" / "forms" / f"{lang}.json").read_text(
        encoding="utf-8")) for lang in ("en", "fr", "qqq")}
    assert set(files["en"]) == set(files["fr"]) == set(files["qqq"])
    assert "@metadata" in files["en"]


def test_every_form_field_speaks_portuguese():
    """A Portuguese facilitator reads every field's label and help in Portuguese."""
    from coacte import contract

    for template in (t for t in vars(contract).values() if isinstance(t, contract.Template)):
        assert template.description_pt, template.name
        for p in template.params:
            assert p.label("pt") == p.label_pt and p.label_pt, (template.name, p.name)
            assert p.description("pt") == p.description_pt and p.description_pt, p.name
            assert p.label("en") == p.label_en and p.label("fr") == p.label_fr
