"""Facilitators' forms: enter a debate, paste post-its, import a transcription, react.

Wiring only: parse the form, call the core or the job, render. The fields come from
``coacte/form_definitions/*.toml`` (:mod:`coacte.forms`); what is accepted is decided by
:func:`coacte.validate.read_debate`, the bots' own validation, on the very page text that
will be saved; the text is made by :mod:`coacte.wikitext.debate_page` (which also holds
the reactions form's logic); confirmed post-its are written by the one "create or append"
job, :mod:`coacte.jobs.debates`, that ``coacte import`` uses too. The wiki is written with
the person's own session (:func:`~coacte.web.auth.user_wiki`), so the history shows them
and the wiki's rights apply. Nothing is overwritten: a new page is created only if it
does not exist (``createonly``), an existing one is changed from the revision read
(``basetimestamp``).

Paste and import show a preview first; the rows previewed are kept on the server
(:mod:`coacte.web.pending`) and exactly those are written when the person confirms.
"""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from wtforms import FieldList, Form, FormField, SelectField, StringField
from wtforms.widgets import NumberInput

from coacte import contract
from coacte import forms as defs
from coacte.importing import (
    Row,
    TranscriptionError,
    blocking,
    check,
    parse_paste,
    read_transcription,
)
from coacte.jobs import debates
from coacte.model import Grid, PageRevision
from coacte.problems import Problem, row_problem
from coacte.render.round_pages import round_debate
from coacte.synthesis.rounds import CLOSED, FROZEN
from coacte.validate import read_debate, read_grid
from coacte.web.auth import login_required, user_wiki
from coacte.web.i18n import t
from coacte.web.pending import Pending, PendingStore
from coacte.wiki.client import Wiki, WikiError
from coacte.wikitext.debate_page import (
    answers,
    debate_page,
    group_reactions,
    locate_problems,
    set_reactions,
)
from coacte.wikitext.synthesis_page import PublishedIdea, published_ideas, state

bp = Blueprint("forms", __name__)

#: Post-it rows a new debate form starts with, and how many "add rows" adds.
ROWS_STEP = 5
#: Rows one form may send (WTForms would silently drop more: they are refused instead).
MAX_ROWS = 500
_DONE = "coacte_forms_done"


def _lang() -> str:
    return g.get("lang", "fr")


def _pending() -> PendingStore:
    """The app's store of previewed post-its (one per app, made on first use)."""
    return current_app.extensions["coacte_forms_pending"]


# -- shared helpers --------------------------------------------------------------------


def _config():
    return current_app.config["COACTE"]


def _debate_title(wiki: Wiki, territory: str, round_: int | str) -> str:
    return wiki.titles.debate(territory, round_)


def _grid(wiki: Wiki) -> Grid:
    """The wiki's classification grid (codes are checked against it, as ``check`` does)."""
    page = wiki.read([_config().grid_page]).get(_config().grid_page)
    return read_grid(page)[0]


def _page_url(title: str) -> str:
    return _config().page_url(title)


def _done(title: str, kind: str, count: int, revid: int | None):
    session[_DONE] = {"title": title, "kind": kind, "count": count, "revid": revid}
    return redirect(url_for("forms.saved"))


def _territory(raw: str) -> str:
    return " ".join((raw or "").split())


def _round(raw: str, minimum: int = 1) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and int(raw) >= minimum else None


class _TargetForm(Form):
    """Where pasted or imported post-its go: a territory and a round (the page
    ``Débat:<territoire>/Tour <n>``, created when missing)."""

    territoire = StringField()
    tour = StringField(widget=NumberInput(min=1))
    question = SelectField(choices=defs.choices(
        [("", "—")] + [(str(q), str(q)) for q in contract.QUESTIONS]), validate_choice=False)


def _target_errors(form: Form, minimum: int = 1) -> dict[str, list[str]]:
    """The territory and round a paste, import or reaction is for, checked as the
    header of the page they will be written to."""
    errors: dict[str, list[str]] = {}
    territory = _territory(form.territoire.data)
    if not territory:
        errors["territoire"] = [t("coacte-problem-required", "territoire")]
    else:
        _, problems = read_debate(PageRevision("?", 0, "", debate_page(
            {"territoire": territory, "tour": "1"}, [])), Grid())
        found = [row_problem(None, None, p.field, p.key, p.params) for p in problems]
        if found:
            errors["territoire"] = [p.message(_lang()) for p in found]
    if _round(form.tour.data, minimum) is None:
        key = "coacte-forms-round-2" if minimum > 1 else "coacte-forms-round"
        errors["tour"] = [t(key, form.tour.data or "")]
    return errors


# -- a new debate ----------------------------------------------------------------------


def _debate_form(formdata=None, extra_rows: int = 0) -> Form:
    lang = _lang()
    header = defs.wtform(defs.definition("debate"), lang)
    row = defs.wtform(defs.definition("postit"), lang)

    class NewDebateForm(header):
        postits = FieldList(FormField(row), min_entries=ROWS_STEP, max_entries=MAX_ROWS)

    form = NewDebateForm(formdata)
    for _ in range(min(extra_rows, MAX_ROWS - len(form.postits))):
        form.postits.append_entry()
    return form


def _problem_anchor(field_name: str | None, row: int | None) -> str:
    """The id of the form field a problem is about (what the summary links to)."""
    if row is None:
        return field_name or "territoire"
    name = field_name if defs.definition("postit").field(field_name or "") else "texte"
    return f"postits-{row}-{name}"


@bp.route("/debates/new", methods=["GET", "POST"])
@login_required
def new_debate():
    """A debate's header and a table of post-its; saved as a new debate page."""
    if request.method == "GET":
        return render_template("forms/new_debate.html", **_debate_context(_debate_form()))
    sent = {key.split("-")[1] for key in request.form if re.match(r"postits-\d+-", key)}
    if len(sent) > MAX_ROWS:
        flash(t("coacte-forms-too-many-rows", len(sent), MAX_ROWS), "error")
        return render_template("forms/new_debate.html", **_debate_context(
            _debate_form(request.form))), 413
    adding = request.form.get("action") == "add_rows"
    form = _debate_form(request.form, ROWS_STEP if adding else 0)
    if adding:
        return render_template("forms/new_debate.html", **_debate_context(form, focus_row=True))
    header = defs.values_of(form, defs.definition("debate"))
    rows = [(i, defs.values_of(entry.form, defs.definition("postit")))
            for i, entry in enumerate(form.postits)]
    rows = [(i, values) for i, values in rows if not defs.is_blank(values)]
    text = debate_page(header, [values for _, values in rows])
    wiki = user_wiki()
    try:
        grid = _grid(wiki)
    except WikiError as exc:
        return _debate_error(form, t("coacte-web-wiki-unreachable", str(exc)), 503)
    debate, problems = read_debate(PageRevision("?", 0, "", text), grid)
    errors: dict[str, list[str]] = {}
    summary = []
    for p in problems:
        row = rows[p.index - 1][0] if p.index and p.index <= len(rows) else None
        anchor = _problem_anchor(p.field, row)
        text_ = row_problem(row, None, p.field, p.key, p.params, p.blocking).message(_lang())
        errors.setdefault(anchor, []).append(text_)
        fdef = defs.definition("debate" if row is None else "postit").field(p.field or "")
        summary.append({"anchor": anchor, "row": None if row is None else row + 1,
                        "field": fdef.label(_lang()) if fdef else p.field,
                        "message": text_, "blocking": p.blocking})
    accepted = request.form.get("accept_warnings") == "1"
    if debate is None or any(p.blocking for p in problems) or (problems and not accepted):
        status = 422 if any(p.blocking for p in problems) or debate is None else 200
        return render_template("forms/new_debate.html", **_debate_context(
            form, errors=errors, summary=summary,
            warnings_only=bool(problems) and not any(p.blocking for p in problems))), status
    title = _debate_title(wiki, debate.territory, debate.round)
    summary_text = t("coacte-forms-summary-create", len(rows))
    try:
        saved = wiki.save(title, text, summary_text, None)
    except WikiError as exc:
        return _debate_error(form, str(exc), 502)
    if not saved.ok:
        return render_template("forms/new_debate.html", **_debate_context(
            form, exists=title, exists_url=_page_url(title))), 409
    return _done(title, "created", len(rows), saved.revid)


def _debate_context(form: Form, **extra) -> dict:
    return {"form": form, "header_def": defs.definition("debate"),
            "postit_def": defs.definition("postit"), "errors": {}, "summary": [],
            "questions": contract.QUESTION_LABELS.get(_lang(), contract.QUESTION_LABELS["fr"]),
            **extra}


def _debate_error(form: Form, message: str, status: int):
    flash(message, "error")
    return render_template("forms/new_debate.html", **_debate_context(form)), status


@bp.route("/debates/saved")
@login_required
def saved():
    done = session.get(_DONE)
    if not done:
        return redirect(url_for("forms.new_debate"))
    return render_template("forms/saved.html", done=done, url=_page_url(done["title"]))


# -- paste and import: preview, then confirm -------------------------------------------


class _PasteForm(_TargetForm):
    page = StringField()
    groupe = StringField()
    nature = SelectField(choices=defs.choices([("", "—")] + [(k, k) for k in contract.KINDS]),
                         validate_choice=False)
    lines = StringField()


def _target(wiki: Wiki, form: Form, errors: dict) -> tuple[str, dict, PageRevision | None]:
    """The page post-its go to, its header, and its current revision (``None``: new).

    ``form.page`` (paste only) names an existing debate page; otherwise territory and
    round make the title ``Débat:<territoire>/Tour <n>``.
    """
    page_title = (getattr(form, "page", None) and form.page.data or "").strip()
    if page_title:
        current = wiki.read([page_title]).get(page_title)
        debate = read_debate(current, Grid())[0] if current else None
        if debate is None:
            errors["page"] = [t("coacte-forms-not-a-debate", page_title)]
            return page_title, {}, None
        return current.title, {"territoire": debate.territory, "tour": str(debate.round)}, \
            current
    errors.update(_target_errors(form))
    if errors:
        return "", {}, None
    territory, round_ = _territory(form.territoire.data), _round(form.tour.data)
    title = _debate_title(wiki, territory, round_)
    return title, {"territoire": territory, "tour": str(round_)}, wiki.read([title])[title]


def _preview(template: str, form: Form, wiki: Wiki, rows: list[Row], source: str, **extra):
    """Validate ``rows`` for the target page and show them; keep them if they can go."""
    errors: dict[str, list[str]] = {}
    title, header, current = _target(wiki, form, errors)
    if errors:
        return render_template(template, form=form, errors=errors, **extra), 422
    if not rows:
        return render_template(template, form=form, errors={"file": [
            t("coacte-forms-file-no-rows", extra.get("filename", ""), 1)]}, **extra), 422
    problems = check(header, rows, _grid(wiki), title)
    by_row: dict[int | None, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    token = None
    if rows and not blocking(problems):
        token = _pending().put(Pending(session.get("sid", ""), title, header,
                                       [dict(r.values) for r in rows], source))
    return render_template(
        "forms/preview.html", form=form, rows=rows, problems=problems, by_row=by_row,
        columns=[f for f in defs.definition("postit").fields], title=title,
        exists=current is not None, url=_page_url(title), token=token, source=source,
        back=url_for(f"forms.{'paste' if source == 'paste' else 'import_file'}"),
        errors={}, **extra,
    ), (200 if token else 422)


@bp.route("/debates/paste", methods=["GET", "POST"])
@login_required
def paste():
    """Post-its pasted one per line, for an existing debate page or a new one."""
    form = _PasteForm(request.form if request.method == "POST" else None,
                      page=request.args.get("page", ""))
    if request.method == "GET":
        return render_template("forms/paste.html", form=form, errors={})
    defaults = {"question": form.question.data or "", "groupe": form.groupe.data or "",
                "nature": form.nature.data or ""}
    rows = parse_paste(form.lines.data or "", defaults)
    if not rows:
        return render_template("forms/paste.html", form=form,
                               errors={"lines": [t("coacte-forms-paste-empty")]}), 422
    try:
        return _preview("forms/paste.html", form, user_wiki(), rows, "paste")
    except WikiError as exc:
        flash(t("coacte-web-wiki-unreachable", str(exc)), "error")
        return render_template("forms/paste.html", form=form, errors={}), 503


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file():
    """A CSV or XLSX transcription: preview with each row's problems, then confirm."""
    form = _TargetForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        return render_template("forms/import.html", form=form, errors={})
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("forms/import.html", form=form,
                               errors={"file": [t("coacte-forms-import-no-file")]}), 422
    try:
        transcription = read_transcription(upload.filename, upload.read(),
                                           form.question.data or "")
    except TranscriptionError as exc:
        return render_template("forms/import.html", form=form,
                               errors={"file": [exc.message(_lang())]}), 422
    try:
        return _preview("forms/import.html", form, user_wiki(), transcription.rows, "import",
                        filename=transcription.name)
    except WikiError as exc:
        flash(t("coacte-web-wiki-unreachable", str(exc)), "error")
        return render_template("forms/import.html", form=form, errors={}), 503


@bp.route("/debates/confirm", methods=["POST"])
@login_required
def confirm():
    """Write the post-its a preview showed (and nothing else)."""
    store = _pending()
    token = request.form.get("token", "")
    pending = store.take(token, session.get("sid", ""))
    if pending is None:
        gone = ("coacte-forms-pending-dropped" if store.dropped(token, session.get("sid", ""))
                else "coacte-forms-pending-gone")
        return render_template("error.html", message=t(gone, store.per_session)), 410
    wiki = user_wiki()
    try:
        entry = debates.prepare(wiki, pending.title, pending.header, pending.postits)
        saved_ = debates.write(wiki, entry, pending.source, lang=_lang())
    except WikiError as exc:
        store.give_back(token, pending)  # not written: the same preview can be confirmed
        return render_template("error.html", message=str(exc)), 502
    if not saved_.ok:
        store.give_back(token, pending)
        return render_template("error.html", message=t("coacte-forms-conflict-preview",
                                                       pending.title)), 409
    kind = "created" if entry.action == debates.CREATE else "appended"
    return _done(pending.title, kind, entry.count, saved_.revid)


# -- Delphi reactions ------------------------------------------------------------------


class _ReactionTarget(Form):
    territoire = StringField()
    tour = StringField(widget=NumberInput(min=2))
    groupe = StringField()


def _reaction_form(ideas, formdata=None, existing: dict | None = None, **data) -> Form:
    line = defs.wtform(defs.definition("reaction"), _lang())

    class ReactionsForm(_ReactionTarget):
        lines = FieldList(FormField(line))

    form = ReactionsForm(formdata, **data)
    if formdata is None or not form.lines.entries:
        while form.lines.entries:
            form.lines.pop_entry()
        for idea in ideas:
            entry = form.lines.append_entry((existing or {}).get(idea.key, {"idée": idea.key}))
            entry.form["idée"].data = idea.key
    return form


@bp.route("/reactions", methods=["GET", "POST"])
@login_required
def reactions():
    """Round n ≥ 2: one line per blocker and lever of round n−1's global synthesis."""
    source = request.form if request.method == "POST" else request.args
    target = _ReactionTarget(source)
    if not source.get("territoire") and not source.get("tour"):
        return render_template("forms/reactions.html", form=target, ideas=None, errors={})
    errors = _target_errors(target, minimum=2)
    if errors:
        return render_template("forms/reactions.html", form=target, ideas=None,
                               errors=errors), 422
    territory, round_ = _territory(target.territoire.data), _round(target.tour.data, 2)
    wiki = user_wiki()
    try:
        ideas, current, context = _reaction_pages(wiki, territory, round_)
    except WikiError as exc:
        flash(t("coacte-web-wiki-unreachable", str(exc)), "error")
        return render_template("forms/reactions.html", form=target, ideas=None, errors={}), 503
    if not ideas:
        return render_template("forms/reactions.html", form=target, ideas=None,
                               missing=context["previous_title"], **context), 404
    group = " ".join((target.groupe.data or "").split())
    if request.method == "GET":
        form = _reaction_form(ideas, None, group_reactions(
            current.text if current else None, group) if group else None, groupe=group)
        return render_template("forms/reactions.html", form=form, ideas=ideas, **context)
    return _save_reactions(wiki, _reaction_form(ideas, request.form), ideas, group, current,
                           context)


def _reaction_pages(wiki: Wiki, territory: str,
                    round_: int) -> tuple[list[PublishedIdea], PageRevision | None, dict]:
    """The ideas reacted to (round n−1's blockers and levers), the debate page the
    reactions go to (``None``: not yet made), and what the template shows of both."""
    previous_title = wiki.titles.global_synthesis(round_ - 1)
    this_title = wiki.titles.global_synthesis(round_)
    title = _debate_title(wiki, territory, round_)
    pages = wiki.read([previous_title, this_title, title])
    previous, current = pages[previous_title], pages[title]
    this = pages[this_title]
    closed = state(this.text if this else None) in (CLOSED, FROZEN)
    ideas = [i for i in published_ideas(previous.text if previous else None) if i.question == 3]
    context = {"reaction_def": defs.definition("reaction"),
               "ideas_by_key": {i.key: i for i in ideas},
               "title": title, "url": _page_url(title), "previous_title": previous_title,
               "previous_url": _page_url(previous_title), "exists": current is not None,
               "territory": territory, "round": round_, "errors": {}, "closed": closed}
    return ideas, current, context


def _save_reactions(wiki: Wiki, form: Form, ideas: list[PublishedIdea], group: str,
                    current: PageRevision | None, context: dict):
    """Write the form's answers on the debate page (seeded as ``coacte round open`` does
    when it does not exist yet), or show why not."""
    page = "forms/reactions.html"
    if context["closed"]:  # its statistics are final: an answer now would count nowhere
        flash(t("coacte-forms-reactions-closed", context["round"]), "error")
        return render_template(page, form=form, ideas=ideas, **context), 409
    lines = [defs.values_of(entry.form, defs.definition("reaction")) for entry in form.lines]
    given = answers(lines, {i.key for i in ideas}, group)
    if not given:
        flash(t("coacte-forms-reactions-none"), "error")
        return render_template(page, form=form, ideas=ideas, **context), 422
    base_text = current.text if current else round_debate(
        context["territory"], context["round"], context["previous_title"], ideas,
        wiki.language)
    text = set_reactions(base_text, [values for _, values in given])
    _, problems = read_debate(PageRevision("?", 0, "", text), Grid())
    errors = _reaction_errors(locate_problems(text, given, problems))
    if errors:
        return render_template(page, form=form, ideas=ideas, **{**context, "errors": errors}), 422
    if current is not None and text == current.text:
        flash(t("coacte-forms-reactions-unchanged"), "success")
        return render_template(page, form=form, ideas=ideas, **context)
    title = context["title"]
    lines = [values for _, values in given]

    def reacted(page: PageRevision | None) -> str:  # on the latest revision: none lost
        return set_reactions(page.text if page else base_text, lines)

    try:
        saved_ = wiki.update(title, reacted, t("coacte-forms-summary-reactions", len(given)),
                             current)
    except WikiError as exc:
        flash(str(exc), "error")
        return render_template(page, form=form, ideas=ideas, **context), 502
    if not saved_.ok:
        flash(t("coacte-forms-conflict", title), "error")
        return render_template(page, form=form, ideas=ideas, **context), 409
    return _done(title, "reactions", len(given), saved_.revid)


def _reaction_errors(located: dict[tuple[int, str] | None, list[Problem]]) -> dict[str, list[str]]:
    """Located problems as messages by form field: a line's field, or the territory."""
    return {("territoire" if where is None else f"lines-{where[0]}-{where[1]}"):
            [row_problem(None, None, p.field, p.key, p.params).message(_lang()) for p in found]
            for where, found in located.items()}
