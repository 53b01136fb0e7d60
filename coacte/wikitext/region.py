"""The bot's marked region on a page: the only text a bot ever rewrites.

A page the bot writes holds its output between two HTML comments. The opening one
carries a fingerprint of what the bot last wrote there, so the bot can tell whether a
human changed anything inside since: if so the page is a *conflict*, reported and left
alone (humans win). Everything outside the markers belongs to humans and is kept as is.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

BEGIN = "<!-- CO-ACTE:début empreinte={fp} · texte écrit par le bot CO-ACTE : "
BEGIN += "modifiez en dehors de ces deux marques, sinon le bot n'y touchera plus -->"
END = "<!-- CO-ACTE:fin -->"
_BEGIN_RE = re.compile(r"<!-- CO-ACTE:début empreinte=([0-9a-f]{12})[^>]*-->")
_END_RE = re.compile(re.escape(END))

CREATE, UPDATE, UNCHANGED, CONFLICT = "create", "update", "unchanged", "conflict"


@dataclass(frozen=True)
class Placement:
    """What placing a body on a page comes to: ``text`` is the page's new text (``None``
    when nothing is to be written) and ``reason`` an i18n key explaining a conflict."""

    status: str
    text: str | None = None
    reason: str = ""


def begin_marks(text: str) -> list[re.Match]:
    """The opening markers on a page (one when the region is intact); group 1 is the
    fingerprint of what the bot last wrote."""
    return list(_BEGIN_RE.finditer(text))


def end_marks(text: str) -> list[re.Match]:
    return list(_END_RE.finditer(text))


def clean(body: str) -> str:
    """The body as MediaWiki will store it: NFC, no trailing spaces, no outer blank lines."""
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n"))
    return "\n".join(line.rstrip() for line in body.strip().split("\n"))


def fingerprint(body: str) -> str:
    return hashlib.sha1(body.encode("utf-8")).hexdigest()[:12]


def wrap(body: str) -> str:
    body = clean(body)
    return f"{BEGIN.format(fp=fingerprint(body))}\n{body}\n{END}"


def body_of(text: str) -> str | None:
    """The bot's body on a page, or ``None`` where there is no intact region."""
    begins, ends = begin_marks(text), end_marks(text)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return None
    return text[begins[0].end() : ends[0].start()].strip("\n")


def place(current: str | None, body: str) -> Placement:
    """Put ``body`` in the bot's region of a page whose text is ``current``.

    A missing page is created; a page without a region gets one at its end; a region
    whose text a human changed, or whose markers are damaged, is a conflict.
    """
    body = clean(body)
    if current is None:
        return Placement(CREATE, wrap(body))
    begins, ends = begin_marks(current), end_marks(current)
    if not begins and not ends and "CO-ACTE:début" not in current:
        return Placement(UPDATE, current.rstrip() + "\n\n" + wrap(body))
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return Placement(CONFLICT, reason="coacte-conflict-markers")
    begin, end = begins[0], ends[0]
    existing = current[begin.end() : end.start()].strip("\n")
    if fingerprint(existing) != begin.group(1):
        return Placement(CONFLICT, reason="coacte-conflict-human-edit")
    if existing == body:
        return Placement(UNCHANGED)
    return Placement(UPDATE, current[: begin.start()] + wrap(body) + current[end.end() :])


def outside(text: str) -> str:
    """The page's text without the bot's region: what humans wrote (e.g. curations)."""
    begins, ends = begin_marks(text), end_marks(text)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return text
    return text[: begins[0].start()] + text[ends[0].end() :]
