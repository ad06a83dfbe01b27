"""Eligibility checklist and the médecin directeur's decision (validate, ask for more, reorient to SSR)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain import dossier as rules
from rehab.domain.eligibility import EXCLUSIONS, INCLUSIONS
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import Dossier, Programme
from rehab.models.dossier import DECISIONS, PATIENT_CHOICES
from rehab.services import dossier as service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import client_ip, now, programme_or_404, roles_required, user
from rehab.web.dossier.forms import DecisionForm, EligibilityFormBase, eligibility_form
from rehab.web.dossier.routes import bp, dossier_or_404, next_step
from rehab.web.forms import paris_today

ELIGIBILITY_EDITORS = (Role.MEDECIN, Role.COORDINATEUR, Role.ASSISTANTE)


def _filled_eligibility(dossier: Dossier) -> EligibilityFormBase:
    data: dict[str, Any] = {"carer_name": dossier.carer_name, "version": str(dossier.version)}
    for key, value in (dossier.eligibility or {}).items():
        data[f"c_{key}"] = "oui" if value else "non"
    return eligibility_form(formdata=None, data=data)


def render_eligibility(programme: Programme, dossier: Dossier, *, status: int = 200,
                       form: EligibilityFormBase | None = None, stale: Any = None) -> ResponseReturnValue:
    return render_template(
        "dossier/eligibility.html", programme=programme, patient=programme.patient, dossier=dossier,
        form=form or _filled_eligibility(dossier), inclusions=INCLUSIONS, exclusions=EXCLUSIONS,
        result=service.eligibility_of(Session(), dossier), stale=stale, next_step=next_step(programme, dossier),
        can_edit=user().has_role(*ELIGIBILITY_EDITORS)), status


@bp.route("/programmes/<int:programme_id>/dossier/eligibilite", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def eligibility(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action="view")
    dossier = dossier_or_404(programme)
    form = eligibility_form()
    if not form.is_submitted():
        return render_eligibility(programme, dossier)
    if not user().has_role(*ELIGIBILITY_EDITORS):
        abort(403)
    if not form.validate_on_submit():
        return render_eligibility(programme, dossier, status=400, form=form)
    db = Session()
    try:
        result = service.record_eligibility(
            db, dossier=dossier, answers=form.answers(), carer_name=form.carer_name.data,
            expected_version=int(form.version.data) if (form.version.data or "").isdecimal() else None,
            user=user(), now=now(), ip=client_ip())
    except StaleEditError as exc:
        db.rollback()
        form.version.data = str(dossier.version)
        return render_eligibility(programme, dossier, status=409, form=form, stale=exc)
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_eligibility(programme, dossier, status=409, form=form)
    db.commit()
    if result.eligible:
        flash("Éligibilité enregistrée : aucun critère ne s'oppose à la validation.", "success")
    else:
        flash("Éligibilité enregistrée. Points bloquants : " + " ".join(result.blockers), "warning")
    return redirect(url_for("dossier.eligibility", programme_id=programme.id))


def render_decision(programme: Programme, dossier: Dossier, *, status: int = 200,
                    form: DecisionForm | None = None, stale: Any = None) -> ResponseReturnValue:
    if form is None:
        form = DecisionForm(formdata=None, patient_choice=dossier.patient_choice or "",
                            version=str(dossier.version))
    return render_template(
        "dossier/decision.html", programme=programme, patient=programme.patient, dossier=dossier, form=form,
        result=service.eligibility_of(Session(), dossier), missing=rules.missing_message(dossier.received()),
        delay=service.delay(Session(), programme, today=paris_today()), decisions=DECISIONS,
        pieces=rules.REQUIRED_PIECES, patient_choices=PATIENT_CHOICES, stale=stale,
        next_step=next_step(programme, dossier)), status


@bp.route("/programmes/<int:programme_id>/dossier/decision", methods=["GET", "POST"])
@roles_required(Role.MEDECIN)
def decision(programme_id: int) -> ResponseReturnValue:
    """Validation is the médecin directeur's alone (the role check is repeated in the service)."""
    programme = programme_or_404(programme_id, action="view")
    dossier = dossier_or_404(programme)
    form = DecisionForm()
    if not form.is_submitted():
        return render_decision(programme, dossier)
    if not form.validate_on_submit():
        return render_decision(programme, dossier, status=400, form=form)
    db = Session()
    try:
        service.decide(db, dossier=dossier, decision=form.decision.data or "", reason=form.reason.data or "",
                       patient_choice=form.patient_choice.data or None,
                       pieces_to_redo=list(form.pieces_to_redo.data or []),
                       expected_version=int(form.version.data) if (form.version.data or "").isdecimal() else None,
                       user=user(), now=now(), today=paris_today(), ip=client_ip())
    except StaleEditError as exc:
        db.rollback()
        form.version.data = str(dossier.version)
        return render_decision(programme, dossier, status=409, form=form, stale=exc)
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_decision(programme, dossier, status=409, form=form)
    db.commit()
    flash(f"Décision enregistrée : {DECISIONS[form.decision.data or '']}.", "success")
    return redirect(url_for("dossier.decision", programme_id=programme.id))
