"""Query parameters read one way on every page of the service.

An address a person or a script got wrong (``?round=-1``, ``?round=abc``) answers a 400
page naming the parameter, its value and what is accepted, in the reader's language:
never a 500, never a silent other page.
"""

from __future__ import annotations

from flask import abort, request

from coacte.web.i18n import t

#: The largest round number an address may ask for (beyond: a mistyped address).
MAX_ROUND = 1_000_000


def round_arg(name: str = "round", minimum: int = 1) -> int | None:
    """The round a query parameter asks for (``None`` when absent or empty); a value
    that is not a whole number from ``minimum`` to :data:`MAX_ROUND` aborts with 400."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or not minimum <= int(value) <= MAX_ROUND:
        abort(400, description=t("coacte-web-bad-parameter", name, value[:40],
                                 minimum, MAX_ROUND))
    return int(value)
