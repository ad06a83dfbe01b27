"""Login and logout. The cookie holds a random session token checked against the database on
every request, so logging out (or being deactivated) kills the session everywhere."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from rehab.db import Session
from rehab.models import User
from rehab.services import accounts, audit
from rehab.services.errors import ServiceError
from rehab.web.auth.forms import ChangePasswordForm, LoginForm
from rehab.web.common import client_ip, local_path, now, user

bp = Blueprint("auth", __name__)


def load_user(token: str) -> User | None:
    cfg = current_app.config
    return accounts.load_session_user(Session(), token=token, now=now(), idle=cfg["SESSION_IDLE_TIMEOUT"],
                                      max_age=cfg["SESSION_MAX_AGE"])


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = Session()
        cfg = current_app.config
        try:
            found = accounts.authenticate(
                db, username=form.username.data or "", password=form.password.data or "", ip=client_ip(),
                now=now(), window=cfg["LOGIN_WINDOW"], max_failures=cfg["LOGIN_MAX_FAILURES"],
                max_failures_per_ip=cfg["LOGIN_MAX_FAILURES_PER_IP"],
            )
        except accounts.LoginThrottled as exc:
            db.commit()
            flash(str(exc), "error")
            return render_template("auth/login.html", form=form), 429
        if found is None:
            audit.record(db, now=now(), user_id=None, action="login_failed", object_type="user", ip=client_ip(),
                         detail={"username": (form.username.data or "")[:80]})
            db.commit()
            flash("Identifiant ou mot de passe incorrect.", "error")
            status = 401
        else:
            session.clear()
            accounts.open_session(db, user=found, now=now(), ip=client_ip(),
                                  user_agent=request.headers.get("User-Agent"))
            audit.record(db, now=now(), user_id=found.id, action="login", object_type="user", object_id=found.id,
                         ip=client_ip())
            db.commit()
            login_user(found)
            session.permanent = True
            return redirect(local_path(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), status


@bp.post("/deconnexion")
@login_required
def logout() -> ResponseReturnValue:
    db = Session()
    token = user().session_token
    if token:
        accounts.close_session(db, token=token, now=now())
    audit.record(db, now=now(), user_id=user().id, action="logout", object_type="user", object_id=user().id,
                 ip=client_ip())
    db.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = Session()
        me = user()
        try:
            if accounts.authenticate(
                db, username=me.username, password=form.current.data or "", ip=client_ip(), now=now(),
                window=current_app.config["LOGIN_WINDOW"], max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                max_failures_per_ip=current_app.config["LOGIN_MAX_FAILURES_PER_IP"],
            ) is None:
                db.commit()
                form.current.errors = ["Mot de passe actuel incorrect."]
                return render_template("auth/change_password.html", form=form), 400
            token = me.session_token
            accounts.reset_password(db, user=me, password=form.new.data or "", now=now(), must_change=False)
            # Other devices are logged out; this one gets a fresh session.
            db.flush()
            if token:
                accounts.open_session(db, user=me, now=now(), ip=client_ip(),
                                      user_agent=request.headers.get("User-Agent"))
            db.commit()
            login_user(me)
        except ServiceError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("auth/change_password.html", form=form), 400
        flash("Mot de passe modifié. Vos autres appareils ont été déconnectés.", "success")
        return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)
