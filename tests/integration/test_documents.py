"""The patient documents and the committee minutes as real PDFs: text extracted with pypdf, the
letterhead from the settings, every generation audited."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, CommitteeAttendee, CommitteeItem, CommitteeMeeting
from rehab.services import documents, plans
from tests.factories import NOW, login, make_patient, make_programme, make_user


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def programme(db):
    referent = make_user(db, Role.REFERENT, sectors=("31",), full_name="Bruno Lacaze")
    patient = make_patient(db, nom_naissance="ESCUDIER", prenoms="Marthe", adresse="4 impasse des Tilleuls",
                           code_postal="31500", ville="Toulouse")
    return make_programme(db, patient, status=Status.VALIDE, referent=referent)


@pytest.mark.parametrize(("code", "expected"), [
    ("information", "réhabilitation respiratoire"),
    ("adhesion", "adhésion"),
    ("qualite_de_vie", "qualité de vie"),
])
def test_patient_documents_are_pdfs_with_patient_and_letterhead(app, db, programme, code, expected):
    app.config.update(ASSOCIATION_NAME="Association Souffle Occitan", ASSOCIATION_PHONE="05 34 00 11 22")
    user = make_user(db, Role.ASSISTANTE)
    client = app.test_client()
    login(client, user)
    response = client.get(f"/programmes/{programme.id}/entree/document?type={code}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "ESCUDIER" in text and "4 impasse des Tilleuls" in text and "31500 Toulouse" in text
    assert "Association Souffle Occitan" in text and expected in text.lower()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "generate", AuditEvent.user_id == user.id))
    assert event.patient_id == programme.patient_id and event.detail["document"] == code


def test_personal_schedule_once_the_plan_exists(app, db, programme):
    user = make_user(db, Role.ASSISTANTE)
    client = app.test_client()
    login(client, user)
    url = f"/programmes/{programme.id}/entree/document?type=calendrier"
    refused = client.get(url, follow_redirects=True)
    assert "une fois le J0 fixé" in refused.get_data(as_text=True).replace("&#39;", "'")
    plans.fix_d0(db, programme=programme, d0=date(2026, 3, 9), user=user, now=NOW, today=NOW.date())
    text = _text(client.get(url).data)
    assert "lundi 9 mars 2026" in text and "Référent" in text


def test_unknown_document_is_refused_without_500(app, db, programme):
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    response = client.get(f"/programmes/{programme.id}/entree/document?type=../../etc", follow_redirects=True)
    assert response.status_code == 200 and "Document inconnu" in response.get_data(as_text=True)


def test_minutes_context_and_pdf(db, programme):
    medecin = make_user(db, Role.MEDECIN, full_name="Dr Hélène Vidal")
    meeting = CommitteeMeeting(meeting_date=date(2026, 3, 5), location="Salle Garonne", next_meeting=date(2026, 4, 2),
                               created_at=NOW, updated_at=NOW)
    meeting.attendees.append(CommitteeAttendee(user_id=medecin.id))
    meeting.items.append(CommitteeItem(programme_id=programme.id, kind="plan", recorded=True,
                                       objectives="Reprendre la marche", exercise_modality="fractionne",
                                       initial_load_w=15, ergocycle_model="standard",
                                       safety="Arrêt si SpO2 < 88 %", referent_id=programme.referent_id))
    db.add(meeting)
    db.flush()
    head = documents.letterhead({"ASSOCIATION_NAME": "Réhab Test", "ASSOCIATION_ADDRESS": ("1 rue A", "31000 Toulouse"),
                                 "ASSOCIATION_PHONE": "01", "ASSOCIATION_EMAIL": "a@b.fr"}, "/nonexistent")
    ctx = documents.minutes_context(meeting, head=head)
    assert ctx.items[0].exercise == "Fractionné ; charge initiale 15 W"
    assert ctx.attendees[0].role_label == "Médecin directeur"
    text = _text(documents.render_minutes(meeting, head=head))
    assert "Salle Garonne" in text and "ESCUDIER" in text and "Reprendre la marche" in text
    assert "Bruno Lacaze" in text and "Ergocycle standard" in text


def test_stored_documents_cannot_escape_their_folder(tmp_path):
    path, sha = documents.store_document(str(tmp_path), b"%PDF-1.4 x", folder="committee", now=NOW)
    assert documents.stored_path(str(tmp_path), path).read_bytes() == b"%PDF-1.4 x" and len(sha) == 64
    with pytest.raises(documents.ServiceError):
        documents.stored_path(str(tmp_path), "documents/../../etc/passwd")


def test_patient_envelope_sheet_has_sender_and_recipient(app, db, programme):
    app.config.update(ASSOCIATION_NAME="Association Souffle Occitan", ASSOCIATION_ADDRESS=("2 rue du Souffle",))
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    text = _text(client.get(f"/programmes/{programme.id}/entree/document?type=enveloppe").data)
    assert "Association Souffle Occitan" in text and "2 rue du Souffle" in text
    assert "ESCUDIER" in text and "31500 Toulouse" in text


def test_team_envelopes_skip_refusals(app, db, programme):
    from rehab.models import CareTeamMember, Professional

    def pro(name, kind):
        row = Professional(kind=kind, name=name, address="1 place du Marché", postal_code="31100", city="Toulouse",
                           department="31", created_at=NOW, updated_at=NOW)
        row.refresh_search_key()
        db.add(row)
        db.flush()
        return row

    agreed, refused = pro("Dr Paul Agréé", "medecin_traitant"), pro("MK Refusant", "kinesitherapeute")
    db.add_all([CareTeamMember(programme_id=programme.id, role="medecin_traitant", professional_id=agreed.id,
                               agreed_on=date(2026, 2, 27), created_at=NOW),
                CareTeamMember(programme_id=programme.id, role="paramedical", professional_id=refused.id,
                               refused_on=date(2026, 2, 27), created_at=NOW)])
    db.flush()
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    response = client.get(f"/programmes/{programme.id}/entree/equipe/enveloppes")
    text = _text(response.data)
    assert "Dr Paul Agréé" in text and "31100 Toulouse" in text and "MK Refusant" not in text
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "generate")).detail["sheets"] == 1
