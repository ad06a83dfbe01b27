"""Inbox, preferences and the scheduler status page: thin routes over `rehab.services.notifications`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from rehab.db import Session
from rehab.domain.reminder_rules import RULES, RULES_VERSION
from rehab.domain.roles import Role
from rehab.models import Notification
from rehab.services import notifications, reminder_delivery
from rehab.services.errors import ServiceError
from rehab.web.common import local_path, now, roles_required, user
from rehab.web.notifications.forms import EmptyForm, PreferencesForm
from scheduler.runner import JOB_LABELS

bp = Blueprint("notifications", __name__)


def _unread() -> int:
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = notifications.unread_count(Session(), user_id=user().id)
        except SQLAlchemyError:  # an error page must still render when the database is the error
            Session.rollback()
            g.unread_notifications = 0
    return int(g.unread_notifications)


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"unread_notifications": _unread}


def _own_or_404(notification_id: int) -> Notification:
    note = notifications.own_notification(Session(), user_id=user().id, notification_id=notification_id)
    if note is None:
        abort(404)
    return note


@bp.get("/notifications")
@login_required
def inbox() -> ResponseReturnValue:
    notes = notifications.inbox(Session(), user_id=user().id)
    return render_template("notifications/inbox.html", notes=notes, form=EmptyForm(), unread=_unread())


@bp.post("/notifications/<int:notification_id>/lu")
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    note = _own_or_404(notification_id)
    if EmptyForm().validate_on_submit():
        notifications.mark_read(Session(), note=note, now=now())
        Session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.post("/notifications/<int:notification_id>/ouvrir")
@login_required
def open_link(notification_id: int) -> ResponseReturnValue:
    """Mark read and go to the task (the target page checks the programme's access itself)."""
    note = _own_or_404(notification_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("notifications.inbox"))
    notifications.mark_read(Session(), note=note, now=now())
    Session.commit()
    return redirect(local_path(note.link) or url_for("notifications.inbox"))


@bp.post("/notifications/tout-lu")
@login_required
def mark_all_read() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        count = notifications.mark_all_read(Session(), user_id=user().id, now=now())
        Session.commit()
        flash(f"{count} message(s) marqué(s) comme lu(s).", "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/mon-compte/notifications", methods=["GET", "POST"])
@login_required
def preferences() -> ResponseReturnValue:
    pref = notifications.preference(Session(), user_id=user().id)
    form = PreferencesForm(data={"inapp": pref.inapp_enabled, "email": pref.email_enabled,
                                 "digest": pref.digest_enabled, "digest_time": pref.digest_time})
    if form.validate_on_submit():
        try:
            notifications.save_preferences(Session(), user_id=user().id, email=form.email.data,
                                           inapp=form.inapp.data, digest=form.digest.data,
                                           digest_time=form.digest_time.data, now=now())
        except ServiceError as exc:
            Session.rollback()
            flash(str(exc), "error")
            return render_template("notifications/preferences.html", form=form, has_email=bool(user().email)), 400
        Session.commit()
        flash("Vos préférences de notification sont enregistrées.", "success")
        return redirect(url_for("notifications.preferences"))
    status = 400 if form.is_submitted() else 200
    return render_template("notifications/preferences.html", form=form, has_email=bool(user().email)), status


@bp.get("/admin/planificateur")
@roles_required(Role.ADMIN)
def status() -> ResponseReturnValue:
    session = Session()
    return render_template("notifications/status.html", runs=notifications.last_runs(session),
                           labels=JOB_LABELS, backlog=reminder_delivery.backlog(session, now=now()),
                           problems=reminder_delivery.failed_rows(session), rules=RULES,
                           rules_version=RULES_VERSION)
