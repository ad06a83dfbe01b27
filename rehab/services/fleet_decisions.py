"""The fleet follows the programme's decisions: the committee's decision books a unit, and the reservation's
dates follow the D0 when it is fixed or moved.

Called from rehab.services.committee (`record_item`), rehab.services.plans (`fix_d0`, `move_d0`) and
rehab.services.programmes (`transition`, a programme closed before its D0) with one line each, so those
services stay unaware of the fleet's rules. Neither call ever refuses: a committee decision or a D0 is not
blocked because no unit is free — the desk is told (in-app message to the assistantes and coordinateurs)
and the D0 screens warn before a date is promised (see `availability_warning`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain import fleet as plan
from rehab.domain.clock import local_date
from rehab.domain.roles import Role
from rehab.models import CommitteeItem, Notification, Programme, User, UserRole
from rehab.models.fleet import CATEGORIES, Ergocycle, Reservation
from rehab.services.errors import ServiceError
from rehab.services.fleet import (
    CLAIMING,
    availability_warning,
    book,
    end_reservation,
    model_needed,
    programme_reservation,
    suitable_units,
)
from rehab.services.fleet_orders import prepare_pickup

#: The délai target: the D0 comes within 4 weeks of the committee's decision. Until the D0 is fixed the
#: reservation is provisional and planned as if it were then.
DECISION_TO_D0 = timedelta(weeks=4)


def provisional_d0(programme: Programme, decided_on: date) -> date:
    return programme.d0 or decided_on + DECISION_TO_D0


def _pick(units: list[Ergocycle], programme: Programme) -> Ergocycle | None:
    """The first suitable unit, one of the programme's own association first (its fleet, its provider)."""
    own = [u for u in units if u.association_id == programme.association_id]
    return (own or units or [None])[0]


def on_committee_decision(session: Session, *, item: CommitteeItem, user: User | None,
                          now: datetime) -> Reservation | None:
    """The committee recorded its care project: book a suitable free unit for the programme, or tell the desk
    none is free. Idempotent: a programme keeps its unit, unless the committee now wants a very-low-load
    unit and the booked one (not yet delivered) cannot run such loads — it is then swapped if possible."""
    programme = item.programme
    if item.kind != "plan" or programme.status not in CLAIMING:
        return None
    if session.scalar(select(Ergocycle.id).limit(1)) is None:
        return None  # no inventory: the fleet is not managed here (yet), nothing to book nor to warn about
    decided_on = item.meeting.meeting_date if item.meeting else local_date(now)
    held = programme_reservation(session, programme)
    needs_vll = model_needed(session, programme) == plan.VERY_LOW_LOAD
    if held is not None and (held.ergocycle.very_low_load or not needs_vll or held.ergocycle.status != "reserved"):
        return held
    unit = _pick(suitable_units(session, programme), programme)
    if unit is None:
        _tell_desk(session, programme, decided_on, now, swapping=held is not None)
        return held
    if held is not None:
        end_reservation(session, reservation=held, now=now, user=user, cancelled=True,
                        location=held.ergocycle.location or "Dépôt")
    try:
        return book(session, programme=programme, unit=unit, d0=provisional_d0(programme, decided_on), user=user,
                     now=now, note=f"Réservé à la décision du comité du {decided_on:%d/%m/%Y} "
                                   f"(programme n° {programme.id})")
    except ServiceError:  # taken by a desk at this very moment: the committee's decision still stands
        _tell_desk(session, programme, decided_on, now, swapping=held is not None)
        return None


def _tell_desk(session: Session, programme: Programme, decided_on: date, now: datetime, *, swapping: bool) -> None:
    """An in-app message to each active assistante and coordinateur (programme number only, no name)."""
    category = CATEGORIES.get(model_needed(session, programme), "Standard").lower()
    title = f"Aucun ergocycle {category} libre — programme n° {programme.id}"
    hint = availability_warning(session, programme, provisional_d0(programme, decided_on), today=local_date(now))
    body = (f"Le comité du {decided_on:%d/%m/%Y} a retenu un ergocycle {category} "
            + ("mais l'appareil réservé ne convient pas et " if swapping else "")
            + "aucun appareil adapté n'est disponible au parc : réservez-en un dès qu'il se libère."
            + (f" {hint}" if hint else ""))
    link = f"/parc/programmes/{programme.id}"
    desk = session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role.in_([Role.ASSISTANTE.value, Role.COORDINATEUR.value]), User.is_active_account.is_(True))
        .distinct())
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.link == link, Notification.title == title, Notification.read_at.is_(None))))
    for user_id in desk:
        if user_id not in told:  # one unread message is enough, however often the item is saved
            session.add(Notification(user_id=user_id, created_at=now, title=title[:200], body=body, link=link))
    session.flush()


def follow_d0(session: Session, *, programme: Programme) -> None:
    """The D0 was fixed or moved: the reservation runs from the new delivery date to the new pick-up (a unit
    already at the patient's home keeps its delivery date)."""
    # Called amid the plan's changes: reading the reservation must not flush the new tasks early (one flush of
    # the whole plan is what keeps fixing a D0 under its 20 ms budget).
    with session.no_autoflush:
        held = programme_reservation(session, programme)
    if held is None or programme.d0 is None:
        return
    start, end = plan.need_window(programme.d0)
    if held.ergocycle.status == "reserved":
        held.start_on = start
    held.end_on = max(end, held.start_on)


def on_programme_closed(session: Session, *, programme: Programme, now: datetime) -> None:
    """A programme interrupted or reoriented before its D0 gives back the unit the committee booked: the
    reservation is cancelled if the unit is still at the depot (its delivery order with it), a pick-up is
    prepared if it was already delivered. With a D0 the plan's interruption task does this (see
    rehab.models.fleet), so nothing is done here then."""
    if programme.d0 is None:
        prepare_pickup(session, programme, now)
