"""Intercurrent events: the référent reports (once, even on a double submit), the médecin directeur
decides; a suspension visibly shifts the plan, an interruption ends it, a stale decision is refused."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import IntercurrentEvent, Notification, Task
from rehab.services import plans
from tests.factories import NOW, csrf_token, login, make_patient, make_programme, make_user, post

D0 = date(2026, 2, 23)


@pytest.fixture
def setting(app, db):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db, nom_naissance="LABARTHE"), status=Status.VALIDE,
                               referent=referent)
    plans.fix_d0(db, programme=programme, d0=D0, user=make_user(db, Role.ASSISTANTE), now=NOW,
                 today=date(2026, 2, 20))
    clients = {}
    for name, user in (("referent", referent), ("doctor", make_user(db, Role.MEDECIN, full_name="Dr Pujol"))):
        clients[name] = app.test_client()
        login(clients[name], user)
    return programme, clients


def _report(client, programme, **overrides):
    url = f"/programmes/{programme.id}/evenement"
    page = client.get(url).get_data(as_text=True)
    client_id = re.search(r'name="client_submission_id" value="([^"]+)"', page).group(1)
    data = {"event_date": "01/03/2026", "nature": "respiratory", "hospitalisation": "y",
            "description": "Exacerbation, hospitalisé 5 jours", "client_submission_id": client_id,
            "csrf_token": csrf_token(client, url), **overrides}
    return client.post(url, data=data), data


def _closing(db, programme):
    return db.scalar(select(Task).where(Task.programme_id == programme.id, Task.code == "closing_visit"))


def test_report_is_idempotent_and_validated(setting, db):
    programme, clients = setting
    bad, _ = _report(clients["referent"], programme, nature="", event_date="32/01/2026")
    assert bad.status_code == 400
    body = html.unescape(bad.get_data(as_text=True))
    assert "Date illisible" in body and "Exacerbation, hospitalisé 5 jours" in body
    first, data = _report(clients["referent"], programme)
    second = clients["referent"].post(f"/programmes/{programme.id}/evenement", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert db.scalar(select(func.count()).select_from(IntercurrentEvent)
                     .where(IntercurrentEvent.programme_id == programme.id)) == 1
    page = html.unescape(clients["referent"].get(first.headers["Location"]).get_data(as_text=True))
    assert "En attente du médecin directeur" in page and "Élevée (hospitalisation)" in page
    assert "Enregistrer la décision" not in page  # the référent reports, the médecin decides
    alert = db.scalar(select(Notification).where(Notification.link == first.headers["Location"]))
    assert alert is not None and "décision attendue" in alert.title and "LABARTHE" not in alert.body
    doctor_page = clients["doctor"].get(first.headers["Location"]).get_data(as_text=True)
    assert "Enregistrer la décision" in doctor_page


def test_referent_may_not_decide(setting):
    programme, clients = setting
    response, _ = _report(clients["referent"], programme)
    url = response.headers["Location"]
    assert post(clients["referent"], url, {"decision": "continue", "version": "1"}, token_from=url).status_code == 403


def test_suspension_visibly_shifts_the_plan(setting, db):
    programme, clients = setting
    before = _closing(db, programme).due_date
    response, _ = _report(clients["referent"], programme)
    url = response.headers["Location"]
    missing = post(clients["doctor"], url, {"decision": "suspend", "version": "1", "suspend_start": "02/03/2026"},
                   token_from=url)
    assert missing.status_code == 400 and "Fin : champ obligatoire" in missing.get_data(as_text=True)
    decided = post(clients["doctor"], url, {"decision": "suspend", "version": "1", "suspend_start": "02/03/2026",
                                            "suspend_end": "15/03/2026", "reason": "Hospitalisation"},
                   token_from=url)
    assert decided.status_code == 303
    db.expire_all()
    after = _closing(db, programme).due_date
    assert (after - before).days >= 14
    page = clients["referent"].get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert after.strftime("%d/%m/%Y") in page and "du 02/03/2026 au 15/03/2026" in page
    event = db.scalar(select(IntercurrentEvent).where(IntercurrentEvent.programme_id == programme.id))
    assert event.decision == "suspend" and event.suspend_end == date(2026, 3, 15)


def test_stale_decision_is_refused_with_409(setting, db):
    programme, clients = setting
    response, _ = _report(clients["referent"], programme)
    url = response.headers["Location"]
    stale = post(clients["doctor"], url, {"decision": "continue", "version": "7", "reason": "RAS"}, token_from=url)
    assert stale.status_code == 409 and "RAS" in stale.get_data(as_text=True)


def test_interruption_needs_a_reason_then_ends_the_programme(setting, db):
    programme, clients = setting
    response, _ = _report(clients["referent"], programme, nature="cardiovascular")
    url = response.headers["Location"]
    refused = post(clients["doctor"], url, {"decision": "interrupt", "version": "1"}, token_from=url)
    assert refused.status_code == 400 and "motif de l&#39;interruption" in refused.get_data(as_text=True)
    done = post(clients["doctor"], url, {"decision": "interrupt", "version": "1", "reason": "Infarctus"},
                token_from=url)
    assert done.status_code == 303
    db.expire_all()
    assert db.get(type(programme), programme.id).status == Status.INTERROMPU.value
    assert _closing(db, programme).state == "cancelled"
