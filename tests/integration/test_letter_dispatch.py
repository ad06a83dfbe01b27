"""Dispatch of a validated synthesis through a real local SMTP server (aiosmtpd on 127.0.0.1): the PDF is
attached, a refused connection is logged and retried, and nothing is ever sent twice."""

from __future__ import annotations

import hashlib
from datetime import date
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, CareTeamMember, LetterDispatch, LetterVersion, Professional, User
from rehab.services import letter_dispatch, letters
from reports.context import Letterhead
from tests.conftest import free_port
from tests.factories import NOW, make_patient, make_programme, make_user

HEAD = Letterhead(name="Réhab Domicile", address_lines=("1 rue Test", "31000 Toulouse"), phone="", email="")


@pytest.fixture
def validated(db, tmp_path):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    coordinateur, medecin = make_user(db, Role.COORDINATEUR), make_user(db, Role.MEDECIN)
    assistante = make_user(db, Role.ASSISTANTE)
    patient = make_patient(db, nom_naissance="FOURCADE", prenoms="Marcelle")
    programme = make_programme(db, patient, status=Status.EN_COURS, referent=referent, d0=date(2025, 12, 1))
    pro = Professional(kind="pneumologue", name="Dr Estrade", mssante="estrade@pneumo.mssante.fr",
                       preferred_channel="mssante")
    db.add(pro)
    db.flush()
    db.add(CareTeamMember(programme_id=programme.id, role="pneumologue", professional_id=pro.id, created_at=NOW))
    version = letters.start(db, programme=programme, kind="initiale", user=referent, now=NOW)
    letters.submit(db, version=version, user=referent, now=NOW)
    letters.review(db, version=version, comments="", passed=True, user=coordinateur, now=NOW)
    letters.validate(db, version=version, user=medecin, now=NOW, today=NOW.date(), head=HEAD, root=str(tmp_path))
    return version, assistante


def config(port: int) -> dict[str, object]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5,
            "MAIL_FROM": "coordination@rehab.invalid"}


def test_the_smtp_server_receives_the_pdf_without_the_patient_name_in_the_subject(db, tmp_path, smtp, validated):
    inbox, port = smtp
    version, assistante = validated
    failed = letter_dispatch.send_electronic(db, version=version, config=config(port), root=str(tmp_path),
                                             user=assistante, now=NOW)
    assert failed == 0
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "estrade@pneumo.mssante.fr"
    subject = str(make_header(decode_header(message["Subject"])))
    assert "FOURCADE" not in subject and "Marcelle" not in subject
    assert subject == f"Synthèse initiale — programme n° {version.letter.programme_id}"
    pdf = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    assert hashlib.sha256(pdf.get_payload(decode=True)).hexdigest() == version.sha256
    assert version.state == "dispatched"  # the initial synthesis goes to the team only


def test_refused_connection_is_logged_then_retried_without_duplicates(db, tmp_path, smtp, validated):
    inbox, port = smtp
    version, assistante = validated
    closed = free_port()
    failed = letter_dispatch.send_electronic(db, version=version, config=config(closed), root=str(tmp_path),
                                             user=assistante, now=NOW)
    assert failed == 1
    row = db.scalar(select(LetterDispatch).where(LetterDispatch.version_id == version.id))
    assert row.status == "failed" and row.attempts == 1 and "127.0.0.1" in row.last_error
    logged = db.scalars(select(AuditEvent).where(AuditEvent.action == "dispatch",
                                                 AuditEvent.object_id == version.id)).all()
    assert logged[-1].detail["status"] == "failed"
    assert version.state == "validated"

    letter_dispatch.send_one(db, dispatch=row, config=config(port), root=str(tmp_path), user=assistante, now=NOW)
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None
    for _ in range(2):  # a double click, a second « send all »: nothing goes out again
        letter_dispatch.send_one(db, dispatch=row, config=config(port), root=str(tmp_path), user=assistante,
                                 now=NOW)
        letter_dispatch.send_electronic(db, version=version, config=config(port), root=str(tmp_path),
                                        user=assistante, now=NOW)
    assert len(inbox.messages) == 1
    assert db.scalar(select(LetterDispatch.attempts).where(LetterDispatch.id == row.id)) == 2
    assert len(version.dispatches) == 1


def test_cli_verify_detects_an_altered_frozen_letter(runner, db, tmp_path, validated):
    version, _ = validated
    ok = runner.invoke(args=["letters", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intactes" in ok.output
    (tmp_path / version.pdf_path).write_bytes(b"%PDF-1.4 falsified")
    bad = runner.invoke(args=["letters", "verify"])
    assert bad.exit_code == 1
    assert "altéré" in bad.output


def test_two_simultaneous_sends_deliver_one_message(db, connection, tmp_path, smtp, validated):
    """Two requests opened the dispatch page at once: each holds the row as « to send » in its own session. The
    second, once the first has sent, takes the lock, re-reads the row and sends nothing."""
    inbox, port = smtp
    version, assistante = validated
    row = letter_dispatch.prepare(db, version=version, user=assistante, now=NOW)[0]
    other = OrmSession(bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False)
    try:
        stale_row = other.get_one(LetterDispatch, row.id)
        stale_version, stale_user = other.get_one(LetterVersion, version.id), other.get_one(User, assistante.id)
        assert stale_row.status == "pending" and stale_version.dispatches == [stale_row]
        letter_dispatch.send_electronic(db, version=version, config=config(port), root=str(tmp_path),
                                        user=assistante, now=NOW)
        assert row.status == "sent" and len(inbox.messages) == 1
        assert stale_row.status == "pending"  # what the second request still believes
        letter_dispatch.send_one(other, dispatch=stale_row, config=config(port), root=str(tmp_path),
                                 user=stale_user, now=NOW)
        letter_dispatch.send_electronic(other, version=stale_version, config=config(port), root=str(tmp_path),
                                        user=stale_user, now=NOW)
        assert stale_row.status == "sent" and stale_row.attempts == 1
    finally:
        other.close()
    assert len(inbox.messages) == 1
