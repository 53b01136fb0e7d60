"""The dossier's words: ``coacte-dossier-*`` messages, plural forms resolved, with French
typography."""

from __future__ import annotations

from collections.abc import Callable

from coacte.i18n import message, plural

#: French typography: a no-break space before these signs, so they never start a line.
_FRENCH_SPACES = ((" :", "\u00a0:"), (" ;", "\u202f;"), (" ?", "\u202f?"), (" !", "\u202f!"),
                  ("« ", "«\u00a0"), (" »", "\u00a0»"), (" %", "\u00a0%"))


def translator(lang: str) -> Callable[..., str]:
    """``t(key, *params)``: the message in ``lang``, French spacing applied in French.
    The result is plain text: the template escapes it."""
    def t(key: str, *params: object) -> str:
        text = plural(message(key, *params, lang=lang), lang)
        if lang == "fr":
            for plain, fixed in _FRENCH_SPACES:
                text = text.replace(plain, fixed)
        return text
    return t
