"""Every message used by the code exists in English, French and Portuguese, and is documented."""

import re
from pathlib import Path

from coacte.i18n import keys, message

ROOT = Path(__file__).resolve().parents[2]


def used_keys() -> set[str]:
    found = set()
    sources = [*ROOT.joinpath("coacte").rglob("*.py"), *ROOT.joinpath("bot_scripts").glob("*.py")]
    for path in sources:
        found |= set(re.findall(r'"(coacte-[a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    return found


def test_languages_have_the_same_keys_and_qqq_documents_them():
    assert keys("en") == keys("fr") == keys("pt") == keys("qqq")


#: Quoted "coacte-…" strings that are names, not messages: the change tag, a thread name,
#: the open-data format's name.
NOT_MESSAGES = {"coacte-bot", "coacte-refresh", "coacte-dossier"}


def test_every_key_the_code_uses_exists():
    assert used_keys() - NOT_MESSAGES - keys("en") == set()
    # keys built at run time (f"coacte-where-{item}", f"coacte-kind-{kind}", …)
    built = {f"coacte-where-{i}" for i in ("postit", "curation", "reaction", "contribution",
                                               "group")}
    built |= {"coacte-kind-blocage", "coacte-kind-levier", "coacte-round-consensus-gained",
              "coacte-round-consensus-lost"}
    assert built <= keys("en")


def test_placeholders_are_filled_and_unknown_keys_fall_back_to_the_key():
    assert message("coacte-where-postit", 3, lang="fr") == "post-it n° 3"
    assert message("coacte-where-postit", 3, lang="en") == "post-it 3"
    assert message("no-such-key", lang="fr") == "no-such-key"
