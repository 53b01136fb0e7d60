"""The moderators' desk: pending bot proposals, conflicts, input problems, patrol,
curation. Only for the wiki's moderators (the ``coacte-moderate`` right); every wiki
access uses the moderator's own session. Wiring only: :mod:`coacte.jobs.desk` decides,
a curation form is read and checked by :mod:`coacte.curation`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from coacte import contract
from coacte.curation import from_form
from coacte.jobs import desk as desk_core
from coacte.jobs.global_round import published_rounds
from coacte.web.auth import moderator_required, user_wiki
from coacte.web.fresh import fresh
from coacte.web.i18n import t
from coacte.web.params import round_arg
from coacte.wiki.client import Wiki, WikiError

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def _config():
    return current_app.config["COACTE"]


def _stores():
    """The caches the service's jobs keep (see :func:`coacte.web.create_app`)."""
    return current_app.extensions["coacte_stores"]


def _unreachable(exc: Exception):
    return render_template("error.html", message=t("coacte-web-wiki-unreachable", str(exc))), 503


def _flash(result: desk_core.Result) -> None:
    flash(t(result.key, *result.params), "success" if result.ok else "error")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _wants_json() -> bool:
    """The desk's script asks for JSON (one approval at a time, to show progress)."""
    return request.accept_mimetypes.best == "application/json"


# The desk's lists, computed again only when the wiki changed (see coacte.web.fresh).
def _pending(wiki: Wiki) -> list:
    return fresh(wiki, "pending", lambda: desk_core.pending(wiki))


def _conflicts(wiki: Wiki) -> list:
    return fresh(wiki, "conflicts", lambda: desk_core.conflicts(wiki))


def _problems(wiki: Wiki) -> list:
    return fresh(wiki, "problems", lambda: desk_core.input_problems(wiki, _stores().parsed))


def _unpatrolled(wiki: Wiki) -> list:
    return fresh(wiki, "unpatrolled", lambda: desk_core.unpatrolled(wiki))


@bp.route("/")
@moderator_required
def desk():
    wiki = user_wiki()
    try:
        counts = {
            "proposals": len(_pending(wiki)),
            "conflicts": len(_conflicts(wiki)),
            "problems": len(_problems(wiki)),
            "patrol": len(_unpatrolled(wiki)),
        }
    except WikiError as exc:
        return _unreachable(exc)
    return render_template("moderation/desk.html", counts=counts,
                           approval=_config().approval)


# -- proposals -----------------------------------------------------------------------------


@bp.route("/proposals")
@moderator_required
def proposals():
    try:
        items = _pending(user_wiki())
    except WikiError as exc:
        return _unreachable(exc)
    return render_template("moderation/proposals.html", items=items, config=_config(),
                           approval=_config().approval)


@bp.route("/proposals/approve", methods=["POST"])
@moderator_required
def approve():
    result = desk_core.approve(user_wiki(), request.form.get("page", ""),
                               _int(request.form.get("revid")))
    if _wants_json():
        return jsonify(page=result.page, status=result.status, ok=result.ok,
                       message=t(result.key, *result.params))
    _flash(result)
    return redirect(url_for(".proposals"))


@bp.route("/proposals/reject", methods=["POST"])
@moderator_required
def reject():
    _flash(desk_core.reject(user_wiki(), request.form.get("page", ""),
                            request.form.get("reason", ""), _int(request.form.get("revid"))))
    return redirect(url_for(".proposals"))


@bp.route("/proposals/approve-all", methods=["POST"])
@moderator_required
def approve_all():
    pages, revids = request.form.getlist("page"), request.form.getlist("revid")
    if len(pages) != len(revids):
        return render_template("error.html", message=t("coacte-mod-bad-form")), 400
    results = desk_core.approve_many(user_wiki(), [
        (page, _int(revid)) for page, revid in zip(pages, revids, strict=True)])
    return render_template("moderation/results.html", results=results)


# -- conflicts -----------------------------------------------------------------------------


@bp.route("/conflicts")
@moderator_required
def conflicts():
    try:
        items = _conflicts(user_wiki())
    except WikiError as exc:
        return _unreachable(exc)
    return render_template("moderation/conflicts.html", items=items, config=_config(),
                           history_url=desk_core.history_url)


@bp.route("/conflicts/page")
@moderator_required
def conflict():
    title = request.args.get("page", "")
    try:
        item = desk_core.conflict_detail(user_wiki(), title) if title else None
    except WikiError as exc:
        return _unreachable(exc)
    if item is None:
        flash(t("coacte-mod-conflict-none", title), "success")
        return redirect(url_for(".conflicts"))
    return render_template("moderation/conflict.html", item=item, config=_config(),
                           history_url=desk_core.history_url, diff_url=desk_core.diff_url)


# -- input problems ------------------------------------------------------------------------


@bp.route("/problems")
@moderator_required
def problems():
    try:
        items = _problems(user_wiki())
    except WikiError as exc:
        return _unreachable(exc)
    return render_template("moderation/problems.html", items=items, config=_config())


# -- patrol --------------------------------------------------------------------------------


@bp.route("/patrol")
@moderator_required
def patrol():
    try:
        edits = _unpatrolled(user_wiki())
    except WikiError as exc:
        return _unreachable(exc)
    return render_template("moderation/patrol.html", edits=edits, config=_config())


@bp.route("/patrol", methods=["POST"])
@moderator_required
def patrol_edit():
    revid = _int(request.form.get("revid"))
    if revid is None:
        return render_template("error.html", message=t("coacte-mod-bad-form")), 400
    _flash(desk_core.patrol(user_wiki(), revid))
    return redirect(url_for(".patrol"))


# -- curation ------------------------------------------------------------------------------


def _curation_page(round_: int | None, decision=None, errors=(), status: int = 200):
    wiki = user_wiki()
    try:
        rounds = published_rounds(wiki)
        view = desk_core.curation_page(wiki, round_) if round_ else None
    except WikiError as exc:
        return _unreachable(exc)
    messages: dict[str, list[str]] = {}
    for problem in errors:
        messages.setdefault(problem.field, []).append(t(problem.key, *problem.params))
    return render_template("moderation/curation.html", round=round_, rounds=rounds,
                           view=view, decision=decision, errors=messages, config=_config(),
                           actions=contract.CURATION_ACTIONS), status


@bp.route("/curation")
@moderator_required
def curation():
    return _curation_page(round_arg())


@bp.route("/curation", methods=["POST"])
@moderator_required
def curation_add():
    round_ = _int(request.form.get("round"))
    if round_ is None or round_ < 1:
        return render_template("error.html", message=t("coacte-mod-bad-form")), 400
    form = request.form
    ideas = form.getlist("ideas")
    d = from_form(
        form.get("action", ""), form.get("idea", ""),
        ideas if len(ideas) > 1 else (ideas[0] if ideas else ""),
        form.get("statement", ""), form.get("members", ""), form.get("code", ""),
        form.get("reason", ""))
    result, errors = desk_core.add_curation(user_wiki(), round_, d)
    if errors or result.status == desk_core.INVALID:
        _flash(result)
        return _curation_page(round_, d, errors, 422)
    _flash(result)
    return redirect(url_for(".curation", round=round_))
