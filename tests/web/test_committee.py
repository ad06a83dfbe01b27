"""The concertation committee through HTTP: agenda filling, care project, référent suggestion,
quorum, closing (frozen, minutes PDF, next tasks)."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, CommitteeItem, CommitteeMeeting, Task
from rehab.services import committee as service
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task


@pytest.fixture
def team(db):
    return {"medecin": make_user(db, Role.MEDECIN, full_name="Dr Alix Médecin"),
            "coord": make_user(db, Role.COORDINATEUR, full_name="Camille Coordinatrice"),
            "assistante": make_user(db, Role.ASSISTANTE, full_name="Anne Assistante"),
            "ref31": make_user(db, Role.REFERENT, sectors=("31",), full_name="Bruno Référent"),
            "ref31b": make_user(db, Role.REFERENT, sectors=("31",), full_name="Albert Référent"),
            "ref34": make_user(db, Role.REFERENT, sectors=("34",), full_name="Zoé Référente")}


@pytest.fixture
def waiting(db):
    patient = make_patient(db, nom_naissance="CASTAGNE", prenoms="Odette", department="31")
    return make_programme(db, patient, status=Status.VALIDE)


def _create(client, team, attendees=("medecin", "coord", "assistante")):
    response = post(client, "/comite/", {"meeting_date": "05/03/2026", "location": "Salle A",
                                         "attendees": [team[k].id for k in attendees]}, token_from="/comite/")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _project(**overrides):
    data = {"objectives": "Marcher 30 minutes par jour", "competences": "Gestion de l'essoufflement",
            "exercise_modality": "intermittent", "initial_load_w": "20", "ergocycle_model": "tres_faible_charge",
            "safety": "SpO2 > 88 %", "referent_id": "0", "decision": "", "exercise_notes": "", "notes": ""}
    data.update(overrides)
    return data


def test_agenda_fills_itself_with_validated_programmes_and_ruptures(app, db, team, waiting):
    followed = make_programme(db, make_patient(db, nom_naissance="RUPTURE"), status=Status.SUIVI)
    make_task(db, followed, due=NOW.date(), code="rupture_committee", role="coordinateur")
    make_programme(db, make_patient(db, nom_naissance="PASENCORE"), status=Status.DOSSIER_COMPLET)
    client = app.test_client()
    login(client, team["assistante"])
    body = client.get("/comite/").get_data(as_text=True)
    assert "CASTAGNE" in body and "RUPTURE" in body and "PASENCORE" not in body
    meeting_id = _create(client, team)
    meeting = db.get(CommitteeMeeting, meeting_id)
    assert {(i.programme_id, i.kind) for i in meeting.items} == {(waiting.id, "plan"), (followed.id, "rupture")}


def test_double_submitted_meeting_is_created_once(app, db, team):
    client = app.test_client()
    login(client, team["assistante"])
    _create(client, team)
    response = post(client, "/comite/", {"meeting_date": "05/03/2026", "location": "Salle A"},
                    token_from="/comite/")
    assert response.status_code == 400 and "existe déjà à cette date" in html.unescape(response.get_data(as_text=True))
    assert "Salle A" in response.get_data(as_text=True)


def test_agenda_sources_registry_lets_other_areas_add_dossiers(db, waiting):
    other = make_programme(db, make_patient(db), status=Status.EN_COURS)
    service.register_agenda_source("event", lambda session: [other], "Événement intercurrent")
    try:
        kinds = {(e.kind, e.programme.id) for e in service.waiting(db)}
        assert ("event", other.id) in kinds and ("plan", waiting.id) in kinds
    finally:
        service._SOURCES.pop("event")


def test_referent_suggestion_by_department_then_load(db, team, waiting):
    busy = make_programme(db, make_patient(db), status=Status.EN_COURS, referent=team["ref31b"])
    for day in (3, 4, 5):
        make_task(db, busy, due=date(2026, 3, day))
    make_task(db, busy, due=date(2026, 6, 1))  # beyond 4 weeks: not counted
    suggestions = service.suggest_referents(db, department="31", today=NOW.date())
    names = [(s.user.full_name, s.load, s.in_sector) for s in suggestions]
    assert names[:2] == [("Bruno Référent", 0, True), ("Albert Référent", 3, True)]
    assert names[-1][2] is False


def test_care_project_assigns_the_referent_and_is_audited(app, db, team, waiting):
    client = app.test_client()
    login(client, team["assistante"])
    meeting_id = _create(client, team)
    item = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id))
    page = client.get(f"/comite/{meeting_id}/points/{item.id}").get_data(as_text=True)
    assert "Bruno Référent — 0 tâche(s)" in page and "secteur du patient" in page
    response = post(client, f"/comite/{meeting_id}/points/{item.id}",
                    _project(referent_id=str(team["ref31"].id)))
    assert response.status_code == 302
    db.expire_all()
    assert waiting.referent_id == team["ref31"].id
    assert item.recorded and item.initial_load_w == 20 and item.ergocycle_model == "tres_faible_charge"
    assert db.scalar(select(AuditEvent).where(AuditEvent.object_type == "committee_item",
                                              AuditEvent.action == "update"))


def test_absurd_load_and_missing_objectives_keep_what_was_typed(app, db, team, waiting):
    client = app.test_client()
    login(client, team["assistante"])
    meeting_id = _create(client, team)
    item = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id))
    response = post(client, f"/comite/{meeting_id}/points/{item.id}",
                    _project(initial_load_w="900", objectives="", safety="Arrêt si douleur thoracique"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "entre 0 et 300 W" in body and "Arrêt si douleur thoracique" in body
    response = post(client, f"/comite/{meeting_id}/points/{item.id}", _project(objectives="", safety="Garder"))
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Indiquez les objectifs" in body and "Garder" in body


def test_rupture_needs_a_decision_and_items_can_be_removed_or_added_back(app, db, team, waiting):
    followed = make_programme(db, make_patient(db, nom_naissance="RUPTURE"), status=Status.SUIVI)
    make_task(db, followed, due=NOW.date(), code="rupture_committee", role="coordinateur")
    client = app.test_client()
    login(client, team["medecin"])
    meeting_id = _create(client, team)
    rupture = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id,
                                                   CommitteeItem.kind == "rupture"))
    response = post(client, f"/comite/{meeting_id}/points/{rupture.id}", _project(objectives=""))
    assert response.status_code == 409 and "décision du comité" in html.unescape(response.get_data(as_text=True))
    ok = post(client, f"/comite/{meeting_id}/points/{rupture.id}",
              _project(objectives="", decision="Renforcement du suivi"))
    assert ok.status_code == 302
    plan = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id,
                                                CommitteeItem.kind == "plan"))
    assert post(client, f"/comite/{meeting_id}/points/{plan.id}/retirer").status_code == 302
    db.expire_all()
    assert {i.kind for i in db.get(CommitteeMeeting, meeting_id).items} == {"rupture"}
    assert post(client, f"/comite/{meeting_id}/ordre-du-jour").status_code == 302
    db.expire_all()
    assert {i.kind for i in db.get(CommitteeMeeting, meeting_id).items} == {"rupture", "plan"}


def test_closing_needs_the_quorum(app, db, team, waiting):
    client = app.test_client()
    login(client, team["assistante"])
    meeting_id = _create(client, team, attendees=("medecin", "assistante"))
    item = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id))
    post(client, f"/comite/{meeting_id}/points/{item.id}", _project())
    response = post(client, f"/comite/{meeting_id}/cloture", {"confirm": "y"})
    assert response.status_code == 409
    assert "il manque coordinateur" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(CommitteeMeeting, meeting_id).closed_at is None


def test_closing_without_confirmation_is_refused(app, db, team, waiting):
    client = app.test_client()
    login(client, team["assistante"])
    meeting_id = _create(client, team)
    response = post(client, f"/comite/{meeting_id}/cloture", {})
    assert response.status_code == 400 and "Cochez la confirmation" in response.get_data(as_text=True)


def test_closing_freezes_produces_minutes_and_contact_tasks(app, db, team, waiting):
    client = app.test_client()
    login(client, team["coord"])
    meeting_id = _create(client, team)
    item = db.scalar(select(CommitteeItem).where(CommitteeItem.meeting_id == meeting_id))
    post(client, f"/comite/{meeting_id}/points/{item.id}", _project(referent_id=str(team["ref31"].id)))
    response = post(client, f"/comite/{meeting_id}/cloture", {"confirm": "y"})
    assert response.status_code == 302
    db.expire_all()
    meeting = db.get(CommitteeMeeting, meeting_id)
    assert meeting.closed_at is not None and len(meeting.minutes_sha256) == 64
    task = db.scalar(select(Task).where(Task.programme_id == waiting.id, Task.code == "contact_patient"))
    assert (task.batch, task.occurrence, task.role, task.due_date) == (-2, item.id, "assistante", date(2026, 3, 6))
    pdf = client.get(f"/comite/{meeting_id}/compte-rendu.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "CASTAGNE" in text and "Marcher 30 minutes" in text and "Bruno Référent" in text
    assert "Dr Alix Médecin" in text
    # frozen: no more edits, and the programme no longer waits
    again = post(client, f"/comite/{meeting_id}/points/{item.id}", _project(objectives="Autre"))
    assert again.status_code == 409 and "clôturée" in again.get_data(as_text=True)
    assert waiting.id not in {e.programme.id for e in service.waiting(db)}
    desk = app.test_client()
    login(desk, team["assistante"])
    assert "Contacter le patient" in desk.get("/ma-journee").get_data(as_text=True)


def test_referent_cannot_open_the_committee(app, db, team):
    client = app.test_client()
    login(client, team["ref31"])
    assert client.get("/comite/").status_code == 403


def test_unknown_meeting_is_404(app, db, team):
    client = app.test_client()
    login(client, team["medecin"])
    assert client.get("/comite/99999").status_code == 404
