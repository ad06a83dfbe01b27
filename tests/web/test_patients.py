"""Patients through HTTP: registration, duplicates, search, edits, stale forms and the audit trail."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from rehab.domain.roles import Role
from rehab.models import AuditEvent, Patient
from tests.factories import csrf_token, login, make_patient, make_programme, make_user, post

FORM = {
    "nom_naissance": "Sarda", "nom_usage": "", "prenoms": "Éliane", "date_naissance": "17/04/1952", "sexe": "F",
    "ins_matricule": "", "ins_status": "", "adresse": "3 chemin du Moulin", "code_postal": "81000", "ville": "Albi",
    "department": "", "telephone": "05 63 00 00 00", "telephone2": "", "email": "", "aidant_nom": "",
    "aidant_lien": "", "aidant_telephone": "", "medecin_traitant": "Dr Bessière", "pneumologue": "Dr Soulié",
}


def _desk(app, db):
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    return client


def test_create_patient_derives_department_and_audits(app, db):
    client = _desk(app, db)
    response = post(client, "/patients/nouveau", FORM)
    assert response.status_code == 302
    patient = db.scalar(select(Patient).where(Patient.nom_naissance == "SARDA"))
    assert patient.department == "81" and patient.prenoms == "Éliane"
    page = client.get(response.location).get_data(as_text=True)
    assert "SARDA Éliane" in page and "17/04/1952" in page
    actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.patient_id == patient.id)))
    assert {"create", "view"} <= actions


def test_duplicate_patient_warns_and_links_instead_of_creating(app, db):
    existing = make_patient(db, nom_naissance="SARDA", prenoms="Eliane", date_naissance=date(1952, 4, 17))
    client = _desk(app, db)
    response = post(client, "/patients/nouveau", FORM)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "existe déjà" in body and f"/patients/{existing.id}" in body
    assert 'value="3 chemin du Moulin"' in body  # what was typed is kept
    assert db.scalar(select(func.count()).select_from(Patient).where(Patient.nom_naissance == "SARDA")) == 1
    response = post(client, "/patients/nouveau", {**FORM, "confirm_duplicate": "y"})
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(Patient).where(Patient.nom_naissance == "SARDA")) == 2


def test_malformed_and_future_dates_get_french_messages_and_keep_input(app, db):
    client = _desk(app, db)
    response = post(client, "/patients/nouveau", {**FORM, "date_naissance": "31/02/1952"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Date invalide" in body and 'value="31/02/1952"' in body and 'value="Sarda"' in body
    response = post(client, "/patients/nouveau", {**FORM, "date_naissance": "01/01/2030"})
    assert "ne peut pas être dans le futur" in response.get_data(as_text=True)
    response = post(client, "/patients/nouveau", {**FORM, "nom_naissance": "", "telephone": "12"})
    body = response.get_data(as_text=True)
    assert "Le nom de naissance est obligatoire." in body and "Numéro de téléphone invalide" in body


def test_search_by_name_without_accents_and_by_birth_date(app, db):
    make_patient(db, nom_naissance="SÉGUÉLA", prenoms="Noël", date_naissance=date(1948, 12, 25))
    make_patient(db, nom_naissance="PUJOL", prenoms="René")
    client = _desk(app, db)
    body = client.get("/patients/?q=seguela").get_data(as_text=True)
    assert "SÉGUÉLA" in body and "PUJOL" not in body
    body = client.get("/patients/?born=25/12/1948").get_data(as_text=True)
    assert "SÉGUÉLA" in body and "PUJOL" not in body
    body = client.get("/patients/?born=pas-une-date").get_data(as_text=True)
    assert "Date invalide" in body


def test_stale_edit_answers_409_keeps_input_and_shows_the_other_change(app, db):
    patient = make_patient(db, nom_naissance="FABRE", prenoms="Jean", ville="Rodez", code_postal="12000",
                           department="12")
    alice, bob = _desk(app, db), _desk(app, db)
    form_page = alice.get(f"/patients/{patient.id}/modifier").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form_page
    base = {**FORM, "nom_naissance": "FABRE", "prenoms": "Jean", "code_postal": "12000", "ville": "Rodez",
            "department": "12", "version": "1"}
    # Bob saves first.
    assert post(bob, f"/patients/{patient.id}/modifier", {**base, "telephone": "06 11 22 33 44"}).status_code == 302
    # Alice saves her own change on the old version.
    response = post(alice, f"/patients/{patient.id}/modifier", {**base, "adresse": "99 avenue Nouvelle"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "modifié par quelqu&#39;un d&#39;autre" in body
    assert 'value="99 avenue Nouvelle"' in body  # her input is kept
    assert "06 11 22 33 44" in body  # Bob's change is shown
    db.expire_all()
    assert db.get(Patient, patient.id).adresse != "99 avenue Nouvelle"
    # Having reviewed, she saves again deliberately: the form now carries the current version.
    response = post(alice, f"/patients/{patient.id}/modifier",
                    {**base, "adresse": "99 avenue Nouvelle", "telephone": "06 11 22 33 44", "version": "2"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Patient, patient.id).adresse == "99 avenue Nouvelle"


def test_edit_is_audited_with_field_changes(app, db):
    patient = make_patient(db, nom_naissance="MARTY", prenoms="René", code_postal="31000", department="31")
    client = _desk(app, db)
    data = {**FORM, "nom_naissance": "MARTY", "prenoms": "René", "code_postal": "31000", "department": "31",
            "ville": "Toulouse", "version": "1", "telephone": "05 61 99 99 99"}
    assert post(client, f"/patients/{patient.id}/modifier", data).status_code == 302
    row = db.scalar(select(AuditEvent).where(AuditEvent.patient_id == patient.id, AuditEvent.action == "update"))
    assert row.detail["changes"]["telephone"] == ["05 61 00 00 00", "05 61 99 99 99"]
    assert row.ip


def test_view_of_patient_and_programme_is_audited(app, db):
    patient = make_patient(db)
    programme = make_programme(db, patient)
    user = make_user(db, Role.MEDECIN)
    client = app.test_client()
    login(client, user)
    client.get(f"/patients/{patient.id}")
    client.get(f"/programmes/{programme.id}")
    rows = db.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.action == "view")).all()
    assert {(r.object_type, r.object_id) for r in rows} == {("patient", patient.id), ("programme", programme.id)}


def test_ins_is_validated_and_never_in_a_url(app, db):
    client = _desk(app, db)
    response = post(client, "/patients/nouveau", {**FORM, "ins_matricule": "123"})
    assert "Le matricule INS comporte 13 ou 15 caractères" in response.get_data(as_text=True)
    response = post(client, "/patients/nouveau", {**FORM, "ins_matricule": "252047512345678",
                                                  "ins_status": "qualifiee"})
    assert response.status_code == 302
    assert "252047512345678" not in response.location


def test_unknown_patient_is_a_french_404(app, db):
    client = _desk(app, db)
    response = client.get("/patients/999999")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert csrf_token(client)
