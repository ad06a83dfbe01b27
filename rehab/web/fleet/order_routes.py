"""A programme's ergocycle: reservation, delivery and pick-up orders (PDF or e-mail), the provider's
confirmation and the done date. Every page here shows a patient's address: programme check + audit row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.roles import CLINICAL_ROLES
from rehab.models import Programme
from rehab.models.fleet import CATEGORIES, Ergocycle, ProviderOrder
from rehab.services import fleet as service
from rehab.services import fleet_orders as orders
from rehab.services.documents import letterhead
from rehab.services.errors import ServiceError
from rehab.web.common import now, programme_or_404, roles_required, user
from rehab.web.fleet.forms import ConfirmForm, DoneForm, OrderForm, ReserveForm, SendForm
from rehab.web.fleet.routes import bp
from rehab.web.forms import choices
from reports.provider_order import ProviderOrderDocument

MANAGERS = service.MANAGERS


def _order_or_404(order_id: int, action: str) -> ProviderOrder:
    order = Session().get(ProviderOrder, order_id)
    if order is None:
        abort(404)
    programme_or_404(order.programme_id, action=action)
    return order


def _forms(programme: Programme, **forms: object) -> dict[str, object]:
    """The page's forms (the one that failed keeps what was typed), with today's choices filled in."""
    db = Session()
    reserve = forms.get("reserve_form")
    reserve = reserve if isinstance(reserve, ReserveForm) else ReserveForm()
    reserve.unit_id.choices = choices(
        (u.id, f"{u.serial_number} — {u.model}" + (" (très faible charge)" if u.very_low_load else ""))
        for u in service.suitable_units(db, programme))
    order = forms.get("order_form")
    order = order if isinstance(order, OrderForm) else OrderForm(planned_on=programme.d0)
    order.provider_id.choices = choices((p.id, p.name) for p in orders.providers(db))
    return {"reserve_form": reserve, "order_form": order, "send_form": forms.get("send_form") or SendForm(),
            "done_form": forms.get("done_form") or DoneForm(), "confirm_form": ConfirmForm()}


def render_programme(programme: Programme, code: int = 200, **forms: object) -> tuple[str, int]:
    db = Session()
    reservation = service.programme_reservation(db, programme)
    category = service.model_needed(db, programme)
    warning = service.availability_warning(db, programme, programme.d0, today=local_date(now()))
    return render_template("fleet/programme.html", programme=programme, reservation=reservation,
                           category_label=CATEGORIES[category], orders=orders.orders_of(db, programme),
                           warning=warning, can_manage=user().has_role(*MANAGERS),
                           **_forms(programme, **forms)), code


@bp.get("/programmes/<int:programme_id>")
@roles_required(*CLINICAL_ROLES)
def programme(programme_id: int) -> ResponseReturnValue:
    return render_programme(programme_or_404(programme_id))


@bp.post("/programmes/<int:programme_id>/reserver")
@roles_required(*MANAGERS)
def reserve(programme_id: int) -> ResponseReturnValue:
    prog = programme_or_404(programme_id, action="fleet_reserve")
    form = ReserveForm()
    _forms(prog, reserve_form=form)
    unit = Session().get(Ergocycle, form.unit_id.data) if form.validate_on_submit() else None
    if unit is None:
        flash("Choisissez un ergocycle disponible dans la liste.", "error")
        return render_programme(prog, 400, reserve_form=form)
    try:
        service.reserve(Session(), programme=prog, unit=unit, user=user(), now=now())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return render_programme(prog, 409, reserve_form=form)
    Session.commit()
    flash(f"Ergocycle {unit.serial_number} réservé pour le programme n° {prog.id}.", "success")
    return redirect(url_for("fleet.programme", programme_id=prog.id))


@bp.post("/programmes/<int:programme_id>/annuler-reservation")
@roles_required(*MANAGERS)
def cancel_reservation(programme_id: int) -> ResponseReturnValue:
    prog = programme_or_404(programme_id, action="fleet_unreserve")
    form = ConfirmForm()
    if not form.validate_on_submit() or not form.confirm.data:
        flash("Cochez la confirmation pour annuler la réservation.", "error")
        return render_programme(prog, 400)
    return _run(prog, lambda: service.cancel_reservation(Session(), programme=prog, user=user(), now=now()),
                "Réservation annulée : l'ergocycle est de nouveau disponible.")


def _run(prog: Programme, action: Callable[[], object], message: str,
         code_forms: dict[str, object] | None = None) -> ResponseReturnValue:
    """One service call, one commit; a refusal re-renders the page with what was typed (409)."""
    try:
        action()
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return render_programme(prog, 409, **(code_forms or {}))
    Session.commit()
    flash(message, "success")
    return redirect(url_for("fleet.programme", programme_id=prog.id))


@bp.post("/programmes/<int:programme_id>/commandes")
@roles_required(*MANAGERS)
def new_order(programme_id: int) -> ResponseReturnValue:
    prog = programme_or_404(programme_id, action="fleet_order")
    form = OrderForm()
    _forms(prog, order_form=form)
    if not form.validate_on_submit() or form.planned_on.data is None:
        return render_programme(prog, 400, order_form=form)
    provider = next((p for p in orders.providers(Session()) if p.id == form.provider_id.data), None)
    if provider is None:
        flash("Choisissez un prestataire de matériel de l'annuaire.", "error")
        return render_programme(prog, 400, order_form=form)
    planned = form.planned_on.data
    return _run(prog, lambda: orders.create_order(Session(), programme=prog, kind=form.kind.data,
                                                  provider=provider, planned_on=planned, user=user(), now=now()),
                "Commande préparée : imprimez le bon ou envoyez-le par courriel.", {"order_form": form})


def _pdf(order: ProviderOrder) -> bytes:
    cfg = current_app.config
    head = letterhead(cfg, current_app.instance_path)
    contact = " · ".join(x for x in (str(cfg.get("ASSOCIATION_PHONE") or ""), str(cfg.get("ASSOCIATION_EMAIL")
                                                                                 or "")) if x) or head.name
    ctx = orders.order_context(order, head=head, today=local_date(now()), contact=contact)
    return ProviderOrderDocument(ctx).render()


@bp.get("/commandes/<int:order_id>.pdf")
@roles_required(*MANAGERS)
def order_pdf(order_id: int) -> ResponseReturnValue:
    order = _order_or_404(order_id, "export")
    return Response(_pdf(order), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="commande-ergocycle-{order.id}.pdf"'})


@bp.post("/commandes/<int:order_id>/envoyer")
@roles_required(*MANAGERS)
def send_order(order_id: int) -> ResponseReturnValue:
    order = _order_or_404(order_id, "fleet_order_send")
    form = SendForm()
    if not form.validate_on_submit():
        return render_programme(order.programme, 400, send_form=form)
    if form.channel.data == "email":
        outbox = Path(current_app.instance_path) / "outbox"
        return _run(order.programme, lambda: orders.email_order(
            Session(), order=order, pdf=_pdf(order), config=current_app.config, outbox=outbox, user=user(),
            now=now()), "Commande envoyée au prestataire par courriel.")
    return _run(order.programme, lambda: orders.mark_sent(Session(), order=order, channel="pdf", user=user(),
                                                          now=now()), "Envoi du bon PDF enregistré.")


@bp.post("/commandes/<int:order_id>/confirmer")
@roles_required(*MANAGERS)
def confirm_order(order_id: int) -> ResponseReturnValue:
    order = _order_or_404(order_id, "fleet_order_confirm")
    if not ConfirmForm().validate_on_submit():
        return render_programme(order.programme, 400)
    return _run(order.programme, lambda: orders.confirm(Session(), order=order, user=user(), now=now()),
                "Confirmation du prestataire enregistrée.")


@bp.post("/commandes/<int:order_id>/realisee")
@roles_required(*MANAGERS)
def done_order(order_id: int) -> ResponseReturnValue:
    order = _order_or_404(order_id, "fleet_order_done")
    form = DoneForm()
    if not form.validate_on_submit() or form.done_on.data is None:
        return render_programme(order.programme, 400, done_form=form)
    done_on = form.done_on.data
    return _run(order.programme, lambda: orders.mark_done(Session(), order=order, done_on=done_on, user=user(),
                                                          now=now()),
                f"{order.kind_label} enregistrée au {done_on:%d/%m/%Y}.", {"done_form": form})


@bp.post("/commandes/<int:order_id>/annuler")
@roles_required(*MANAGERS)
def cancel_order(order_id: int) -> ResponseReturnValue:
    order = _order_or_404(order_id, "fleet_order_cancel")
    form = ConfirmForm()
    if not form.validate_on_submit() or not form.confirm.data:
        flash("Cochez la confirmation pour annuler la commande.", "error")
        return render_programme(order.programme, 400)
    return _run(order.programme, lambda: orders.cancel_order(Session(), order=order, user=user(), now=now()),
                "Commande annulée.")
