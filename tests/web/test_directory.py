"""The directory through HTTP: create with RPPS/FINESS checks, search (JSON and plain GET), optimistic
edits, merging duplicates without losing a link, role checks, and the migration's free-text step."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from rehab.cli import alembic_config
from rehab.domain.roles import Role
from rehab.models import AuditEvent, Professional
from rehab.services import directory as service
from tests.factories import NOW, login, make_patient, make_user, post

VALID_RPPS = "10003456786"
FORM = {"kind": "pneumologue", "name": "Dr Paul Estrade", "first_name": "Paul", "last_name": "Estrade",
        "organisation": "Clinique des Cèdres", "rpps": VALID_RPPS, "finess": "", "address": "1 allée des Cèdres",
        "postal_code": "31700", "city": "Cornebarrieu", "department": "", "phone": "05 61 00 00 01",
        "email": "", "mssante": "paul.estrade@pneumo.mssante.fr", "preferred_channel": "mssante", "notes": ""}


def _client(app, db, role=Role.ASSISTANTE):
    client = app.test_client()
    login(client, make_user(db, role))
    return client


def make_pro(db, name="Dr Jean Souleil", kind="medecin_traitant", **extra):
    pro = Professional(kind=kind, name=name, preferred_channel="post", created_at=NOW, updated_at=NOW, **extra)
    pro.refresh_search_key()
    db.add(pro)
    db.flush()
    return pro


def test_create_checks_rpps_and_derives_department(app, db):
    client = _client(app, db)
    response = post(client, "/annuaire/nouveau", FORM)
    assert response.status_code == 302
    pro = db.scalar(select(Professional).where(Professional.rpps == VALID_RPPS))
    assert pro.department == "31" and pro.search_key.startswith("DR PAUL ESTRADE")
    assert db.scalar(select(AuditEvent).where(AuditEvent.object_type == "professional",
                                              AuditEvent.object_id == pro.id, AuditEvent.action == "create"))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rpps", "10003456787", "clé de contrôle"),
    ("rpps", "1234", "11 chiffres"),
    ("finess", "31AB", "FINESS comporte 9"),
    ("mssante", "", "indiquez l&#39;adresse MSSanté"),
    ("email", "pas-une-adresse", "Adresse électronique invalide"),
])
def test_create_refuses_bad_identifiers_keeping_what_was_typed(app, db, field, value, message):
    client = _client(app, db)
    response = post(client, "/annuaire/nouveau", {**FORM, field: value})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert message in body and "Clinique des Cèdres" in body
    assert db.scalar(select(Professional).where(Professional.name == "Dr Paul Estrade")) is None


def test_create_refuses_a_second_card_with_the_same_rpps(app, db):
    make_pro(db, "Dr P. Estrade", kind="pneumologue", rpps=VALID_RPPS)
    response = post(_client(app, db), "/annuaire/nouveau", FORM)
    assert response.status_code == 409 and "déjà dans l&#39;annuaire" in response.get_data(as_text=True)


def test_search_as_you_type_json_and_plain_get_form(app, db):
    make_pro(db, "Dr Jean Souleil", city="Toulouse")
    make_pro(db, "Dr Anne Soulié", kind="pneumologue", city="Albi")
    client = _client(app, db, Role.REFERENT)
    rows = client.get("/annuaire/recherche?q=soul tou").get_json()
    assert [r["name"] for r in rows] == ["Dr Jean Souleil"]
    assert rows[0]["label"] == "Dr Jean Souleil — Médecin traitant, Toulouse"
    assert [r["name"] for r in client.get("/annuaire/recherche?q=soul&type=pneumologue").get_json()] == [
        "Dr Anne Soulié"]
    body = client.get("/annuaire/?q=SOULIE").get_data(as_text=True)
    assert "Dr Anne Soulié" in body and "Dr Jean Souleil" not in body
    assert "js/directory-search.js" in body


def test_edit_with_stale_version_is_refused_and_keeps_input(app, db):
    pro = make_pro(db)
    client = _client(app, db)
    data = {**FORM, "kind": "medecin_traitant", "rpps": "", "preferred_channel": "post", "version": str(pro.version)}
    assert post(client, f"/annuaire/{pro.id}", {**data, "phone": "05 00 00 00 01"}).status_code == 302
    stale = post(client, f"/annuaire/{pro.id}", {**data, "phone": "05 99 99 99 99"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "modifiée par quelqu&#39;un d&#39;autre" in body and "05 99 99 99 99" in body
    db.expire_all()
    assert db.get(Professional, pro.id).phone == "05 00 00 00 01"


def test_merge_needs_confirmation_then_repoints_every_link(app, db):
    keep = make_pro(db, "Dr Jean Souleil", phone=None)
    duplicate = make_pro(db, "Dr J. Souleil", phone="05 61 11 11 11")
    patient = make_patient(db, medecin_traitant_id=duplicate.id)
    client = _client(app, db)
    page = client.get(f"/annuaire/{keep.id}/fusionner?duplicate_id={duplicate.id}").get_data(as_text=True)
    assert "Dr J. Souleil" in page and "Fusionner définitivement" in page
    unconfirmed = post(client, f"/annuaire/{keep.id}/fusionner", {"duplicate_id": str(duplicate.id)})
    assert unconfirmed.status_code == 400 and "Cochez la confirmation" in unconfirmed.get_data(as_text=True)
    db.expire_all()
    assert db.get(Professional, duplicate.id).merged_into_id is None
    done = post(client, f"/annuaire/{keep.id}/fusionner", {"duplicate_id": str(duplicate.id), "confirm": "y"})
    assert done.status_code == 302
    db.expire_all()
    merged = db.get(Professional, duplicate.id)
    assert merged.merged_into_id == keep.id and not merged.active
    assert db.get(Professional, keep.id).phone == "05 61 11 11 11"
    assert db.get(type(patient), patient.id).medecin_traitant_id == keep.id
    # The old card's URL lands on the kept one; search no longer offers the duplicate.
    assert client.get(f"/annuaire/{duplicate.id}").location.endswith(f"/annuaire/{keep.id}")
    assert [r["id"] for r in client.get("/annuaire/recherche?q=souleil").get_json()] == [keep.id]


def test_merge_refuses_the_same_card(app, db):
    pro = make_pro(db)
    response = post(_client(app, db), f"/annuaire/{pro.id}/fusionner", {"duplicate_id": str(pro.id),
                                                                         "confirm": "y"})
    assert response.status_code == 400 and "identique" in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "read", "write", "merge"), [
    (Role.ADMIN, 403, 403, 403),
    (Role.GESTIONNAIRE, 200, 403, 403),
    (Role.REFERENT, 200, 302, 403),
    (Role.MEDECIN, 200, 302, 403),
    (Role.COORDINATEUR, 200, 302, 200),
])
def test_directory_roles(app, db, role, read, write, merge):
    pro = make_pro(db)
    client = _client(app, db, role)
    assert client.get("/annuaire/").status_code == read
    assert client.get(f"/annuaire/{pro.id}").status_code == read
    assert client.get("/annuaire/recherche?q=sou").status_code == read
    data = {**FORM, "kind": "medecin_traitant", "rpps": "", "preferred_channel": "post", "version": "1"}
    assert post(client, f"/annuaire/{pro.id}", data).status_code == write
    assert client.get(f"/annuaire/{pro.id}/fusionner").status_code == merge


def test_unknown_card_is_404(app, db):
    assert _client(app, db).get("/annuaire/999999").status_code == 404


def test_merge_service_repoints_foreign_keys_of_any_table(db):
    keep, duplicate = make_pro(db, "A"), make_pro(db, "B")
    patient = make_patient(db, pneumologue_id=duplicate.id, medecin_traitant_id=duplicate.id)
    user = make_user(db, Role.COORDINATEUR)
    result = service.merge(db, keep=keep, duplicate=duplicate, user=user, now=NOW)
    assert result.repointed == {"patients.medecin_traitant_id": 1, "patients.pneumologue_id": 1}
    db.refresh(patient)
    assert patient.pneumologue_id == keep.id


def test_migration_links_free_text_doctors(tmp_path: Path):
    """The 0003 data step: one card per distinct text, every patient linked, the free text kept."""
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0002")
    engine = sa.create_engine(url)
    insert = sa.text("INSERT INTO patients (nom_naissance, prenoms, date_naissance, sexe, medecin_traitant, "
                     "pneumologue, search_key, created_at, updated_at, version) VALUES ('X', 'Y', '1950-01-01', "
                     "'F', :gp, :pneumo, 'X', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)")
    with engine.begin() as conn:
        for gp, pneumo in (("Dr Dupont, Albi", None), ("Dr Dupont, Albi", "Dr Lévy\nCHU Purpan"), (None, None)):
            conn.execute(insert, {"gp": gp, "pneumo": pneumo})
    command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        pros = conn.execute(sa.text("SELECT id, kind, name FROM professionals ORDER BY id")).all()
        links = conn.execute(sa.text("SELECT medecin_traitant, medecin_traitant_id, pneumologue_id "
                                     "FROM patients ORDER BY id")).all()
    engine.dispose()
    assert [(k, n) for _i, k, n in pros] == [("medecin_traitant", "Dr Dupont, Albi"), ("pneumologue", "Dr Lévy")]
    gp_id, pneumo_id = pros[0][0], pros[1][0]
    assert links == [("Dr Dupont, Albi", gp_id, None), ("Dr Dupont, Albi", gp_id, pneumo_id), (None, None, None)]


PATIENT_FORM = {
    "nom_naissance": "Sarda", "nom_usage": "", "prenoms": "Éliane", "date_naissance": "17/04/1952", "sexe": "F",
    "ins_matricule": "", "ins_status": "", "adresse": "", "code_postal": "81000", "ville": "Albi",
    "department": "", "telephone": "", "telephone2": "", "email": "", "aidant_nom": "", "aidant_lien": "",
    "aidant_telephone": "", "medecin_traitant": "Dr Souleil (texte libre)", "pneumologue": "",
}


def test_patient_form_links_the_doctors_to_the_directory_keeping_the_free_text(app, db):
    gp, pneumo = make_pro(db, "Dr Jean Souleil"), make_pro(db, "Dr Anne Soulié", kind="pneumologue")
    patient = make_patient(db)
    client = _client(app, db)
    form_page = client.get(f"/patients/{patient.id}/modifier").get_data(as_text=True)
    assert "data-directory-picker" in form_page and "Dr Jean Souleil — Médecin traitant" in form_page
    data = {**PATIENT_FORM, "medecin_traitant_id": str(gp.id), "pneumologue_id": str(pneumo.id),
            "version": str(patient.version)}
    assert post(client, f"/patients/{patient.id}/modifier", data).status_code == 302
    db.expire_all()
    saved = db.get(type(patient), patient.id)
    assert (saved.medecin_traitant_id, saved.pneumologue_id) == (gp.id, pneumo.id)
    assert saved.medecin_traitant == "Dr Souleil (texte libre)"
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Dr Souleil (texte libre)" in page and f"/annuaire/{gp.id}" in page
    bad = post(client, f"/patients/{patient.id}/modifier", {**data, "medecin_traitant_id": "999999",
                                                              "version": str(saved.version)})
    assert bad.status_code == 400 and "n&#39;existe pas dans l&#39;annuaire" in bad.get_data(as_text=True)
    unlinked = post(client, f"/patients/{patient.id}/modifier", {**data, "medecin_traitant_id": "",
                                                                   "version": str(saved.version)})
    assert unlinked.status_code == 302
    db.expire_all()
    assert db.get(type(patient), patient.id).medecin_traitant_id is None
