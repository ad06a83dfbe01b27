"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1), the development outbox, and a refused
connection that is recorded and retried with backoff — never a duplicate."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Reminder
from rehab.services import mailer
from rehab.services.reminder_delivery import Delivery, sweep
from tests.conftest import free_port
from tests.factories import NOW, make_patient, make_programme, make_user
from tests.plan_factories import make_task


def test_a_message_with_an_attachment_reaches_a_real_smtp_server(smtp):
    inbox, port = smtp
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_FROM": "Réhab <rehab@example.org>"}
    where = mailer.send(config, to="medecin@example.org", subject="Synthèse — programme n° 12",
                        body="Bonjour,\nCi-joint la synthèse.\n",
                        attachments=[mailer.Attachment("synthese.pdf", b"%PDF-1.7 test")],
                        message_id="<test-1@rehab-domicile>")
    assert where == "smtp:127.0.0.1"
    (msg,) = inbox.messages
    assert msg["To"] == "medecin@example.org" and msg["Message-ID"] == "<test-1@rehab-domicile>"
    assert str(email.header.make_header(email.header.decode_header(msg["Subject"]))) == "Synthèse — programme n° 12"
    parts = [p for p in msg.walk() if p.get_filename()]
    assert [(p.get_filename(), p.get_payload(decode=True)) for p in parts] == [("synthese.pdf", b"%PDF-1.7 test")]


def test_without_a_server_messages_land_in_the_outbox(tmp_path):
    path = mailer.send({}, to="a@example.org", subject="Essai", body="x", outbox=tmp_path / "outbox",
                       message_id="<m1@rehab-domicile>")
    assert path.endswith(".eml") and "Subject: Essai" in (tmp_path / "outbox" / "m1_rehab-domicile.eml").read_text()


def test_a_refused_connection_raises_a_typed_error():
    with pytest.raises(mailer.MailError, match="Envoi du courriel impossible"):
        mailer.send({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()}, to="a@example.org", subject="s", body="b")


def test_a_refused_connection_is_recorded_and_retried_without_duplicates(connection: Connection, smtp):
    inbox, port = smtp
    session = OrmSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                         info={"now": NOW})
    referent = make_user(session, Role.REFERENT, sectors=("31",))
    referent.email = "referent@example.org"
    programme = make_programme(session, make_patient(session), status=Status.EN_COURS, referent=referent,
                               d0=date(2026, 2, 2))
    make_task(session, programme, due=date(2026, 3, 4), kind="visit")
    session.commit()
    now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    down = Delivery(mail={"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()})
    first = sweep(session, now=now, delivery=down)
    assert (first.sent, first.retried) == (1, 1)  # the in-app message went; the e-mail waits
    row = session.scalars(select(Reminder).where(Reminder.channel == "email")).one()
    assert row.status == "pending" and row.attempts == 1 and "Envoi du courriel impossible" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert sweep(session, now=now + timedelta(seconds=30), delivery=down).claimed == 0  # backoff
    second = sweep(session, now=now + timedelta(minutes=1), delivery=down)
    assert second.retried == 1
    session.refresh(row)
    assert row.next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=2)
    up = Delivery(mail={"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port})
    third = sweep(session, now=now + timedelta(minutes=3), delivery=up)
    assert third.sent == 1 and len(inbox.messages) == 1
    assert sweep(session, now=now + timedelta(hours=1), delivery=up).claimed == 0
    assert len(inbox.messages) == 1
    subject = str(email.header.make_header(email.header.decode_header(inbox.messages[0]["Subject"])))
    assert subject == f"[Réhab Domicile] Visite demain — programme n° {programme.id}"
    assert programme.patient.nom_naissance not in subject
    session.close()
