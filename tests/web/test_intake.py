"""Patient contact, practical data, acte d'adhésion and « Fixer le J0 » through HTTP."""

from __future__ import annotations

import html
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, Consent, ContactCall, Dossier, PracticalData, Task
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task

PDF = b"%PDF-1.4\n% scanned acte\n"


@pytest.fixture
def programme(db):
    return make_programme(db, make_patient(db, nom_naissance="FONTVIEILLE"), status=Status.VALIDE)


@pytest.fixture
def client(app, db):
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    return client


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def _url(programme, step):
    return f"/programmes/{programme.id}/entree/{step}"


def test_unreachable_call_plans_a_callback_task(client, db, programme):
    response = post(client, _url(programme, "contact"), {"called_on": "02/03/2026", "called_time": "09:30",
                                                         "outcome": "unreachable", "note": "Messagerie"})
    assert response.status_code == 302
    call = db.scalar(select(ContactCall).where(ContactCall.programme_id == programme.id))
    assert call.callback_on == date(2026, 3, 3)  # proposed: next working day
    task = db.scalar(select(Task).where(Task.programme_id == programme.id, Task.code == "callback_patient"))
    assert (task.batch, task.occurrence, task.role, task.due_date) == (-2, call.id, "assistante", date(2026, 3, 3))
    page = client.get(_url(programme, "contact")).get_data(as_text=True)
    assert "Injoignable" in page and "Messagerie" in page


def test_reached_call_closes_the_contact_tasks_and_offers_the_next_step(client, db, programme):
    contact = make_task(db, programme, due=NOW.date(), code="contact_patient", batch=-2, role="assistante")
    response = post(client, _url(programme, "contact"), {"called_on": "02/03/2026", "called_time": "10h05",
                                                         "outcome": "reached"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/entree/logistique")
    db.expire_all()
    assert contact.state == "done"


@pytest.mark.parametrize(("data", "message"), [
    ({"called_on": "31/02/2026", "called_time": "09:00", "outcome": "reached"}, "Date invalide"),
    ({"called_on": "02/03/2027", "called_time": "09:00", "outcome": "reached"}, "ne peut pas être dans le futur"),
    ({"called_on": "02/03/2026", "called_time": "25:00", "outcome": "reached"}, "Heure invalide"),
    ({"called_on": "02/03/2026", "called_time": "09:00"}, "résultat de l'appel"),
    ({"called_on": "02/03/2026", "called_time": "09:00", "outcome": "call_back", "callback_on": "01/01/2026"},
     "rappel ne peut pas être passée"),
])
def test_bad_call_input_is_refused_and_kept(client, programme, data, message):
    data = {**data, "note": "Texte à garder"}
    response = post(client, _url(programme, "contact"), data)
    body = _text(response)
    assert response.status_code == 400 and message in body and "Texte à garder" in body


def test_double_submitted_call_is_noted_once(client, db, programme):
    data = {"called_on": "02/03/2026", "called_time": "09:30", "outcome": "unreachable"}
    assert post(client, _url(programme, "contact"), data).status_code == 302
    again = post(client, _url(programme, "contact"), data)
    assert again.status_code == 400 and "déjà noté" in _text(again)
    assert len(db.scalars(select(ContactCall).where(ContactCall.programme_id == programme.id)).all()) == 1


def test_missing_electricity_or_phone_line_warns(client, db, programme):
    response = post(client, _url(programme, "logistique"), {"floor": "3", "stairs": "12", "lift": "y",
                                                            "electricity": "y", "access_notes": "Code 1234"},
                    follow_redirects=True)
    body = _text(response)
    assert "pas de ligne téléphonique" in body and "Critère d'exclusion" in body
    row = db.scalar(select(PracticalData).where(PracticalData.programme_id == programme.id))
    assert (row.floor, row.lift, row.electricity, row.phone_line) == (3, True, True, False)


def test_absurd_floor_is_refused(client, programme):
    response = post(client, _url(programme, "logistique"), {"floor": "400", "access_notes": "Gardien"})
    assert response.status_code == 400 and "Étage invraisemblable" in _text(response)
    assert "Gardien" in _text(response)


def test_consent_signed_with_its_scan(client, db, programme):
    response = post(client, _url(programme, "adhesion"), {
        "sent_on": "20/02/2026", "signed_on": "27/02/2026", "file": (io.BytesIO(PDF), "acte signé.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/entree/j0")
    row = db.scalar(select(Consent).where(Consent.programme_id == programme.id))
    assert row.signed_on == date(2026, 2, 27) and row.file is not None
    scan = client.get(_url(programme, "adhesion/copie"))
    assert scan.status_code == 200 and scan.data == PDF


@pytest.mark.parametrize(("data", "message"), [
    ({"sent_on": "27/02/2026", "signed_on": "20/02/2026"}, "avant d'avoir été envoyé"),
    ({"sent_on": "27/02/2026", "signed_on": "27/02/2026", "file": (io.BytesIO(b"MZ..."), "virus.exe")},
     "Type de fichier refusé"),
    ({"sent_on": "27/02/2026", "signed_on": "27/02/2026", "file": (io.BytesIO(b"not a pdf"), "../../x.pdf")},
     "ne correspond pas"),
    ({"sent_on": "27/02/2027"}, "ne peut pas être dans le futur"),
])
def test_bad_consent_input_is_refused(client, db, programme, data, message):
    response = post(client, _url(programme, "adhesion"), data, content_type="multipart/form-data")
    assert response.status_code == 400 and message in _text(response)
    assert db.scalar(select(Consent).where(Consent.programme_id == programme.id)) is None


def _reached(client, programme):
    post(client, _url(programme, "contact"), {"called_on": "02/03/2026", "called_time": "08:30",
                                              "outcome": "reached"})


def test_d0_needs_the_patient_reached_not_the_signed_acte(client, db, programme):
    response = post(client, _url(programme, "j0"), {"d0": "09/03/2026"})
    assert response.status_code == 409 and "notez d'abord l'appel" in _text(response)
    db.expire_all()
    assert programme.d0 is None and programme.status == Status.VALIDE.value
    _reached(client, programme)  # the acte signed comes back at the inclusion visit: not required here
    assert post(client, _url(programme, "j0"), {"d0": "09/03/2026"}).status_code == 302


def test_fixing_d0_generates_the_plan_and_offers_the_care_team(client, db, programme):
    _reached(client, programme)
    response = post(client, _url(programme, "j0"), {"d0": "09/03/2026"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/entree/equipe")
    db.expire_all()
    assert programme.d0 == date(2026, 3, 9) and programme.status == Status.PLANIFIE.value
    assert db.scalar(select(Task.id).where(Task.programme_id == programme.id, Task.batch == 0))
    assert db.scalar(select(Consent.agreed_start).where(Consent.programme_id == programme.id)) == date(2026, 3, 9)
    again = post(client, _url(programme, "j0"), {"d0": "10/03/2026"})
    assert again.status_code == 409 and "déjà fixé" in _text(again)


def test_d0_before_the_dossier_is_complete_is_refused(client, db, programme):
    db.add(Dossier(programme_id=programme.id, referral_date=date(2026, 2, 1), channel="courrier",
                   origin="pneumologue", complete_on=None, created_at=NOW, updated_at=NOW))
    db.flush()
    _reached(client, programme)
    response = post(client, _url(programme, "j0"), {"d0": "09/03/2026"})
    assert response.status_code == 409 and "dossier n'est pas complet" in _text(response)
    db.expire_all()
    assert programme.d0 is None


def test_d0_on_a_sunday_is_refused_with_the_plan_message(client, programme):
    _reached(client, programme)
    response = post(client, _url(programme, "j0"), {"d0": "08/03/2026"})
    assert response.status_code == 409 and "dimanche" in _text(response).lower()
    assert 'value="08/03/2026"' in _text(response)  # the date typed is kept


def test_every_screen_offers_the_next_step(client, programme):
    for step, following in (("contact", "logistique"), ("logistique", "adhesion"), ("adhesion", "j0")):
        body = client.get(_url(programme, step)).get_data(as_text=True)
        assert f'class="btn btn-primary" href="/programmes/{programme.id}/entree/{following}"' in body


def test_screens_are_audited_and_referent_cannot_write(app, db, programme):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    client = app.test_client()
    login(client, referent)
    assert client.get(_url(programme, "contact")).status_code == 200
    assert db.scalar(select(AuditEvent).where(AuditEvent.user_id == referent.id, AuditEvent.action == "view"))
    response = post(client, _url(programme, "contact"), {"called_on": "02/03/2026", "called_time": "09:00",
                                                         "outcome": "reached"})
    assert response.status_code == 403


def test_a_refused_consent_leaves_no_scan_behind(client, db, programme, app):
    """The scan is stored before the service checks the dates: a refusal must remove it again."""
    response = post(client, _url(programme, "adhesion"), {
        "sent_on": "27/02/2026", "signed_on": "20/02/2026", "file": (io.BytesIO(PDF), "acte.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    uploads_dir = Path(app.config["INSTANCE_FILES"]) / "uploads"
    assert not uploads_dir.exists() or not [p for p in uploads_dir.rglob("*") if p.is_file()]


def _form_version(page: str, action: str) -> str:
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return form.split('name="version" value="', 1)[1].split('"', 1)[0]


def test_d0_form_sent_after_someone_changed_the_programme_is_refused_and_input_kept(client, db, programme):
    """Issue #8: the version the page was shown with is checked, as on the programme page."""
    _reached(client, programme)
    url = _url(programme, "j0")
    seen = _form_version(client.get(url).get_data(as_text=True), url)
    programme.notes = "Patient à rappeler le soir"  # a colleague saves the programme meanwhile
    db.flush()
    response = post(client, url, {"d0": "16/03/2026", "version": seen}, token_from=url)
    assert response.status_code == 409 and "modifié par quelqu'un d'autre" in _text(response)
    assert 'value="16/03/2026"' in response.get_data(as_text=True)
    db.expire_all()
    assert programme.d0 is None
    fresh = _form_version(response.get_data(as_text=True), url)
    assert fresh != seen
    assert post(client, url, {"d0": "16/03/2026", "version": fresh}, token_from=url).status_code == 302
    db.expire_all()
    assert programme.d0 == date(2026, 3, 16)
