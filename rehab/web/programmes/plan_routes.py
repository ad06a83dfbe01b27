"""The programme's plan on its page: timeline, D0, suspensions, interruption, rupture, reinforcement,
rescheduling a task, and the JSON plan. Each route: check role and object, call one service, commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, jsonify, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import PlanEvent, Programme, Suspension, Task
from rehab.services import access, plans
from rehab.services import programmes as programme_service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import now, programme_or_404, roles_required, user
from rehab.web.fleet.routes import confirm_fleet_shortage
from rehab.web.programmes import timeline
from rehab.web.programmes.forms import EventForm, FixD0Form, RescheduleForm, SuspensionForm
from rehab.web.programmes.routes import bp, render_show

EVENT_LABELS = {
    "plan_generated": "Plan généré", "d0_moved": "J0 déplacé", "suspended": "Suspension",
    "interrupted": "Interruption", "rupture": "Rupture constatée", "reinforcement": "Renforcement décidé",
    "second_rupture": "Seconde rupture : réorientation", "task_done": "Tâche faite", "task_cancelled": "Tâche annulée",
    "task_skipped": "Tâche sans objet", "task_rescheduled": "Tâche reprogrammée",
    "conditional_tasks_synced": "Consultations conditionnelles mises à jour",
}


def plan_context(programme: Programme) -> dict[str, Any]:
    """Everything the programme page shows about the plan, in three queries."""
    db = Session()
    today = local_date(now())
    tasks = db.scalars(select(Task).where(Task.programme_id == programme.id).order_by(Task.due_date, Task.id)).all()
    context: dict[str, Any] = {
        "tasks": tasks, "today": today, "event_labels": EVENT_LABELS,
        "plan_events": db.scalars(select(PlanEvent).where(PlanEvent.programme_id == programme.id)
                                  .order_by(PlanEvent.at.desc(), PlanEvent.id.desc())).all(),
        "suspensions": db.scalars(select(Suspension).where(Suspension.programme_id == programme.id)
                                  .order_by(Suspension.start)).all(),
        "can_act": {t.id: plans.can_act_on(user(), t) for t in tasks},
    }
    if programme.d0 and tasks:
        items = [timeline.Item(t.due_date, t.kind, "overdue" if t.is_overdue(today) else t.state, t.label,
                               f"#tache-{t.id}") for t in tasks]
        context["timeline"] = timeline.build(items, d0=programme.d0, today=today)
    return context


def _handle(programme: Programme, form: FlaskForm, form_name: str, action: Callable[[], Any],
            success: str) -> ResponseReturnValue:
    """Validate, run the service, commit; on refusal re-render the page with what was typed (400/409)."""
    if not form.validate_on_submit():
        return render_show(programme, status=400, **{form_name: form})
    try:
        action()
    except StaleEditError as exc:
        Session.rollback()
        if isinstance(form, FixD0Form):  # resubmitting after checking the changes must then succeed
            form.version.data = str(programme.version)
        return render_show(programme, status=409, stale=exc, **{form_name: form})
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return render_show(programme, status=409, **{form_name: form})
    Session.commit()
    flash(success, "success")
    return redirect(url_for("programmes.show", programme_id=programme.id) + "#plan")


@bp.post("/programmes/<int:programme_id>/j0")
@roles_required(Role.ASSISTANTE, Role.COORDINATEUR)
def fix_d0(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = FixD0Form()

    def run() -> None:
        programme_service.check_form_version(Session(), programme, form.version.data)
        if programme.d0 is None:
            programme.bmi = float(form.bmi.data) if form.bmi.data is not None else None
            programme.smoker, programme.psychology_support = form.smoker.data, form.psychology_support.data
            programme.paramedical_in_team = form.paramedical_in_team.data
        assert form.d0.data is not None  # noqa: S101 — InputRequired
        confirm_fleet_shortage(programme, form.d0.data)  # issue 8: warn before a D0 without ergocycle
        plans.fix_d0(Session(), programme=programme, d0=form.d0.data, user=user(), now=now(),
                     today=local_date(now()), reason=form.reason.data or "")

    message = "J0 déplacé : les tâches à venir ont été recalculées." if programme.d0 else "J0 fixé : plan généré."
    return _handle(programme, form, "d0_form", run, message)


@bp.post("/programmes/<int:programme_id>/suspension")
@roles_required(Role.MEDECIN, Role.COORDINATEUR)
def suspend(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = SuspensionForm()
    return _handle(programme, form, "suspension_form", lambda: plans.suspend(
        Session(), programme=programme, start=form.start.data, end=form.end.data, reason=form.reason.data or "",
        user=user(), now=now()), "Suspension enregistrée : les tâches suivantes sont décalées.")


@bp.post("/programmes/<int:programme_id>/interruption")
@roles_required(Role.MEDECIN, Role.COORDINATEUR)
def interrupt(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = EventForm()
    return _handle(programme, form, "interruption_form", lambda: plans.interrupt(
        Session(), programme=programme, on=form.on.data, reason=form.reason.data or "", user=user(), now=now()),
        "Programme interrompu : tâches restantes annulées, reprise de l'ergocycle et courrier de clôture planifiés.")


@bp.post("/programmes/<int:programme_id>/rupture")
@roles_required(*CLINICAL_ROLES)
def rupture(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = EventForm()
    return _handle(programme, form, "rupture_form", lambda: plans.record_rupture(
        Session(), programme=programme, on=form.on.data, reason=form.reason.data or "", user=user(), now=now()),
        "Rupture enregistrée : le dossier est inscrit au comité.")


@bp.post("/programmes/<int:programme_id>/renforcement")
@roles_required(Role.MEDECIN, Role.COORDINATEUR)
def reinforce(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = EventForm()
    return _handle(programme, form, "reinforcement_form", lambda: plans.decide_reinforcement(
        Session(), programme=programme, on=form.on.data, reason=form.reason.data or "", user=user(), now=now()),
        "Renforcement planifié : visite puis quatre appels hebdomadaires.")


@bp.post("/taches/<int:task_id>/reprogrammer")
@roles_required(*CLINICAL_ROLES)
def reschedule(task_id: int) -> ResponseReturnValue:
    task = Session().get(Task, task_id)
    if task is None or access.visible_programme(Session(), user(), task.programme_id) is None:
        abort(404)
    if not plans.can_act_on(user(), task):
        abort(403)
    form = RescheduleForm()
    return _handle(task.programme, form, "reschedule_form", lambda: plans.reschedule_task(
        Session(), task=task, due=form.due.data, reason=form.reason.data or "", user=user(), now=now()),
        "Tâche reprogrammée.")


@bp.get("/api/programmes/<int:programme_id>/plan")
@roles_required(*CLINICAL_ROLES)
def plan_json(programme_id: int) -> ResponseReturnValue:
    """The plan for other tools (same access rules as the page); ISO dates."""
    programme = programme_or_404(programme_id, action="export")
    tasks = Session().scalars(select(Task).where(Task.programme_id == programme.id)
                              .order_by(Task.due_date, Task.id)).all()
    return jsonify({
        "programme_id": programme.id,
        "protocol": {"code": programme.protocol_code, "version": programme.protocol_version},
        "d0": programme.d0.isoformat() if programme.d0 else None,
        "tasks": [{
            "id": t.id, "code": t.code, "occurrence": t.occurrence, "label": t.label, "kind": t.kind,
            "phase": t.phase, "due_date": t.due_date.isoformat(), "window_start": t.window_start.isoformat(),
            "window_end": t.window_end.isoformat(), "role": t.role,
            "assignee": t.assignee.full_name if t.assignee else None, "state": t.state,
            "done_at": t.done_at.isoformat() if t.done_at else None,
        } for t in tasks],
    })
