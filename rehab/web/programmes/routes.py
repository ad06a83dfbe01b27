"""Programmes: open one for a patient, show its history, move it along, assign it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from wtforms import SelectChoice

from rehab.db import Session
from rehab.domain.programme_states import Status, allowed_transitions
from rehab.domain.roles import ASSIGNING_ROLES, CLINICAL_ROLES, INTAKE_ROLES
from rehab.models import Association, Programme
from rehab.services import programmes as programme_service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import client_ip, now, patient_or_404, programme_or_404, roles_required, user
from rehab.web.forms import choices, paris_today
from rehab.web.programmes.forms import (
    AssignForm,
    EventForm,
    FixD0Form,
    NewProgrammeForm,
    RescheduleForm,
    SuspensionForm,
    TransitionForm,
)

bp = Blueprint("programmes", __name__)


def _association_choices() -> list[SelectChoice]:
    rows = Session().scalars(select(Association).order_by(Association.name)).all()
    return choices([(0, "—"), *((a.id, a.name) for a in rows)])


def _assign_form(programme: Programme, formdata: object = None) -> AssignForm:
    form = AssignForm(formdata=formdata) if formdata is not None else AssignForm(
        referent_id=programme.referent_id or 0, association_id=programme.association_id or 0,
        notes=programme.notes, version=str(programme.version))
    form.referent_id.choices = choices([(0, "— non attribué —"), *(
        (u.id, f"{u.full_name} ({', '.join(sorted(u.sectors)) or 'sans secteur'})")
        for u in programme_service.referents(Session()))])
    form.association_id.choices = _association_choices()
    return form


def render_show(programme: Programme, *, status: int = 200, **extra: object) -> ResponseReturnValue:
    """The programme page; `extra` replaces a form with the submitted one so nothing typed is lost."""
    from rehab.web.programmes.plan_routes import plan_context

    today = paris_today()
    extra.setdefault("assign_form", _assign_form(programme))
    extra.setdefault("d0_form", FixD0Form(d0=programme.d0, bmi=programme.bmi, smoker=programme.smoker,
                                          psychology_support=programme.psychology_support,
                                          paramedical_in_team=programme.paramedical_in_team))
    for name, form_class in (("suspension_form", SuspensionForm), ("interruption_form", EventForm),
                             ("rupture_form", EventForm), ("reinforcement_form", EventForm)):
        extra.setdefault(name, form_class(formdata=None, on=today, start=today))
    extra.setdefault("reschedule_form", RescheduleForm(formdata=None))
    return render_template(
        "programmes/show.html", programme=programme, patient=programme.patient,
        transitions=allowed_transitions(programme.status_enum, user().roles),
        transition_form=extra.pop("transition_form", None) or TransitionForm(version=str(programme.version)),
        **plan_context(programme), **extra,
    ), status


@bp.route("/patients/<int:patient_id>/programmes/nouveau", methods=["GET", "POST"])
@roles_required(*INTAKE_ROLES)
def new(patient_id: int) -> ResponseReturnValue:
    patient = patient_or_404(patient_id, action=None)
    form = NewProgrammeForm()
    form.association_id.choices = _association_choices()
    if form.validate_on_submit():
        db = Session()
        try:
            programme = programme_service.open_programme(
                db, patient=patient, referral_date=form.referral_date.data,
                association_id=form.association_id.data or None, user=user(), now=now(), ip=client_ip())
        except ServiceError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("programmes/new.html", form=form, patient=patient), 409
        db.commit()
        flash("Programme ouvert au stade « Demande ».", "success")
        return redirect(url_for("programmes.show", programme_id=programme.id))
    status = 400 if form.is_submitted() else 200
    return render_template("programmes/new.html", form=form, patient=patient), status


@bp.get("/programmes/<int:programme_id>")
@roles_required(*CLINICAL_ROLES)
def show(programme_id: int) -> ResponseReturnValue:
    return render_show(programme_or_404(programme_id))


@bp.post("/programmes/<int:programme_id>/etape")
@roles_required(*CLINICAL_ROLES)
def transition(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        target = Status(form.target.data or "")
        expected = int(form.version.data or 0)
    except ValueError:
        flash("Étape inconnue.", "error")
        return render_show(programme, status=400, transition_form=form)
    db = Session()
    try:
        programme_service.transition(db, programme=programme, target=target, reason=form.reason.data or "",
                                     expected_version=expected, user=user(), now=now(), ip=client_ip())
    except StaleEditError as exc:
        db.rollback()
        form.version.data = str(programme.version)
        return render_show(programme, status=409, transition_form=form, stale=exc, pending_target=target)
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_show(programme, status=409, transition_form=form, pending_target=target)
    db.commit()
    flash(f"Programme passé à l'étape « {target.label} ».", "success")
    return redirect(url_for("programmes.show", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/attribution")
@roles_required(*ASSIGNING_ROLES)
def assign(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = _assign_form(programme, formdata=request.form)
    if not form.validate_on_submit():
        return render_show(programme, status=400, assign_form=form)
    db = Session()
    try:
        programme_service.assign(
            db, programme=programme, referent_id=form.referent_id.data or None,
            association_id=form.association_id.data or None, notes=form.notes.data,
            expected_version=int(form.version.data or 0), user=user(), now=now(), ip=client_ip())
    except StaleEditError as exc:
        db.rollback()
        form.version.data = str(programme.version)
        return render_show(programme, status=409, assign_form=form, stale=exc)
    except (ServiceError, ValueError) as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_show(programme, status=400, assign_form=form)
    db.commit()
    flash("Attribution enregistrée.", "success")
    return redirect(url_for("programmes.show", programme_id=programme.id))


# The plan's routes live in their own module but on this blueprint.
from rehab.web.programmes import plan_routes  # noqa: E402, F401
