"""Declarative forms (``coacte/form_definitions/*.toml``): one definition, two doors.

A definition says which contract template a form fills, which parameters it asks for,
in which order, with which widget, label and help. From the same definitions this
module builds:

* the WTForms classes the web service's views use (:func:`wtform`), so a field added to
  ``postit.toml`` appears in ``/debates/new`` with no template change;
* the wiki's own pages (:func:`wiki_pages`): a *preload* page holding the skeleton of a
  new debate page, and an *InputBox* page (``CO-ACTE/Formulaires``) that creates a
  debate page from it, so people who edit inside the wiki get the same fields, in the
  same order.

Definitions are checked against :mod:`coacte.contract` when loaded: every field must be
a parameter of the template, and choices always come from the contract, so the forms
can never offer a value the validator refuses.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wtforms import (
    Form,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, NumberInput, TextInput

from coacte import contract
from coacte.contract import fold
from coacte.i18n import keys, message
from coacte.package_data import FORM_DEFINITIONS

try:  # WTForms ≥ 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None

FORMS_DIR = FORM_DEFINITIONS

WIDGETS = ("text", "textarea", "number", "date", "select", "checkboxes", "hidden")
#: Widgets that offer the contract's choices.
CHOICE_WIDGETS = ("select", "checkboxes")
_FIELD_KEYS = {"param", "widget", "label", "help", "placeholder", "min", "max", "rows", "size"}
_FORM_KEYS = {"name", "template", "title", "intro", "field"}

#: Where ``coacte install`` puts the wiki's own form pages.
FORMS_PAGE = "CO-ACTE/Formulaires"
PRELOAD_PAGE = "CO-ACTE/Préchargement/Débat"
#: How many empty post-its the preload skeleton holds.
PRELOAD_POSTITS = 3


class DefinitionError(ValueError):
    """A form definition that does not match the contract (a developer's mistake)."""


@dataclass(frozen=True)
class FieldDef:
    """One field of a form: a contract parameter and how it is asked for."""

    param: contract.Param
    widget: str
    label_key: str = ""
    help_key: str = ""
    placeholder: str = ""
    min: int | None = None
    max: int | None = None
    rows: int | None = None
    size: int | None = None

    @property
    def name(self) -> str:
        """The parameter's French name: also the form field's name."""
        return self.param.name

    @property
    def choices(self) -> tuple[str, ...]:
        return self.param.choices if self.widget in CHOICE_WIDGETS else ()

    @property
    def required(self) -> bool:
        return self.param.required

    def label(self, lang: str) -> str:
        if self.label_key:
            return message(self.label_key, lang=lang)
        return self.param.label(lang)

    def help(self, lang: str) -> str:
        if self.help_key:
            return message(self.help_key, lang=lang)
        return self.param.description(lang)


@dataclass(frozen=True)
class FormDef:
    """A form: the template it fills and its fields, in order."""

    name: str
    template: contract.Template
    title_key: str
    intro_key: str
    fields: tuple[FieldDef, ...]

    def field(self, name: str) -> FieldDef | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _int(where: str, key: str, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise DefinitionError(f"{where}: {key} must be a whole number, not {value!r}")
    return value


def parse_definition(data: dict, source: str = "<definition>") -> FormDef:
    """A definition from its TOML data, checked against the contract."""
    unknown = set(data) - _FORM_KEYS
    if unknown:
        raise DefinitionError(f"{source}: unknown keys {sorted(unknown)}")
    template = contract.template_named(str(data.get("template", "")))
    if template is None:
        raise DefinitionError(f"{source}: {data.get('template')!r} is not a contract template")
    fields: list[FieldDef] = []
    for n, raw in enumerate(data.get("field", []), 1):
        where = f"{source}, field {n}"
        unknown = set(raw) - _FIELD_KEYS
        if unknown:
            raise DefinitionError(f"{where}: unknown keys {sorted(unknown)}")
        param = template.param(str(raw.get("param", "")))
        if param is None or param.name != raw.get("param"):
            raise DefinitionError(
                f"{where}: {raw.get('param')!r} is not the French name of a parameter of "
                f"{{{{{template.name}}}}}")
        widget = raw.get("widget")
        if widget not in WIDGETS:
            raise DefinitionError(f"{where}: widget must be one of {WIDGETS}, not {widget!r}")
        if widget in CHOICE_WIDGETS and not param.choices:
            raise DefinitionError(f"{where}: {param.name} has no choices in the contract")
        if widget == "checkboxes" and not param.is_list:
            raise DefinitionError(f"{where}: checkboxes need a list parameter")
        if param.name in (f.name for f in fields):
            raise DefinitionError(f"{where}: {param.name} is asked twice")
        fields.append(FieldDef(
            param, widget, str(raw.get("label", "")), str(raw.get("help", "")),
            str(raw.get("placeholder", "")), _int(where, "min", raw.get("min")),
            _int(where, "max", raw.get("max")), _int(where, "rows", raw.get("rows")),
            _int(where, "size", raw.get("size")),
        ))
    missing = [p.name for p in template.params if p.required and p.name not in
               {f.name for f in fields}]
    if missing:
        raise DefinitionError(f"{source}: required parameters not asked: {missing}")
    return FormDef(str(data.get("name") or Path(source).stem), template,
                   str(data.get("title", "")), str(data.get("intro", "")), tuple(fields))


def load(path: Path) -> FormDef:
    """Read and check one definition file."""
    with path.open("rb") as fh:
        return parse_definition(tomllib.load(fh), path.name)


@cache
def definitions() -> dict[str, FormDef]:
    """Every definition of ``form_definitions/``, by name (``debate``, ``postit``, ``reaction``)."""
    found = {}
    for path in sorted(FORMS_DIR.glob("*.toml")):
        definition = load(path)
        found[definition.name] = definition
    return found


def definition(name: str) -> FormDef:
    return definitions()[name]


# -- the web service's forms -----------------------------------------------------------


def choices(pairs) -> list:
    """``(value, label)`` pairs as the installed WTForms wants a field's choices."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


def _wtfield(f: FieldDef, lang: str):
    """The WTForms field for one definition field. Values stay strings: judging them is
    :func:`coacte.validate.read_debate`'s job, so the web form and the wiki agree."""
    kw: dict = {}
    if f.placeholder:
        kw["placeholder"] = f.placeholder
    if f.size:
        kw["size"] = f.size
    label = f.label(lang)
    if f.widget == "hidden":
        return HiddenField(label)
    if f.widget == "textarea":
        if f.rows:
            kw["rows"] = f.rows
        return TextAreaField(label, render_kw=kw)
    if f.widget == "number":
        return StringField(label, widget=NumberInput(min=f.min, max=f.max), render_kw=kw)
    if f.widget == "date":
        return StringField(label, widget=DateInput(), render_kw=kw)
    if f.widget == "select":
        return SelectField(label, choices=choices(
            [("", "—")] + [(c, _value_label(c, lang)) for c in f.choices]),
            validate_choice=False, render_kw=kw)
    if f.widget == "checkboxes":
        return SelectMultipleField(label, choices=choices(
            (c, _value_label(c, lang)) for c in f.choices),
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), validate_choice=False)
    return StringField(label, widget=TextInput(), render_kw=kw)


def _value_label(value: str, lang: str) -> str:
    """A contract value as the reader's language says it (``oui`` is "yes" in English);
    the form still sends the contract's value."""
    key = f"coacte-value-{fold(value)}"
    return message(key, lang=lang) if key in keys(lang) else value


def wtform(defn: FormDef, lang: str = "fr") -> type[Form]:
    """A WTForms class with one field per definition field, in order (CSRF is checked
    app-wide by Flask-WTF's ``CSRFProtect``; templates carry ``csrf_token()``)."""
    attrs = {f.name: _wtfield(f, lang) for f in defn.fields}
    return type(f"{defn.name.title()}Form", (Form,), attrs)


def values_of(form: Form, defn: FormDef) -> dict[str, str]:
    """A filled form's values as template parameters (lists joined with ", ")."""
    out = {}
    for f in defn.fields:
        data = form[f.name].data
        if isinstance(data, list | tuple):
            data = ", ".join(str(d) for d in data if str(d).strip())
        out[f.name] = "" if data is None else str(data).strip()
    return out


def is_blank(values: dict[str, str]) -> bool:
    return not any(v.strip() for v in values.values())


# -- the wiki's own pages --------------------------------------------------------------


def skeleton(defn: FormDef) -> str:
    """An empty call of the form's template: every field, in definition order (a hidden
    field of the web form, like a reaction's idea key, is typed on the wiki)."""
    lines = ["{{" + defn.template.name]
    lines += [f"| {f.name} = " for f in defn.fields]
    return "\n".join(lines) + "\n}}"


def preload_text(postits: int = PRELOAD_POSTITS) -> str:
    """The preload page of a new debate page: the header and ``postits`` empty post-its.

    The skeleton sits in ``<includeonly>``: MediaWiki keeps it when preloading, while the
    preload page itself transcludes nothing, so it is never taken for a debate page.
    """
    debate, postit = definition("debate"), definition("postit")
    explain = "\n".join([
        message("coacte-forms-wiki-preload-note", FORMS_PAGE, lang="fr"),
        "",
        message("coacte-forms-wiki-preload-note", FORMS_PAGE, lang="en"),
    ])
    body = "\n".join([skeleton(debate)] + [skeleton(postit)] * postits)
    return f"<noinclude>{explain}\n</noinclude><includeonly>{body}\n</includeonly>"


def _wiki(text: str) -> str:
    """A message shown on a wiki page: ``<territoire>`` must show, not be a tag."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _fields_list(defn: FormDef, lang: str) -> list[str]:
    lines = []
    colon = " :" if lang == "fr" else ":"
    for f in defn.fields:
        flags = []
        if f.required:
            flags.append(message("coacte-forms-required", lang=lang))
        if f.choices:
            flags.append(", ".join(f.choices))
        extra = f" ({'; '.join(flags)})" if flags else ""
        lines.append(f"* <code>{f.name}</code> — '''{_wiki(f.label(lang))}'''"
                     f"{_wiki(extra)}{colon} {_wiki(f.help(lang))}")
    return lines


def _inputbox(debate_prefix: str, lang: str) -> str:
    return "\n".join([
        "<inputbox>",
        "type=create",
        "width=40",
        f"preload={PRELOAD_PAGE}",
        f"prefix={debate_prefix}:",
        f"placeholder={message('coacte-forms-wiki-inputbox-placeholder', lang=lang)}",
        f"buttonlabel={message('coacte-forms-wiki-inputbox-button', lang=lang)}",
        "</inputbox>",
    ])


def forms_page_text(debate_prefix: str = "Débat") -> str:
    """``CO-ACTE/Formulaires``: how to enter a debate inside the wiki, in French and in
    English, with the InputBox that creates a debate page from the preload page, and
    every field of every form with its help."""
    parts = []
    for lang in ("fr", "en"):
        parts += [
            f"== {message('coacte-forms-wiki-heading', lang=lang)} ==",
            _wiki(message("coacte-forms-wiki-intro", debate_prefix, lang=lang)),
            "",
            _inputbox(debate_prefix, lang),
            "",
            _wiki(message("coacte-forms-wiki-after", lang=lang)),
        ]
        for name in ("debate", "postit", "reaction"):
            defn = definition(name)
            parts += [
                f"=== {message(defn.title_key, lang=lang)} ===",
                _wiki(message(defn.intro_key, lang=lang)),
                "",
                *_fields_list(defn, lang),
                "",
                f"<pre>{skeleton(defn)}</pre>",
            ]
    return "\n".join(parts)


def wiki_pages(debate_prefix: str = "Débat") -> dict[str, str]:
    """``{title: wikitext}`` of the pages ``coacte install`` puts on the wiki for people
    who edit there: the forms page (InputBox) and the preload page it uses.
    ``debate_prefix`` is the local name of the debate namespace."""
    return {
        FORMS_PAGE: forms_page_text(debate_prefix),
        PRELOAD_PAGE: preload_text(),
    }
