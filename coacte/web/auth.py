"""Log in against the wiki: the wiki decides who may do what (design §8).

A person logs in with their own wiki account (or a BotPassword, ``User@AppId``); the
service then edits with *their* wiki session, so the history shows the real author and
the wiki's rights apply. Moderation needs the extension's ``coacte-moderate`` right.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from coacte import contract
from coacte.web.i18n import choose_language, t
from coacte.web.sessions import SessionStore, UserSession
from coacte.wiki.client import LoginRefused, Wiki, WikiError

bp = Blueprint("auth", __name__)

#: The right that opens the moderators' desk (granted by the CoActe extension).
MODERATE = contract.MODERATE


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


def _store() -> SessionStore:
    return current_app.extensions["coacte_sessions"]


def current_user() -> UserSession | None:
    if "user" not in g:
        g.user = _store().get(session.get("sid"))
    return g.user


def user_wiki() -> Wiki:
    """The logged-in person's own wiki session (edits are theirs)."""
    user = current_user()
    return Wiki.resume(current_app.config["COACTE"], user.cookies, user.userinfo)


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            if session.get("sid"):
                session.pop("sid")
                flash(t("coacte-web-session-expired"), "warning")
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)
    return wrapped


def moderator_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if MODERATE not in current_user().rights:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.app_context_processor
def _user() -> dict:
    user = current_user()
    return {"user": user, "is_moderator": bool(user and MODERATE in user.rights)}


def _safe_next(target: str | None) -> str:
    """Only local paths: a login link must not send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("auth.home")


@bp.route("/")
def home():
    return render_template("home.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        wiki = Wiki(current_app.config["COACTE"])
        try:
            wiki.user_login(form.username.data.strip(), form.password.data)
        except LoginRefused:
            flash(t("coacte-web-login-refused"), "error")
            return render_template("login.html", form=form), 401
        except WikiError as exc:
            flash(t("coacte-web-wiki-unreachable", str(exc)), "error")
            return render_template("login.html", form=form), 503
        _store().drop(session.get("sid"))
        session.clear()
        session["sid"] = _store().create(wiki.cookies, wiki.userinfo())
        flash(t("coacte-web-welcome", wiki.username), "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    _store().drop(session.get("sid"))
    session.clear()
    flash(t("coacte-web-logged-out"), "success")
    return redirect(url_for("auth.login"))


@bp.app_errorhandler(403)
def forbidden(_error):
    return render_template("error.html", message=t("coacte-web-forbidden")), 403


@bp.app_errorhandler(413)
def too_large(_error):
    """An upload over ``MAX_CONTENT_LENGTH``: said in the reader's language, with the
    limit, instead of the server's generic page."""
    if "lang" not in g:
        choose_language()
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_template("error.html", message=t("coacte-web-too-large",
                                                   round(limit / 1024 / 1024))), 413


@bp.app_errorhandler(400)
def bad_request(error):
    return render_template("error.html", message=t("coacte-web-bad-request",
                                                   getattr(error, "description", ""))), 400
