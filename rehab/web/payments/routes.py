"""Payments: what is due per professional, batches, payment, cancellation, per-programme cost.

The gestionnaire sees professionals and money, never clinical content: programmes appear as their number and
the patient's initials. The coordinateur reads everything here but changes nothing. Writes take the payment
write lock first (rehab.services.payments.take_write_lock) after ending the request's read transaction, so
two gestionnaires paying at once are serialised and the second one is told to reload.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rehab.db import Session
from rehab.domain.roles import Role
from rehab.models import PaymentBatch, PaymentLine, Programme
from rehab.models.payments import LINE_STATUSES
from rehab.services import audit
from rehab.services import payments as service
from rehab.services.errors import ServiceError
from rehab.services.home_events import PROFESSIONAL_ROLE_LABELS
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import paris_today
from rehab.web.payments.forms import ActionForm, CancelForm, PayForm
from reports.fr import euros

bp = Blueprint("payments", __name__, url_prefix="/paiements")

READERS = (Role.GESTIONNAIRE, Role.COORDINATEUR)
PAYER = Role.GESTIONNAIRE


@bp.context_processor
def _helpers() -> dict[str, object]:
    """French money formatting (« 1 234,50 € ») for the payments templates."""
    return {"euros": euros, "LINE_STATUSES": LINE_STATUSES, "SESSION_ROLES": PROFESSIONAL_ROLE_LABELS}


def _begin_write() -> None:
    """End the read transaction of the request so the write lock is taken before anything is re-read."""
    Session.rollback()


def _batch_or_404(batch_id: int) -> PaymentBatch:
    batch = Session.scalar(select(PaymentBatch).where(PaymentBatch.id == batch_id)
                           .options(selectinload(PaymentBatch.lines)))
    if batch is None:
        abort(404)
    return batch


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    due = service.by_professional(Session.scalars(service.lines_query("due")).unique())
    open_batches = Session.scalars(select(PaymentBatch).where(PaymentBatch.state == "open")
                                   .options(selectinload(PaymentBatch.lines)).order_by(PaymentBatch.id)).all()
    paid_batches = Session.scalars(select(PaymentBatch).where(PaymentBatch.state == "paid")
                                   .options(selectinload(PaymentBatch.lines))
                                   .order_by(PaymentBatch.paid_on.desc(), PaymentBatch.id.desc()).limit(20)).all()
    return render_template("payments/index.html", due=due, open_batches=open_batches, paid_batches=paid_batches,
                           form=ActionForm(), can_pay=user().has_role(PAYER))


@bp.post("/calculer")
@roles_required(PAYER)
def compute() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    _begin_write()
    try:
        result = service.compute_due(Session(), now=now(), user=user())
        Session.commit()
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("payments.index"))
    flash(f"{len(result.created)} nouvelle(s) ligne(s) à payer.", "success")
    for _, reason in sorted(set(result.unpriced))[:5]:
        flash(f"Programme non tarifé : {reason}", "warning")
    skipped = len(result.unpaid)
    if skipped:
        flash(f"{skipped} séance(s) ne donnent lieu à aucun paiement (plafond atteint, professionnel "
              "non renseigné…) : voir le coût par programme.", "info")
    return redirect(url_for("payments.index"))


@bp.post("/lots/preparer")
@roles_required(PAYER)
def prepare_batch() -> ResponseReturnValue:
    """Confirmation step: the ticked lines and their total, nothing written yet."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [int(x) for x in request.form.getlist("line_id") if x.isdecimal()]
    lines = Session.scalars(service.lines_query("due").where(PaymentLine.id.in_(ids))).unique().all()
    if not lines:
        flash("Sélectionnez au moins une ligne à payer.", "error")
        return redirect(url_for("payments.index"))
    groups = service.by_professional(lines)
    return render_template("payments/confirm_batch.html", groups=groups, lines=lines, form=form,
                           total=sum(g[2] for g in groups))


@bp.post("/lots")
@roles_required(PAYER)
def create_batch() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = [int(x) for x in request.form.getlist("line_id") if x.isdecimal()]
    _begin_write()
    try:
        batch = service.create_batch(Session(), line_ids=ids, user=user(), now=now())
        Session.commit()
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("payments.index")), 303
    flash(f"Lot n° {batch.id} créé : renseignez le virement une fois effectué.", "success")
    return redirect(url_for("payments.batch", batch_id=batch.id))


@bp.get("/lots/<int:batch_id>")
@roles_required(*READERS)
def batch(batch_id: int) -> ResponseReturnValue:
    found = _batch_or_404(batch_id)
    return _render_batch(found, PayForm(data={"paid_on": paris_today()}))


def _render_batch(batch: PaymentBatch, form: PayForm, status: int = 200) -> ResponseReturnValue:
    lines = Session.scalars(service.lines_query("in_batch", "paid", "cancelled")
                            .where(PaymentLine.batch_id == batch.id)).unique().all()
    return render_template("payments/batch.html", batch=batch, groups=service.by_professional(lines), form=form,
                           can_pay=user().has_role(PAYER)), status


@bp.post("/lots/<int:batch_id>/payer")
@roles_required(PAYER)
def pay(batch_id: int) -> ResponseReturnValue:
    found = _batch_or_404(batch_id)
    form = PayForm()
    if not form.validate_on_submit():
        return _render_batch(found, form, 400)
    paid_on, reference = form.paid_on.data, form.reference.data or ""
    assert paid_on is not None  # noqa: S101 — InputRequired and the date field guarantee it
    _begin_write()
    try:
        service.mark_paid(Session(), batch_id=batch_id, paid_on=paid_on, reference=reference, user=user(),
                          now=now(), today=paris_today())
        Session.commit()
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render_batch(_batch_or_404(batch_id), form, 409)
    flash(f"Lot n° {batch_id} marqué payé.", "success")
    return redirect(url_for("payments.batch", batch_id=batch_id))


@bp.route("/lignes/<int:line_id>/annuler", methods=["GET", "POST"])
@roles_required(PAYER)
def cancel(line_id: int) -> ResponseReturnValue:
    line = Session.scalars(service.lines_query("due", "in_batch", "paid", "cancelled")
                           .where(PaymentLine.id == line_id)).unique().one_or_none()
    if line is None:
        abort(404)
    form = CancelForm()
    if request.method == "POST" and form.validate_on_submit():
        _begin_write()
        try:
            service.cancel_line(Session(), line_id=line_id, reason=form.reason.data or "", user=user(), now=now())
            Session.commit()
        except ServiceError as exc:
            Session.rollback()
            flash(str(exc), "error")
            return render_template("payments/cancel.html", line=line, form=form), 409
        flash("Ligne annulée.", "success")
        return redirect(url_for("payments.index"))
    return render_template("payments/cancel.html", line=line, form=form), 400 if request.method == "POST" else 200


@bp.get("/programmes/<int:programme_id>")
@roles_required(*READERS)
def programme_cost(programme_id: int) -> ResponseReturnValue:
    """What a programme cost in forfaits against the per-patient lump sum (numbers only, no clinical data)."""
    programme = Session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    audit.record(Session(), now=now(), user_id=user().id, action="view", object_type="programme_cost",
                 object_id=programme.id, patient_id=programme.patient_id, ip=client_ip(),
                 detail={"path": request.path})
    Session.commit()
    return render_template("payments/programme.html", cost=service.programme_cost(Session(), programme))
# Registers the statement and export routes, and the tariff screen, on `bp`.
from rehab.web.payments import document_routes, tariff_routes  # noqa: E402, F401
