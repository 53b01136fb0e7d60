"""Messages in the MediaWiki format (``en.json``, ``fr.json``, ``pt.json``, ``qqq.json``).

The extension and the Python side share one format: a key, a text with ``$1``, ``$2``…
placeholders, and ``qqq.json`` documenting each key for translators. A missing
translation falls back to English, then to the key itself, so a message is never lost.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from coacte.config import environment

LANGUAGES = ("fr", "en", "pt")
_DIR = Path(__file__).parent
#: MediaWiki's ``{{PLURAL:$1|one|other}}`` once ``$1`` is replaced by a number.
_PLURAL = re.compile(r"\{\{PLURAL:\s*(-?[\d.,\u00a0\u202f ]+)\|([^|{}]*)\|([^|{}]*)\}\}")


def plural_one(n: float, lang: str) -> bool:
    """Whether ``n`` takes the singular in ``lang``: 0 and 1 in French (« 0 idée »),
    only 1 in English and Portuguese (as MediaWiki's and CLDR's rules say)."""
    return n < 2 if lang == "fr" else n == 1


@cache
def _messages(lang: str) -> dict[str, str]:
    """All messages of a language: ``<lang>.json`` and each area's ``<area>/<lang>.json``
    (as MediaWiki merges its ``MessagesDirs``)."""
    data: dict[str, str] = {}
    for path in [_DIR / f"{lang}.json", *sorted(_DIR.glob(f"*/{lang}.json"))]:
        if path.exists():
            data.update(json.loads(path.read_text(encoding="utf-8")))
    data.pop("@metadata", None)
    return data


def language() -> str:
    """The user's language: ``COACTE_LANG``, else the locale's (``LANG``), else French,
    the network's working language."""
    for var in ("COACTE_LANG", "LC_ALL", "LANG"):
        code = environment(var)[:2].lower()
        if code in LANGUAGES:
            return code
    return "fr"


def message(key: str, *params: object, lang: str | None = None) -> str:
    """The text of message ``key`` in ``lang``, with ``$1``… replaced by ``params``."""
    lang = lang or language()
    text = _messages(lang).get(key) or _messages("en").get(key) or key
    for i in range(len(params), 0, -1):
        text = text.replace(f"${i}", str(params[i - 1]))
    return text


def plural(text: str, lang: str) -> str:
    """``text`` with each ``{{PLURAL:n|one|other}}`` resolved for ``lang``: for what
    MediaWiki does not render (the dossier, the console). Wiki pages keep the magic word,
    which MediaWiki resolves."""
    return _PLURAL.sub(lambda m: _choose(m, lang), text) if "{{PLURAL:" in text else text


def _choose(m: re.Match[str], lang: str) -> str:
    digits = re.sub(r"[^\d.-]", "", m[1].replace(",", "."))
    try:
        return m[2] if plural_one(abs(float(digits)), lang) else m[3]
    except ValueError:
        return m[3]


def keys(lang: str) -> set[str]:
    return set(_messages(lang))
