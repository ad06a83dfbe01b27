"""« Fixer le J0 » (hand-over to the plan) and the care team, on the intake blueprint."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

from flask import current_app, flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from rehab.db import Session
from rehab.domain.roles import CLINICAL_ROLES, INTAKE_ROLES
from rehab.domain.workdays import next_working_day
from rehab.models import CareTeamMember, Professional, Programme
from rehab.models.care_team import TEAM_ROLES
from rehab.services import care_team, documents
from rehab.services import consent as consent_service
from rehab.services import programmes as programme_service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import client_ip, now, programme_or_404, roles_required, user
from rehab.web.fleet.routes import confirm_fleet_shortage
from rehab.web.forms import choices, paris_today
from rehab.web.intake.forms import AnswerForm, D0Form, MemberForm
from rehab.web.intake.routes import _fail, bp, render_step


def _d0(programme: Programme, form: D0Form | None = None, status: int = 200,
        version: str | None = None) -> ResponseReturnValue:
    row = consent_service.consent_of(Session(), programme)
    if form is None:
        default = row.agreed_start if row and row.agreed_start else next_working_day(
            paris_today() + timedelta(days=7), programme.department)
        form = D0Form(formdata=None, d0=programme.d0 or default)
    practical = consent_service.practical_of(Session(), programme)
    reached = any(c.outcome == "reached" for c in consent_service.calls_of(Session(), programme))
    return render_step("d0", programme, status=status, form=form, consent=row, reached=reached,
                       exclusions=practical.exclusions if practical else [], version=version or programme.version)


@bp.get("/j0")
@roles_required(*CLINICAL_ROLES)
def d0(programme_id: int) -> ResponseReturnValue:
    return _d0(programme_or_404(programme_id))


@bp.post("/j0")
@roles_required(*INTAKE_ROLES)
def fix_d0(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = D0Form()
    typed_version = request.form.get("version")  # the version the page was shown with (hidden field)
    if not form.validate_on_submit():
        return _d0(programme, form, 400, typed_version)
    try:
        programme_service.check_form_version(Session(), programme, typed_version)
        confirm_fleet_shortage(programme, form.d0.data)  # issue 8: warn before a D0 without ergocycle
        tasks = consent_service.fix_start(Session(), programme=programme, d0=form.d0.data, user=user(), now=now(),
                                          today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        kept = None if isinstance(exc, StaleEditError) else typed_version  # stale: resubmit with the new one
        return _d0(programme_or_404(programme_id, action=None), form, 409, kept)
    Session.commit()
    flash(f"J0 fixé au {form.d0.data:%d/%m/%Y} : plan généré ({len(tasks)} tâches), programme planifié.", "success")
    return redirect(url_for("intake.team", programme_id=programme_id))


def _candidates(programme: Programme, role: str) -> list[Professional]:
    """The patient's own médecin traitant / pneumologue first, then the same kind in his department."""
    db = Session()
    patient = programme.patient
    own = {"medecin_traitant": patient.medecin_traitant_id, "pneumologue": patient.pneumologue_id}.get(role)
    rows = list(db.scalars(select(Professional).where(
        Professional.kind.in_(TEAM_ROLES[role][1]), Professional.active, Professional.merged_into_id.is_(None),
        Professional.department == (patient.department or programme.department))
        .order_by(Professional.name).limit(40)))
    if own and (mine := db.get(Professional, own)) is not None:
        rows = [mine, *(r for r in rows if r.id != mine.id)]
    return rows


def _member_forms(programme: Programme, failed: MemberForm | None) -> dict[str, MemberForm]:
    forms = {}
    for role in TEAM_ROLES:
        form = failed if failed is not None and failed.role.data == role else MemberForm(formdata=None, role=role)
        form.professional_id.choices = choices([(0, "— choisir —"), *(
            (p.id, f"{p.name} · {p.city or '—'}") for p in _candidates(programme, role))])
        forms[role] = form
    return forms


def _team(programme: Programme, *, failed: MemberForm | None = None, answer: AnswerForm | None = None,
          status: int = 200) -> ResponseReturnValue:
    db = Session()
    members = care_team.members_of(db, programme)
    by_role: dict[str, list[CareTeamMember]] = {role: [] for role in TEAM_ROLES}
    for member in members:
        by_role.setdefault(member.role, []).append(member)
    proposals: dict[str, Any] = {}
    if care_team.refused_paramedical(db, programme):
        proposals["paramedical"] = care_team.nearby(db, programme=programme, role="paramedical")
    return render_step("team", programme, status=status, by_role=by_role, roles=TEAM_ROLES,
                       member_forms=_member_forms(programme, failed), answer_form=answer or AnswerForm(formdata=None),
                       proposals=proposals, today=paris_today())


@bp.get("/equipe")
@roles_required(*CLINICAL_ROLES)
def team(programme_id: int) -> ResponseReturnValue:
    return _team(programme_or_404(programme_id))


@bp.post("/equipe")
@roles_required(*INTAKE_ROLES)
def add_member(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = MemberForm()
    if not form.validate_on_submit() or not form.professional_id.data:
        if not form.professional_id.data:
            form.professional_id.errors = ["Choisissez le professionnel dans l'annuaire."]
        return _team(programme, failed=form, status=400)
    on = form.answered_on.data or paris_today()
    try:
        care_team.add_member(Session(), programme=programme, role=form.role.data,
                             professional_id=form.professional_id.data,
                             agreed_on=on if form.answer.data == "agreed" else None,
                             refused_on=on if form.answer.data == "refused" else None, note=form.note.data or "",
                             user=user(), now=now(), today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        return _team(programme_or_404(programme_id, action=None), failed=form, status=400)
    Session.commit()
    flash("Professionnel ajouté à l'équipe de soins.", "success")
    return redirect(url_for("intake.team", programme_id=programme_id))


@bp.post("/equipe/reponse")
@roles_required(*INTAKE_ROLES)
def answer(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = AnswerForm()
    member = None
    if (form.member_id.data or "").isdecimal():
        member = Session().get(CareTeamMember, int(form.member_id.data))
    if member is None or member.programme_id != programme.id:
        flash("Ce membre de l'équipe n'existe pas pour ce programme.", "error")
        return redirect(url_for("intake.team", programme_id=programme_id))
    if not form.validate_on_submit():
        return _team(programme, answer=form, status=400)
    on = form.answered_on.data
    try:
        care_team.answer(Session(), member=member, programme=programme,
                         agreed_on=on if form.answer.data == "agreed" else None,
                         refused_on=on if form.answer.data == "refused" else None,
                         user=user(), now=now(), today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        return _team(programme_or_404(programme_id, action=None), answer=form, status=400)
    Session.commit()
    flash("Réponse enregistrée.", "success")
    return redirect(url_for("intake.team", programme_id=programme_id))


@bp.get("/equipe/enveloppes")
@roles_required(*CLINICAL_ROLES)
def team_envelopes(programme_id: int) -> ResponseReturnValue:
    """Address sheets for window envelopes: the letters to the team are posted from here."""
    programme = programme_or_404(programme_id, action=None)
    db = Session()
    try:
        data = documents.team_envelopes(db, programme=programme, members=care_team.members_of(db, programme),
                                        head=documents.letterhead(current_app.config, current_app.instance_path),
                                        user=user(), now=now(), ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        return redirect(url_for("intake.team", programme_id=programme_id))
    Session.commit()
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"enveloppes-equipe-programme-{programme.id}.pdf")
