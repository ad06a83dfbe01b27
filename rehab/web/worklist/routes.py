"""Worklist routes: each reads through `rehab.services.worklist` / `calendar`, which own the rules."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from rehab.db import Session
from rehab.domain.protocol_labels import TASK_ROLE_LABELS
from rehab.domain.roles import Role
from rehab.models import User
from rehab.services import audit, plans, worklist
from rehab.services import calendar as calendar_service
from rehab.services import programmes as programme_service
from rehab.services.errors import ServiceError
from rehab.services.worklist import TASK_KIND_LABELS, TEAM_ROLES, WORKLIST_ROLES, Counts
from rehab.web.common import client_ip, local_path, now, roles_required, user
from rehab.web.forms import choices, paris_today
from rehab.web.worklist.forms import FeedForm, TaskStateForm, TeamFilterForm

bp = Blueprint("worklist", __name__)
CALENDAR_ROLES = (Role.REFERENT, *TEAM_ROLES)


def _nav_counts() -> Counts | None:
    """Computed at most once per request, and only when a template asks (the nav bar)."""
    if not current_user.is_authenticated:
        return None
    if "worklist_counts" not in g:
        try:
            g.worklist_counts = worklist.nav_counts(Session(), user=user(), today=paris_today())
        except SQLAlchemyError:  # an error page must still render when the database is the error
            Session.rollback()
            g.worklist_counts = None
    return g.worklist_counts  # type: ignore[no-any-return]


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"worklist_counts": _nav_counts}


def _line_helpers() -> dict[str, Any]:
    return {"task_title": worklist.task_title, "KIND_LABELS": TASK_KIND_LABELS, "TASK_ROLES": TASK_ROLE_LABELS,
            "can_act": plans.can_act_on, "me": user(), "today": paris_today(), "state_form": TaskStateForm(),
            "here": request.full_path.rstrip("?")}


@bp.get("/ma-journee")
@roles_required(*WORKLIST_ROLES)
def my_day() -> ResponseReturnValue:
    buckets = worklist.my_day(Session(), user=user(), today=paris_today())
    return render_template("worklist/my_day.html", buckets=buckets, **_line_helpers())


def _team_filters(form: TeamFilterForm) -> worklist.TeamFilters:
    db = Session()
    form.referent.choices = choices([(0, "Tous les référents"),
                                     *((u.id, u.full_name) for u in programme_service.referents(db))])
    form.department.choices = choices([("", "Tous"), *((d, d) for d in worklist.departments(db))])
    form.kind.choices = choices([("", "Tous"), *TASK_KIND_LABELS.items()])
    form.role.choices = choices([("", "Tous"), *TASK_ROLE_LABELS.items()])
    if request.args and not form.validate():
        flash("Un filtre n'est pas valide : il a été ignoré.", "warning")
        return worklist.TeamFilters()
    return worklist.TeamFilters(referent_id=form.referent.data or None, department=form.department.data or None,
                                kind=form.kind.data or None, role=form.role.data or None)


@bp.get("/equipe")
@roles_required(*TEAM_ROLES)
def team() -> ResponseReturnValue:
    form = TeamFilterForm(formdata=request.args)
    filters = _team_filters(form)
    buckets = worklist.team_day(Session(), user=user(), today=paris_today(), filters=filters)
    return render_template("worklist/team.html", buckets=buckets, form=form, **_line_helpers())


@bp.post("/taches/<int:task_id>/etat")
@roles_required(*WORKLIST_ROLES)
def set_state(task_id: int) -> ResponseReturnValue:
    """Done / cancelled / skipped from a worklist line; the object check is the programme's visibility."""
    db, me = Session(), user()
    task = worklist.visible_task(db, user=me, task_id=task_id)
    if task is None:
        abort(404)
    if not plans.can_act_on(me, task):
        abort(403)
    form = TaskStateForm()
    back = local_path(form.next.data) or url_for("worklist.my_day")
    if not form.validate_on_submit():
        flash("Action non reconnue sur la tâche.", "error")
        return redirect(back)
    title = worklist.task_title(task)
    try:
        plans.set_task_state(db, task=task, state=form.state.data, reason=form.reason.data or "", user=me, now=now())
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.commit()
    flash(f"« {title} » : tâche {plans.TASK_ACTIONS[form.state.data]}.", "success")
    return redirect(back)


# ------------------------------------------------------------------------------------------ calendars


def _render_week(referent: User) -> ResponseReturnValue:
    today = paris_today()
    monday = calendar_service.monday_of(today)
    semaine = request.args.get("semaine", "").strip()
    if semaine:
        try:
            monday = calendar_service.parse_week(semaine)
        except calendar_service.WeekError as exc:
            flash(str(exc), "warning")
    week = calendar_service.week_calendar(Session(), referent=referent, viewer=user(), monday=monday)
    desk = user().has_role(*TEAM_ROLES)
    return render_template("worklist/week.html", week=week, referent=referent, today=today,
                           this_week=calendar_service.iso_week(today), task_title=worklist.task_title,
                           KIND_LABELS=TASK_KIND_LABELS,
                           referents=programme_service.referents(Session()) if desk else [])


@bp.get("/calendrier")
@roles_required(*CALENDAR_ROLES)
def my_calendar() -> ResponseReturnValue:
    """A référent lands on his own week; the desk picks a référent."""
    me = user()
    wanted = request.args.get("referent", "")
    if wanted.isdecimal() and me.has_role(*TEAM_ROLES):
        return redirect(url_for("worklist.referent_calendar", referent_id=int(wanted),
                                semaine=request.args.get("semaine") or None))
    if me.has_role(Role.REFERENT):
        return _render_week(me)
    return render_template("worklist/pick_referent.html", referents=programme_service.referents(Session()))


@bp.get("/referents/<int:referent_id>/calendrier")
@roles_required(*CALENDAR_ROLES)
def referent_calendar(referent_id: int) -> ResponseReturnValue:
    referent = Session().get(User, referent_id)
    if referent is None or not calendar_service.may_view_calendar(user(), referent):
        abort(404)
    return _render_week(referent)


# ------------------------------------------------------------------------------------------ the feed


def _agenda_page(new_url: str | None = None, status: int = 200) -> ResponseReturnValue:
    feed = calendar_service.active_feed(Session(), user=user())
    return render_template("worklist/agenda.html", feed=feed, form=FeedForm(), new_url=new_url,
                           past_days=calendar_service.FEED_PAST_DAYS,
                           future_days=calendar_service.FEED_FUTURE_DAYS), status


@bp.get("/mon-compte/agenda")
@roles_required(*WORKLIST_ROLES)
def agenda() -> ResponseReturnValue:
    return _agenda_page()


@bp.post("/mon-compte/agenda/nouvelle-adresse")
@roles_required(*WORKLIST_ROLES)
def agenda_create() -> ResponseReturnValue:
    """The URL is shown once, in this response, and never stored in clear (nor put in the session)."""
    if not FeedForm().validate_on_submit():
        abort(400)
    db = Session()
    token = calendar_service.create_feed(db, user=user(), now=now())
    db.commit()
    return _agenda_page(new_url=url_for("worklist.ics_feed", token=token, _external=True))


@bp.post("/mon-compte/agenda/revoquer")
@roles_required(*WORKLIST_ROLES)
def agenda_revoke() -> ResponseReturnValue:
    if not FeedForm().validate_on_submit():
        abort(400)
    db = Session()
    count = calendar_service.revoke_feed(db, user=user(), now=now())
    db.commit()
    flash("Adresse d'agenda révoquée : elle ne fonctionne plus." if count else "Aucune adresse active à révoquer.",
          "success" if count else "info")
    return redirect(url_for("worklist.agenda"))


@bp.get("/agenda/<token>.ics")
def ics_feed(token: str) -> ResponseReturnValue:
    """No login (agenda apps cannot log in): the token is the credential; unknown or revoked → 404."""
    db = Session()
    found = calendar_service.feed_user(db, token)
    if found is None:
        abort(404)
    feed, owner = found
    tasks = calendar_service.feed_tasks(db, user=owner, today=paris_today())
    body = calendar_service.render_ics(tasks, calendar_name=f"Réhab Domicile – {owner.full_name}", now=now())
    audit.record(db, now=now(), user_id=owner.id, action="export", object_type="calendar", object_id=feed.id,
                 ip=client_ip(), detail={"events": len(tasks)})
    db.commit()
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="rehab-domicile.ics"'})
