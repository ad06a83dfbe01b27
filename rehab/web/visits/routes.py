"""The home forms on the tablet: open a task's form, autosave its draft, submit it once, read it back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import validate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import ValidationError

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.outcomes import CRQ_DOMAIN_LABELS, format_duration, odometer_check
from rehab.domain.roles import CLINICAL_ROLES
from rehab.models import FollowUpCallRecord, FormSubmission, Task
from rehab.services import home_forms
from rehab.services.errors import ServiceError
from rehab.services.home_events import wording_for
from rehab.services.home_form_specs import NATURES, SPECS
from rehab.web import csrf
from rehab.web.common import now, programme_or_404, roles_required, user

bp = Blueprint("visits", __name__)


def task_or_404(task_id: int, *, action: str | None = "view") -> Task:
    """Object check (programme visible, audited), then: only the assignee, the desk and the médecin."""
    task = Session.get(Task, task_id)
    if task is None:
        abort(404)
    from rehab.web.common import user

    programme_or_404(task.programme_id, action=action)
    if not home_forms.can_fill(user(), task):
        abort(403)
    return task


def _draft_key(task: Task) -> str:
    return f"rehab-draft-{user().id}-{task.id}"


def _render_form(task: Task, data: dict[str, Any], *, errors: dict[str, str] | None = None,
                 status: int = 200, stale: str | None = None) -> tuple[str, int]:
    spec = home_forms.spec_for(task)
    if spec is None:
        abort(404)
    return render_template(
        "visits/form.html", task=task, spec=spec, data=data, errors=errors or {}, stale=stale,
        draft_key=_draft_key(task), wording=wording_for(Session(), task.programme.association_id),
        stamp=data.get("task_stamp") or home_forms.stamp(task), domain_labels=CRQ_DOMAIN_LABELS), status


def _initial_data(task: Task) -> dict[str, Any]:
    draft = home_forms.draft_of(Session(), user=user(), task=task)
    data: dict[str, Any] = dict(draft.payload) if draft else {}
    data.pop("task_stamp", None)  # a draft never overrides the stale check
    data.setdefault("client_submission_id", home_forms.new_client_id())
    data.setdefault("performed_on", local_date(now()).strftime("%d/%m/%Y"))
    return data


@bp.route("/taches/<int:task_id>/formulaire", methods=["GET", "POST"])
@csrf.exempt  # checked in _submit, so that an expired token gives the form back with what was typed
@roles_required(*CLINICAL_ROLES)
def task_form(task_id: int) -> Any:
    # A POST is audited by the service once its CSRF token is checked (a forged post leaves no row).
    task = task_or_404(task_id, action=None if request.method == "POST" else "view")
    if home_forms.is_consultation(task) and home_forms.spec_for(task) is None:
        return redirect(url_for("visits.professional_sessions", programme_id=task.programme_id, task=task.id))
    if request.method == "GET":
        done = Session.scalar(select(FormSubmission.id).where(FormSubmission.task_id == task.id).limit(1))
        if done and not task.is_open:
            return redirect(url_for("visits.submission", submission_id=done))
        return _render_form(task, _initial_data(task))
    return _submit(task)


def _submit(task: Task) -> Any:
    data = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        programme_or_404(task.programme_id, action="view")  # what is shown back is a read of the record
        return _render_form(task, data, status=400, stale=(
            "Le formulaire avait expiré (jeton de sécurité) : rien n'a été enregistré, votre saisie est conservée "
            "ci-dessous. Enregistrez à nouveau."))
    try:
        outcome = home_forms.submit(Session(), task=task, user=user(), data=data,
                                    client_id=data.get("client_submission_id", ""),
                                    task_stamp=data.get("task_stamp", ""), now=now(), today=local_date(now()))
        Session.commit()
    except home_forms.FormInvalid as exc:
        Session.rollback()
        return _render_form(task, data, errors=exc.errors, status=400)
    except home_forms.StaleForm as exc:
        Session.rollback()
        return _render_form(task, data, status=409, stale=str(exc))
    except IntegrityError:
        # The same client id arrived twice at once: the other request saved it.
        Session.rollback()
        existing = home_forms.find_submission(Session(), data.get("client_submission_id", ""))
        if existing is None:
            raise
        return redirect(url_for("visits.submission", submission_id=existing.id), 303)
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render_form(task, data, status=400)
    if outcome.retry:
        # The record page clears the browser's draft: the next attempt starts a fresh one (new client id).
        flash("Patient injoignable : la tentative est notée, l'appel reste à faire.", "info")
    elif outcome.created:
        flash(f"« {task.label} » enregistrée ; la tâche est faite.", "success")
        if outcome.plan_changes != (0, 0):
            added, cancelled = outcome.plan_changes
            flash(f"Accompagnements : {added} consultation(s) ajoutée(s), {cancelled} annulée(s) au plan.", "info")
    else:
        flash("Ce formulaire avait déjà été enregistré : rien n'a été ajouté.", "info")
    return redirect(url_for("visits.submission", submission_id=outcome.submission.id), 303)


@bp.route("/taches/<int:task_id>/brouillon", methods=["POST"])
@roles_required(*CLINICAL_ROLES)
def save_draft(task_id: int) -> Any:
    task = task_or_404(task_id, action=None)  # the draft service audits the write
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify({"ok": False, "message": "Brouillon illisible."}), 400
    if not task.is_open:
        return jsonify({"ok": False, "message": "Cette tâche est déjà close."}), 409
    try:
        draft = home_forms.save_draft(Session(), user=user(), task=task, payload=payload, now=now())
        Session.commit()
    except ServiceError as exc:
        Session.rollback()
        return jsonify({"ok": False, "message": str(exc)}), 400
    return jsonify({"ok": True, "saved_at": draft.updated_at.isoformat()})


@bp.route("/formulaires/<int:submission_id>")
@roles_required(*CLINICAL_ROLES)
def submission(submission_id: int) -> Any:
    from rehab.web.common import user

    sub = Session.get(FormSubmission, submission_id)
    if sub is None:
        abort(404)
    programme = programme_or_404(sub.programme_id)
    spec = SPECS[sub.form]
    follow = None
    if sub.form == "follow_up_call":
        follow = Session.scalar(select(FollowUpCallRecord).where(FollowUpCallRecord.submission_id == sub.id))
    odometer = odometer_check(sub.payload.get("odometer_km"), sub.payload.get("sessions_declared"))
    return render_template("visits/submission.html", sub=sub, spec=spec, programme=programme, follow=follow,
                           odometer=odometer,
                           display=home_forms.display_value, format_duration=format_duration,
                           draft_key=f"rehab-draft-{user().id}-{sub.task_id}", natures=dict(NATURES))


@bp.route("/formulaires/<int:submission_id>/rupture", methods=["POST"])
@roles_required(*CLINICAL_ROLES)
def confirm_rupture(submission_id: int) -> Any:
    from rehab.web.common import now, user

    sub = Session.get(FormSubmission, submission_id)
    if sub is None:
        abort(404)
    programme_or_404(sub.programme_id, action="update")
    if sub.task is not None and not home_forms.can_fill(user(), sub.task):
        abort(403)
    try:
        home_forms.confirm_rupture(Session(), submission=sub, user=user(), now=now(), today=local_date(now()))
        Session.commit()
        flash("Rupture confirmée : le cas est inscrit au comité.", "success")
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("visits.submission", submission_id=submission_id), 303)


from rehab.web.visits import event_routes  # noqa: E402,F401  — registers the remaining routes on bp
