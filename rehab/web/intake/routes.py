"""Intake steps before D0, one screen each: contact (call log), delivery data, acte d'adhésion and the
documents to post, then D0 and the care team (in `team_routes`). Each screen offers the next step."""

from __future__ import annotations

from datetime import datetime, time
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.roles import CLINICAL_ROLES, INTAKE_ROLES
from rehab.models import Programme
from rehab.services import consent as service
from rehab.services import documents, uploads
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import client_ip, now, programme_or_404, roles_required, user
from rehab.web.forms import paris_today
from rehab.web.intake.forms import CallForm, ConsentForm, PracticalForm

bp = Blueprint("intake", __name__, url_prefix="/programmes/<int:programme_id>/entree")
PARIS = ZoneInfo("Europe/Paris")
STEPS = (("contact", "1. Contact"), ("logistics", "2. Logistique"), ("consent", "3. Adhésion et courriers"),
         ("d0", "4. J0"), ("team", "5. Équipe de soins"))
NEXT = {"contact": ("logistics", "Étape suivante : données pratiques de livraison"),
        "logistics": ("consent", "Étape suivante : acte d'adhésion et courriers"),
        "consent": ("d0", "Étape suivante : fixer le J0"),
        "d0": ("team", "Étape suivante : équipe de soins")}


def render_step(step: str, programme: Programme, *, status: int = 200, **context: Any) -> ResponseReturnValue:
    following = NEXT.get(step)
    next_step = None
    if following:
        next_step = {"label": following[1], "url": url_for(f"intake.{following[0]}", programme_id=programme.id)}
    elif programme.d0:
        next_step = {"label": "Retour au programme", "url": url_for("programmes.show", programme_id=programme.id)}
    return render_template(f"intake/{step}.html", programme=programme, patient=programme.patient, step=step,
                           steps=STEPS, next_step=next_step, can_edit=user().has_role(*INTAKE_ROLES),
                           **context), status


def files_root() -> str:
    return documents.files_root(current_app.config, current_app.instance_path)


def _fail(exc: ServiceError) -> None:
    Session.rollback()
    flash(str(exc), "error")


def _contact(programme: Programme, form: CallForm | None = None, status: int = 200) -> ResponseReturnValue:
    if form is None:
        local = now().astimezone(PARIS)
        form = CallForm(formdata=None, called_on=local.date(), called_time=local.strftime("%H:%M"))
    proposed = service.proposed_callback(paris_today(), programme.department)
    return render_step("contact", programme, status=status, form=form, proposed=proposed,
                       calls=service.calls_of(Session(), programme))


@bp.get("/contact")
@roles_required(*CLINICAL_ROLES)
def contact(programme_id: int) -> ResponseReturnValue:
    return _contact(programme_or_404(programme_id))


@bp.post("/contact")
@roles_required(*INTAKE_ROLES)
def log_call(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = CallForm()
    if not form.validate_on_submit():
        return _contact(programme, form, 400)
    hours, minutes = (int(x) for x in form.called_time.data.lower().replace("h", ":").split(":"))
    called_at = datetime.combine(form.called_on.data, time(hours, minutes), PARIS).astimezone(ZoneInfo("UTC"))
    try:
        call = service.log_call(Session(), programme=programme, called_at=called_at, outcome=form.outcome.data,
                                note=form.note.data or "", callback_on=form.callback_on.data, user=user(),
                                now=now(), today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        return _contact(programme_or_404(programme_id, action=None), form, 400)
    Session.commit()
    if call.callback_on:
        flash(f"Appel noté ({call.outcome_label.lower()}) : rappel prévu le {call.callback_on:%d/%m/%Y} "
              "dans la liste de travail.", "info")
        return redirect(url_for("intake.contact", programme_id=programme_id))
    flash("Appel noté : patient joint.", "success")
    return redirect(url_for("intake.logistics", programme_id=programme_id))


def _logistics(programme: Programme, form: PracticalForm | None = None, status: int = 200,
               stale: StaleEditError | None = None) -> ResponseReturnValue:
    row = service.practical_of(Session(), programme)
    if form is None:
        form = PracticalForm(formdata=None, obj=row)
        form.version.data = str(row.version) if row else ""
    return render_step("logistics", programme, status=status, form=form, row=row, stale=stale)


@bp.get("/logistique")
@roles_required(*CLINICAL_ROLES)
def logistics(programme_id: int) -> ResponseReturnValue:
    return _logistics(programme_or_404(programme_id))


@bp.post("/logistique")
@roles_required(*INTAKE_ROLES)
def save_logistics(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = PracticalForm()
    if not form.validate_on_submit():
        return _logistics(programme, form, 400)
    data = service.Practical(floor=form.floor.data, stairs=form.stairs.data, lift=form.lift.data,
                             access_notes=form.access_notes.data or "", electricity=form.electricity.data,
                             phone_line=form.phone_line.data)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        exclusions = service.save_practical(Session(), programme=programme, data=data, expected_version=version,
                                            user=user(), now=now(), ip=client_ip())
    except StaleEditError as exc:
        Session.rollback()
        return _logistics(programme_or_404(programme_id, action=None), form, 409, stale=exc)
    except ServiceError as exc:
        _fail(exc)
        return _logistics(programme_or_404(programme_id, action=None), form, 400)
    Session.commit()
    if exclusions:
        flash("Attention, critère d'exclusion : " + " et ".join(exclusions) + ". Signalez-le au médecin "
              "directeur avant de poursuivre.", "warning")
        return redirect(url_for("intake.logistics", programme_id=programme_id))
    flash("Données pratiques enregistrées.", "success")
    return redirect(url_for("intake.consent", programme_id=programme_id))


def _consent(programme: Programme, form: ConsentForm | None = None, status: int = 200,
             stale: StaleEditError | None = None) -> ResponseReturnValue:
    row = service.consent_of(Session(), programme)
    if form is None:
        form = ConsentForm(formdata=None, obj=row)
        if row is None or row.sent_on is None:
            form.sent_on.data = paris_today()
        form.version.data = str(row.version) if row else ""
    return render_step("consent", programme, status=status, form=form, row=row, stale=stale,
                       documents=documents.PATIENT_DOCUMENTS, schedule=documents.SCHEDULE,
                       envelope=documents.ENVELOPE)


@bp.get("/adhesion")
@roles_required(*CLINICAL_ROLES)
def consent(programme_id: int) -> ResponseReturnValue:
    return _consent(programme_or_404(programme_id))


@bp.post("/adhesion")
@roles_required(*INTAKE_ROLES)
def save_consent(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _consent(programme, form, 400)
    db = Session()
    version = int(form.version.data) if (form.version.data or "").isdecimal() else None
    upload = None
    try:
        if form.file.data and form.file.data.filename:
            upload = uploads.store(db, instance_path=files_root(), stream=form.file.data.stream,
                                   filename=form.file.data.filename,
                                   max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
                                   programme_id=programme.id, user=user(), now=now())
        row = service.record_consent(db, programme=programme, sent_on=form.sent_on.data,
                                     signed_on=form.signed_on.data, upload=upload, expected_version=version,
                                     user=user(), now=now(), today=paris_today(), ip=client_ip())
    except ServiceError as exc:  # StaleEditError included: the refused scan must not stay on disk
        if upload is not None:
            uploads.path_of(files_root(), upload).unlink(missing_ok=True)
        if isinstance(exc, StaleEditError):
            Session.rollback()
            return _consent(programme_or_404(programme_id, action=None), form, 409, stale=exc)
        _fail(exc)
        return _consent(programme_or_404(programme_id, action=None), form, 400)
    Session.commit()
    if row.signed_on:
        flash("Acte d'adhésion signé enregistré.", "success")
    else:
        flash("Envoi de l'acte d'adhésion enregistré ; l'exemplaire signé sera récupéré à la visite d'inclusion.",
              "success")
    return redirect(url_for("intake.d0", programme_id=programme_id))


@bp.get("/adhesion/copie")
@roles_required(*CLINICAL_ROLES)
def consent_scan(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action="view")
    row = service.consent_of(Session(), programme)
    if row is None or row.file is None:
        abort(404)
    try:
        path = uploads.path_of(files_root(), row.file)
    except ServiceError:
        abort(404)
    return send_file(path, mimetype=row.file.content_type, as_attachment=True, download_name=row.file.original_name)


@bp.get("/document")
@roles_required(*CLINICAL_ROLES)
def document(programme_id: int) -> ResponseReturnValue:
    """One click: the PDF ready to post (audited as a generation by the service)."""
    programme = programme_or_404(programme_id, action=None)
    head = documents.letterhead(current_app.config, current_app.instance_path)
    try:
        name, data = documents.patient_document(
            Session(), programme=programme, code=request.args.get("type", ""), head=head, user=user(), now=now(),
            today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        return redirect(url_for("intake.consent", programme_id=programme_id))
    Session.commit()
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


from rehab.web.intake import team_routes  # noqa: E402, F401 — registers D0 and care-team routes
