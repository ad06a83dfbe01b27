"""The fleet pages through HTTP: inventory by role, reservation refused twice, orders with their PDF,
the occupancy forecast, and what the administrateur and a référent may see."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models.fleet import Ergocycle, Movement, ProviderOrder
from rehab.services import fleet
from tests.factories import NOW, login, make_user, post
from tests.fleet_factories import association, make_fleet_programme, make_provider, make_unit

D0 = date(2026, 3, 9)
SECRET = "ZEPHYRINE"


@pytest.fixture
def desk(db, client):
    user = make_user(db, Role.ASSISTANTE)
    login(client, user)
    return user


def _unit_data(db, **over):
    data = {"serial_number": "ERG-2026-001", "model": "Kettler Ergo C10", "association_id": association(db).id,
            "location": "Dépôt Toulouse", "notes": ""}
    data.update(over)
    return data


def test_desk_adds_a_unit_and_a_duplicate_serial_is_refused_keeping_the_form(client, db, desk):
    response = post(client, "/parc/nouveau", _unit_data(db, very_low_load="y"), token_from="/parc/nouveau")
    assert response.status_code == 302
    db.expire_all()
    unit = db.query(Ergocycle).filter_by(serial_number="ERG-2026-001").one()
    assert unit.very_low_load and unit.status == "available"
    response = post(client, "/parc/nouveau", _unit_data(db, serial_number="erg-2026-001", model="Monark typé"),
                    token_from="/parc/nouveau")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "existe déjà" in body and "Monark typé" in body
    response = post(client, "/parc/nouveau", _unit_data(db, serial_number=""), token_from="/parc/nouveau")
    assert response.status_code == 400 and "Le numéro de série est obligatoire." in response.get_data(as_text=True)


def test_list_filters_and_never_names_a_patient(client, db, desk):
    vll, std = make_unit(db, very_low_load=True), make_unit(db)
    programme = make_fleet_programme(db, d0=D0, name=SECRET)
    fleet.reserve(db, programme=programme, unit=std, user=desk, now=NOW)
    body = client.get("/parc/").get_data(as_text=True)
    assert vll.serial_number in body and std.serial_number in body and f"n° {programme.id}" in body
    assert SECRET not in body
    body = client.get("/parc/?modele=tres_faible_charge").get_data(as_text=True)
    assert vll.serial_number in body and std.serial_number not in body
    body = client.get("/parc/?statut=reserved").get_data(as_text=True)
    assert std.serial_number in body and vll.serial_number not in body


def test_admin_edits_the_inventory_but_sees_programme_numbers_only(app, db):
    desk = make_user(db, Role.ASSISTANTE)
    unit = make_unit(db)
    programme = make_fleet_programme(db, d0=D0, name=SECRET)
    fleet.reserve(db, programme=programme, unit=unit, user=desk, now=NOW)
    client = app.test_client()
    login(client, make_user(db, Role.ADMIN))
    body = client.get(f"/parc/{unit.id}").get_data(as_text=True)
    assert f"n° {programme.id}" in body and SECRET not in body
    response = post(client, f"/parc/{unit.id}", _unit_data(db, serial_number=unit.serial_number,
                                                          model="Kettler révisé", version=str(unit.version)),
                    token_from=f"/parc/{unit.id}")
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Ergocycle, unit.id).model == "Kettler révisé"
    response = post(client, f"/parc/{unit.id}", _unit_data(db, serial_number=unit.serial_number, model="K",
                                                          location="Atelier Nîmes",
                                                          version=str(db.get(Ergocycle, unit.id).version)),
                    token_from=f"/parc/{unit.id}")
    assert response.status_code == 302
    assert "Atelier Nîmes" in client.get(f"/parc/{unit.id}").get_data(as_text=True)  # a dated movement too
    db.expire_all()
    assert db.scalar(select(Movement.location).order_by(Movement.id.desc()).limit(1)) == "Atelier Nîmes"
    assert client.get(f"/parc/programmes/{programme.id}").status_code == 403


def test_a_stale_unit_edit_is_refused_with_what_was_typed(client, db, desk):
    unit = make_unit(db)
    response = post(client, f"/parc/{unit.id}", _unit_data(db, serial_number=unit.serial_number, model="Typé ici",
                                                          version="99"), token_from=f"/parc/{unit.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "modifiée entre-temps" in body and "Typé ici" in body


def test_referent_reads_only_the_units_of_his_programmes(app, db):
    desk, referent = make_user(db, Role.ASSISTANTE), make_user(db, Role.REFERENT, sectors=("31",))
    mine, other = make_unit(db), make_unit(db)
    programme = make_fleet_programme(db, d0=D0, referent=referent)
    fleet.reserve(db, programme=programme, unit=mine, user=desk, now=NOW)
    client = app.test_client()
    login(client, referent)
    assert f"/parc/programmes/{programme.id}" in client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    body = client.get(f"/parc/programmes/{programme.id}").get_data(as_text=True)
    assert mine.serial_number in body and "Réserver" not in body and "Préparer la commande" not in body
    body = client.get(f"/parc/{mine.id}").get_data(as_text=True)
    assert mine.serial_number in body and "Modifier la fiche" not in body
    assert client.get(f"/parc/{other.id}").status_code == 404
    assert client.get("/parc/").status_code == 403
    assert post(client, f"/parc/{mine.id}/maintenance", {"performed_on": "01/03/2026", "description": "x"},
                token_from=f"/parc/{mine.id}").status_code == 403
    gestionnaire = app.test_client()
    login(gestionnaire, make_user(db, Role.GESTIONNAIRE))
    assert gestionnaire.get(f"/parc/{mine.id}").status_code == 403


def test_double_reservation_is_refused_in_french(client, db, desk):
    unit = make_unit(db)
    first, second = make_fleet_programme(db, d0=D0), make_fleet_programme(db, d0=D0)
    url = f"/parc/programmes/{first.id}"
    assert post(client, f"{url}/reserver", {"unit_id": unit.id}, token_from=url).status_code == 302
    response = post(client, f"/parc/programmes/{second.id}/reserver", {"unit_id": unit.id},
                    token_from=f"/parc/programmes/{second.id}")
    assert response.status_code == 400  # no longer in the list of available units
    assert "Choisissez un ergocycle disponible" in response.get_data(as_text=True)
    db.expire_all()
    assert fleet.programme_reservation(db, second) is None


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_delivery_order_pdf_confirmation_and_done_date(client, db, desk):
    unit, provider = make_unit(db), make_provider(db)
    programme = make_fleet_programme(db, d0=D0, name=SECRET)
    fleet.reserve(db, programme=programme, unit=unit, user=desk, now=NOW)
    url = f"/parc/programmes/{programme.id}"
    response = post(client, f"{url}/commandes", {"kind": "delivery", "provider_id": provider.id,
                                                 "planned_on": "06/03/2026"}, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    order = db.query(ProviderOrder).filter_by(programme_id=programme.id).one()
    pdf = client.get(f"/parc/commandes/{order.id}.pdf")
    text = _pdf_text(pdf.data)
    assert pdf.mimetype == "application/pdf"
    assert "Livraison d'ergocycle" in text and "8 impasse des Tilleuls" in text and "Digicode 4521B" in text
    assert "2e étage" in text and "14 marche(s)" in text and unit.serial_number in text and SECRET in text
    assert post(client, f"/parc/commandes/{order.id}/envoyer", {"channel": "pdf"}, token_from=url).status_code == 302
    assert post(client, f"/parc/commandes/{order.id}/confirmer", {}, token_from=url).status_code == 302
    bad = post(client, f"/parc/commandes/{order.id}/realisee", {"done_on": "31/02/2026"}, token_from=url)
    assert bad.status_code == 400 and "Date invalide" in bad.get_data(as_text=True)
    assert post(client, f"/parc/commandes/{order.id}/realisee", {"done_on": "02/03/2026"},
                token_from=url).status_code == 302
    db.expire_all()
    assert db.get(Ergocycle, unit.id).status == "at_patient"
    assert db.get(ProviderOrder, order.id).confirmed_at is not None


def test_maintenance_and_retirement_need_valid_input_and_confirmation(client, db, desk):
    unit = make_unit(db)
    url = f"/parc/{unit.id}"
    response = post(client, f"{url}/maintenance", {"performed_on": "32/13/2026", "description": "Courroie"},
                    token_from=url)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Date invalide" in body and "Courroie" in body
    assert post(client, f"{url}/maintenance", {"performed_on": "27/02/2026", "description": "Courroie changée"},
                token_from=url).status_code == 302
    response = post(client, f"{url}/statut", {"status": "retired", "location": "", "note": "HS"}, token_from=url)
    assert response.status_code == 400 and "Cochez la confirmation" in response.get_data(as_text=True)
    assert post(client, f"{url}/statut", {"status": "maintenance", "location": "Atelier", "note": "Révision"},
                token_from=url).status_code == 302
    body = client.get(url).get_data(as_text=True)
    assert "Courroie changée" in body and "Atelier" in body and "En maintenance" in body


def test_occupancy_highlights_a_shortage_by_week_and_model(client, db, desk):
    vll = make_unit(db, very_low_load=True)
    fleet.reserve(db, programme=make_fleet_programme(db, model="tres_faible_charge", d0=D0), unit=vll, user=desk,
                  now=NOW)
    make_fleet_programme(db, model="tres_faible_charge", d0=date(2026, 3, 23))
    body = client.get("/parc/occupation").get_data(as_text=True)
    assert "Pénurie prévue" in body and "très faible charge : 2 nécessaires pour 1 disponibles" in body
    assert "fleet-short" in body


def test_programme_fleet_page_warns_before_the_d0_is_promised(client, db, desk):
    vll = make_unit(db, very_low_load=True)
    fleet.reserve(db, programme=make_fleet_programme(db, model="tres_faible_charge", d0=D0), unit=vll, user=desk,
                  now=NOW)
    waiting = make_fleet_programme(db, model="tres_faible_charge", d0=date(2026, 3, 23), status=Status.VALIDE)
    body = client.get(f"/parc/programmes/{waiting.id}").get_data(as_text=True)
    assert "aucun appareil libre pour un J0 au 23/03/2026" in body and "Premier J0 possible" in body


def test_the_j0_screens_show_the_fleet_warning(client, db, desk):
    vll = make_unit(db, very_low_load=True)
    fleet.reserve(db, programme=make_fleet_programme(db, model="tres_faible_charge", d0=D0), unit=vll, user=desk,
                  now=NOW)
    waiting = make_fleet_programme(db, model="tres_faible_charge", status=Status.VALIDE)
    body = client.get(f"/programmes/{waiting.id}/entree/j0?verifier_j0=2026-03-23").get_data(as_text=True)
    assert "aucun appareil libre pour un J0 au 23/03/2026" in body
    body = client.get(f"/programmes/{waiting.id}?verifier_j0=23/03/2026").get_data(as_text=True)
    assert "aucun appareil libre pour un J0 au 23/03/2026" in body
    body = client.get(f"/programmes/{waiting.id}?verifier_j0=2026-09-28").get_data(as_text=True)
    assert "un appareil adapté sera libre pour ce J0" in body
    for absurd in ("9999-12-31", "0001-01-01"):  # a typo in the box never costs the page
        for url in (f"/programmes/{waiting.id}/entree/j0", f"/programmes/{waiting.id}"):
            response = client.get(f"{url}?verifier_j0={absurd}")
            assert response.status_code == 200 and "aucun appareil libre" not in response.get_data(as_text=True)
