"""The demande screen: referral, pieces checklist with scans and relances, the délai to D0; the
eligibility and decision screens live in `decision_routes` on the same blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from wtforms import SelectChoice

from rehab.db import Session
from rehab.domain import dossier as rules
from rehab.domain.roles import CLINICAL_ROLES, INTAKE_ROLES, Role
from rehab.models import Dossier, Professional, Programme, UploadedFile
from rehab.models.dossier import DECISIONS
from rehab.services import audit, uploads
from rehab.services import directory as directory_service
from rehab.services import dossier as service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import client_ip, now, programme_or_404, roles_required, user
from rehab.web.dossier.forms import PieceActionForm, PieceForm, ReferralForm
from rehab.web.forms import choices, paris_today

bp = Blueprint("dossier", __name__)

DESK = (Role.ASSISTANTE, Role.COORDINATEUR)
PRESCRIBER_KINDS = ("pneumologue", "medecin_traitant", "ssr")


def instance_files() -> str:
    return str(current_app.config.get("INSTANCE_FILES") or current_app.instance_path)


def prescriber_choices(current_id: int | None, query: str) -> list[SelectChoice]:
    """The current prescriber, then matches of the picker's search (or the latest entries, no-JS)."""
    db = Session()
    rows: list[Professional] = []
    if query:
        rows = directory_service.search(db, query, limit=30)
    else:
        rows = list(db.scalars(select(Professional).where(
            Professional.kind.in_(PRESCRIBER_KINDS), Professional.merged_into_id.is_(None), Professional.active)
            .order_by(Professional.updated_at.desc()).limit(30)))
    current = db.get(Professional, current_id) if current_id else None
    if current is not None and current not in rows:
        rows.insert(0, current)
    return choices([(0, "— non renseigné —"), *((p.id, p.label) for p in rows)])


def next_step(programme: Programme, dossier: Dossier | None) -> dict[str, str] | None:
    """The step offered at the bottom of each screen, by the programme's status and the user's role."""
    status, pid = programme.status, programme.id
    if dossier is None:
        return None
    if status in ("demande", "dossier_complet") and service.eligibility_of(Session(), dossier).unanswered:
        return {"label": "Renseigner l'éligibilité", "url": url_for("dossier.eligibility", programme_id=pid)}
    if status == "demande":
        return None
    if status == "dossier_complet":
        if user().has_role(Role.MEDECIN):
            return {"label": "Validation médicale", "url": url_for("dossier.decision", programme_id=pid)}
        return {"label": "En attente de la validation du médecin directeur : ouvrir le programme",
                "url": url_for("programmes.show", programme_id=pid)}
    if status == "valide":
        if "committee.index" in current_app.view_functions:
            return {"label": "Inscrire au prochain comité", "url": url_for("committee.index")}
        return {"label": "Ouvrir le programme (comité, contact, J0)",
                "url": url_for("programmes.show", programme_id=pid)}
    return {"label": "Ouvrir le programme", "url": url_for("programmes.show", programme_id=pid)}


def render_dossier(programme: Programme, *, status: int = 200, **forms: Any) -> ResponseReturnValue:
    db = Session()
    dossier = service.get(db, programme)
    referral = forms.pop("referral_form", None)
    if referral is None:
        referral = ReferralForm(formdata=None, obj=dossier) if dossier else ReferralForm(
            formdata=None, referral_date=programme.referral_date or paris_today())
        referral.prescriber_id.data = dossier.prescriber_id or 0 if dossier else 0
        referral.version.data = str(dossier.version) if dossier else ""
    query = request.args.get("prescripteur", "").strip()[:100]
    referral.prescriber_id.choices = prescriber_choices(referral.prescriber_id.data or None, query)
    received = dossier.received() if dossier else {}
    piece_forms = {code: PieceForm(formdata=None, code=code, received_on=received.get(code) or paris_today())
                   for code in rules.REQUIRED_PIECES}
    if (failed := forms.pop("piece_form", None)) is not None:
        piece_forms[failed.code.data] = failed
    return render_template(
        "dossier/show.html", programme=programme, patient=programme.patient, dossier=dossier,
        referral_form=referral, piece_forms=piece_forms, action_form=PieceActionForm(formdata=None),
        pieces=rules.REQUIRED_PIECES, decisions=DECISIONS, channels=rules.CHANNELS, origins=rules.ORIGINS,
        prescriber_query=query,
        missing=rules.missing_message(dossier.received()) if dossier else None,
        delay=service.delay(db, programme, today=paris_today()),
        eligibility=service.eligibility_of(db, dossier) if dossier else None,
        next_step=next_step(programme, dossier), can_edit=user().has_role(*INTAKE_ROLES),
        can_receive=user().has_role(*DESK), **forms), status


@bp.get("/programmes/<int:programme_id>/dossier")
@roles_required(*CLINICAL_ROLES)
def show(programme_id: int) -> ResponseReturnValue:
    return render_dossier(programme_or_404(programme_id))


@bp.post("/programmes/<int:programme_id>/dossier")
@roles_required(*INTAKE_ROLES)
def save_referral(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = ReferralForm()
    if not form.validate_on_submit():
        return render_dossier(programme, status=400, referral_form=form)
    db = Session()
    try:
        service.save_referral(
            db, programme=programme, referral_date=form.referral_date.data, channel=form.channel.data or "",
            origin=form.origin.data or "", prescriber_id=form.prescriber_id.data or None, notes=form.notes.data,
            expected_version=int(form.version.data) if (form.version.data or "").isdecimal() else None,
            user=user(), now=now(), today=paris_today(), ip=client_ip())
    except StaleEditError as exc:
        db.rollback()
        return render_dossier(programme, status=409, referral_form=form, stale=exc)
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_dossier(programme, status=409, referral_form=form)
    db.commit()
    flash("Demande enregistrée.", "success")
    return redirect(url_for("dossier.show", programme_id=programme.id))


def dossier_or_404(programme: Programme) -> Dossier:
    dossier = service.get(Session(), programme)
    if dossier is None:
        flash("Enregistrez d'abord la demande.", "error")
        abort(redirect(url_for("dossier.show", programme_id=programme.id)))
    return dossier


@bp.post("/programmes/<int:programme_id>/dossier/piece")
@roles_required(*DESK)
def receive_piece(programme_id: int) -> ResponseReturnValue:
    """Records a piece received, with its scan when one is attached; the check happens before any write."""
    programme = programme_or_404(programme_id, action=None)
    dossier = dossier_or_404(programme)
    form = PieceForm()
    if form.code.data not in rules.REQUIRED_PIECES:
        abort(400)
    if not form.validate_on_submit():
        return render_dossier(programme, status=400, piece_form=form)
    db = Session()
    upload = request.files.get("file")
    stored = None
    try:
        if upload is not None and upload.filename:
            stored = uploads.store(db, instance_path=instance_files(), stream=upload.stream,
                                   filename=upload.filename,
                                   max_bytes=current_app.config.get("UPLOAD_MAX_BYTES", uploads.DEFAULT_MAX_BYTES),
                                   programme_id=programme.id, user=user(), now=now())
        service.record_piece(db, dossier=dossier, code=form.code.data, received_on=form.received_on.data,
                             upload=stored, user=user(), now=now(), today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        db.rollback()
        if stored is not None:  # the piece was refused after the file was written: nothing may remain
            uploads.path_of(instance_files(), stored).unlink(missing_ok=True)
        form.file.errors = [str(exc)] if "fichier" in str(exc).lower() else []
        flash(str(exc), "error")
        return render_dossier(programme, status=400, piece_form=form)
    db.commit()
    label = rules.REQUIRED_PIECES[form.code.data]
    flash(f"Pièce « {label} » enregistrée. {rules.missing_message(dossier.received())}", "success")
    return redirect(url_for("dossier.show", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/dossier/relance")
@roles_required(*DESK)
def chase(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    dossier = dossier_or_404(programme)
    form = PieceActionForm()
    if not form.validate_on_submit() or form.code.data not in rules.REQUIRED_PIECES:
        abort(400)
    db = Session()
    try:
        piece = service.record_chase(db, dossier=dossier, code=form.code.data, user=user(), now=now(),
                                     today=paris_today(), ip=client_ip())
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_dossier(programme, status=409)
    db.commit()
    flash(f"Relance n° {piece.chase_count} notée ; prochaine relance prévue dans 7 jours.", "success")
    return redirect(url_for("dossier.show", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/dossier/complet")
@roles_required(*DESK)
def redeclare(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    dossier = dossier_or_404(programme)
    if not PieceActionForm().validate_on_submit():
        abort(400)
    db = Session()
    try:
        service.redeclare_complete(db, dossier=dossier, user=user(), now=now(), today=paris_today(),
                                   ip=client_ip())
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_dossier(programme, status=409)
    db.commit()
    flash("Compléments reçus : le dossier est de nouveau complet.", "success")
    return redirect(url_for("dossier.show", programme_id=programme.id))


@bp.get("/programmes/<int:programme_id>/dossier/fichiers/<int:upload_id>")
@roles_required(*CLINICAL_ROLES)
def download(programme_id: int, upload_id: int) -> ResponseReturnValue:
    """Served only with the programme's object check, as an attachment under its sanitised name."""
    programme = programme_or_404(programme_id, action=None)
    db = Session()
    upload = db.scalar(select(UploadedFile).where(UploadedFile.id == upload_id,
                                                  UploadedFile.programme_id == programme.id))
    if upload is None:
        abort(404)
    try:
        path = uploads.path_of(instance_files(), upload)
    except ServiceError:
        abort(404)
    if not path.is_file():
        abort(404)
    audit.record(db, now=now(), user_id=user().id, action="view", object_type="upload", object_id=upload.id,
                 patient_id=programme.patient_id, ip=client_ip(), detail={"name": upload.original_name})
    db.commit()
    return send_file(path, mimetype=upload.content_type, as_attachment=True,
                     download_name=uploads.safe_name(upload.original_name), max_age=0)


from rehab.web.dossier import decision_routes  # noqa: E402, F401 — registers the decision screens
