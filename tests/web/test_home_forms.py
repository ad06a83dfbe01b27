"""Home forms through HTTP: each form completes its task, validation keeps what was typed, a double
submit records once, a stale form answers 409 with the input, supports and rupture drive the plan."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import (
    CrqAdministration,
    EnduranceTest,
    FollowUpCallRecord,
    FormDraft,
    FormSubmission,
    Task,
    VisitRecord,
    WeeklyCallRecord,
)
from rehab.services import plans
from tests.factories import NOW, csrf_token, login, make_patient, make_programme, make_user, post

D0 = date(2026, 2, 23)


@pytest.fixture
def setting(app, db):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db, nom_naissance="CASTANET"), status=Status.VALIDE,
                               referent=referent)
    plans.fix_d0(db, programme=programme, d0=D0, user=make_user(db, Role.ASSISTANTE), now=NOW,
                 today=date(2026, 2, 20))
    client = app.test_client()
    login(client, referent)
    return programme, referent, client


def _task(db, programme, form):
    return db.scalar(select(Task).where(Task.programme_id == programme.id, Task.form == form)
                     .order_by(Task.due_date).limit(1))


def _form_fields(client, url):
    page = client.get(url).get_data(as_text=True)
    stamp = re.search(r'name="task_stamp" value="([^"]*)"', page).group(1)
    client_id = re.search(r'name="client_submission_id" value="([^"]*)"', page).group(1)
    return {"task_stamp": stamp, "client_submission_id": client_id, "csrf_token": csrf_token(client, url)}, page


INCLUSION = {"performed_on": "23/02/2026", "consent_date": "20/02/2026", "weight": "52,5", "height": "168",
             "smoker": "y", "mmrc": "2", "max_power": "60", "endurance_time": "06:30", "hr_start": "80",
             "hr_end": "128", "spo2_start": "94", "spo2_end": "89", "borg_start": "1", "borg_end": "7",
             **{f"crq_{n}": str(1 + n % 7) for n in range(1, 21)}}


def test_inclusion_visit_completes_task_scores_and_adds_supports(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "inclusion_visit")
    url = f"/taches/{task.id}/formulaire"
    hidden, page = _form_fields(client, url)
    assert 'inputmode="decimal"' in page and 'inputmode="numeric"' in page and "non synchronisé" in page
    assert "Item 1 (Dyspnée)" in page
    response = client.post(url, data={**hidden, **INCLUSION})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Task, task.id).state == "done"
    visit = db.scalar(select(VisitRecord).where(VisitRecord.programme_id == programme.id))
    assert visit.bmi == 18.6 and visit.mmrc == 2
    crq = db.scalar(select(CrqAdministration).where(CrqAdministration.programme_id == programme.id))
    assert crq.item_1 == 2 and crq.dyspnee is not None and crq.moment == "inclusion"
    test = db.scalar(select(EnduranceTest).where(EnduranceTest.programme_id == programme.id))
    assert (test.load_w, test.duration_s) == (48, 390)
    db.refresh(programme)
    assert programme.bmi == 18.6 and programme.smoker is True
    codes = {t.code for t in plans.tasks_of(db, programme) if t.is_open}
    assert {"dietitian_consultation", "tobacco_consultation"} <= codes
    record_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Visite d&#39;inclusion" in record_page and "06:30" in record_page and "data-clear-draft" in record_page
    show = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Voir la saisie" in show


def test_double_submit_records_once_and_redirects(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "inclusion_visit")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    first = client.post(url, data={**hidden, **INCLUSION})
    second = client.post(url, data={**hidden, **INCLUSION})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert "déjà été enregistré" in client.get(second.headers["Location"]).get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(FormSubmission)
                     .where(FormSubmission.programme_id == programme.id)) == 1


def test_validation_errors_in_french_keep_the_input(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "inclusion_visit")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    bad = {**INCLUSION, "hr_end": "260", "spo2_start": "45", "crq_3": "9", "weight": "abc",
           "consent_date": "31/02/2026", "endurance_time": "75:00", "notes": "Patiente motivée"}
    response = client.post(url, data={**hidden, **bad})
    assert response.status_code == 400
    body = html.unescape(response.get_data(as_text=True))
    for message in ("La fréquence cardiaque doit se situer entre 30 et 220 bpm", "La SpO2 doit se situer entre 50",
                    "Un item du CRQ doit se situer entre 1 et 7", "« abc » n'est pas un nombre",
                    "Date illisible ou inexistante", "ne peut pas dépasser 60 minutes"):
        assert message in body, message
    assert "Patiente motivée" in body and 'value="260"' in body and hidden["client_submission_id"] in body
    db.expire_all()
    assert db.get(Task, task.id).state == "planned"


def test_missing_required_field_and_future_date(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "weekly_call")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    response = client.post(url, data={**hidden, "performed_on": "01/06/2026", "sessions": "4"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Issue de l&#39;appel : champ obligatoire." in body and "dans le futur" in body


def test_stale_form_answers_409_and_keeps_input(setting, db, app):
    programme, _, client = setting
    task = _task(db, programme, "weekly_call")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    desk = app.test_client()
    login(desk, make_user(db, Role.ASSISTANTE))
    moved = post(desk, f"/taches/{task.id}/reprogrammer", {"due": "06/03/2026", "reason": "Patient absent"},
                 token_from=f"/programmes/{programme.id}")
    assert moved.status_code in (302, 303)
    response = client.post(url, data={**hidden, "performed_on": "02/03/2026", "outcome": "reached",
                                      "sessions": "5", "symptoms": "Essoufflement léger"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "a été modifiée depuis l&#39;ouverture" in body and "Essoufflement léger" in body


def test_weekly_call_and_volume_chart(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "weekly_call")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    response = client.post(url, data={**hidden, "performed_on": "02/03/2026", "outcome": "reached",
                                      "sessions": "5", "minutes_per_session": "25", "watts": "40",
                                      "modality": "interval", "next_prescription": "5 × 30 min"})
    assert response.status_code == 303
    record = db.scalar(select(WeeklyCallRecord).where(WeeklyCallRecord.programme_id == programme.id))
    assert (record.sessions, record.minutes_per_session, record.modality) == (5, 25, "interval")
    page = client.get(f"/programmes/{programme.id}/resultats").get_data(as_text=True)
    assert "<svg" in page and "Semaine 1 : 5 séance(s), 125 min" in page


def test_draft_autosave_needs_csrf_and_is_restored(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "weekly_call")
    url = f"/taches/{task.id}/brouillon"
    assert client.post(url, json={"sessions": "3"}).status_code == 400  # no CSRF header
    token = csrf_token(client, f"/taches/{task.id}/formulaire")
    response = client.post(url, json={"sessions": "3", "symptoms": "toux"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["ok"]
    assert db.scalar(select(FormDraft).where(FormDraft.task_id == task.id)).payload["symptoms"] == "toux"
    assert 'value="3"' in client.get(f"/taches/{task.id}/formulaire").get_data(as_text=True)


def test_follow_up_call_proposes_rupture_and_confirming_records_it(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "follow_up_call")
    programme.status = Status.SUIVI.value
    db.flush()
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    response = client.post(url, data={**hidden, "performed_on": "02/03/2026", "channel": "video",
                                      "hospitalisations": "1", "hospital_days": "4",
                                      "sessions_per_week": "1", "project_per_week": "3"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rupture proposée" in page
    record = db.scalar(select(FollowUpCallRecord).where(FollowUpCallRecord.programme_id == programme.id))
    assert record.rupture_proposed and record.channel == "video"
    confirm = post(client, f"/formulaires/{record.submission_id}/rupture", token_from=response.headers["Location"])
    assert confirm.status_code == 303
    db.expire_all()
    assert db.scalar(select(Task).where(Task.programme_id == programme.id, Task.trigger == "rupture").limit(1))


def test_only_assignee_desk_and_doctor_open_a_form(setting, db, app):
    programme, _, _ = setting
    task = _task(db, programme, "weekly_call")
    other = app.test_client()
    login(other, make_user(db, Role.REFERENT, sectors=("31",)))
    assert other.get(f"/taches/{task.id}/formulaire").status_code in (403, 404)
    doctor = app.test_client()
    login(doctor, make_user(db, Role.MEDECIN))
    assert doctor.get(f"/taches/{task.id}/formulaire").status_code == 200
    assert other.get("/taches/999999/formulaire").status_code == 404


def test_consultation_task_records_professional_session(setting, db):
    programme, _, client = setting
    task = db.scalar(select(Task).where(Task.programme_id == programme.id, Task.kind == "consultation",
                                        Task.role == "medecin_traitant").limit(1))
    response = client.get(f"/taches/{task.id}/formulaire")
    assert response.status_code == 302
    target = response.headers["Location"]
    cid = str(uuid.uuid4())
    data = {"role": "medecin_traitant", "session_date": "27/02/2026", "client_submission_id": cid,
            "task": str(task.id)}
    assert post(client, target, data, token_from=target).status_code == 303
    assert post(client, target, data, token_from=target).status_code == 303
    db.expire_all()
    assert db.get(Task, task.id).state == "done"
    assert client.get(target).get_data(as_text=True).count("27/02/2026") == 1


def test_hospitalisation_counts_and_crq_wording_settings(setting, db, app):
    programme, _, client = setting
    url = f"/programmes/{programme.id}/hospitalisations"
    bad = post(client, url, {"period": "before", "stays": "0", "days": "5", "source": "Pneumologue"}, token_from=url)
    assert bad.status_code == 400 and "sans séjour" in bad.get_data(as_text=True)
    assert post(client, url, {"period": "before", "stays": "2", "days": "11", "source": "Retour du pneumologue"},
                token_from=url).status_code == 303
    assert "Retour du pneumologue" in client.get(url).get_data(as_text=True)
    assert client.get("/admin/crq").status_code == 403
    admin = app.test_client()
    login(admin, make_user(db, Role.ADMIN))
    page = admin.get("/admin/crq").get_data(as_text=True)
    assert "McMaster" in page


def test_expired_csrf_token_gives_the_form_back_with_the_input(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "weekly_call")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    response = client.post(url, data={**hidden, "csrf_token": "expired", "performed_on": "02/03/2026",
                                      "outcome": "reached", "difficulties": "Genou douloureux"})
    assert response.status_code == 400
    body = html.unescape(response.get_data(as_text=True))
    assert "Le formulaire avait expiré" in body and "Genou douloureux" in body
    assert db.get(Task, task.id).state == "planned"


def test_crq_wording_is_stored_per_association_and_shown_in_the_form(setting, db, app):
    from rehab.models import Association

    programme, _, client = setting
    association = Association(name="Asso Réhab Occitanie", short_name="ARO")
    db.add(association)
    db.flush()
    programme.association_id = association.id
    db.flush()
    admin = app.test_client()
    login(admin, make_user(db, Role.ADMIN))
    url = f"/admin/crq?association={association.id}"
    refused = post(admin, url, {"association": str(association.id), "item_1": "Libellé un"}, token_from=url)
    assert refused.status_code == 400 and "Libellé un" in refused.get_data(as_text=True)
    saved = post(admin, url, {"association": str(association.id), "licence": "Licence n° 42",
                              "item_1": "Libellé collé de l'item un"}, token_from=url)
    assert saved.status_code == 303
    assert "Licence n° 42" in admin.get(url).get_data(as_text=True)
    task = _task(db, programme, "inclusion_visit")
    page = html.unescape(client.get(f"/taches/{task.id}/formulaire").get_data(as_text=True))
    assert "Libellé collé de l'item un" in page


def test_unreachable_call_keeps_the_task_open_and_mid_visit_checks_the_odometer(setting, db):
    programme, _, client = setting
    task = _task(db, programme, "weekly_call")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    response = client.post(url, data={**hidden, "performed_on": "02/03/2026", "outcome": "unreachable"})
    assert response.status_code == 303
    assert "l'appel reste à faire" in html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    db.expire_all()
    assert db.get(Task, task.id).state == "planned"
    again, _ = _form_fields(client, url)  # the next attempt is a new draft
    assert again["client_submission_id"] != hidden["client_submission_id"]
    visit = _task(db, programme, "mid_programme_visit")
    url = f"/taches/{visit.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    response = client.post(url, data={**hidden, "performed_on": "02/03/2026", "odometer_km": "40",
                                      "sessions_declared": "25", "eva": "8,5"})
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "40 km pour 25 séances déclarées (1,6 km par séance)" in page


def test_inclusion_cancels_supports_no_longer_indicated_and_adds_psychology(app, db):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db), status=Status.VALIDE, referent=referent)
    programme.smoker, programme.bmi = True, 33.0
    db.flush()
    plans.fix_d0(db, programme=programme, d0=D0, user=make_user(db, Role.ASSISTANTE), now=NOW,
                 today=date(2026, 2, 20))
    open_codes = {t.code for t in plans.tasks_of(db, programme) if t.is_open}
    assert {"tobacco_consultation", "dietitian_consultation"} <= open_codes
    client = app.test_client()
    login(client, referent)
    task = _task(db, programme, "inclusion_visit")
    url = f"/taches/{task.id}/formulaire"
    hidden, _ = _form_fields(client, url)
    data = {k: v for k, v in INCLUSION.items() if k != "smoker"} | {"weight": "72", "height": "170",
                                                                   "psychotropic": "y"}
    response = client.post(url, data={**hidden, **data})
    assert response.status_code == 303
    db.expire_all()
    tasks = plans.tasks_of(db, programme)
    tobacco = [t for t in tasks if t.code == "tobacco_consultation"]
    assert tobacco and all(t.state == "cancelled" for t in tobacco)
    assert all(t.state == "cancelled" for t in tasks if t.code == "dietitian_consultation")
    assert any(t.code == "psychology_consultation" and t.is_open for t in tasks)
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "consultation(s) ajoutée(s)" in page


def test_outcomes_page_compares_crq_and_endurance(setting, db):
    programme, _, client = setting
    for form, base, time in (("inclusion_visit", "3", "05:00"), ("closing_visit", "4", "07:30")):
        task = _task(db, programme, form)
        url = f"/taches/{task.id}/formulaire"
        hidden, _ = _form_fields(client, url)
        data = {**INCLUSION, **{f"crq_{n}": base for n in range(1, 21)}, "endurance_time": time}
        assert client.post(url, data={**hidden, **data}).status_code == 303
    page = client.get(f"/programmes/{programme.id}/resultats").get_data(as_text=True)
    assert "3,00" in page and "4,00" in page and "+1,00" in page and "cliniquement significatif" in page
    assert "+150 s (+50,0 %)" in page
