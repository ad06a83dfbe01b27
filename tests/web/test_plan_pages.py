"""The plan through HTTP: fixing and moving D0, suspension, interruption, rupture, rescheduling, JSON."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Programme, Task
from rehab.services import plans
from tests.factories import NOW, login, make_patient, make_programme, make_user, post

D0 = date(2026, 3, 9)


@pytest.fixture
def setting(app, db):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db, nom_naissance="VERGNES"), status=Status.VALIDE,
                               referent=referent)
    clients = {}
    for name, role in (("desk", Role.ASSISTANTE), ("doctor", Role.MEDECIN), ("referent", None)):
        client = app.test_client()
        login(client, referent if role is None else make_user(db, role))
        clients[name] = client
    return programme, referent, clients


def _tasks(db, programme, code=None):
    db.expire_all()
    query = select(Task).where(Task.programme_id == programme.id).order_by(Task.due_date, Task.occurrence)
    if code:
        query = query.where(Task.code == code)
    return db.scalars(query).all()


def test_desk_fixes_d0_with_facts_and_sees_the_timeline(setting, db):
    programme, _, clients = setting
    response = post(clients["desk"], f"/programmes/{programme.id}/j0",
                    {"d0": "09/03/2026", "bmi": "32.5", "smoker": "y"})
    assert response.status_code == 302
    assert len(_tasks(db, programme, "dietitian_consultation")) == 4
    assert len(_tasks(db, programme, "tobacco_consultation")) == 3
    db.expire_all()
    assert db.get(Programme, programme.id).status == "planifie"
    page = clients["desk"].get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "<svg" in page and "Plan du programme sur les semaines 0 à 52" in page
    assert "09/03/2026 – Visite d&#39;inclusion" in page or "Visite d&#39;inclusion" in page
    assert "Plan généré" in page


def test_d0_on_easter_monday_is_refused_and_input_kept(setting):
    programme, _, clients = setting
    response = post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "06/04/2026", "bmi": "25"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "jour férié (Lundi de Pâques)" in body
    assert 'value="2026-04-06"' in body or 'value="06/04/2026"' in body
    assert 'value="25' in body


def test_absurd_bmi_and_malformed_date_get_french_messages(setting):
    programme, _, clients = setting
    response = post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "32/13/2026", "bmi": "250"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Date invalide" in body and "IMC improbable" in body


def test_referent_may_not_fix_d0(setting):
    programme, _, clients = setting
    assert post(clients["referent"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"}).status_code == 403


def test_moving_d0_needs_a_reason_then_replans(setting, db):
    programme, _, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    response = post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "16/03/2026", "reason": ""})
    assert response.status_code == 409
    assert "motif du déplacement" in response.get_data(as_text=True)
    response = post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "16/03/2026", "reason": "Report"})
    assert response.status_code == 302
    assert _tasks(db, programme, "inclusion_visit")[0].due_date == date(2026, 3, 16)


def test_suspension_shifts_the_plan_visibly(setting, db):
    programme, _, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    before = _tasks(db, programme, "closing_visit")[0].due_date
    response = post(clients["doctor"], f"/programmes/{programme.id}/suspension",
                    {"start": "01/04/2026", "end": "14/04/2026", "reason": "Hospitalisation"})
    assert response.status_code == 302
    assert (_tasks(db, programme, "closing_visit")[0].due_date - before).days >= 14
    page = clients["doctor"].get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "du 01/04/2026 au 14/04/2026 (Hospitalisation)" in page
    response = post(clients["doctor"], f"/programmes/{programme.id}/suspension",
                    {"start": "20/04/2026", "end": "10/04/2026", "reason": "x"})
    assert "précède son début" in response.get_data(as_text=True)
    assert post(clients["desk"], f"/programmes/{programme.id}/suspension",
                {"start": "01/05/2026", "end": "02/05/2026", "reason": "x"}).status_code == 403


def test_interruption_form_cancels_the_remaining_tasks(setting, db):
    programme, _, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    response = post(clients["doctor"], f"/programmes/{programme.id}/interruption", {"on": "10/03/2026", "reason": ""})
    assert response.status_code == 400
    response = post(clients["doctor"], f"/programmes/{programme.id}/interruption",
                    {"on": "10/03/2026", "reason": "Décision du patient", "confirm": "y"})
    assert response.status_code == 302
    assert all(t.state == "cancelled" for t in _tasks(db, programme, "weekly_call"))
    assert _tasks(db, programme, "interruption_ergocycle_pickup")


def test_rupture_only_during_follow_up(setting, db):
    programme, _, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    response = post(clients["referent"], f"/programmes/{programme.id}/rupture", {"on": "10/03/2026", "reason": "x"})
    assert response.status_code == 409
    assert "suivi à distance" in response.get_data(as_text=True)
    db.execute(update(Programme).where(Programme.id == programme.id).values(status=Status.SUIVI.value))
    response = post(clients["referent"], f"/programmes/{programme.id}/rupture",
                    {"on": "10/03/2026", "reason": "Plus d'activité"})
    assert response.status_code == 302
    assert _tasks(db, programme, "rupture_committee")


def test_reschedule_a_task_onto_a_weekend_is_refused(setting, db):
    programme, _, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    call = _tasks(db, programme, "weekly_call")[0]
    response = post(clients["referent"], f"/taches/{call.id}/reprogrammer", {"due": "21/03/2026", "reason": "x"})
    assert response.status_code == 409
    assert "samedi" in response.get_data(as_text=True)
    response = post(clients["referent"], f"/taches/{call.id}/reprogrammer", {"due": "24/03/2026",
                                                                             "reason": "Absent"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Task, call.id).due_date == date(2026, 3, 24)


def test_plan_json_has_the_documented_shape(setting, db):
    programme, referent, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    data = clients["referent"].get(f"/api/programmes/{programme.id}/plan").get_json()
    assert data["programme_id"] == programme.id
    assert data["protocol"] == {"code": "rehab_domicile", "version": 1}
    assert data["d0"] == "2026-03-09"
    task = next(t for t in data["tasks"] if t["code"] == "inclusion_visit")
    assert set(task) >= {"id", "code", "label", "kind", "phase", "due_date", "window_start", "window_end", "role",
                         "assignee", "state", "done_at"}
    assert task["due_date"] == "2026-03-09" and task["assignee"] == referent.full_name


def test_overdue_task_is_obvious_on_the_programme_page(setting, db, app):
    programme, _, _ = setting
    plans.fix_d0(db, programme=programme, d0=D0, user=make_user(db, Role.ASSISTANTE), now=NOW, today=NOW.date())
    app.config["FROZEN_NOW"] = NOW.replace(month=4, day=20)
    desk = app.test_client()
    login(desk, make_user(db, Role.COORDINATEUR))
    page = desk.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert 'class="task-overdue"' in page and "En retard" in page and "tl-overdue" in page


def test_protocol_pages(app, db):
    client = app.test_client()
    login(client, make_user(db, Role.ADMIN))
    assert "v1" in client.get("/admin/protocoles").get_data(as_text=True)
    page = client.get("/admin/protocoles/rehab_domicile/v1").get_data(as_text=True)
    assert "<svg" in page and "Appel hebdomadaire" in page and "renforcement" in page
    assert client.get("/admin/protocoles/rehab_domicile/v9").status_code == 404
    referent = app.test_client()
    login(referent, make_user(db, Role.REFERENT))
    assert referent.get("/admin/protocoles").status_code == 403


def test_a_d0_more_than_a_year_ahead_is_refused_and_input_kept(setting, db):
    """Issue #8: 31/12/2100 was accepted (a plan and an ergocycle for 2100)."""
    programme, _, clients = setting
    for typed in ("31/12/2100", "08/03/2027"):
        response = post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": typed, "bmi": "27"})
        body = response.get_data(as_text=True)
        assert response.status_code == 409, typed
        assert "trop lointain" in body and "plus d&#39;un an après aujourd&#39;hui (02/03/2026)" in body
        assert f'value="{typed}"' in body and 'value="27' in body
    db.expire_all()
    assert db.get(Programme, programme.id).d0 is None
    assert post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "01/03/2027"}).status_code == 302


def _d0_version(page: str, action: str) -> str:
    """The hidden version of the D0 form, as the browser would send it back."""
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return form.split('name="version" value="', 1)[1].split('"', 1)[0]


def test_two_people_moving_d0_at_once_the_second_is_told_and_keeps_what_was_typed(setting, db, app):
    """Issue #8: the hidden version was never checked — the last save silently won."""
    programme, _, clients = setting
    post(clients["desk"], f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    other = app.test_client()
    login(other, make_user(db, Role.COORDINATEUR))
    url, action = f"/programmes/{programme.id}", f"/programmes/{programme.id}/j0"
    seen_by_desk = _d0_version(clients["desk"].get(url).get_data(as_text=True), action)
    seen_by_other = _d0_version(other.get(url).get_data(as_text=True), action)
    assert seen_by_desk == seen_by_other
    assert post(other, action, {"d0": "16/03/2026", "reason": "Report", "version": seen_by_other},
                token_from=url).status_code == 302
    response = post(clients["desk"], action, {"d0": "23/03/2026", "reason": "Kiné absent", "version": seen_by_desk},
                    token_from=url)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "modifié par quelqu&#39;un d&#39;autre" in body
    assert 'value="23/03/2026"' in body and "Kiné absent" in body
    db.expire_all()
    assert db.get(Programme, programme.id).d0 == date(2026, 3, 16)
    fresh = _d0_version(body, action)
    assert fresh != seen_by_desk  # having seen the change, resubmitting is accepted
    assert post(clients["desk"], action, {"d0": "23/03/2026", "reason": "Kiné absent", "version": fresh},
                token_from=url).status_code == 302
    db.expire_all()
    assert db.get(Programme, programme.id).d0 == date(2026, 3, 23)
