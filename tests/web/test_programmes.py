"""Programmes through HTTP: opening, the life cycle and its refusals, assignment, history."""

from __future__ import annotations

from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Programme, ProgrammeTransition
from tests.factories import login, make_patient, make_programme, make_user, post


def _client(app, db, *roles, **kw):
    client = app.test_client()
    user = make_user(db, *roles, **kw)
    login(client, user)
    return client, user


def test_open_programme_then_refuse_a_second_active_one(app, db):
    patient = make_patient(db)
    client, _ = _client(app, db, Role.ASSISTANTE)
    response = post(client, f"/patients/{patient.id}/programmes/nouveau", {"referral_date": "20/02/2026",
                                                                          "association_id": "0"})
    assert response.status_code == 302
    programme = db.scalar(select(Programme).where(Programme.patient_id == patient.id))
    assert programme.status == "demande" and programme.department == "31"
    response = post(client, f"/patients/{patient.id}/programmes/nouveau", {"referral_date": "", "association_id": "0"})
    assert response.status_code == 409
    assert "déjà un programme actif" in response.get_data(as_text=True)


def test_future_referral_date_is_refused(app, db):
    patient = make_patient(db)
    client, _ = _client(app, db, Role.ASSISTANTE)
    response = post(client, f"/patients/{patient.id}/programmes/nouveau", {"referral_date": "01/01/2027",
                                                                          "association_id": "0"})
    assert response.status_code == 400
    assert "ne peut pas être dans le futur" in response.get_data(as_text=True)


def _step(client, programme, target, reason="", version=None):
    return post(client, f"/programmes/{programme.id}/etape",
                {"target": target, "reason": reason, "version": str(version or programme.version)})


def test_full_path_records_who_when_why(app, db):
    patient = make_patient(db)
    programme = make_programme(db, patient)
    desk, desk_user = _client(app, db, Role.ASSISTANTE)
    doctor, _ = _client(app, db, Role.MEDECIN)
    assert _step(desk, programme, "dossier_complet").status_code == 302
    assert _step(doctor, programme, "valide", version=2).status_code == 302
    db.expire_all()
    history = db.scalars(select(ProgrammeTransition).where(ProgrammeTransition.programme_id == programme.id)
                         .order_by(ProgrammeTransition.id)).all()
    assert [h.to_status for h in history] == ["demande", "dossier_complet", "valide"]
    assert history[1].user_id == desk_user.id
    page = desk.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Demande → Dossier complet" in page and "Dossier complet → Validé" in page


def test_forbidden_transition_gets_a_french_message(app, db):
    programme = make_programme(db, make_patient(db))
    desk, _ = _client(app, db, Role.ASSISTANTE)
    response = _step(desk, programme, "en_cours")
    assert response.status_code == 409
    assert "Passage impossible de « Demande » à « En cours »" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Programme, programme.id).status == "demande"


def test_only_the_doctor_validates(app, db):
    programme = make_programme(db, make_patient(db), status=Status.DOSSIER_COMPLET)
    desk, _ = _client(app, db, Role.ASSISTANTE)
    response = _step(desk, programme, "valide")
    assert response.status_code == 409
    assert "est réservé à : Médecin directeur" in response.get_data(as_text=True)


def test_reason_required_for_interruption_and_kept_on_error(app, db):
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS)
    coord, _ = _client(app, db, Role.COORDINATEUR)
    response = _step(coord, programme, "interrompu", reason="   ")
    assert response.status_code == 409
    assert "Un motif est obligatoire" in response.get_data(as_text=True)
    assert _step(coord, programme, "interrompu", reason="Hospitalisation prolongée").status_code == 302
    db.expire_all()
    assert db.get(Programme, programme.id).status == "interrompu"
    response = _step(coord, programme, "en_cours", version=2)
    assert "état définitif" in response.get_data(as_text=True)


def test_stale_transition_is_409_and_keeps_reason(app, db):
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS)
    coord, _ = _client(app, db, Role.COORDINATEUR)
    other, _ = _client(app, db, Role.ASSISTANTE)
    assert _step(other, programme, "suivi").status_code == 302
    response = _step(coord, programme, "interrompu", reason="Motif détaillé saisi", version=1)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "modifié par quelqu" in body and "Motif détaillé saisi" in body


def test_unknown_target_is_a_french_400(app, db):
    programme = make_programme(db, make_patient(db))
    desk, _ = _client(app, db, Role.ASSISTANTE)
    response = _step(desk, programme, "nimporte")
    assert response.status_code == 400
    assert "Étape inconnue" in response.get_data(as_text=True)


def test_assign_referent_makes_it_visible_to_them(app, db):
    patient = make_patient(db, department="34")
    programme = make_programme(db, patient)
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    ref_client = app.test_client()
    login(ref_client, referent)
    assert ref_client.get(f"/programmes/{programme.id}").status_code == 404
    desk, _ = _client(app, db, Role.ASSISTANTE)
    response = post(desk, f"/programmes/{programme.id}/attribution",
                    {"referent_id": str(referent.id), "association_id": "0", "notes": "", "version": "1"})
    assert response.status_code == 302
    assert ref_client.get(f"/programmes/{programme.id}").status_code == 200
    assert "Mes patients" in ref_client.get("/").get_data(as_text=True)


def test_assigning_a_non_referent_is_refused(app, db):
    programme = make_programme(db, make_patient(db))
    gest = make_user(db, Role.GESTIONNAIRE)
    desk, _ = _client(app, db, Role.ASSISTANTE)
    response = post(desk, f"/programmes/{programme.id}/attribution",
                    {"referent_id": str(gest.id), "association_id": "0", "notes": "", "version": "1"})
    assert response.status_code == 400
    assert "pas un référent de programme actif" in response.get_data(as_text=True)


def test_double_submit_of_a_transition_is_harmless(app, db):
    programme = make_programme(db, make_patient(db))
    desk, _ = _client(app, db, Role.ASSISTANTE)
    assert _step(desk, programme, "dossier_complet", version=1).status_code == 302
    second = _step(desk, programme, "dossier_complet", version=1)
    assert second.status_code == 409
    db.expire_all()
    assert len(db.get(Programme, programme.id).transitions) == 2
