"""The desk's review queue: "same idea?" and "do these members belong?", one stream,
one question at a time, answered with the same keys.

Wiring only: :mod:`coacte.jobs.review` computes the queue and writes each answer as a
curation under the moderator's own account. The service keeps the last queues it
computed, each for the global page revision it reflects (an answer written here moves
it to the revision it wrote); questions a moderator skips and the answers they may
undo live in their session.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from coacte.jobs import desk
from coacte.jobs import review as core
from coacte.jobs.global_round import published_rounds
from coacte.web.auth import moderator_required, user_wiki
from coacte.web.i18n import t
from coacte.web.params import round_arg
from coacte.wiki.client import Wiki, WikiError

bp = Blueprint("review", __name__, url_prefix="/moderation/review")

#: Queues kept by the service (each holds a round's pool of sentence vectors).
KEPT = 8
#: Answers a moderator can take back, most recent last.
UNDOS = 20


def _queues() -> OrderedDict:
    return current_app.extensions.setdefault("coacte_review_queues", OrderedDict())


def _keep(queue: core.Queue) -> None:
    queues = _queues()
    queues[(queue.round, *queue.revids)] = queue
    queues.move_to_end((queue.round, *queue.revids))
    while len(queues) > KEPT:
        queues.popitem(last=False)


def _queue(wiki: Wiki, round_: int) -> core.Queue:
    """The round's queue for its global page and the next round's as they are now (one
    revision-id read when the service already has it)."""
    revids = wiki.revids(core.titles(wiki, round_))
    queue = _queues().get((round_, *(revids[t] or 0 for t in core.titles(wiki, round_))))
    if queue is None:
        queue = core.compute(wiki, round_, current_app.extensions["coacte_stores"])
        _keep(queue)
    return queue


def _skipped(round_: int) -> frozenset:
    """The questions this moderator skipped: pairs of keys, or checks' names."""
    return frozenset(item[len("check:"):] if item.startswith("check:")
                     else frozenset(item.split("\n"))
                     for item in session.get("review_skipped", {}).get(str(round_), []))


def _skip(round_: int, item: str) -> None:
    skipped = dict(session.get("review_skipped", {}))
    skipped[str(round_)] = [*skipped.get(str(round_), []), item][-200:]
    session["review_skipped"] = skipped


def _undos(round_: int) -> list[dict]:
    return [u for u in session.get("review_undo", []) if u["round"] == round_]


def _flash(result: desk.Result) -> None:
    flash(t(result.key, *result.params), "success" if result.ok else "error")


@bp.route("")
@moderator_required
def queue():
    round_ = round_arg()
    wiki = user_wiki()
    try:
        rounds = published_rounds(wiki)
        chosen = round_ if round_ is not None else (rounds[-1] if rounds else None)
        current = _queue(wiki, chosen) if chosen in rounds else None
    except WikiError as exc:
        return render_template("error.html",
                               message=t("coacte-web-wiki-unreachable", str(exc))), 503
    skipped = _skipped(chosen) if chosen else frozenset()
    question = current.question(skipped) if current else None
    progress = current.progress(skipped) if current else None
    return render_template("moderation/review.html", rounds=rounds, round=chosen,
                           queue=current, question=question, progress=progress,
                           can_undo=bool(chosen and _undos(chosen)),
                           config=current_app.config["COACTE"])


@bp.route("", methods=["POST"])
@moderator_required
def answer():
    form = request.form
    round_ = int(form["round"]) if form.get("round", "").isdigit() else None
    given = form.get("answer", "")
    a, b = form.get("a", ""), form.get("b", "")
    idea, members = form.get("idea", ""), tuple(m for m in form.getlist("member") if m)
    about = (idea and members) or (a and b)
    if round_ is None or given not in ("same", "different", "skip", "undo") or (
            given != "undo" and not about):
        return render_template("error.html", message=t("coacte-mod-bad-form")), 400
    if given == "skip":
        _skip(round_, "check:" + idea + "|" + ";".join(members) if idea else f"{a}\n{b}")
    elif given == "undo":
        _undo(round_)
    elif idea:
        _write_check(round_, given, idea, members, form.get("reason", "").strip())
    else:
        _write(round_, given, a, b, form.get("reason", "").strip())
    return redirect(url_for(".queue", round=round_))


def _write_check(round_: int, given: str, idea: str, members: tuple[str, ...],
                 reason: str) -> None:
    """Confirm the members (``confirmer``) or set them apart (``séparer``)."""
    _write_with(round_, lambda wiki, before: core.check(wiki, before, given, idea, members,
                                                       reason),
                lambda before: core.written_check(given, idea, members, reason))


def _write(round_: int, given: str, a: str, b: str, reason: str) -> None:
    """Merge the two ideas (``fusionner``) or keep them apart (``distinguer``)."""
    _write_with(round_, lambda wiki, before: core.answer(wiki, before, given, a, b, reason),
                lambda before: core.written_call(before, given, a, b, reason))


def _write_with(round_: int,
                write: Callable[[Wiki, core.Queue], tuple[desk.Result, core.Queue | None]],
                written: Callable[[core.Queue], str]) -> None:
    """Write an answer from the queue the moderator saw, flash what happened, keep the
    queue it leaves and remember how to undo it (``written(before)``: the call)."""
    wiki = user_wiki()
    try:
        before = _queue(wiki, round_)
    except WikiError as exc:
        _flash(desk.wiki_error(exc))
        return
    result, after = write(wiki, before)
    _flash(result)
    if after is not None:
        _keep(after)
        undos = [*session.get("review_undo", []),
                 {"round": round_, "page": result.page, "call": written(before),
                  "before": list(before.revids), "after": result.revid}]
        session["review_undo"] = undos[-UNDOS:]


def _undo(round_: int) -> None:
    undos = session.get("review_undo", [])
    mine = [n for n, u in enumerate(undos) if u["round"] == round_]
    if not mine:
        return
    last = undos[mine[-1]]
    result, restored = core.undo(user_wiki(), _queues().get((round_, *last["before"])),
                                 last["page"], last["call"], last["after"])
    _flash(result)
    if result.status != desk.CONFLICT:
        session["review_undo"] = undos[:mine[-1]] + undos[mine[-1] + 1:]
    if restored is not None:
        _keep(restored)
