"""Before each committee its agenda goes to every member, once per channel, with no patient name;
intercurrent events wait on the agenda."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import IntercurrentEvent, Notification, Reminder, Task
from rehab.services import committee, reminders
from rehab.services.reminder_delivery import Delivery, sweep
from tests.factories import NOW, make_patient, make_programme, make_user

MONDAY = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


@pytest.fixture
def work(connection: Connection) -> Iterator[OrmSession]:
    session = OrmSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    session.info["now"] = NOW
    yield session
    session.close()


@pytest.fixture
def meeting(work):  # type: ignore[no-untyped-def]
    members = [make_user(work, role) for role in (Role.MEDECIN, Role.COORDINATEUR, Role.ASSISTANTE)]
    for n, member in enumerate(members):
        member.email = f"membre{n}@example.org"
    validated = make_programme(work, make_patient(work, nom_naissance="ESTEVE", prenoms="Odile"),
                               status=Status.VALIDE)
    running = make_programme(work, make_patient(work, nom_naissance="PUJOL", prenoms="René"),
                             status=Status.EN_COURS)
    work.add(IntercurrentEvent(programme_id=running.id, event_date=date(2026, 2, 25), nature="respiratoire",
                               hospitalisation=True, description="Exacerbation", client_submission_id="e-1"))
    found = committee.create_meeting(work, meeting_date=date(2026, 3, 4), location="Salle du conseil",
                                     attendee_ids=[m.id for m in members], user=members[1], now=NOW)
    work.commit()
    return found, members, validated, running


def test_agenda_lists_validated_dossiers_and_intercurrent_events(meeting):
    found, _, validated, running = meeting
    kinds = {(item.programme_id, item.kind) for item in found.items}
    assert (validated.id, "plan") in kinds and (running.id, "event") in kinds


def test_agenda_is_queued_once_and_sent_once_per_member_and_channel(work, meeting, tmp_path: Path):
    _, members, _, _ = meeting
    assert reminders.nonevent_pass(work, now=MONDAY)["ordre_du_jour_comite"] == 6
    assert reminders.nonevent_pass(work, now=MONDAY)["ordre_du_jour_comite"] == 0
    work.commit()
    delivery = Delivery(outbox=tmp_path / "outbox")
    result = sweep(work, now=MONDAY, delivery=delivery)
    assert result.sent == 6
    assert sweep(work, now=MONDAY, delivery=delivery).claimed == 0
    notes = work.scalars(select(Notification).where(Notification.user_id.in_([m.id for m in members]))).all()
    assert len(notes) == 3
    assert notes[0].title == "Ordre du jour du comité du 04/03/2026"
    mails = list((tmp_path / "outbox").rglob("*.eml"))
    assert len(mails) == 3
    text = message_from_bytes(mails[0].read_bytes()).get_payload(decode=True).decode()
    assert "ESTEVE" not in text and "PUJOL" not in text and "programme n°" in text
    assert "Événement intercurrent" in text


def test_no_agenda_for_a_closed_or_distant_meeting(work, meeting):
    assert reminders.nonevent_pass(work, now=datetime(2026, 2, 20, 5, tzinfo=UTC))["ordre_du_jour_comite"] == 0
    assert work.scalar(select(Reminder.id).where(Reminder.rule == "committee_agenda")) is None


def test_missing_dossier_pieces_are_chased_by_reminders(work):
    """The chase task of a missing piece gets the non-event alerts: the assistante's queue the working
    day after its window, the coordinateur three working days after."""
    from rehab.services import dossier

    desk = make_user(work, Role.ASSISTANTE)
    make_user(work, Role.COORDINATEUR)
    programme = make_programme(work, make_patient(work))
    dossier.save_referral(work, programme=programme, referral_date=date(2026, 2, 20), channel="courrier",
                          origin="pneumologue", prescriber_id=None, notes="", expected_version=None, user=desk,
                          now=NOW, today=NOW.date(), ip=None)
    work.commit()
    reminders.nonevent_pass(work, now=datetime(2026, 3, 11, 5, tzinfo=UTC))
    chase_ids = select(Task.id).where(Task.programme_id == programme.id, Task.code == "dossier_piece_chase")
    rules = set(work.scalars(select(Reminder.rule).where(Reminder.task_id.in_(chase_ids))))
    assert {"window_closed", "overdue_coordinateur"} <= rules
