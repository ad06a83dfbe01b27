"""Administration: accounts, roles, sectors and the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from rehab.domain.roles import Role
from rehab.models import User
from tests.factories import login, make_patient, make_programme, make_user, post


def _admin(app, db):
    client = app.test_client()
    admin = make_user(db, Role.ADMIN, full_name="Alain Admin")
    login(client, admin)
    return client, admin


def test_create_user_with_roles_and_sectors_then_login(app, db):
    client, _ = _admin(app, db)
    response = post(client, "/admin/utilisateurs/nouveau", {
        "username": "nadia", "full_name": "Nadia Cabrol", "email": "", "roles": ["referent", "coordinateur"],
        "sectors": ["11", "66"], "association_id": "0", "password": "un-mot-de-passe-long"})
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.username == "nadia"))
    assert user.roles == {Role.REFERENT, Role.COORDINATEUR} and user.sectors == {"11", "66"}
    other = app.test_client()
    login(other, "nadia", "un-mot-de-passe-long")


def test_user_form_errors_are_french_and_keep_input(app, db):
    client, _ = _admin(app, db)
    response = post(client, "/admin/utilisateurs/nouveau", {
        "username": "bad name!", "full_name": "Quelqu'un", "roles": [], "association_id": "0", "password": "court"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Choisissez au moins un rôle." in body and "Au moins 10 caractères." in body
    assert 'value="bad name!"' in body


def test_duplicate_username_is_refused(app, db):
    make_user(db, Role.REFERENT, username="marc")
    client, _ = _admin(app, db)
    response = post(client, "/admin/utilisateurs/nouveau", {
        "username": "Marc", "full_name": "Marc Bis", "roles": ["referent"], "association_id": "0",
        "password": "un-mot-de-passe-long"})
    assert response.status_code == 400
    assert "est déjà utilisé" in response.get_data(as_text=True)


def test_deactivation_needs_confirmation_and_admin_cannot_deactivate_self(app, db):
    client, admin = _admin(app, db)
    target = make_user(db, Role.REFERENT)
    response = post(client, f"/admin/utilisateurs/{target.id}/activation", {})
    assert "Cochez la case de confirmation" in client.get(response.location).get_data(as_text=True)
    db.expire_all()
    assert db.get(User, target.id).is_active_account
    post(client, f"/admin/utilisateurs/{admin.id}/activation", {"confirm": "y"})
    db.expire_all()
    assert db.get(User, admin.id).is_active_account


def test_reset_password_forces_change_and_ends_sessions(app, db):
    client, _ = _admin(app, db)
    target = make_user(db, Role.ASSISTANTE)
    their = app.test_client()
    login(their, target)
    response = post(client, f"/admin/utilisateurs/{target.id}/mot-de-passe", {"password": "nouveau-secret-123"})
    assert response.status_code == 302
    assert their.get("/patients/").status_code == 302
    login(their, target.username, "nouveau-secret-123")


def test_audit_log_lists_and_filters_patient_reads(app, db):
    patient = make_patient(db)
    programme = make_programme(db, patient)
    doctor = make_user(db, Role.MEDECIN, full_name="Dr Hélène Castaing")
    doc_client = app.test_client()
    login(doc_client, doctor)
    doc_client.get(f"/patients/{patient.id}")
    doc_client.get(f"/programmes/{programme.id}")
    client, _ = _admin(app, db)
    body = client.get(f"/admin/journal?patient_id={patient.id}&action=view").get_data(as_text=True)
    assert body.count("Consultation") >= 2 and "Dr Hélène Castaing" in body
    body = client.get("/admin/journal?action=login").get_data(as_text=True)
    assert "Connexion" in body
    body = client.get(f"/admin/journal?patient_id={patient.id}&start=01/01/2030").get_data(as_text=True)
    assert "Aucun événement" in body


def test_admin_sees_no_clinical_content(app, db):
    patient = make_patient(db, nom_naissance="CONFIDENTIEL")
    client, _ = _admin(app, db)
    assert client.get(f"/patients/{patient.id}").status_code == 403
    assert "CONFIDENTIEL" not in client.get("/admin/journal").get_data(as_text=True)
