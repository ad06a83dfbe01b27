"""Delivery and pick-up orders to the equipment provider.

An order freezes the practical data the provider needs (address, floor, stairs, lift, access notes,
phone) when it is prepared, so the PDF or e-mail always says what was asked.  The provider's
confirmation and the done date are recorded; the done date moves the unit (at the patient's home, or back
in stock) and closes the plan's logistics task, so a pick-up still open after its window is a non-event
for the reminders (rule `relance_logistics`).  An interruption prepares its pick-up by itself
(`prepare_pickup`, called from a flush listener in `rehab.models.fleet`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rehab.domain.clock import local_date
from rehab.domain.fleet import DELIVERY_LEAD_DAYS
from rehab.models import PracticalData, Professional, Programme, Task, User
from rehab.models.fleet import CATEGORIES, ORDER_CHANNELS, ORDER_KINDS, ProviderOrder
from rehab.services import mailer
from rehab.services.errors import ServiceError
from rehab.services.fleet import MANAGERS, end_reservation, model_needed, move, programme_reservation, require_role
from reports.context import Letterhead
from reports.provider_order import ProviderOrderContext

TASK_CODES = {"delivery": ("ergocycle_delivery",), "pickup": ("interruption_ergocycle_pickup", "ergocycle_pickup")}
DEFAULT_WINDOW_DAYS = {"delivery": 4, "pickup": 7}


def snapshot(session: Session, programme: Programme) -> dict[str, Any]:
    """What the provider needs, frozen on the order (the patient may move; the order keeps what was asked)."""
    patient = programme.patient
    practical = session.scalar(select(PracticalData).where(PracticalData.programme_id == programme.id))
    return {
        "programme": programme.id, "patient": patient.display_name, "address": patient.adresse or "",
        "postal_code": patient.code_postal or "", "city": patient.ville or "", "phone": patient.telephone or "",
        "phone2": patient.telephone2 or "", "floor": practical.floor if practical else None,
        "stairs": practical.stairs if practical else None, "lift": bool(practical and practical.lift),
        "access_notes": (practical.access_notes or "") if practical else "",
        "category": model_needed(session, programme),
    }


def _open_task(session: Session, programme: Programme, kind: str) -> Task | None:
    return session.scalar(select(Task).where(Task.programme_id == programme.id, Task.code.in_(TASK_CODES[kind]),
                                             Task.state == "planned").order_by(Task.batch.desc()).limit(1))


def open_order(session: Session, programme: Programme, kind: str) -> ProviderOrder | None:
    return session.scalar(select(ProviderOrder).where(
        ProviderOrder.programme_id == programme.id, ProviderOrder.kind == kind,
        ProviderOrder.done_on.is_(None), ProviderOrder.cancelled_at.is_(None)))


def _new_order(session: Session, programme: Programme, *, kind: str, provider: Professional | None,
               planned_on: date | None, now: datetime, user: User | None, task: Task | None) -> ProviderOrder:
    reservation = programme_reservation(session, programme)
    task = task or _open_task(session, programme, kind)
    if planned_on is None:
        planned_on = task.due_date if task else local_date(now) + timedelta(days=2)
    window_end = task.window_end if task and task.window_end >= planned_on else \
        planned_on + timedelta(days=DEFAULT_WINDOW_DAYS[kind])
    order = ProviderOrder(programme_id=programme.id, kind=kind, provider_id=provider.id if provider else None,
                          ergocycle_id=reservation.ergocycle_id if reservation else None,
                          task_id=task.id if task else None, planned_on=planned_on, window_end=window_end,
                          snapshot=snapshot(session, programme), created_at=now,
                          created_by_id=user.id if user else None)
    session.add(order)
    return order


def create_order(session: Session, *, programme: Programme, kind: str, provider: Professional,
                 planned_on: date, user: User, now: datetime) -> ProviderOrder:
    """A delivery needs a reserved unit; a pick-up needs a unit at the patient's home. One open order per kind."""
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur commandent au prestataire.")
    if kind not in ORDER_KINDS:
        raise ServiceError("Type de commande inconnu.")
    if provider.kind != "prestataire" or provider.merged_into_id is not None:
        raise ServiceError("Choisissez un prestataire de matériel de l'annuaire.")
    if open_order(session, programme, kind) is not None:
        raise ServiceError(f"Une commande de {ORDER_KINDS[kind].lower()} est déjà en cours pour ce programme.")
    reservation = programme_reservation(session, programme)
    if reservation is None:
        raise ServiceError("Réservez d'abord un ergocycle pour ce programme.")
    if kind == "delivery" and reservation.ergocycle.status != "reserved":
        raise ServiceError("L'ergocycle réservé n'est pas au dépôt : il ne peut pas être livré.")
    if kind == "delivery" and programme.d0 and planned_on > programme.d0:
        raise ServiceError(f"La livraison doit avoir lieu avant le J0 ({programme.d0:%d/%m/%Y}).")
    if planned_on < local_date(now) - timedelta(days=DELIVERY_LEAD_DAYS):
        raise ServiceError("La date souhaitée est trop ancienne.")
    order = _new_order(session, programme, kind=kind, provider=provider, planned_on=planned_on, now=now,
                       user=user, task=None)
    session.flush()
    return order


def prepare_pickup(session: Session, programme: Programme, now: datetime, *,
                   task: Task | None = None) -> ProviderOrder | None:
    """The interruption's pick-up: an order ready to send (same provider as the delivery). A unit not yet
    delivered is simply released (its delivery order cancelled); no unit reserved: nothing to do.
    Idempotent: an open pick-up order is returned as it is. Never flushes (called from a flush listener)."""
    existing = open_order(session, programme, "pickup")
    reservation = programme_reservation(session, programme)
    if existing is not None or reservation is None:
        return existing
    pending_delivery = open_order(session, programme, "delivery")
    if reservation.ergocycle.status == "reserved":
        if pending_delivery is not None:
            pending_delivery.cancelled_at = now
        end_reservation(session, reservation=reservation, now=now, user=None, cancelled=True, flush=False)
        return None
    delivery = session.scalar(select(ProviderOrder).where(
        ProviderOrder.programme_id == programme.id, ProviderOrder.kind == "delivery",
        ProviderOrder.cancelled_at.is_(None)).order_by(ProviderOrder.id.desc()).limit(1))
    provider = delivery.provider if delivery else None
    return _new_order(session, programme, kind="pickup", provider=provider, planned_on=None, now=now, user=None,
                      task=task)


def mark_sent(session: Session, *, order: ProviderOrder, channel: str, user: User, now: datetime) -> None:
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur commandent au prestataire.")
    if channel not in ORDER_CHANNELS:
        raise ServiceError("Canal d'envoi inconnu.")
    if not order.is_open:
        raise ServiceError("Cette commande est close.")
    if order.provider is None:
        raise ServiceError("Choisissez d'abord le prestataire de cette commande.")
    order.sent_at, order.channel = now, channel
    session.flush()


def email_order(session: Session, *, order: ProviderOrder, pdf: bytes, config: Mapping[str, Any],
                outbox: Path, user: User, now: datetime) -> str:
    """E-mail the PDF to the provider (subject: programme number only, never the patient's name)."""
    if order.provider is None or not (order.provider.email or "").strip():
        raise ServiceError("Le prestataire n'a pas d'adresse de courriel dans l'annuaire : envoyez le bon PDF.")
    mark_sent(session, order=order, channel="email", user=user, now=now)
    subject = f"{order.kind_label} d'ergocycle — programme n° {order.programme_id}"
    body = (f"Bonjour,\n\nVeuillez trouver ci-joint notre demande de {order.kind_label.lower()} d'ergocycle "
            f"(programme n° {order.programme_id}), souhaitée le {order.planned_on:%d/%m/%Y}.\n"
            "Merci de nous confirmer la date d'intervention.\n")
    try:
        return mailer.send(config, to=order.provider.email or "", subject=subject, body=body,
                           attachments=[mailer.Attachment(f"commande-{order.id}.pdf", pdf)],
                           message_id=f"<commande-{order.id}-{now:%Y%m%d%H%M%S}@rehab-domicile>", outbox=outbox)
    except mailer.MailError as exc:
        raise ServiceError(f"Le courriel n'a pas pu partir : {exc}") from exc


def confirm(session: Session, *, order: ProviderOrder, user: User, now: datetime) -> None:
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur suivent les commandes.")
    if not order.is_open or order.sent_at is None:
        raise ServiceError("Seule une commande envoyée et non close peut être confirmée.")
    order.confirmed_at = now
    session.flush()


def mark_done(session: Session, *, order: ProviderOrder, done_on: date, user: User, now: datetime) -> None:
    """The provider came: the unit moves, the plan's logistics task is done (no more non-event)."""
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur suivent les commandes.")
    if not order.is_open:
        raise ServiceError("Cette commande est déjà close.")
    if order.sent_at is None:
        raise ServiceError("Enregistrez d'abord l'envoi de la commande au prestataire.")
    if done_on > local_date(now) or done_on < order.created_at.date() - timedelta(days=1):
        raise ServiceError("La date de réalisation doit être entre la commande et aujourd'hui.")
    reservation = programme_reservation(session, order.programme)
    if reservation is None:
        raise ServiceError("Aucun ergocycle n'est réservé pour ce programme.")
    order.done_on = done_on
    if order.kind == "delivery":
        move(session, reservation.ergocycle, to_status="at_patient", now=now, user=user,
             location=f"Domicile — programme n° {order.programme_id}", programme_id=order.programme_id,
             note=f"Livré le {done_on:%d/%m/%Y}")
    else:
        end_reservation(session, reservation=reservation, now=now, user=user,
                        location=order.provider.name if order.provider else "Dépôt")
    task = session.get(Task, order.task_id) if order.task_id else _open_task(session, order.programme, order.kind)
    if task is not None and task.is_open:
        task.state, task.done_at, task.done_by_id, task.updated_at = "done", now, user.id, now
    session.flush()


def cancel_order(session: Session, *, order: ProviderOrder, user: User, now: datetime) -> None:
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur suivent les commandes.")
    if not order.is_open:
        raise ServiceError("Cette commande est déjà close.")
    order.cancelled_at = now
    session.flush()


def orders_of(session: Session, programme: Programme) -> list[ProviderOrder]:
    return list(session.scalars(select(ProviderOrder).where(ProviderOrder.programme_id == programme.id)
                                .options(selectinload(ProviderOrder.provider)).order_by(ProviderOrder.id.desc())))


def providers(session: Session) -> list[Professional]:
    return list(session.scalars(select(Professional).where(
        Professional.kind == "prestataire", Professional.merged_into_id.is_(None)).order_by(Professional.name)))


def order_context(order: ProviderOrder, *, head: Letterhead, today: date, contact: str) -> ProviderOrderContext:
    """The PDF's data, read from the order's frozen snapshot (never from the live dossier)."""
    snap, pro, unit = order.snapshot, order.provider, order.ergocycle
    pro_lines = tuple(x for x in (pro.address if pro else "",
                                  " ".join(filter(None, (pro.postal_code, pro.city))) if pro else "") if x)
    return ProviderOrderContext(
        letterhead=head, order_number=order.id, kind_label=order.kind_label,
        provider_name=pro.name if pro else "Prestataire à choisir", provider_lines=pro_lines,
        programme_number=order.programme_id, patient_name=str(snap.get("patient", "")),
        address_lines=tuple(x for x in (snap.get("address"), f"{snap.get('postal_code', '')} "
                                        f"{snap.get('city', '')}".strip()) if x),
        phones=(str(snap.get("phone") or ""), str(snap.get("phone2") or "")),
        floor=snap.get("floor"), stairs=snap.get("stairs"), lift=bool(snap.get("lift")),
        access_notes=str(snap.get("access_notes") or ""),
        unit_label=f"{unit.serial_number} — {unit.model}" if unit else "à préciser",
        category_label=CATEGORIES.get(str(snap.get("category")), "Standard"),
        planned_on=order.planned_on, window_end=order.window_end, issued_on=today, contact=contact)
