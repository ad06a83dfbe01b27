"""Intercurrent events and the médecin's decision, professionals' sessions, hospitalisation counts,
the programme's outcomes (CRQ, endurance, weekly volume chart) and the CRQ wording settings."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.outcomes import (
    CRQ_DOMAIN_LABELS,
    CRQ_DOMAINS,
    CrqScores,
    crq_change,
    endurance_change,
    format_duration,
)
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import (
    Association,
    CrqAdministration,
    CrqWording,
    EnduranceTest,
    HospitalisationCount,
    IntercurrentEvent,
    Professional,
    ProfessionalSession,
    Task,
)
from rehab.services import home_events, home_forms
from rehab.services.errors import ServiceError, StaleEditError
from rehab.services.home_form_specs import NATURES, parse_fr_date
from rehab.web.common import now, programme_or_404, roles_required, user
from rehab.web.forms import form_int
from rehab.web.visits.routes import bp


def _date(name: str, label: str, errors: dict[str, str]) -> date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        errors[name] = f"{label} : champ obligatoire."
        return None
    try:
        return parse_fr_date(raw)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


@bp.route("/programmes/<int:programme_id>/evenement", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def report_event(programme_id: int) -> Any:
    programme = programme_or_404(programme_id, action="update" if request.method == "POST" else "view")
    data = dict(request.form) if request.method == "POST" else {
        "client_submission_id": home_forms.new_client_id(), "event_date": local_date(now()).strftime("%d/%m/%Y")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        on = _date("event_date", "Date de l'événement", errors)
        if not errors and on is not None:
            try:
                event, created = home_events.report_event(
                    Session(), programme=programme, event_date=on, nature=data.get("nature", ""),
                    hospitalisation=data.get("hospitalisation") == "y", description=data.get("description", ""),
                    client_id=data.get("client_submission_id", ""), user=user(), now=now(), today=local_date(now()))
                Session.commit()
                flash("Événement signalé au médecin directeur." if created else
                      "Cet événement avait déjà été signalé : rien n'a été ajouté.", "success")
                return redirect(url_for("visits.decide_event", event_id=event.id), 303)
            except ServiceError as exc:
                Session.rollback()
                errors["form"] = str(exc)
    return render_template("visits/event_form.html", programme=programme, data=data, errors=errors,
                           natures=NATURES), 400 if errors else 200


@bp.route("/evenements/<int:event_id>", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def decide_event(event_id: int) -> Any:
    event = Session.get(IntercurrentEvent, event_id)
    if event is None:
        abort(404)
    programme = programme_or_404(event.programme_id, action="update" if request.method == "POST" else "view")
    data: dict[str, Any] = dict(request.form) if request.method == "POST" else {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not user().has_role(Role.MEDECIN, Role.COORDINATEUR):
            abort(403)
        decision = data.get("decision", "")
        start = _date("suspend_start", "Début", errors) if decision == "suspend" else None
        end = _date("suspend_end", "Fin", errors) if decision == "suspend" else None
        if not errors:
            try:
                home_events.decide_event(Session(), event=event, decision=decision, reason=data.get("reason", ""),
                                         version=form_int(data.get("version")), start=start, end=end,
                                         user=user(), now=now(), today=local_date(now()))
                Session.commit()
                flash("Décision enregistrée ; le plan est à jour.", "success")
                return redirect(url_for("programmes.show", programme_id=programme.id), 303)
            except StaleEditError as exc:
                Session.rollback()
                errors["form"], status = str(exc), 409
            except ServiceError as exc:
                Session.rollback()
                errors["form"] = str(exc)
        status = status if status == 409 else 400
        Session.refresh(event)
    return render_template("visits/event_decision.html", event=event, programme=programme, data=data,
                           errors=errors, natures=dict(NATURES), decisions=home_events.DECISIONS), status


@bp.route("/programmes/<int:programme_id>/seances-professionnels", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def professional_sessions(programme_id: int) -> Any:
    programme = programme_or_404(programme_id, action="update" if request.method == "POST" else "view")
    task_id = request.values.get("task", type=int)
    task = Session.get(Task, task_id) if task_id else None
    if task is not None and (task.programme_id != programme.id or not home_forms.can_fill(user(), task)):
        abort(404)
    data: dict[str, Any] = dict(request.form) if request.method == "POST" else {
        "client_submission_id": home_forms.new_client_id(), "role": task.role if task else "",
        "session_date": local_date(now()).strftime("%d/%m/%Y")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        on = _date("session_date", "Date de la consultation", errors)
        pro_raw = (data.get("professional_id") or "").strip()
        if not errors and on is not None:
            try:
                _, created = home_events.record_professional_session(
                    Session(), programme=programme, role=data.get("role", ""), session_date=on,
                    professional_id=int(pro_raw) if pro_raw.isdecimal() else None, notes=data.get("notes", ""),
                    task=task, client_id=data.get("client_submission_id", ""), user=user(), now=now(),
                    today=local_date(now()))
                Session.commit()
                flash("Consultation enregistrée." if created else "Consultation déjà enregistrée.", "success")
                return redirect(url_for("visits.professional_sessions", programme_id=programme.id), 303)
            except ServiceError as exc:
                Session.rollback()
                errors["form"] = str(exc)
    rows = Session.execute(select(ProfessionalSession, Professional.name)
                           .outerjoin(Professional, Professional.id == ProfessionalSession.professional_id)
                           .where(ProfessionalSession.programme_id == programme.id)
                           .order_by(ProfessionalSession.session_date)).all()
    return render_template("visits/professional_sessions.html", programme=programme, task=task, rows=rows,
                           data=data, errors=errors, roles=home_events.PROFESSIONAL_ROLE_LABELS), \
        400 if errors else 200


@bp.route("/programmes/<int:programme_id>/hospitalisations", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def hospitalisations(programme_id: int) -> Any:
    programme = programme_or_404(programme_id, action="update" if request.method == "POST" else "view")
    data: dict[str, Any] = dict(request.form)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            stays, days = int(data.get("stays", "").strip()), int(data.get("days", "").strip())
            home_events.set_hospitalisations(Session(), programme=programme, period=data.get("period", ""),
                                             stays=stays, days=days, source=data.get("source", ""),
                                             user=user(), now=now())
            Session.commit()
            flash("Hospitalisations enregistrées.", "success")
            return redirect(url_for("visits.hospitalisations", programme_id=programme.id), 303)
        except ValueError:
            errors["form"] = "Séjours et jours : des nombres entiers sont attendus."
        except ServiceError as exc:
            Session.rollback()
            errors["form"] = str(exc)
    counts = {c.period: c for c in Session.scalars(
        select(HospitalisationCount).where(HospitalisationCount.programme_id == programme.id))}
    return render_template("visits/hospitalisations.html", programme=programme, counts=counts, data=data,
                           errors=errors), 400 if errors else 200


def _scores(row: CrqAdministration | None) -> CrqScores | None:
    return None if row is None else CrqScores({d: getattr(row, d) for d in CRQ_DOMAINS})


@bp.route("/programmes/<int:programme_id>/resultats")
@roles_required(*CLINICAL_ROLES)
def outcomes(programme_id: int) -> Any:
    programme = programme_or_404(programme_id)
    crq = {r.moment: r for r in Session.scalars(
        select(CrqAdministration).where(CrqAdministration.programme_id == programme.id)
        .order_by(CrqAdministration.administered_on))}
    tests = {t.moment: t for t in Session.scalars(
        select(EnduranceTest).where(EnduranceTest.programme_id == programme.id).order_by(EnduranceTest.tested_on))}
    before, after = _scores(crq.get("inclusion")), _scores(crq.get("closing"))
    change = crq_change(before, after) if before and after else None
    endurance = (endurance_change(tests["inclusion"].duration_s, tests["closing"].duration_s)
                 if "inclusion" in tests and "closing" in tests else None)
    volumes = home_events.weekly_volume(Session(), programme)
    chart = Markup(home_events.volume_svg(volumes)) if volumes else None  # noqa: S704 — numbers only
    events = list(Session.scalars(select(IntercurrentEvent).where(IntercurrentEvent.programme_id == programme.id)
                                  .order_by(IntercurrentEvent.event_date)))
    return render_template("visits/outcomes.html", programme=programme, before=before, after=after,
                           change=change, tests=tests, endurance=endurance, chart=chart, volumes=volumes,
                           events=events, natures=dict(NATURES), decisions=home_events.DECISIONS,
                           domain_labels=CRQ_DOMAIN_LABELS, format_duration=format_duration)


@bp.route("/admin/crq", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def crq_wording() -> Any:
    """Reference data (no patient): the wording an association holding the McMaster licence pasted."""
    associations = list(Session.scalars(select(Association).order_by(Association.name)))
    association_id = request.values.get("association", type=int) or (associations[0].id if associations else None)
    data: dict[str, Any] = dict(request.form)
    error = None
    if request.method == "POST" and association_id is not None:
        items = {str(n): data.get(f"item_{n}", "") for n in range(1, 21)}
        try:
            home_events.save_wording(Session(), association_id=association_id, items=items,
                                     licence=data.get("licence", ""), user=user(), now=now())
            Session.commit()
            flash("Libellés du CRQ enregistrés.", "success")
            return redirect(url_for("visits.crq_wording", association=association_id), 303)
        except ServiceError as exc:
            Session.rollback()
            error = str(exc)
    if request.method == "GET" and association_id is not None:
        row = Session.scalar(select(CrqWording).where(CrqWording.association_id == association_id))
        data = {f"item_{k}": v for k, v in (row.items if row else {}).items()}
        data["licence"] = row.licence_reference if row else ""
    return render_template("visits/crq_wording.html", associations=associations, association_id=association_id,
                           data=data, error=error, domains=CRQ_DOMAINS, domain_labels=CRQ_DOMAIN_LABELS), \
        400 if error else 200
