"""The inbox (badge, mark read, open the task), preferences and the administrateur's status page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Notification, NotificationPreference, Reminder, SchedulerRun
from tests.factories import NOW, login, make_patient, make_programme, make_user, post


@pytest.fixture
def inbox(db):  # type: ignore[no-untyped-def]
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db, nom_naissance="ZYGOMATIQUE"), status=Status.EN_COURS,
                               referent=referent, d0=date(2026, 2, 2))
    notes = [Notification(user_id=referent.id, created_at=NOW, title=f"Visite demain — programme n° {programme.id}",
                          body="Patient : J.Z.", link=f"/programmes/{programme.id}#tache-1") for _ in range(2)]
    db.add_all(notes)
    db.flush()
    return referent, programme, notes


def test_the_navigation_bar_shows_the_unread_count(client, inbox):
    login(client, inbox[0])
    body = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="2 message(s) non lu(s)"' in body
    assert "Visite demain" in body and "ZYGOMATIQUE" not in body


def test_mark_read_and_open_the_task(client, db, inbox):
    referent, programme, notes = inbox
    login(client, referent)
    response = post(client, f"/notifications/{notes[0].id}/lu", {})
    assert response.status_code == 302
    response = post(client, f"/notifications/{notes[1].id}/ouvrir", {})
    assert response.headers["Location"].endswith(f"/programmes/{programme.id}#tache-1")
    db.expire_all()
    assert all(n.read_at == NOW for n in db.scalars(select(Notification)))
    assert "non lu" not in client.get("/notifications").get_data(as_text=True).split("<main", 1)[0]


def test_mark_all_read(client, db, inbox):
    login(client, inbox[0])
    post(client, "/notifications/tout-lu", {})
    db.expire_all()
    assert db.scalar(select(Notification.id).where(Notification.read_at.is_(None))) is None


def test_an_external_link_is_never_followed(client, db, inbox):
    referent, _, notes = inbox
    notes[0].link = "//evil.example/x"
    db.flush()
    login(client, referent)
    response = post(client, f"/notifications/{notes[0].id}/ouvrir", {})
    assert response.headers["Location"].endswith("/notifications")


def test_another_users_message_is_not_found(client, db, inbox):
    other = make_user(db, Role.REFERENT, sectors=("31",))
    login(client, other)
    assert post(client, f"/notifications/{inbox[2][0].id}/lu", {}).status_code == 404
    assert "Visite demain" not in client.get("/notifications").get_data(as_text=True)


def test_preferences_are_saved_and_move_todays_digest(app, client, db):
    user = make_user(db, Role.REFERENT, sectors=("31",))
    app.config["FROZEN_NOW"] = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Paris, Monday
    login(client, user)
    page = client.get("/mon-compte/notifications").get_data(as_text=True)
    assert 'value="07:30"' in page
    response = post(client, "/mon-compte/notifications", {"inapp": "y", "digest": "y", "digest_time": "08:15"})
    assert response.status_code == 302
    db.expire_all()
    pref = db.get(NotificationPreference, user.id)
    assert (pref.email_enabled, pref.inapp_enabled, pref.digest_time) == (False, True, time(8, 15))
    rows = db.execute(select(Reminder.channel, Reminder.due_at).where(Reminder.recipient_id == user.id,
                                                                    Reminder.status == "pending")).all()
    assert [tuple(r) for r in rows] == [("inapp", datetime(2026, 3, 2, 7, 15, tzinfo=UTC))]


@pytest.mark.parametrize(("data", "message"), [
    ({"inapp": "y", "digest": "y", "digest_time": "25:99"}, "Heure invalide : écrivez-la sous la forme 07:30."),
    ({"inapp": "y", "digest": "y", "digest_time": "03:00"}, "entre 05:00 et 12:00"),
    ({"digest": "y", "digest_time": "07:30"}, "au moins un canal"),
])
def test_bad_preferences_are_refused_and_keep_what_was_typed(client, db, data, message):
    login(client, make_user(db, Role.ASSISTANTE))
    response = post(client, "/mon-compte/notifications", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in body
    assert f'value="{data["digest_time"]}"' in body


def test_the_status_page_shows_runs_and_backlog_to_the_administrateur_only(client, db, inbox):
    db.add(SchedulerRun(job="sweep", started_at=NOW, finished_at=NOW, duration_ms=42, outcome="ok",
                        detail={"sent": 3}))
    db.add(Reminder(key="k-failed", task_id=None, rule="digest", channel="email", recipient_id=inbox[0].id,
                    due_at=NOW, next_attempt_at=NOW, status="failed", attempts=8, last_error="Connexion refusée"))
    db.flush()
    login(client, make_user(db, Role.COORDINATEUR))
    assert client.get("/admin/planificateur").status_code == 403
    client2 = client.application.test_client()
    login(client2, make_user(db, Role.ADMIN))
    body = client2.get("/admin/planificateur").get_data(as_text=True)
    assert "Envoi des rappels dus" in body and "42 ms" in body and "sent : 3" in body
    assert "Connexion refusée" in body and "Jamais exécutée" in body
