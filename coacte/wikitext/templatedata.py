"""TemplateData for the contract's templates, generated from :mod:`coacte.contract`.

VisualEditor shows it as a form: labels and descriptions in French, English and Portuguese, the
English aliases, types, required and suggested flags, accepted values. Generated, so the
form on the wiki can never disagree with what the validator accepts.
"""

from __future__ import annotations

import json

from coacte.contract import Param, Template


def _languages(fr: str, en: str, pt: str = "") -> dict[str, str]:
    return {"fr": fr, "en": en, "pt": pt} if pt else {"fr": fr, "en": en}


def _param(p: Param) -> dict:
    data: dict = {
        "label": _languages(p.label_fr, p.label_en, p.label_pt),
        "description": _languages(p.description_fr, p.description_en, p.description_pt),
        "type": p.type,
        "required": p.required,
        "suggested": p.suggested,
    }
    if p.alias:
        data["aliases"] = [p.alias]
    if p.choices:
        data["suggestedvalues"] = list(p.choices)
    if p.example:
        data["example"] = p.example
    return data


def templatedata(template: Template) -> dict:
    return {
        "description": _languages(template.description_fr, template.description_en,
                                  template.description_pt),
        "params": {p.name: _param(p) for p in template.params},
        "paramOrder": [p.name for p in template.params],
        "format": template.format,
    }


def templatedata_json(template: Template) -> str:
    return json.dumps(templatedata(template), ensure_ascii=False, indent="\t")
