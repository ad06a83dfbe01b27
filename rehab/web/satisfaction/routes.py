"""Professionals' satisfaction questionnaires (issue #9): the programme's list, and the assistante's record
of each one returned (protocol task « questionnaires de satisfaction aux professionnels », E + 3 months).

Its own small blueprint under /programmes/<id>/satisfaction: the care-team page and the programme link to it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import ProfessionalSatisfaction, Programme
from rehab.services import satisfaction as service
from rehab.services.errors import ServiceError
from rehab.web.common import client_ip, now, programme_or_404, roles_required, user
from rehab.web.forms import choices, paris_today
from rehab.web.satisfaction.forms import SatisfactionForm

bp = Blueprint("satisfaction", __name__, url_prefix="/programmes/<int:programme_id>/satisfaction")

#: The assistante records what comes back by post; the coordinateur may stand in for her.
RECORDERS = (Role.ASSISTANTE, Role.COORDINATEUR)


def _render(programme: Programme, form: SatisfactionForm | None = None, *, status: int = 200,
            existing: ProfessionalSatisfaction | None = None) -> ResponseReturnValue:
    people = service.respondents(Session(), programme)
    pending = [p for p in people if p.answer is None]
    if form is None:
        form = SatisfactionForm(formdata=None, received_on=paris_today())
    form.professional_id.choices = choices([(0, "— choisir —"), *(
        (p.professional_id, f"{p.name} · {p.role_label}") for p in people)])
    answers = [p.answer for p in people if p.answer is not None]
    return render_template("satisfaction/index.html", programme=programme, patient=programme.patient,
                           respondents=people, pending=pending, form=form, existing=existing,
                           satisfied=sum(1 for a in answers if a.satisfied), answered=len(answers),
                           can_record=user().has_role(*RECORDERS)), status


@bp.get("/")
@roles_required(*CLINICAL_ROLES)
def index(programme_id: int) -> ResponseReturnValue:
    return _render(programme_or_404(programme_id))


@bp.post("/")
@roles_required(*RECORDERS)
def record(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = SatisfactionForm()
    if not form.validate_on_submit() or not form.professional_id.data:
        if not form.professional_id.data:
            form.professional_id.errors = ["Choisissez le professionnel."]
        return _render(programme, form, status=400)
    try:
        service.record(Session(), programme=programme, professional_id=form.professional_id.data,
                       received_on=form.received_on.data, satisfied=form.satisfied.data == "yes",
                       score=form.score.data, comment=form.comment.data or "", user=user(), now=now(),
                       today=paris_today(), ip=client_ip())
    except service.AlreadyRecorded as exc:
        existing_id = exc.existing.id
        Session.rollback()
        flash(str(exc), "error")
        return _render(programme_or_404(programme_id, action=None), form, status=409,
                       existing=Session().get(ProfessionalSatisfaction, existing_id))
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render(programme_or_404(programme_id, action=None), form, status=400)
    Session.commit()
    flash("Questionnaire de satisfaction enregistré.", "success")
    return redirect(url_for("satisfaction.index", programme_id=programme_id))
