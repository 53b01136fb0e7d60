"""When two post-its of a territory say the same thing.

Within a territory, the same idea is often typed again by another group with other case,
accents, punctuation or spacing, or one small word more: those are merged. A merge must
never hide a minority view, so the rule is conservative: after normalisation the texts
must be equal, or nearly equal by rapidfuzz's ratio (default 92/100), and never when one
of them carries a negation the other lacks ("les jeunes participent" is the opposite of
"les jeunes ne participent pas", however similar the letters) or another number ("3" /
"30", "500 €" / "1500 €", "+1" / "-1"). Signs and symbols are part of the text:
"👍" is not "👎".
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from coacte.contract import POSTIT_CHARS

#: Negation words in the network's languages (accents already folded).
NEGATIONS = frozenset((
    "ne", "n", "pas", "non", "sans", "jamais", "aucun", "aucune", "rien", "ni", "plus",
    "not", "no", "never", "without", "none", "nor", "t",
    "nao", "nem", "nunca", "sem", "nenhum", "nenhuma",
))
_WORD = re.compile(r"[^\W_]+")
#: A word (a number with its sign when the sign starts it: "+1", "-1", not the hyphen of
#: "bien-être"), or any other single character that is not a space.
_TOKEN = re.compile(r"(?:(?<![^\W_])[+\-\u2212](?=\d))?[^\W_]+|[^\w\s]")
#: The numbers of a normalised text, with their signs.
_NUMBER = re.compile(r"[+\-\u2212]?\d+")


class _Marks(dict):
    """``str.translate`` table that deletes combining marks (accents once NFKD has split
    them off), filled in as characters are met: per-character work stays in C."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        self[code] = kept = None if unicodedata.combining(char) else char
        return kept


_MARKS = _Marks()


def compared(text: str) -> str:
    """What the comparisons read of a text: its first :data:`~coacte.contract.POSTIT_CHARS`
    characters (letter ratios and sentence vectors cost memory with the length; a 2 MB
    post-it took 5.8 GB)."""
    return text[:POSTIT_CHARS]


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: the words of what the
    comparisons read of the text (:func:`compared`), with what punctuation is not: a
    number's sign ("+1" is not "-1") and symbols (€, %, emoji: "🏠❌" is not "🏠✅"). A
    text of punctuation only keeps its characters ("???" is not "!!!"): no two
    different texts become the same empty one."""
    folded = compared(text).casefold()
    if not folded.isascii():  # ASCII has no accents to take off (half the texts)
        folded = unicodedata.normalize("NFKD", folded).translate(_MARKS)
    tokens = [t for t in _TOKEN.findall(folded) if _kept(t)]
    return " ".join(tokens) if tokens else " ".join(folded.split())


def _kept(token: str) -> bool:
    """A word or a signed number, or a symbol (not punctuation, not a modifier)."""
    return token[-1].isalnum() or unicodedata.category(token)[:2] in ("Sm", "Sc", "So")


def negations(normalized: str) -> frozenset[str]:
    return NEGATIONS.intersection(normalized.split())


def same_idea(a: str, b: str, threshold: float) -> bool:
    """Whether two *normalised* texts are the same idea (see the module's rule)."""
    if a == b:
        return True
    if negations(a) != negations(b) or _exact(a) != _exact(b):
        return False  # "3 écoles ferment" is not "30 écoles ferment", nor "👍" "👎"
    return fuzz.ratio(a, b) >= threshold


def _exact(normalized: str) -> tuple[list[str], list[str]]:
    """What two texts must share exactly to be near duplicates: their numbers (with
    their signs) and their symbols, in order."""
    return (_NUMBER.findall(normalized),
            [t for t in normalized.split() if not t[-1].isalnum()])
