"""Committee screens: the meeting list with what waits, one meeting's agenda and attendees, one dossier's
care project (with the référent suggestion), closing, and the minutes PDF."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from rehab.db import Session
from rehab.domain.roles import SEES_ALL_CLINICAL, Role
from rehab.models import CommitteeItem, CommitteeMeeting, User
from rehab.services import audit, documents
from rehab.services import committee as service
from rehab.services.errors import ServiceError
from rehab.web.committee.forms import CloseForm, EmptyForm, MeetingForm
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import choices, paris_today

bp = Blueprint("committee", __name__, url_prefix="/comite")

#: The committee's members see and edit it; référents read the outcome on their programmes.
MEMBERS = tuple(SEES_ALL_CLINICAL)


def _staff() -> list[User]:
    rows = Session().scalars(select(User).where(User.is_active_account).order_by(User.full_name))
    return [u for u in rows if u.roles & (SEES_ALL_CLINICAL | {Role.REFERENT})]


def _staff_choices() -> list[Any]:
    return choices([(u.id, f"{u.full_name} — {', '.join(sorted(r.label for r in u.roles))}") for u in _staff()])


def meeting_or_404(meeting_id: int) -> CommitteeMeeting:
    meeting = Session().get(CommitteeMeeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def item_or_404(meeting: CommitteeMeeting, item_id: int) -> CommitteeItem:
    item = Session().get(CommitteeItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def files_root() -> str:
    return documents.files_root(current_app.config, current_app.instance_path)


def _fail(exc: ServiceError) -> None:
    Session.rollback()
    flash(str(exc), "error")


@bp.get("/")
@roles_required(*MEMBERS)
def index(form: MeetingForm | None = None, status: int = 200) -> ResponseReturnValue:
    db = Session()
    if form is None:
        form = MeetingForm(formdata=None, meeting_date=paris_today(), location="Salle de réunion de la cellule",
                           attendees=[u.id for u in _staff() if u.roles & set(service.QUORUM)])
    form.attendees.choices = _staff_choices()
    meetings = list(db.scalars(select(CommitteeMeeting).order_by(CommitteeMeeting.meeting_date.desc()).limit(50)))
    return render_template("committee/index.html", meetings=meetings, waiting=service.waiting(db),
                           form=form), status


@bp.post("/")
@roles_required(*MEMBERS)
def create() -> ResponseReturnValue:
    form = MeetingForm()
    form.attendees.choices = _staff_choices()
    if not form.validate_on_submit():
        return index(form, 400)
    try:
        meeting = service.create_meeting(Session(), meeting_date=form.meeting_date.data, location=form.location.data,
                                         attendee_ids=form.attendees.data or [], user=user(), now=now())
    except ServiceError as exc:
        _fail(exc)
        return index(form, 400)
    Session.commit()
    flash(f"Réunion du {meeting.meeting_date:%d/%m/%Y} créée ; l'ordre du jour compte {len(meeting.items)} "
          "dossier(s).", "success")
    return redirect(url_for("committee.show", meeting_id=meeting.id))


def render_meeting(meeting: CommitteeMeeting, *, form: MeetingForm | None = None, close_form: CloseForm | None = None,
                   status: int = 200) -> ResponseReturnValue:
    if form is None:
        form = MeetingForm(formdata=None, obj=meeting)
        form.attendees.data = [a.user_id for a in meeting.attendees]
    form.attendees.choices = _staff_choices()
    recorded = [i for i in meeting.items if i.recorded]
    return render_template("committee/show.html", meeting=meeting, form=form, close_form=close_form or CloseForm(
        formdata=None), button=EmptyForm(formdata=None), missing=service.missing_roles(meeting),
        recorded=recorded), status


@bp.get("/<int:meeting_id>")
@roles_required(*MEMBERS)
def show(meeting_id: int) -> ResponseReturnValue:
    return render_meeting(meeting_or_404(meeting_id))


@bp.post("/<int:meeting_id>")
@roles_required(*MEMBERS)
def update(meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm()
    form.attendees.choices = _staff_choices()
    if not form.validate_on_submit():
        return render_meeting(meeting, form=form, status=400)
    try:
        service.update_meeting(Session(), meeting=meeting, meeting_date=form.meeting_date.data,
                               location=form.location.data, attendee_ids=form.attendees.data or [],
                               next_meeting=form.next_meeting.data, user=user(), now=now())
    except ServiceError as exc:
        _fail(exc)
        return render_meeting(meeting_or_404(meeting_id), form=form, status=400)
    Session.commit()
    flash("Réunion enregistrée.", "success")
    return redirect(url_for("committee.show", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/ordre-du-jour")
@roles_required(*MEMBERS)
def refresh(meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        added = service.refresh_agenda(Session(), meeting=meeting)
    except ServiceError as exc:
        _fail(exc)
        return redirect(url_for("committee.show", meeting_id=meeting_id))
    Session.commit()
    flash(f"{added} dossier(s) ajouté(s) à l'ordre du jour." if added else "L'ordre du jour est à jour.", "info")
    return redirect(url_for("committee.show", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/cloture")
@roles_required(*MEMBERS)
def close(meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return render_meeting(meeting, close_form=form, status=400)
    head = documents.letterhead(current_app.config, current_app.instance_path)
    at = now()
    try:
        tasks = service.close_meeting(
            Session(), meeting=meeting, minutes=lambda m: documents.render_minutes(m, head=head),
            store=lambda data: documents.store_document(files_root(), data, folder="committee",
                                                        now=at),
            user=user(), now=at, ip=client_ip())
    except ServiceError as exc:
        _fail(exc)
        return render_meeting(meeting_or_404(meeting_id), close_form=form, status=409)
    Session.commit()
    flash(f"Réunion clôturée : compte rendu produit, {len(tasks)} tâche(s) « Contacter le patient » créée(s).",
          "success")
    return redirect(url_for("committee.show", meeting_id=meeting_id))


@bp.get("/<int:meeting_id>/compte-rendu.pdf")
@roles_required(*MEMBERS)
def minutes(meeting_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    if not meeting.minutes_path:
        abort(404)
    try:
        path = documents.stored_path(files_root(), meeting.minutes_path)
    except ServiceError:
        abort(404)
    audit.record(Session(), now=now(), user_id=user().id, action="view", object_type="committee_minutes",
                 object_id=meeting.id, ip=client_ip(), detail={"sha256": meeting.minutes_sha256})
    Session.commit()
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"compte-rendu-comite-{meeting.meeting_date.isoformat()}.pdf")


from rehab.web.committee import item_routes  # noqa: E402, F401 — registers the per-dossier routes
