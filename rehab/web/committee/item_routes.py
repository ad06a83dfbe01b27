"""One dossier on a meeting's agenda: the care project form and the référent suggestion."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.models import CommitteeItem, CommitteeMeeting
from rehab.services import audit
from rehab.services import committee as service
from rehab.services.errors import ServiceError
from rehab.web.committee.forms import EmptyForm, ItemForm
from rehab.web.committee.routes import MEMBERS, bp, item_or_404, meeting_or_404
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import choices, paris_today


def render_item(meeting: CommitteeMeeting, item: CommitteeItem, *, form: ItemForm | None = None,
                status: int = 200) -> ResponseReturnValue:
    programme = item.programme
    suggestions = service.suggest_referents(Session(), department=programme.department, today=paris_today())
    if form is None:
        form = ItemForm(formdata=None, obj=item)
        if item.referent_id is None and suggestions and suggestions[0].in_sector:
            form.referent_id.data = suggestions[0].user.id
        form.referent_id.data = form.referent_id.data or 0
    form.referent_id.choices = choices([(0, "— à désigner —"), *(
        (s.user.id, f"{s.user.full_name} — {s.load} tâche(s) sur 4 semaines"
                    f"{' · secteur du patient' if s.in_sector else ''}") for s in suggestions)])
    audit.record(Session(), now=now(), user_id=user().id, action="view", object_type="committee_item",
                 object_id=item.id, patient_id=programme.patient_id, ip=client_ip())
    Session.commit()
    index = meeting.items.index(item)
    following = meeting.items[index + 1] if index + 1 < len(meeting.items) else None
    return render_template("committee/item.html", meeting=meeting, item=item, programme=programme,
                           patient=programme.patient, form=form, suggestions=suggestions[:5],
                           following=following, button=EmptyForm(formdata=None)), status


@bp.get("/<int:meeting_id>/points/<int:item_id>")
@roles_required(*MEMBERS)
def item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    return render_item(meeting, item_or_404(meeting, item_id))


@bp.post("/<int:meeting_id>/points/<int:item_id>")
@roles_required(*MEMBERS)
def save_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    row = item_or_404(meeting, item_id)
    form = ItemForm()
    form.referent_id.choices = []
    if not form.validate_on_submit():
        return render_item(meeting, row, form=form, status=400)
    project = service.CareProject(
        decision=form.decision.data or "", objectives=form.objectives.data or "",
        competences=form.competences.data or "", exercise_modality=form.exercise_modality.data or None,
        initial_load_w=form.initial_load_w.data, exercise_notes=form.exercise_notes.data or "",
        safety=form.safety.data or "", ergocycle_model=form.ergocycle_model.data or None,
        referent_id=form.referent_id.data or None, notes=form.notes.data or "")
    try:
        service.record_item(Session(), item=row, project=project, user=user(), now=now(), ip=client_ip())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        meeting = meeting_or_404(meeting_id)
        return render_item(meeting, item_or_404(meeting, item_id), form=form, status=409)
    Session.commit()
    flash("Projet de soins enregistré.", "success")
    index = meeting.items.index(row)
    if index + 1 < len(meeting.items):
        return redirect(url_for("committee.item", meeting_id=meeting_id, item_id=meeting.items[index + 1].id))
    return redirect(url_for("committee.show", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/points/<int:item_id>/retirer")
@roles_required(*MEMBERS)
def remove_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = meeting_or_404(meeting_id)
    row = item_or_404(meeting, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.remove_item(Session(), item=row, user=user(), now=now())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("committee.show", meeting_id=meeting_id))
    Session.commit()
    flash("Dossier retiré de l'ordre du jour.", "info")
    return redirect(url_for("committee.show", meeting_id=meeting_id))
