"""Demo enrichment for issue 8 (fleet): about 50 ergocycles over the two associations, the units at the
homes of running programmes (delivered before their D0), deliveries ordered for the planned ones, a pick-up
still awaited after an interruption, and a few units in maintenance, in transit or retired."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.fleet import need_window
from rehab.domain.programme_states import Status
from rehab.models import Association, Professional, Programme, User
from rehab.models.fleet import Ergocycle, MaintenanceLog, ProviderOrder, Reservation
from rehab.services.fleet import move
from rehab.services.fleet_orders import snapshot

MODELS = {False: ("Kettler Ergo C10", "Domyos E-Cycle Médical"), True: ("Monark 881 LC", "Lode Corival Rehab")}
#: (association short name, standard units, very-low-load units)
STOCK = (("ROO", 20, 6), ("SM", 18, 6))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _units(session: Session, rng: random.Random, now: datetime) -> list[Ergocycle]:
    associations = {a.short_name: a for a in session.scalars(select(Association))}
    units = []
    for short, standard, vll in STOCK:
        for n in range(standard + vll):
            low = n >= standard
            unit = Ergocycle(serial_number=f"{short}-{2019 + n % 6}-{n + 1:03d}", model=rng.choice(MODELS[low]),
                             very_low_load=low, association_id=associations[short].id, status="available",
                             location=f"Dépôt {associations[short].short_name}", created_at=now, updated_at=now)
            session.add(unit)
            units.append(unit)
    session.flush()
    for unit in units:
        move(session, unit, to_status="available", location=unit.location, now=now - timedelta(days=400),
             user=None, note="Entrée au parc")
    return units


def _order(session: Session, programme: Programme, unit: Ergocycle, kind: str, provider: Professional | None,
           planned: date, *, done: bool, desk: User) -> ProviderOrder:
    sent = _at(planned - timedelta(days=7))
    order = ProviderOrder(programme_id=programme.id, ergocycle_id=unit.id, kind=kind, provider=provider,
                          planned_on=planned, window_end=planned + timedelta(days=5),
                          snapshot=snapshot(session, programme), sent_at=sent, channel="email",
                          confirmed_at=sent + timedelta(days=1), created_at=sent, created_by_id=desk.id,
                          done_on=planned if done else None)
    session.add(order)
    return order


def _hold(session: Session, programme: Programme, unit: Ergocycle, *, delivered: bool, desk: User) -> None:
    """The unit booked ten days before D0, delivered three days before (when that day is past)."""
    assert programme.d0 is not None  # noqa: S101 — only programmes with a D0
    start, end = need_window(programme.d0)
    session.add(Reservation(ergocycle_id=unit.id, programme_id=programme.id, start_on=start, end_on=end,
                            created_at=_at(programme.d0 - timedelta(days=10)), created_by_id=desk.id))
    move(session, unit, to_status="reserved", location=None, now=_at(programme.d0 - timedelta(days=10)), user=desk,
         programme_id=programme.id, note=f"Réservé pour le programme n° {programme.id}")
    if delivered:
        move(session, unit, to_status="at_patient", location=f"Domicile — programme n° {programme.id}",
             now=_at(programme.d0 - timedelta(days=3), 15), user=desk, programme_id=programme.id,
             note=f"Livré le {programme.d0 - timedelta(days=3):%d/%m/%Y}")


def enrich(session: Session, *, now: datetime) -> str:
    rng = random.Random(20268)  # noqa: S311 — seeded demo data, not cryptography
    today = now.date()
    desk = session.scalar(select(User).where(User.username == "assistante"))
    provider = session.scalar(select(Professional).where(Professional.kind == "prestataire"))
    units = _units(session, rng, now)
    free = {False: [u for u in units if not u.very_low_load], True: [u for u in units if u.very_low_load]}
    held = 0
    for programme in session.scalars(select(Programme).where(Programme.status.in_(
            (Status.EN_COURS.value, Status.PLANIFIE.value, Status.INTERROMPU.value))).order_by(Programme.id)):
        if programme.d0 is None or not free[False]:
            continue
        unit = free[rng.random() < 0.2 and bool(free[True])].pop(0)
        delivered = programme.d0 - timedelta(days=3) <= today
        _hold(session, programme, unit, delivered=delivered, desk=desk)
        _order(session, programme, unit, "delivery", provider, programme.d0 - timedelta(days=3),
               done=delivered, desk=desk)
        if programme.status == Status.INTERROMPU.value:
            _order(session, programme, unit, "pickup", provider, max(today - timedelta(days=8), programme.d0),
                   done=False, desk=desk)  # awaited: shows the non-event on the programme
        held += 1
    spare = free[False]
    for unit, status, where in ((spare[-1], "maintenance", "Atelier MédiLog"), (spare[-2], "maintenance",
                                "Atelier MédiLog"), (spare[-3], "in_transit", "Transfert vers Montpellier"),
                                (spare[-4], "retired", "Réformé (cadre fissuré)")):
        move(session, unit, to_status=status, location=where, now=now - timedelta(days=rng.randint(2, 20)),
             user=desk, note="Contrôle annuel" if status == "maintenance" else None)
        session.add(MaintenanceLog(ergocycle_id=unit.id, performed_on=today - timedelta(days=rng.randint(20, 200)),
                                   description="Révision annuelle : courroie, capteur de fréquence, étalonnage",
                                   user_id=desk.id, created_at=now))
    session.flush()
    return f"{len(units)} ergocycles, {held} réservés"
