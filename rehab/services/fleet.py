"""The ergocycle fleet: inventory, status changes (each one a dated movement), reservations for a
programme, maintenance, and the occupancy forecast that warns before a D0 is promised.

Rules enforced here: a unit is never at two patients at once (refused in French here, and a partial unique
index catches the race); a programme whose comité chose a very-low-load model only gets such a unit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rehab.domain import fleet as plan
from rehab.domain.clock import local_date
from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import CommitteeItem, Programme, User
from rehab.models.fleet import ACTIVE, UNIT_STATUSES, Ergocycle, MaintenanceLog, Movement, ProviderOrder, Reservation
from rehab.services.errors import ServiceError, StaleEditError

#: Who manages the fleet (desk roles); the administrateur may edit the inventory (not clinical).
MANAGERS = (Role.ASSISTANTE, Role.COORDINATEUR)
INVENTORY_EDITORS = (*MANAGERS, Role.ADMIN)
#: Statuses a person may set by hand; reserved / at_patient follow reservations and provider orders.
MANUAL_STATUSES = ("available", "in_transit", "maintenance", "retired")
#: Programmes that claim (or will claim) a unit.
CLAIMING = (Status.VALIDE.value, Status.PLANIFIE.value, Status.EN_COURS.value)
OUT_OF_SERVICE = ("maintenance", "retired")
UNIT_FIELDS = ("serial_number", "model", "very_low_load", "association_id", "location", "notes")


def require_role(user: User, roles: Sequence[Role], message: str) -> None:
    if not user.has_role(*roles):
        raise ServiceError(message)


def move(session: Session, unit: Ergocycle, *, to_status: str, location: str | None, now: datetime,
         user: User | None, programme_id: int | None = None, note: str | None = None) -> Movement:
    """Every change of status or place is a dated movement row: the unit's history is never rewritten."""
    movement = Movement(ergocycle_id=unit.id, at=now, moved_on=local_date(now), from_status=unit.status,
                        to_status=to_status, location=location if location is not None else unit.location,
                        programme_id=programme_id, user_id=user.id if user else None, note=note or None)
    unit.status, unit.updated_at = to_status, now
    if location is not None:
        unit.location = location
    session.add(movement)
    return movement


def create_unit(session: Session, *, data: dict[str, object], user: User, now: datetime) -> Ergocycle:
    require_role(user, INVENTORY_EDITORS, "Seules l'assistante, le coordinateur ou l'administrateur gèrent le parc.")
    serial = str(data["serial_number"]).strip().upper()
    if session.scalar(select(Ergocycle.id).where(Ergocycle.serial_number == serial)):
        raise ServiceError(f"Le numéro de série {serial} existe déjà dans le parc.")
    unit = Ergocycle(**{k: data[k] for k in UNIT_FIELDS}, created_at=now, updated_at=now, status="available")
    unit.serial_number = serial
    session.add(unit)
    session.flush()
    move(session, unit, to_status="available", location=unit.location, now=now, user=user, note="Entrée au parc")
    session.flush()
    return unit


def edit_unit(session: Session, *, unit: Ergocycle, data: dict[str, object], expected_version: int, user: User,
              now: datetime) -> None:
    """Inventory fields only; the status changes through `set_status`, reservations and orders."""
    require_role(user, INVENTORY_EDITORS, "Seules l'assistante, le coordinateur ou l'administrateur gèrent le parc.")
    if unit.version != expected_version:
        raise StaleEditError("Cette fiche a été modifiée entre-temps : vérifiez avant d'enregistrer.",
                             current=unit, changes=[])
    serial = str(data["serial_number"]).strip().upper()
    if session.scalar(select(Ergocycle.id).where(Ergocycle.serial_number == serial, Ergocycle.id != unit.id)):
        raise ServiceError(f"Le numéro de série {serial} existe déjà dans le parc.")
    if unit.very_low_load and not data["very_low_load"] and active_reservation(session, unit) is not None:
        raise ServiceError("Cet ergocycle est réservé : sa capacité très faible charge ne peut pas être retirée.")
    if data["location"] != unit.location:  # every change of place is a dated movement
        move(session, unit, to_status=unit.status, location=str(data["location"]), now=now, user=user,
             note="Localisation corrigée")
    for key in UNIT_FIELDS:
        setattr(unit, key, data[key])
    unit.serial_number, unit.updated_at = serial, now
    session.flush()


def set_status(session: Session, *, unit: Ergocycle, status: str, location: str, note: str, user: User,
               now: datetime) -> Movement:
    """Maintenance, transit, back in stock or retired by hand; a reserved unit must be released first."""
    require_role(user, INVENTORY_EDITORS, "Seules l'assistante, le coordinateur ou l'administrateur gèrent le parc.")
    if status not in MANUAL_STATUSES:
        raise ServiceError("Ce statut suit les réservations et les commandes au prestataire.")
    if active_reservation(session, unit) is not None:
        raise ServiceError("Cet ergocycle est réservé pour un programme : annulez la réservation ou "
                           "enregistrez sa récupération avant de changer son statut.")
    if unit.status == "retired":
        raise ServiceError("Un ergocycle réformé ne revient pas au parc.")
    movement = move(session, unit, to_status=status, location=location.strip() or None, now=now, user=user,
                    note=note.strip())
    session.flush()
    return movement


def log_maintenance(session: Session, *, unit: Ergocycle, performed_on: date, description: str, user: User,
                    now: datetime) -> MaintenanceLog:
    require_role(user, INVENTORY_EDITORS, "Seules l'assistante, le coordinateur ou l'administrateur gèrent le parc.")
    if not description.strip():
        raise ServiceError("Décrivez l'intervention de maintenance.")
    if performed_on > local_date(now):
        raise ServiceError("La date de maintenance ne peut pas être dans le futur.")
    entry = MaintenanceLog(ergocycle_id=unit.id, performed_on=performed_on, description=description.strip(),
                           user_id=user.id, created_at=now)
    session.add(entry)
    session.flush()
    return entry


# ------------------------------------------------------------------------------------------ reservations


def active_reservation(session: Session, unit: Ergocycle) -> Reservation | None:
    return session.scalar(select(Reservation).where(Reservation.ergocycle_id == unit.id,
                                                    Reservation.state == ACTIVE))


def programme_reservation(session: Session, programme: Programme) -> Reservation | None:
    return session.scalar(select(Reservation).where(Reservation.programme_id == programme.id,
                                                    Reservation.state == ACTIVE))


def model_needed(session: Session, programme: Programme) -> str:
    """The category the comité recorded in the care project (latest decision wins); standard by default."""
    chosen = session.scalar(select(CommitteeItem.ergocycle_model).where(
        CommitteeItem.programme_id == programme.id, CommitteeItem.ergocycle_model.is_not(None))
        .order_by(CommitteeItem.id.desc()).limit(1))
    return chosen if chosen in plan.CATEGORIES else plan.STANDARD


def reserve(session: Session, *, programme: Programme, unit: Ergocycle, user: User, now: datetime) -> Reservation:
    """Book `unit` for `programme` until its planned pick-up. Refused if the unit is anywhere else."""
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur réservent un ergocycle.")
    if programme.status not in CLAIMING:
        raise ServiceError("Seul un programme validé, planifié ou en cours peut recevoir un ergocycle.")
    if programme_reservation(session, programme) is not None:
        raise ServiceError(f"Le programme n° {programme.id} a déjà un ergocycle réservé.")
    if unit.status != "available" or active_reservation(session, unit) is not None:
        raise ServiceError(f"L'ergocycle {unit.serial_number} n'est pas disponible ({unit.status_label.lower()}) : "
                           "il ne peut pas être chez deux patients à la fois.")
    if model_needed(session, programme) == plan.VERY_LOW_LOAD and not unit.very_low_load:
        raise ServiceError("Le comité a retenu un ergocycle très faible charge : cet appareil ne convient pas.")
    return book(session, programme=programme, unit=unit, d0=programme.d0 or local_date(now), user=user, now=now,
                 note=f"Réservé pour le programme n° {programme.id}")


def book(session: Session, *, programme: Programme, unit: Ergocycle, d0: date, user: User | None, now: datetime,
          note: str) -> Reservation:
    """The reservation row (the partial unique indexes catch a race) and the unit's dated movement."""
    start, end = plan.need_window(d0)
    reservation = Reservation(ergocycle_id=unit.id, programme_id=programme.id, start_on=start, end_on=end,
                              created_at=now, created_by_id=user.id if user else None)
    try:
        with session.begin_nested():
            session.add(reservation)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError("Cet ergocycle vient d'être réservé par ailleurs : il ne peut pas être chez deux "
                           "patients à la fois. Choisissez-en un autre.") from exc
    move(session, unit, to_status="reserved", location=None, now=now, user=user, programme_id=programme.id,
         note=note)
    session.flush()
    return reservation


def end_reservation(session: Session, *, reservation: Reservation, now: datetime, user: User | None,
                    cancelled: bool = False, location: str = "Dépôt", flush: bool = True) -> None:
    """Cancelled before delivery, or ended by the pick-up: the unit goes back to stock. `flush=False` from
    a flush listener (the session is flushing; the rows go out with the next flush)."""
    reservation.state, reservation.ended_at = ("cancelled" if cancelled else "ended"), now
    move(session, reservation.ergocycle, to_status="available", location=location, now=now, user=user,
         programme_id=reservation.programme_id,
         note=("Réservation annulée" if cancelled else "Récupéré") + f" (programme n° {reservation.programme_id})")
    if flush:
        session.flush()


def cancel_reservation(session: Session, *, programme: Programme, user: User, now: datetime) -> None:
    require_role(user, MANAGERS, "Seules l'assistante et le coordinateur gèrent les réservations.")
    reservation = programme_reservation(session, programme)
    if reservation is None:
        raise ServiceError("Aucun ergocycle n'est réservé pour ce programme.")
    if reservation.ergocycle.status != "reserved":
        raise ServiceError("L'ergocycle est déjà livré : commandez sa récupération.")
    end_reservation(session, reservation=reservation, now=now, user=user, cancelled=True)


def suitable_units(session: Session, programme: Programme) -> list[Ergocycle]:
    """Available units that can run the load the comité chose, very-low-load last for a standard need."""
    query = select(Ergocycle).where(Ergocycle.status == "available")
    if model_needed(session, programme) == plan.VERY_LOW_LOAD:
        query = query.where(Ergocycle.very_low_load.is_(True))
    return list(session.scalars(query.order_by(Ergocycle.very_low_load, Ergocycle.serial_number)))


# ---------------------------------------------------------------------------------------------- forecast


def units_in_service(session: Session) -> dict[str, int]:
    rows = session.execute(select(Ergocycle.very_low_load, func.count()).where(
        Ergocycle.status.not_in(OUT_OF_SERVICE)).group_by(Ergocycle.very_low_load))
    out = {plan.STANDARD: 0, plan.VERY_LOW_LOAD: 0}
    for vll, count in rows:
        out[plan.VERY_LOW_LOAD if vll else plan.STANDARD] += count
    return out


def needs(session: Session, *, today: date, exclude: int | None = None) -> list[plan.Need]:
    """Every programme's claim: planned or running with a D0, or still holding a unit (pick-up pending)."""
    models = dict(session.execute(
        select(CommitteeItem.programme_id, CommitteeItem.ergocycle_model)
        .where(CommitteeItem.ergocycle_model.is_not(None)).order_by(CommitteeItem.id)).all())
    held = {r.programme_id: r for r in session.scalars(select(Reservation).where(Reservation.state == ACTIVE))}
    pickups = dict(session.execute(select(ProviderOrder.programme_id, ProviderOrder.planned_on).where(
        ProviderOrder.kind == "pickup", ProviderOrder.done_on.is_(None),
        ProviderOrder.cancelled_at.is_(None))).all())
    rows = session.execute(select(Programme.id, Programme.d0).where(
        (Programme.status.in_(CLAIMING) & Programme.d0.is_not(None)) | Programme.id.in_(list(held))))
    out = []
    for pid, d0 in rows:
        if pid == exclude:
            continue
        start, end = plan.need_window(d0 or today, pickup_on=pickups.get(pid))
        if pid in held:
            start, end = min(start, held[pid].start_on), max(end, today, pickups.get(pid) or end)
        category = models.get(pid) if models.get(pid) in plan.CATEGORIES else plan.STANDARD
        out.append(plan.Need(pid, str(category), start, end))
    return out


def weekly_forecast(session: Session, *, today: date, weeks: int = 16) -> list[list[plan.WeekLine]]:
    return plan.forecast(plan.weeks_from(today, weeks), needs(session, today=today), units_in_service(session))


def availability_warning(session: Session, programme: Programme, d0: date | None, *,
                         today: date | None = None) -> str | None:
    """Before a D0 is promised: a French warning when no suitable unit will be free from delivery to
    pick-up, with the first D0 that would work. None when a unit is (or will be) free."""
    if d0 is None or programme_reservation(session, programme) is not None:
        return None
    if session.scalar(select(Ergocycle.id).limit(1)) is None:
        return None  # no inventory: this installation does not manage its fleet here (yet)
    today = today or d0
    category = model_needed(session, programme)
    others, units = needs(session, today=today, exclude=programme.id), units_in_service(session)
    start, end = plan.need_window(d0)
    short = plan.first_shortage(plan.Need(programme.id, category, start, end), others, units)
    if short is None:
        return None
    label = "très faible charge" if category == plan.VERY_LOW_LOAD else "standard"
    first = plan.earliest_start(category, others, units, from_day=d0)
    hint = f" Premier J0 possible : {first:%d/%m/%Y}." if first else ""
    return (f"Ergocycle {label} : aucun appareil libre pour un J0 au {d0:%d/%m/%Y} "
            f"(semaine du {short.monday:%d/%m/%Y}, manque {short.shortage}).{hint}")


def status_choices() -> list[tuple[str, str]]:
    return [(k, UNIT_STATUSES[k]) for k in MANUAL_STATUSES]
