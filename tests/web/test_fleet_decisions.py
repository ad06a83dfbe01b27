"""The fleet follows the programme's decisions, through HTTP: the committee's decision books a suitable unit
(or tells the desk none is free), the reservation follows D0, a D0 with no unit free is not promised without
confirmation, and an interruption prepares the pick-up whose missing done date becomes a non-event."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import ContactCall, Notification, Programme, Reminder
from rehab.models.fleet import Movement, ProviderOrder, Reservation
from rehab.services import fleet, reminders
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.fleet_factories import make_fleet_programme, make_provider, make_unit

D0 = date(2026, 3, 9)


@pytest.fixture
def desk(app, db):
    users = {"assistante": make_user(db, Role.ASSISTANTE), "coord": make_user(db, Role.COORDINATEUR),
             "medecin": make_user(db, Role.MEDECIN)}
    clients = {}
    for name, user in users.items():
        clients[name] = app.test_client()
        login(clients[name], user)
    return users, clients


def _meeting(client, users) -> int:
    response = post(client, "/comite/", {"meeting_date": "05/03/2026", "location": "Salle A",
                                         "attendees": [u.id for u in users.values()]}, token_from="/comite/")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _decide(client, db, meeting_id: int, programme: Programme, model: str):
    from rehab.models import CommitteeItem

    item = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id,
                                                 CommitteeItem.programme_id == programme.id))
    data = {"objectives": "Marcher 30 minutes par jour", "competences": "", "exercise_modality": "intermittent",
            "initial_load_w": "10", "ergocycle_model": model, "safety": "", "referent_id": "0", "decision": "",
            "exercise_notes": "", "notes": ""}
    url = f"/comite/{meeting_id}/points/{item.id}"
    response = post(client, url, data, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    return fleet.programme_reservation(db, db.get(Programme, programme.id))


def test_the_committee_decision_books_a_unit_of_the_model_it_chose(db, desk):
    users, clients = desk
    standard, vll = make_unit(db), make_unit(db, very_low_load=True)
    programme = make_programme(db, make_patient(db, nom_naissance="CASTAGNE"), status=Status.VALIDE)
    meeting_id = _meeting(clients["medecin"], users)
    reservation = _decide(clients["medecin"], db, meeting_id, programme, "tres_faible_charge")
    assert reservation is not None and reservation.ergocycle_id == vll.id
    # no D0 yet: a provisional window, as if the D0 came 4 weeks after the committee (05/03 → 02/04)
    assert (reservation.start_on, reservation.end_on) == fleet.plan.need_window(date(2026, 4, 2))
    note = db.scalar(select(Movement.note).where(Movement.ergocycle_id == vll.id).order_by(Movement.id.desc()))
    assert "comité du 05/03/2026" in note
    body = clients["assistante"].get(f"/parc/programmes/{programme.id}").get_data(as_text=True)
    assert vll.serial_number in body
    again = _decide(clients["medecin"], db, meeting_id, programme, "tres_faible_charge")
    assert again.id == reservation.id and db.get(type(standard), standard.id).status == "available"


def test_changing_the_model_to_very_low_load_swaps_a_unit_not_yet_delivered(db, desk):
    users, clients = desk
    standard, vll = make_unit(db), make_unit(db, very_low_load=True)
    programme = make_programme(db, make_patient(db), status=Status.VALIDE)
    meeting_id = _meeting(clients["coord"], users)
    assert _decide(clients["coord"], db, meeting_id, programme, "standard").ergocycle_id == standard.id
    assert _decide(clients["coord"], db, meeting_id, programme, "tres_faible_charge").ergocycle_id == vll.id
    db.expire_all()
    assert db.get(type(standard), standard.id).status == "available"


def test_no_free_unit_does_not_block_the_committee_and_tells_the_desk_once(db, desk):
    users, clients = desk
    vll = make_unit(db, very_low_load=True)
    make_unit(db)
    fleet.reserve(db, programme=make_fleet_programme(db, model="tres_faible_charge", d0=D0), unit=vll,
                  user=users["assistante"], now=NOW)
    programme = make_programme(db, make_patient(db, nom_naissance="SECRETNOM"), status=Status.VALIDE)
    meeting_id = _meeting(clients["medecin"], users)
    assert _decide(clients["medecin"], db, meeting_id, programme, "tres_faible_charge") is None
    _decide(clients["medecin"], db, meeting_id, programme, "tres_faible_charge")  # saved twice: one message
    for who in ("assistante", "coord"):
        notes = db.scalars(select(Notification).where(Notification.user_id == users[who].id)).all()
        assert len(notes) == 1 and notes[0].link == f"/parc/programmes/{programme.id}"
        assert "SECRETNOM" not in notes[0].title + notes[0].body
    assert not db.scalars(select(Notification).where(Notification.user_id == users["medecin"].id)).all()
    inbox = clients["assistante"].get("/notifications").get_data(as_text=True)
    assert f"Aucun ergocycle très faible charge libre — programme n° {programme.id}" in inbox


def test_the_reservation_follows_the_d0_when_fixed_and_moved(db, desk):
    users, clients = desk
    unit = make_unit(db)
    programme = make_fleet_programme(db, status=Status.VALIDE)
    fleet.reserve(db, programme=programme, unit=unit, user=users["assistante"], now=NOW)
    url = f"/programmes/{programme.id}/j0"
    assert post(clients["assistante"], url, {"d0": "16/03/2026"}, token_from=f"/programmes/{programme.id}"
                ).status_code == 302
    db.expire_all()
    held = db.scalar(select(Reservation).where(Reservation.programme_id == programme.id))
    assert (held.start_on, held.end_on) == fleet.plan.need_window(date(2026, 3, 16))
    response = post(clients["assistante"], url, {"d0": "30/03/2026", "reason": "Patient hospitalisé"},
                    token_from=f"/programmes/{programme.id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    held = db.get(Reservation, held.id)
    assert (held.start_on, held.end_on) == fleet.plan.need_window(date(2026, 3, 30))


def _shortage(db, users):
    vll = make_unit(db, very_low_load=True)
    fleet.reserve(db, programme=make_fleet_programme(db, model="tres_faible_charge", d0=D0), unit=vll,
                  user=users["assistante"], now=NOW)
    return make_fleet_programme(db, model="tres_faible_charge", status=Status.VALIDE)


def test_a_d0_with_no_suitable_unit_is_not_promised_without_confirmation(db, desk):
    users, clients = desk
    waiting = _shortage(db, users)
    page = f"/programmes/{waiting.id}"
    response = post(clients["assistante"], f"{page}/j0", {"d0": "23/03/2026"}, token_from=page)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "aucun appareil libre pour un J0 au 23/03/2026" in body
    assert 'name="malgre_penurie"' in body and 'value="23/03/2026"' in body  # what was typed is kept
    db.expire_all()
    assert db.get(Programme, waiting.id).d0 is None
    response = post(clients["assistante"], f"{page}/j0", {"d0": "23/03/2026", "malgre_penurie": "y"},
                    token_from=page)
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Programme, waiting.id).d0 == date(2026, 3, 23)


def test_the_intake_d0_step_warns_the_same_way(db, desk):
    users, clients = desk
    waiting = _shortage(db, users)
    db.add(ContactCall(programme_id=waiting.id, called_at=NOW, user_id=users["assistante"].id, outcome="reached"))
    db.flush()
    url = f"/programmes/{waiting.id}/entree/j0"
    assert 'name="malgre_penurie"' in clients["assistante"].get(f"{url}?verifier_j0=2026-03-23").get_data(
        as_text=True)  # the box is offered with the warning, before anything is submitted
    response = post(clients["assistante"], url, {"d0": "23/03/2026"}, token_from=url)
    assert response.status_code == 409 and "Premier J0 possible" in response.get_data(as_text=True)
    response = post(clients["assistante"], url, {"d0": "23/03/2026", "malgre_penurie": "y"}, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    free_later = make_fleet_programme(db, model="tres_faible_charge", status=Status.VALIDE)
    db.add(ContactCall(programme_id=free_later.id, called_at=NOW, user_id=users["assistante"].id,
                       outcome="reached"))
    db.flush()
    url = f"/programmes/{free_later.id}/entree/j0"
    assert post(clients["assistante"], url, {"d0": "28/09/2026"}, token_from=url).status_code == 302


def test_an_interruption_prepares_the_pickup_and_an_undone_pickup_is_a_non_event(db, desk):
    _users, clients = desk
    unit, provider = make_unit(db), make_provider(db)
    programme = make_fleet_programme(db, status=Status.VALIDE)
    page = f"/programmes/{programme.id}"
    assert post(clients["assistante"], f"{page}/j0", {"d0": "09/03/2026"}, token_from=page).status_code == 302
    fleet_page = f"/parc/programmes/{programme.id}"
    assert post(clients["assistante"], f"{fleet_page}/reserver", {"unit_id": unit.id},
                token_from=fleet_page).status_code == 302
    assert post(clients["assistante"], f"{fleet_page}/commandes", {"kind": "delivery", "provider_id": provider.id,
                "planned_on": "06/03/2026"}, token_from=fleet_page).status_code == 302
    db.expire_all()
    delivery = db.scalar(select(ProviderOrder).where(ProviderOrder.programme_id == programme.id))
    for step, data in (("envoyer", {"channel": "pdf"}), ("realisee", {"done_on": "02/03/2026"})):
        assert post(clients["assistante"], f"/parc/commandes/{delivery.id}/{step}", data,
                    token_from=fleet_page).status_code == 302
    response = post(clients["medecin"], f"{page}/interruption",
                    {"on": "10/03/2026", "reason": "Hospitalisation prolongée", "confirm": "y"}, token_from=page)
    assert response.status_code == 302
    db.expire_all()
    pickup = db.scalar(select(ProviderOrder).where(ProviderOrder.programme_id == programme.id,
                                                   ProviderOrder.kind == "pickup"))
    assert pickup is not None and pickup.provider_id == provider.id and pickup.ergocycle_id == unit.id
    body = clients["assistante"].get(fleet_page).get_data(as_text=True)
    assert "Récupération" in body and f"/parc/commandes/{pickup.id}.pdf" in body
    night = datetime.combine(pickup.window_end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    reminders.nonevent_pass(db, now=night)
    assert "relance_logistics" in set(db.scalars(select(Reminder.rule).where(Reminder.task_id == pickup.task_id)))


def _interrupt(client, db, programme: Programme):
    page = f"/programmes/{programme.id}"
    response = post(client, f"{page}/etape", {"target": "interrompu", "reason": "Refus du patient",
                                              "version": str(programme.version)}, token_from=page)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()


def test_a_programme_interrupted_before_its_d0_gives_back_the_unit_booked_for_it(db, desk):
    """Issue #8: the committee books a unit at the validated stage; interrupted before any D0, the unit was
    kept reserved for ever. Still at the depot: the reservation and its delivery order are cancelled."""
    users, clients = desk
    unit, provider = make_unit(db), make_provider(db)
    programme = make_fleet_programme(db, status=Status.VALIDE)
    fleet.reserve(db, programme=programme, unit=unit, user=users["assistante"], now=NOW)
    fleet_page = f"/parc/programmes/{programme.id}"
    assert post(clients["assistante"], f"{fleet_page}/commandes", {"kind": "delivery", "provider_id": provider.id,
                "planned_on": "06/03/2026"}, token_from=fleet_page).status_code == 302
    _interrupt(clients["medecin"], db, programme)
    assert db.get(Programme, programme.id).status == Status.INTERROMPU.value
    reservation = db.scalar(select(Reservation).where(Reservation.programme_id == programme.id))
    assert reservation.state == "cancelled" and db.get(type(unit), unit.id).status == "available"
    delivery = db.scalar(select(ProviderOrder).where(ProviderOrder.programme_id == programme.id))
    assert delivery.cancelled_at is not None
    assert fleet.suitable_units(db, make_fleet_programme(db, status=Status.VALIDE)) == [db.get(type(unit), unit.id)]


def test_a_unit_delivered_before_the_d0_is_picked_up_when_the_programme_is_interrupted(db, desk):
    users, clients = desk
    unit, provider = make_unit(db), make_provider(db)
    programme = make_fleet_programme(db, status=Status.VALIDE)
    fleet.reserve(db, programme=programme, unit=unit, user=users["assistante"], now=NOW)
    fleet.move(db, unit, to_status="at_patient", location="Domicile", now=NOW, user=users["assistante"],
               programme_id=programme.id, note="Livré")
    db.add(ProviderOrder(programme_id=programme.id, kind="delivery", provider_id=provider.id, ergocycle_id=unit.id,
                         planned_on=NOW.date(), window_end=NOW.date(), snapshot={}, created_at=NOW,
                         done_on=NOW.date()))
    db.flush()
    _interrupt(clients["medecin"], db, programme)
    pickup = db.scalar(select(ProviderOrder).where(ProviderOrder.programme_id == programme.id,
                                                   ProviderOrder.kind == "pickup"))
    assert pickup is not None and pickup.provider_id == provider.id and pickup.ergocycle_id == unit.id
    assert "Récupération" in clients["assistante"].get(f"/parc/programmes/{programme.id}").get_data(as_text=True)
