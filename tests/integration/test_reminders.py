"""Reminder rows follow their tasks and each is sent exactly once (every clock is a given `now`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Notification, NotificationPreference, Reminder
from rehab.services import reminders
from rehab.services.reminder_delivery import LEASE, Delivery, claim_due, sweep
from tests.factories import NOW, make_patient, make_programme, make_user
from tests.plan_factories import make_task


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def work(connection: Connection) -> Iterator[OrmSession]:
    """A session like the scheduler's: its commits are savepoints inside the test transaction."""
    session = OrmSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    session.info["now"] = NOW  # the clock the flush hook derives reminders with (Monday 2 March 2026)
    yield session
    session.close()


@pytest.fixture
def delivery(tmp_path: Path) -> Delivery:
    return Delivery(outbox=tmp_path / "outbox")


@pytest.fixture
def team(work: OrmSession):  # type: ignore[no-untyped-def]
    referent = make_user(work, Role.REFERENT, sectors=("31",))
    referent.email = "referent@example.org"
    coordinateur = make_user(work, Role.COORDINATEUR)
    coordinateur.email = "coordination@example.org"
    programme = make_programme(work, make_patient(work, nom_naissance="ROUQUETTE", prenoms="Josiane"),
                               status=Status.EN_COURS, referent=referent, d0=date(2026, 2, 2))
    work.commit()
    return referent, coordinateur, programme


def pending(session: OrmSession, task_id: int) -> list[tuple[str, str, datetime]]:
    rows = session.execute(select(Reminder.rule, Reminder.channel, Reminder.due_at)
                           .where(Reminder.task_id == task_id, Reminder.status == "pending")
                           .order_by(Reminder.channel)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def visit(session: OrmSession, programme, due: date):  # type: ignore[no-untyped-def]
    task = make_task(session, programme, due=due, kind="visit", label="Visite à domicile : évaluation")
    session.commit()
    return task


def test_a_visit_gets_its_reminder_the_working_day_before_at_eight(work, team):
    task = visit(work, team[2], date(2026, 3, 4))  # a Wednesday
    assert pending(work, task.id) == [("visit_eve", "email", utc("2026-03-03T07:00")),
                                      ("visit_eve", "inapp", utc("2026-03-03T07:00"))]


def test_a_reminder_moves_with_its_task_and_never_fires_for_the_old_date(work, team, delivery):
    task = visit(work, team[2], date(2026, 3, 4))
    task.due_date, task.window_end = date(2026, 3, 11), date(2026, 3, 13)
    work.commit()
    assert [r[2] for r in pending(work, task.id)] == [utc("2026-03-10T07:00")] * 2
    assert sweep(work, now=utc("2026-03-03T07:01"), delivery=delivery).claimed == 0
    result = sweep(work, now=utc("2026-03-10T07:00"), delivery=delivery)
    assert (result.claimed, result.sent) == (2, 2)
    # Moving it back revives the first rows rather than duplicating them.
    task.due_date, task.window_end = date(2026, 3, 4), date(2026, 3, 6)
    work.commit()
    assert len(work.scalars(select(Reminder).where(Reminder.task_id == task.id)).all()) == 4


@pytest.mark.parametrize("state", ["done", "cancelled"])
def test_done_and_cancelled_tasks_silence_their_reminders(work, team, delivery, state):
    task = visit(work, team[2], date(2026, 3, 4))
    task.state = state
    work.commit()
    assert pending(work, task.id) == []
    assert sweep(work, now=utc("2026-03-03T07:05"), delivery=delivery).claimed == 0
    assert work.scalar(select(Notification.id)) is None


def test_a_reminder_claimed_before_its_task_was_done_is_not_sent(work, team, delivery):
    task = visit(work, team[2], date(2026, 3, 4))
    now = utc("2026-03-03T07:00")
    assert len(claim_due(work, now=now)) == 2
    task.state = "done"
    work.commit()
    result = sweep(work, now=now + LEASE + timedelta(minutes=1), delivery=delivery)
    assert (result.sent, result.cancelled) == (0, 2)


def test_a_sweep_sends_each_due_reminder_once_inbox_and_email(work, team, delivery):
    referent = team[0]
    task = visit(work, team[2], date(2026, 3, 4))
    now = utc("2026-03-03T07:00")
    first = sweep(work, now=now, delivery=delivery)
    again = sweep(work, now=now + timedelta(minutes=1), delivery=delivery)
    assert (first.sent, again.claimed) == (2, 0)
    note = work.scalars(select(Notification).where(Notification.user_id == referent.id)).one()
    assert note.title == f"Visite demain — programme n° {team[2].id}"
    assert "ROUQUETTE" not in note.title and "ROUQUETTE" not in note.body
    assert "J.R." in note.body and note.link == f"/programmes/{team[2].id}#tache-{task.id}"
    mails = list(Path(delivery.outbox).glob("*.eml"))  # type: ignore[arg-type]
    assert len(mails) == 1
    text = mails[0].read_text()
    assert "Subject: [Réhab Domicile] Visite demain" in text or "Subject: =?utf-8?" in text
    assert "Rouquette" not in text and "ROUQUETTE" not in text and "To: referent@example.org" in text


def test_a_sweep_killed_after_its_claim_is_resent_once_after_the_lease(work, team, delivery):
    visit(work, team[2], date(2026, 3, 4))
    now = utc("2026-03-03T07:00")
    assert len(claim_due(work, now=now)) == 2  # … and the process dies here
    assert sweep(work, now=now + LEASE - timedelta(seconds=1), delivery=delivery).claimed == 0
    later = sweep(work, now=now + LEASE + timedelta(seconds=1), delivery=delivery)
    assert (later.claimed, later.sent) == (2, 2)
    assert sweep(work, now=now + 3 * LEASE, delivery=delivery).claimed == 0
    assert len(work.scalars(select(Notification)).all()) == 1
    rows = work.scalars(select(Reminder).where(Reminder.status == "sent")).all()
    assert {r.attempts for r in rows} == {2}


def test_a_restart_sends_the_backlog_once(work, team, delivery):
    for due in (date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 6)):
        visit(work, team[2], due)
    # The scheduler was down from Tuesday to Thursday 10:00: the three eves are due (the first is stale).
    result = sweep(work, now=utc("2026-03-05T09:00"), delivery=delivery)
    assert (result.claimed, result.sent, result.cancelled) == (6, 4, 2)
    assert sweep(work, now=utc("2026-03-05T09:01"), delivery=delivery).claimed == 0
    assert len(work.scalars(select(Notification)).all()) == 2


def test_no_reminder_falls_on_a_public_holiday(work, team):
    # Tuesday 7 April 2026 follows Easter Monday: the eve reminder goes to Friday 3 April.
    task = visit(work, team[2], date(2026, 4, 7))
    assert {r[2] for r in pending(work, task.id)} == {utc("2026-04-03T06:00")}


def test_preferences_switch_a_channel_off(work, team, delivery):
    work.add(NotificationPreference(user_id=team[0].id, email_enabled=False))
    visit(work, team[2], date(2026, 3, 4))
    result = sweep(work, now=utc("2026-03-03T07:00"), delivery=delivery)
    assert (result.sent, result.cancelled) == (1, 1)
    assert not list(Path(delivery.outbox).glob("*.eml"))  # type: ignore[arg-type]


def test_non_events_alert_the_assignee_then_the_coordinateur(work, team, delivery):
    referent, coordinateur, programme = team
    task = make_task(work, programme, due=date(2026, 3, 2), kind="call", window_after=2)  # window ends Wed 4
    work.commit()
    result = reminders.nonevent_pass(work, now=utc("2026-03-05T01:00"))
    work.commit()
    assert result["tâches"] == 1
    rows = work.execute(select(Reminder.rule, Reminder.recipient_id, Reminder.due_at)
                        .where(Reminder.task_id == task.id, Reminder.status == "pending", Reminder.channel == "inapp",
                               Reminder.rule != "call_day")
                        .order_by(Reminder.due_at)).all()
    assert [tuple(r) for r in rows] == [("window_closed", referent.id, utc("2026-03-05T07:00")),
                                        ("overdue_coordinateur", coordinateur.id, utc("2026-03-09T07:00"))]
    assert reminders.nonevent_pass(work, now=utc("2026-03-05T01:05"))["rappels"] == 0  # idempotent
    assert sweep(work, now=utc("2026-03-05T07:00"), delivery=delivery).sent == 2
    # The next night changes nothing: sent rows stay sent, nothing is revived.
    assert reminders.nonevent_pass(work, now=utc("2026-03-06T01:00"))["rappels"] == 0
    task.state = "done"  # done late: the escalation is silenced
    work.commit()
    assert sweep(work, now=utc("2026-03-09T07:00"), delivery=delivery).claimed == 0


def test_relances_for_questionnaires_and_other_sources(work, team):
    programme = team[2]
    task = make_task(work, programme, due=date(2026, 3, 2), kind="questionnaire", window_after=2)
    work.commit()
    calls: list[datetime] = []
    reminders.register_sweep_source("test_source", lambda s, now: calls.append(now) or 1)
    try:
        result = reminders.nonevent_pass(work, now=utc("2026-03-05T01:00"))
    finally:
        reminders._SOURCES.pop("test_source")
    assert result["test_source"] == 1 and calls == [utc("2026-03-05T01:00")]
    rules = set(work.scalars(select(Reminder.rule).where(Reminder.task_id == task.id)))
    assert rules == {"relance_questionnaire"}


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-03-27", "2026-03-27T06:30"),  # Friday before the spring change: UTC+1
    ("2026-03-29", None),                # last Sunday of March: no digest on a Sunday
    ("2026-03-30", "2026-03-30T05:30"),  # Monday after: UTC+2, still 07:30 in Paris
    ("2026-10-23", "2026-10-23T05:30"),
    ("2026-10-25", None),                # last Sunday of October
    ("2026-10-26", "2026-10-26T06:30"),
])
def test_the_digest_keeps_its_local_time_across_dst(work, team, delivery, day, expected):
    referent = team[0]
    make_task(work, team[2], due=date.fromisoformat(day), kind="call")
    work.commit()
    midnight = utc(day + "T00:10") - timedelta(hours=1)  # 00:10 or 01:10 in Paris: the same local day
    reminders.ensure_digests(work, now=midnight)
    work.commit()
    due = set(work.scalars(select(Reminder.due_at).where(Reminder.rule == "digest",
                                                         Reminder.recipient_id == referent.id)))
    assert due == ({utc(expected)} if expected else set())
    if expected:
        before = sweep(work, now=utc(expected) - timedelta(minutes=1), delivery=delivery)
        at = sweep(work, now=utc(expected), delivery=delivery)
        assert before.claimed == 0 and at.sent >= 2
        note = work.scalars(select(Notification).where(Notification.user_id == referent.id)).one()
        assert note.title.startswith("Votre journée du") and "ROUQUETTE" not in note.body


def test_the_plan_service_moves_and_closes_reminders_through_the_flush_hook(work, team):
    from rehab.services import plans

    referent, _, programme = team
    task = visit(work, programme, date(2026, 3, 4))
    plans.reschedule_task(work, task=task, due=date(2026, 3, 12), reason="Patient absent", user=referent,
                          now=utc("2026-03-02T09:00"))
    assert {r[2] for r in pending(work, task.id)} == {utc("2026-03-11T07:00")}
    plans.set_task_state(work, task=task, state="cancelled", reason="Hospitalisé", user=referent,
                         now=utc("2026-03-02T09:05"))
    assert pending(work, task.id) == []


def test_a_new_referent_takes_over_the_reminders(work, team):
    _, _, programme = team
    task = visit(work, programme, date(2026, 3, 4))
    other = make_user(work, Role.REFERENT, sectors=("31",))
    task.assignee_id = other.id
    work.commit()
    assert set(work.scalars(select(Reminder.recipient_id).where(Reminder.task_id == task.id,
                                                                Reminder.status == "pending"))) == {other.id}
