"""Fleet services on a real database: reservations (never two patients at once, even in a race), provider
orders with their frozen practical data, the interruption's automatic pick-up, the D0 warning."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import PracticalData, Reminder, Task
from rehab.models.fleet import Movement, ProviderOrder, Reservation
from rehab.services import fleet, fleet_orders, plans, reminders
from rehab.services.errors import ServiceError
from tests.factories import NOW, make_user
from tests.fleet_factories import make_fleet_programme, make_provider, make_unit

TODAY = NOW.date()
D0 = date(2026, 3, 9)


@pytest.fixture
def desk(db):
    return make_user(db, Role.ASSISTANTE)


def test_a_unit_cannot_be_at_two_patients_at_once(db, desk):
    unit = make_unit(db)
    first, second = make_fleet_programme(db, d0=D0), make_fleet_programme(db, d0=D0)
    fleet.reserve(db, programme=first, unit=unit, user=desk, now=NOW)
    assert unit.status == "reserved"
    with pytest.raises(ServiceError, match="deux patients à la fois"):
        fleet.reserve(db, programme=second, unit=unit, user=desk, now=NOW)
    moves = db.scalars(select(Movement).where(Movement.ergocycle_id == unit.id)).all()
    assert [m.to_status for m in moves] == ["reserved"] and moves[0].programme_id == first.id


def test_the_database_catches_a_race_between_two_desks(db, desk):
    unit = make_unit(db)
    first, second = make_fleet_programme(db, d0=D0), make_fleet_programme(db, d0=D0)
    fleet.reserve(db, programme=first, unit=unit, user=desk, now=NOW)
    nested = db.begin_nested()  # what a second desk's stale check would insert
    db.add(Reservation(ergocycle_id=unit.id, programme_id=second.id, start_on=D0, end_on=D0, created_at=NOW))
    with pytest.raises(IntegrityError):
        db.flush()
    nested.rollback()


def test_the_service_turns_the_race_into_a_french_refusal(db, desk, monkeypatch):
    unit = make_unit(db)
    first, second = make_fleet_programme(db, d0=D0), make_fleet_programme(db, d0=D0)
    fleet.reserve(db, programme=first, unit=unit, user=desk, now=NOW)
    unit.status = "available"  # the second desk read the unit before the first one's commit
    monkeypatch.setattr(fleet, "active_reservation", lambda *_a, **_k: None)
    with pytest.raises(ServiceError, match="vient d'être réservé"):
        fleet.reserve(db, programme=second, unit=unit, user=desk, now=NOW)


def test_a_very_low_load_care_project_needs_a_very_low_load_unit(db, desk):
    programme = make_fleet_programme(db, model="tres_faible_charge", d0=D0)
    standard, vll = make_unit(db), make_unit(db, very_low_load=True)
    assert fleet.suitable_units(db, programme) == [vll]
    with pytest.raises(ServiceError, match="très faible charge"):
        fleet.reserve(db, programme=programme, unit=standard, user=desk, now=NOW)
    fleet.reserve(db, programme=programme, unit=vll, user=desk, now=NOW)


def test_only_the_desk_reserves_and_a_demande_gets_no_unit(db, desk):
    unit = make_unit(db)
    with pytest.raises(ServiceError, match="réservent"):
        fleet.reserve(db, programme=make_fleet_programme(db), unit=unit, user=make_user(db, Role.ADMIN), now=NOW)
    with pytest.raises(ServiceError, match="validé, planifié ou en cours"):
        fleet.reserve(db, programme=make_fleet_programme(db, status=Status.DEMANDE), unit=unit, user=desk, now=NOW)


def _delivered(db, desk, programme, unit, provider):
    fleet.reserve(db, programme=programme, unit=unit, user=desk, now=NOW)
    order = fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider,
                                      planned_on=D0 - timedelta(days=3), user=desk, now=NOW)
    fleet_orders.mark_sent(db, order=order, channel="pdf", user=desk, now=NOW)
    fleet_orders.confirm(db, order=order, user=desk, now=NOW)
    fleet_orders.mark_done(db, order=order, done_on=TODAY, user=desk, now=NOW)
    return order


def test_delivery_order_freezes_practical_data_and_moves_the_unit(db, desk):
    programme, unit, provider = make_fleet_programme(db, d0=D0), make_unit(db), make_provider(db)
    order = _delivered(db, desk, programme, unit, provider)
    assert order.snapshot["access_notes"] == "Digicode 4521B, portail vert"
    assert (order.snapshot["floor"], order.snapshot["stairs"], order.snapshot["city"]) == (2, 14, "Muret")
    db.scalar(select(PracticalData).where(PracticalData.programme_id == programme.id)).access_notes = "changé"
    db.flush()
    assert order.snapshot["access_notes"] == "Digicode 4521B, portail vert"
    assert unit.status == "at_patient" and f"n° {programme.id}" in unit.location
    assert order.confirmed_at == NOW and order.done_on == TODAY


def test_a_delivery_after_d0_or_a_second_open_order_is_refused(db, desk):
    programme, unit, provider = make_fleet_programme(db, d0=D0), make_unit(db), make_provider(db)
    with pytest.raises(ServiceError, match="Réservez d'abord"):
        fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider, planned_on=D0,
                                  user=desk, now=NOW)
    fleet.reserve(db, programme=programme, unit=unit, user=desk, now=NOW)
    with pytest.raises(ServiceError, match="avant le J0"):
        fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider,
                                  planned_on=D0 + timedelta(days=1), user=desk, now=NOW)
    fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider, planned_on=D0,
                              user=desk, now=NOW)
    with pytest.raises(ServiceError, match="déjà en cours"):
        fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider, planned_on=D0,
                                  user=desk, now=NOW)


def test_an_interruption_prepares_the_pickup_and_its_done_date_frees_the_unit(db, desk):
    doctor = make_user(db, Role.MEDECIN)
    programme = make_fleet_programme(db, status=Status.VALIDE)
    plans.fix_d0(db, programme=programme, d0=D0, user=desk, now=NOW, today=TODAY)
    unit, provider = make_unit(db), make_provider(db)
    _delivered(db, desk, programme, unit, provider)
    programme.status = Status.EN_COURS.value
    plans.interrupt(db, programme=programme, on=date(2026, 3, 20), reason="Hospitalisation", user=doctor, now=NOW)
    db.flush()
    pickup = db.scalar(select(ProviderOrder).where(ProviderOrder.programme_id == programme.id,
                                                   ProviderOrder.kind == "pickup"))
    assert pickup is not None, "the interruption must prepare a pick-up order"
    task = db.get(Task, pickup.task_id)
    assert task.code == "interruption_ergocycle_pickup" and pickup.planned_on == task.due_date
    assert pickup.provider_id == provider.id and pickup.ergocycle_id == unit.id
    assert pickup.snapshot["address"] == "8 impasse des Tilleuls"
    assert fleet_orders.prepare_pickup(db, programme, NOW) is pickup  # idempotent
    fleet_orders.mark_sent(db, order=pickup, channel="email", user=desk, now=NOW)
    fleet_orders.mark_done(db, order=pickup, done_on=TODAY, user=desk, now=NOW)
    assert unit.status == "available" and fleet.programme_reservation(db, programme) is None
    assert task.state == "done"  # no « retrait non confirmé » non-event any more


def test_an_interruption_without_a_unit_prepares_nothing(db, desk):
    programme = make_fleet_programme(db, status=Status.VALIDE)
    plans.fix_d0(db, programme=programme, d0=D0, user=desk, now=NOW, today=TODAY)
    programme.status = Status.EN_COURS.value
    plans.interrupt(db, programme=programme, on=date(2026, 3, 20), reason="Décès",
                    user=make_user(db, Role.MEDECIN), now=NOW)
    db.flush()
    assert db.scalar(select(ProviderOrder.id).where(ProviderOrder.programme_id == programme.id)) is None


def test_fixing_a_d0_warns_when_no_suitable_unit_will_be_free(db, desk):
    vll = make_unit(db, very_low_load=True)
    make_unit(db)
    busy = make_fleet_programme(db, model="tres_faible_charge", d0=D0)
    fleet.reserve(db, programme=busy, unit=vll, user=desk, now=NOW)
    candidate = make_fleet_programme(db, model="tres_faible_charge", status=Status.VALIDE)
    warning = fleet.availability_warning(db, candidate, date(2026, 3, 23), today=TODAY)
    assert warning is not None and "très faible charge" in warning and "Premier J0 possible" in warning
    later = D0 + timedelta(weeks=14)
    assert fleet.availability_warning(db, candidate, later + timedelta(days=14), today=TODAY) is None
    standard = make_fleet_programme(db, status=Status.VALIDE)
    assert fleet.availability_warning(db, standard, date(2026, 3, 23), today=TODAY) is None


def test_email_order_goes_to_the_provider_without_the_patient_name_in_the_subject(db, desk, tmp_path):
    programme, unit, provider = make_fleet_programme(db, d0=D0, name="SECRETNOM"), make_unit(db), make_provider(db)
    fleet.reserve(db, programme=programme, unit=unit, user=desk, now=NOW)
    order = fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider,
                                      planned_on=D0 - timedelta(days=2), user=desk, now=NOW)
    where = fleet_orders.email_order(db, order=order, pdf=b"%PDF-1.4", config={}, outbox=tmp_path, user=desk,
                                     now=NOW)
    text = Path(where).read_text(encoding="utf-8")  # the .eml the outbox wrote
    assert "commandes@medilog.example" in text and "SECRETNOM" not in text
    assert order.channel == "email" and order.sent_at == NOW
    no_mail = make_provider(db, email=None)
    other = make_fleet_programme(db, d0=D0)
    fleet.reserve(db, programme=other, unit=make_unit(db), user=desk, now=NOW)
    order2 = fleet_orders.create_order(db, programme=other, kind="delivery", provider=no_mail, planned_on=D0,
                                       user=desk, now=NOW)
    with pytest.raises(ServiceError, match="pas d'adresse de courriel"):
        fleet_orders.email_order(db, order=order2, pdf=b"x", config={}, outbox=tmp_path, user=desk, now=NOW)


def test_demo_fleet_is_consistent_with_the_demo_programmes(runner, db):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    units = db.scalars(select(fleet.Ergocycle)).all()
    assert 45 <= len(units) <= 55 and {u.association_id for u in units}.__len__() == 2
    active = db.scalars(select(Reservation).where(Reservation.state == "active")).all()
    assert len({r.ergocycle_id for r in active}) == len(active)
    for reservation in active:
        programme = reservation.programme
        if reservation.ergocycle.status == "at_patient":
            assert programme.status in ("en_cours", "interrompu") and programme.d0 is not None
    assert any(r.ergocycle.status == "at_patient" for r in active)
    assert sum(u.status == "maintenance" for u in units) == 2


def test_a_pickup_not_done_within_its_window_is_a_non_event(db, desk):
    doctor = make_user(db, Role.MEDECIN)
    programme = make_fleet_programme(db, status=Status.VALIDE)
    plans.fix_d0(db, programme=programme, d0=D0, user=desk, now=NOW, today=TODAY)
    _delivered(db, desk, programme, make_unit(db), make_provider(db))
    programme.status = Status.EN_COURS.value
    plans.interrupt(db, programme=programme, on=date(2026, 3, 20), reason="Hospitalisation", user=doctor, now=NOW)
    db.flush()
    pickup = db.scalar(select(ProviderOrder).where(ProviderOrder.kind == "pickup",
                                                   ProviderOrder.programme_id == programme.id))
    night = datetime.combine(pickup.window_end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    reminders.nonevent_pass(db, now=night)
    rules = set(db.scalars(select(Reminder.rule).where(Reminder.task_id == pickup.task_id)))
    assert "relance_logistics" in rules


def test_an_interruption_before_delivery_releases_the_unit(db, desk):
    programme = make_fleet_programme(db, status=Status.VALIDE)
    plans.fix_d0(db, programme=programme, d0=D0, user=desk, now=NOW, today=TODAY)
    unit, provider = make_unit(db), make_provider(db)
    fleet.reserve(db, programme=programme, unit=unit, user=desk, now=NOW)
    delivery = fleet_orders.create_order(db, programme=programme, kind="delivery", provider=provider,
                                         planned_on=D0 - timedelta(days=3), user=desk, now=NOW)
    plans.interrupt(db, programme=programme, on=TODAY, reason="Refus du patient",
                    user=make_user(db, Role.MEDECIN), now=NOW)
    db.flush()
    assert delivery.cancelled_at is not None and unit.status == "available"
    assert fleet.programme_reservation(db, programme) is None
    assert fleet_orders.open_order(db, programme, "pickup") is None


def test_cli_forecast_prints_the_weeks_and_flags_a_shortage(runner, db, desk):
    vll = make_unit(db, very_low_load=True)
    today = NOW.date()
    fleet.reserve(db, programme=make_fleet_programme(db, model="tres_faible_charge", d0=today), unit=vll,
                  user=desk, now=NOW)
    make_fleet_programme(db, model="tres_faible_charge", d0=today + timedelta(days=7))
    result = runner.invoke(args=["fleet", "prevision", "--semaines", "4"])
    assert result.exit_code == 0, result.output
    assert "Très faible charge" in result.output and "MANQUE 1" in result.output
    assert "pénurie" in result.output


def test_a_delivered_unit_keeps_its_delivery_date_when_d0_moves(db, desk):
    programme = make_fleet_programme(db, status=Status.VALIDE)
    plans.fix_d0(db, programme=programme, d0=D0, user=desk, now=NOW, today=TODAY)
    _delivered(db, desk, programme, make_unit(db), make_provider(db))
    held = fleet.programme_reservation(db, programme)
    start = held.start_on
    plans.move_d0(db, programme=programme, d0=date(2026, 3, 16), user=desk, now=NOW, today=TODAY,
                  reason="Patient indisponible")
    assert held.start_on == start and held.end_on == fleet.plan.need_window(date(2026, 3, 16))[1]


def test_only_a_plan_decision_books_and_an_empty_inventory_is_left_alone(db, desk):
    from rehab.models import CommitteeItem, CommitteeMeeting, Notification
    from rehab.services import fleet_decisions

    programme = make_fleet_programme(db, status=Status.VALIDE)
    meeting = CommitteeMeeting(meeting_date=TODAY, location="Salle", created_at=NOW, updated_at=NOW)
    rupture, plan_item = (CommitteeItem(programme_id=programme.id, kind=k) for k in ("rupture", "plan"))
    meeting.items.extend([rupture, plan_item])
    db.add(meeting)
    db.flush()
    assert fleet_decisions.on_committee_decision(db, item=plan_item, user=desk, now=NOW) is None
    assert db.scalar(select(Notification.id)) is None  # no fleet managed here: nothing to say
    unit = make_unit(db)
    assert fleet_decisions.on_committee_decision(db, item=rupture, user=desk, now=NOW) is None
    assert fleet_decisions.on_committee_decision(db, item=plan_item, user=desk, now=NOW).ergocycle_id == unit.id
