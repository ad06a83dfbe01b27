"""The week calendar and the private iCalendar feed."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, CalendarFeed
from rehab.services import calendar
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task

TODAY = NOW.date()  # Monday 2 March 2026
URL_RE = re.compile(r'value="(http://[^"]+/agenda/([^"/]+)\.ics)"')


@pytest.fixture
def team(db):
    ref = make_user(db, Role.REFERENT, sectors=("31",), full_name="Camille Référente")
    other = make_user(db, Role.REFERENT, sectors=("57",), full_name="Dominique Autre")
    patient = make_patient(db, nom_naissance="RIVIERE", prenoms="Josiane")
    return {"ref": ref, "other": other, "desk": make_user(db, Role.ASSISTANTE),
            "manager": make_user(db, Role.GESTIONNAIRE), "admin": make_user(db, Role.ADMIN),
            "programme": make_programme(db, patient, status=Status.EN_COURS, referent=ref),
            "theirs": make_programme(db, make_patient(db, nom_naissance="AILLEURS", department="57"),
                                     status=Status.EN_COURS, referent=other)}


@pytest.fixture
def tasks(db, team):
    p = team["programme"]
    return {
        "monday": make_task(db, p, due=TODAY, label="Appel hebdomadaire : séances"),
        "wednesday": make_task(db, p, due=TODAY + timedelta(days=2), label="Visite mi-programme", kind="visit"),
        "done": make_task(db, p, due=TODAY + timedelta(days=1), label="Appel fait", state="done"),
        "cancelled": make_task(db, p, due=TODAY + timedelta(days=3), label="Appel annulé", state="cancelled"),
        "next_week": make_task(db, p, due=TODAY + timedelta(days=8), label="Rédaction de la synthèse"),
        "past": make_task(db, p, due=TODAY - timedelta(days=20), label="Appel en retard"),
        "too_old": make_task(db, p, due=TODAY - timedelta(days=40), label="Très ancien"),
        "too_far": make_task(db, p, due=TODAY + timedelta(days=150), label="Très lointain"),
        "desk": make_task(db, p, due=TODAY + timedelta(days=1), role="assistante", label="Commande"),
        "theirs": make_task(db, team["theirs"], due=TODAY, label="Appel d'un autre"),
    }


def test_week_has_seven_days_and_the_referents_tasks(db, team, tasks):
    week = calendar.week_calendar(db, referent=team["ref"], viewer=team["ref"], monday=TODAY)
    assert [d.day for d in week.days] == [TODAY + timedelta(days=i) for i in range(7)]
    assert [t.id for t in week.days[0].tasks] == [tasks["monday"].id]
    assert [t.id for t in week.days[1].tasks] == [tasks["done"].id]
    assert [t.id for t in week.days[2].tasks] == [tasks["wednesday"].id]
    assert week.days[3].tasks == []  # cancelled is not drawn
    assert (week.iso, week.previous, week.next) == ("2026-W10", "2026-W09", "2026-W11")
    assert [d.weekend for d in week.days] == [False] * 5 + [True] * 2


def test_public_holidays_are_marked_with_local_law(db, team):
    easter = calendar.week_calendar(db, referent=team["ref"], viewer=team["ref"], monday=date(2026, 4, 6))
    assert easter.days[0].holiday == "Lundi de Pâques"
    # Good Friday is a holiday in Moselle only: the référent of the 57 sees it.
    good_friday = calendar.week_calendar(db, referent=team["other"], viewer=team["other"], monday=date(2026, 3, 30))
    assert good_friday.days[4].holiday == "Vendredi saint"
    assert calendar.week_calendar(db, referent=team["ref"], viewer=team["ref"],
                                  monday=date(2026, 3, 30)).days[4].holiday is None


@pytest.mark.parametrize(("text", "monday"), [("2026-W11", date(2026, 3, 9)), ("2026-w01", date(2025, 12, 29))])
def test_parse_week(text, monday):
    assert calendar.parse_week(text) == monday


@pytest.mark.parametrize("text", ["abc", "2026-W60", "2026-11", "9999-W01", "2026-W", "-W3"])
def test_parse_week_refuses_in_french(text):
    with pytest.raises(calendar.WeekError, match="emaine"):
        calendar.parse_week(text)


def test_calendar_page_of_the_referent(app, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    body = client.get("/calendrier").get_data(as_text=True)
    assert "lundi 2 mars" in body and "dimanche 8 mars" in body
    assert "RIVIERE Josiane" in body and "Visite mi-programme" in body
    assert f"#tache-{tasks['monday'].id}" in body
    assert "Appel d&#39;un autre" not in body and "Appel annulé" not in body
    body = client.get("/calendrier?semaine=2026-W15").get_data(as_text=True)
    assert "Férié : Lundi de Pâques" in body


@pytest.mark.parametrize("bad", ["n-importe-quoi", "2026-W99", "<script>"])
def test_malformed_week_shows_a_message_and_the_current_week(app, team, bad):
    client = app.test_client()
    login(client, team["ref"])
    response = client.get("/calendrier", query_string={"semaine": bad})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Semaine en cours affichée" in body and "lundi 2 mars" in body
    assert "<script>" not in body


def test_calendar_access(app, team, tasks):
    url = f"/referents/{team['ref'].id}/calendrier"
    client = app.test_client()
    login(client, team["other"])
    assert client.get(url).status_code == 404
    assert "RIVIERE" not in client.get("/calendrier").get_data(as_text=True)
    client = app.test_client()
    login(client, team["desk"])
    assert "RIVIERE Josiane" in client.get(url).get_data(as_text=True)
    assert client.get(f"/referents/{team['desk'].id}/calendrier").status_code == 404  # not a référent
    assert "Camille Référente" in client.get("/calendrier").get_data(as_text=True)  # the picker
    response = client.get(f"/calendrier?referent={team['ref'].id}&semaine=2026-W11")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}?semaine=2026-W11")
    for who in ("manager", "admin"):
        client = app.test_client()
        login(client, team[who])
        assert client.get(url).status_code == 403
        assert client.get("/calendrier").status_code == 403


def _create_feed(client):
    response = post(client, "/mon-compte/agenda/nouvelle-adresse", token_from="/mon-compte/agenda")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "toute personne qui connaît cette adresse" in body
    match = URL_RE.search(body)
    assert match, body
    return match.group(1), match.group(2)


def test_feed_is_an_icalendar_with_initials_only(app, db, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    url, token = _create_feed(client)
    assert db.scalar(select(CalendarFeed.token_hash).where(CalendarFeed.user_id == team["ref"].id)) \
        == hashlib.sha256(token.encode()).hexdigest()
    anonymous = app.test_client()
    response = anonymous.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "RIVIERE" not in body and "Josiane" not in body
    cal = Calendar.from_ical(response.data)
    assert str(cal["X-WR-CALNAME"]) == "Réhab Domicile – Camille Référente"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    expected = ("monday", "wednesday", "next_week", "past")
    assert set(events) == {f"tache-{tasks[k].id}@rehab-domicile" for k in expected}
    monday = events[f"tache-{tasks['monday'].id}@rehab-domicile"]
    assert monday.decoded("DTSTART") == TODAY and monday.decoded("DTEND") == TODAY + timedelta(days=1)
    assert str(monday["SUMMARY"]) == "J.R. – Appel hebdomadaire"
    assert str(monday["DESCRIPTION"]) == f"Programme n° {team['programme'].id}"
    audit = db.scalar(select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.object_type == "calendar"))
    assert audit is not None and audit.user_id == team["ref"].id


def test_revoked_or_replaced_feed_is_gone(app, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    first, _ = _create_feed(client)
    second, _ = _create_feed(client)
    anonymous = app.test_client()
    assert anonymous.get(first.removeprefix("http://localhost")).status_code == 404
    assert anonymous.get(second.removeprefix("http://localhost")).status_code == 200
    response = post(client, "/mon-compte/agenda/revoquer", token_from="/mon-compte/agenda")
    assert response.status_code == 302
    assert "révoquée" in client.get("/mon-compte/agenda").get_data(as_text=True)
    assert anonymous.get(second.removeprefix("http://localhost")).status_code == 404
    assert anonymous.get("/agenda/inconnu.ics").status_code == 404


def test_feed_of_a_desk_role_is_its_queue(app, db, team, tasks):
    token = calendar.create_feed(db, user=team["desk"], now=NOW)
    body = app.test_client().get(f"/agenda/{token}.ics").data
    cal = Calendar.from_ical(body)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["J.R. – Commande"]


def test_feed_of_a_deactivated_user_is_gone(app, db, team, tasks):
    token = calendar.create_feed(db, user=team["ref"], now=NOW)
    team["ref"].is_active_account = False
    db.flush()
    assert app.test_client().get(f"/agenda/{token}.ics").status_code == 404


def test_agenda_page_needs_a_worklist_role_and_csrf(app, team):
    client = app.test_client()
    login(client, team["admin"])
    assert client.get("/mon-compte/agenda").status_code == 403
    client = app.test_client()
    login(client, team["ref"])
    assert client.get("/mon-compte/agenda").status_code == 200
    assert client.post("/mon-compte/agenda/nouvelle-adresse").status_code == 400
