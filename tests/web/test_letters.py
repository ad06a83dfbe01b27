"""The synthesis workflow through HTTP: draft → submit → review → validate (médecin, recent login) → dispatch."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import (
    CareTeamMember,
    EnduranceTest,
    FormSubmission,
    LetterVersion,
    Professional,
    Task,
)
from rehab.services import letters as service
from rehab.services.errors import ServiceError
from tests.factories import NOW, PASSWORD, csrf_token, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task

STEPS = ("draft", "review", "validation", "dispatch")


def _endurance(db, programme, moment: str, day: date, seconds: int) -> None:
    sub = FormSubmission(programme_id=programme.id, form="x", payload={}, performed_on=day, submitted_at=NOW,
                         client_submission_id=str(uuid.uuid4()))
    db.add(sub)
    db.flush()
    db.add(EnduranceTest(programme_id=programme.id, submission_id=sub.id, moment=moment, tested_on=day,
                         max_power_w=60, load_w=48, duration_s=seconds))


@pytest.fixture
def world(db):
    referent = make_user(db, Role.REFERENT, sectors=("31",), full_name="Camille Peyrot")
    people = {"referent": referent, "coordinateur": make_user(db, Role.COORDINATEUR),
              "medecin": make_user(db, Role.MEDECIN, full_name="Dr Anne Lafforgue"),
              "assistante": make_user(db, Role.ASSISTANTE)}
    patient = make_patient(db, nom_naissance="CASTAGNÉ", prenoms="Odette")
    programme = make_programme(db, patient, status=Status.EN_COURS, referent=referent, d0=date(2025, 12, 1))
    pro = Professional(kind="medecin_traitant", name="Dr Souleil", mssante="souleil@medecin.mssante.fr",
                       preferred_channel="mssante", address="4 place du Capitole", postal_code="31000",
                       city="Toulouse")
    db.add(pro)
    db.flush()
    db.add(CareTeamMember(programme_id=programme.id, role="medecin_traitant", professional_id=pro.id,
                          agreed_on=date(2025, 11, 20), created_at=NOW))
    _endurance(db, programme, "inclusion", date(2025, 12, 1), 420)
    _endurance(db, programme, "closing", date(2026, 2, 23), 765)
    for step in STEPS:
        make_task(db, programme, due=NOW.date(), kind="letter", role="referent",
                  code=f"synthese_finale_{step}", label=step)
    db.flush()
    return {**people, "programme": programme, "patient": patient}


def _version(db, version_id: int) -> LetterVersion:
    db.expire_all()
    return db.get(LetterVersion, version_id)


def _start(client, world, kind: str = "finale") -> int:
    login(client, world["referent"])
    url = f"/programmes/{world['programme'].id}/courriers"
    response = post(client, url, {"kind": kind}, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _to_reviewed(client, world, db) -> int:
    vid = _start(client, world)
    url = f"/courriers/{vid}"
    response = post(client, url, {"bilan": "Très bonne progression & <b>motivation</b>.", "revision_seen": "1"},
                    token_from=url)
    assert response.status_code == 302
    assert post(client, f"{url}/soumettre", token_from=url).status_code == 302
    coord = client.application.test_client()
    login(coord, world["coordinateur"])
    response = post(coord, f"{url}/relecture", {"outcome": "passed", "comments": "RAS"}, token_from=url)
    assert response.status_code == 302
    assert _version(db, vid).state == "reviewed"
    return vid


def _validate(app, world, vid: int):
    doc = app.test_client()
    login(doc, world["medecin"])
    url = f"/courriers/{vid}/validation"
    response = post(doc, url, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    return doc


def test_full_workflow_freezes_the_pdf_and_closes_the_plan_tasks(app, client, db, world, tmp_path):
    vid = _to_reviewed(client, world, db)
    doc = app.test_client()
    login(doc, world["medecin"])
    queue = doc.get("/courriers/a-valider").get_data(as_text=True)
    assert "CASTAGNÉ" in queue and "Synthèse finale" in queue
    _validate(app, world, vid)
    version = _version(db, vid)
    assert version.state == "validated" and version.validated_by_id == world["medecin"].id
    data = (Path(tmp_path) / version.pdf_path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == version.sha256
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Dr Anne Lafforgue" in text and "Dr Souleil" in text and "765" in text
    assert version.snapshot["endurance_after_s"] == 765
    assert "Très bonne progression & <b>motivation</b>." in text

    app.config["MAIL_SERVER"] = None  # development outbox under INSTANCE_FILES
    helper = app.test_client()
    login(helper, world["assistante"])
    url = f"/courriers/{vid}/envoi"
    assert "Dr Souleil" in helper.get(url).get_data(as_text=True)
    assert post(helper, url, token_from=url).status_code == 302
    assert list((Path(tmp_path) / "outbox").glob("*.eml"))
    assert _version(db, vid).state == "validated"  # the patient (final synthesis) still waits for the post
    batch = post(helper, f"/courriers/{vid}/lot-postal", token_from=url)
    assert batch.status_code == 200 and batch.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(batch.data)).pages
    assert "CASTAGNÉ Odette" in pages[0].extract_text()  # the address sheet, then the letter
    assert "Madame, Monsieur" in pages[1].extract_text()  # the patient's cover letter
    assert len(pages) == 2 + len(PdfReader(io.BytesIO(data)).pages)
    assert _version(db, vid).state == "dispatched"
    assert post(helper, f"/courriers/{vid}/lot-postal", token_from=url).status_code == 302  # nothing left
    states = {t.code: t.state for t in db.query(Task).filter(Task.programme_id == world["programme"].id)}
    assert states == {f"synthese_finale_{s}": "done" for s in STEPS}

    response = helper.get(f"/courriers/{vid}/apercu.pdf")
    assert response.status_code == 200 and response.data == data


def test_assistante_cannot_validate(app, client, db, world):
    vid = _to_reviewed(client, world, db)
    helper = app.test_client()
    login(helper, world["assistante"])
    response = post(helper, f"/courriers/{vid}/validation", token_from="/")
    assert response.status_code == 403
    assert _version(db, vid).state == "reviewed"


def test_validated_letter_refuses_every_edit_and_keeps_its_file(app, client, db, world, tmp_path):
    vid = _to_reviewed(client, world, db)
    _validate(app, world, vid)
    version = _version(db, vid)
    path = Path(tmp_path) / version.pdf_path
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    ref = app.test_client()
    login(ref, world["referent"])
    url = f"/courriers/{vid}"
    response = post(ref, url, {"bilan": "Réécriture", "revision_seen": str(version.revision)}, token_from=url)
    assert response.status_code in (400, 409)
    assert "ne peut plus être modifiée" in response.get_data(as_text=True)
    assert post(ref, f"{url}/soumettre", token_from=url).status_code == 302
    doc = app.test_client()  # a second validation is refused, the file is not rewritten
    login(doc, world["medecin"])
    again = post(doc, f"/courriers/{vid}/validation", token_from=url)
    assert again.status_code == 409 and "ne peut plus être modifiée" in again.get_data(as_text=True)
    version = _version(db, vid)
    with pytest.raises(ServiceError, match="ne peut plus être modifiée"):
        service.save_draft(db, version=version, sections={"bilan": "x"}, revision=version.revision,
                           user=world["referent"], now=NOW)
    nested = db.begin_nested()  # the model refuses too, whatever code path tries it
    version.sections = {"bilan": "modifié en douce"}
    with pytest.raises(ValueError, match="non modifiable"):
        db.flush()
    nested.rollback()
    version = _version(db, vid)
    assert version.sections == {"bilan": "Très bonne progression & <b>motivation</b>."}
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before == version.sha256


def test_correction_is_a_new_version_linking_to_the_old(app, client, db, world):
    vid = _to_reviewed(client, world, db)
    _validate(app, world, vid)
    ref = app.test_client()
    login(ref, world["referent"])
    url = f"/programmes/{world['programme'].id}/courriers"
    response = post(ref, url, {"kind": "finale"}, token_from=url)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    new = _version(db, new_id)
    assert new_id != vid and new.number == 2 and new.replaces_version_id == vid and new.state == "draft"
    assert new.sections == _version(db, vid).sections
    assert _version(db, vid).state == "validated"
    assert "remplace la version 1" in ref.get(f"/courriers/{new_id}").get_data(as_text=True)


def test_stale_login_medecin_is_asked_to_log_in_again(app, client, db, world):
    vid = _to_reviewed(client, world, db)
    doc = app.test_client()
    login(doc, world["medecin"])
    app.config["FROZEN_NOW"] = NOW + timedelta(minutes=31)
    url = f"/courriers/{vid}/validation"
    response = post(doc, url, token_from="/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")
    assert "validation" in response.headers["Location"]
    page = doc.get(response.headers["Location"]).get_data(as_text=True)
    assert "saisissez de nouveau votre mot de passe" in page
    assert _version(db, vid).state == "reviewed"
    # after logging in again, the médecin lands back on the validation page
    token = csrf_token(doc, response.headers["Location"])
    again = doc.post(response.headers["Location"], data={"username": world["medecin"].username,
                                                          "password": PASSWORD, "csrf_token": token})
    assert again.headers["Location"].endswith(url)
    assert post(doc, url, token_from=url).status_code == 302
    assert _version(db, vid).state == "validated"


def test_coordinateur_sends_back_with_a_comment(app, client, db, world):
    vid = _start(client, world, kind="initiale")
    url = f"/courriers/{vid}"
    post(client, f"{url}/soumettre", token_from=url)
    coord = app.test_client()
    login(coord, world["coordinateur"])
    response = post(coord, f"{url}/relecture", {"outcome": "sent_back", "comments": ""}, token_from=url)
    assert response.status_code == 400
    assert "Indiquez au référent" in response.get_data(as_text=True)
    response = post(coord, f"{url}/relecture", {"outcome": "sent_back", "comments": "Préciser le BEP."},
                    token_from=url)
    assert response.status_code == 302
    version = _version(db, vid)
    assert version.state == "draft" and version.reviews[0].comments == "Préciser le BEP."


def test_stale_draft_form_is_refused_without_losing_text(client, db, world):
    vid = _start(client, world, kind="initiale")
    url = f"/courriers/{vid}"
    assert post(client, url, {"bilan": "premier", "revision_seen": "1"}, token_from=url).status_code == 302
    response = post(client, url, {"bilan": "texte tapé hors ligne", "revision_seen": "1"}, token_from=url)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "texte tapé hors ligne" in page  # what was typed, in the form
    assert "Texte enregistré entre-temps" in page and "premier" in page  # what was saved, beside it
    seen = re.search(r'id="revision_seen" name="revision_seen" type="hidden" value="(\d+)"', page)
    assert seen and seen.group(1) == "2"
    merged = post(client, url, {"bilan": "premier + texte tapé hors ligne", "revision_seen": seen.group(1)},
                  token_from=url)
    assert merged.status_code == 302  # the merge goes through, no reload needed
    assert _version(db, vid).sections == {"bilan": "premier + texte tapé hors ligne"}


def test_a_replaced_version_is_not_sent_and_its_pending_rows_are_cancelled(app, client, db, world, tmp_path):
    v1 = _to_reviewed(client, world, db)
    _validate(app, world, v1)
    app.config["MAIL_SERVER"] = None  # development outbox under INSTANCE_FILES
    helper = app.test_client()
    login(helper, world["assistante"])
    old_url = f"/courriers/{v1}/envoi"
    assert "Dr Souleil" in helper.get(old_url).get_data(as_text=True)  # v1's rows drawn up, not sent yet
    ref = app.test_client()  # a correction: v2 goes through review and validation
    login(ref, world["referent"])
    letters_url = f"/programmes/{world['programme'].id}/courriers"
    v2 = int(post(ref, letters_url, {"kind": "finale"}, token_from=letters_url).headers["Location"].rsplit("/")[-1])
    post(ref, f"/courriers/{v2}/soumettre", token_from=f"/courriers/{v2}")
    coord = app.test_client()
    login(coord, world["coordinateur"])
    post(coord, f"/courriers/{v2}/relecture", {"outcome": "passed", "comments": ""}, token_from=f"/courriers/{v2}")
    _validate(app, world, v2)

    refused = post(helper, old_url, token_from=old_url)  # the stale page's « send » button
    assert refused.status_code == 409
    assert "La version 1 a été remplacée par la version 2" in refused.get_data(as_text=True)
    assert post(helper, f"/courriers/{v1}/lot-postal", token_from=old_url).status_code == 409
    assert not list((Path(tmp_path) / "outbox").glob("*.eml"))
    old = _version(db, v1)
    assert {(d.status, d.last_error) for d in old.dispatches} == {
        ("cancelled", "Remplacé par la version 2 : non envoyé.")}
    page = helper.get(old_url).get_data(as_text=True)
    assert "remplacée par la version 2" in page and "Envoyer par MSSanté" not in page
    assert post(helper, f"/courriers/{v2}/envoi", token_from=old_url).status_code == 302
    assert len(list((Path(tmp_path) / "outbox").glob("*.eml"))) == 1


def test_preview_of_a_draft_and_programme_page_link(client, db, world):
    vid = _start(client, world, kind="mi_programme")
    response = client.get(f"/courriers/{vid}/apercu.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    page = client.get(f"/programmes/{world['programme'].id}").get_data(as_text=True)
    assert f"/programmes/{world['programme'].id}/courriers" in page


def test_medecin_queue_is_oldest_first_with_waiting_time(app, db, world):
    other = make_programme(db, make_patient(db, nom_naissance="BARRIÈRE"), status=Status.EN_COURS,
                           referent=world["referent"], d0=date(2025, 12, 8))
    for programme, hours in ((world["programme"], 5), (other, 50)):
        version = service.start(db, programme=programme, kind="initiale", user=world["referent"], now=NOW)
        service.submit(db, version=version, user=world["referent"], now=NOW)
        service.review(db, version=version, comments="", passed=True, user=world["coordinateur"],
                       now=NOW - timedelta(hours=hours))
    doc = app.test_client()
    login(doc, world["medecin"])
    page = doc.get("/courriers/a-valider").get_data(as_text=True)
    assert page.index("BARRIÈRE") < page.index("CASTAGNÉ")
    assert "2 j 2 h" in page and "0 j 5 h" in page
    assert "À valider" in page  # the médecin's nav entry


def test_failed_send_is_shown_and_retried_from_the_dispatch_screen(app, client, db, world, tmp_path):
    import socket

    vid = _to_reviewed(client, world, db)
    _validate(app, world, vid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed, MAIL_USE_TLS=False, MAIL_TIMEOUT=2)
    helper = app.test_client()
    login(helper, world["assistante"])
    url = f"/courriers/{vid}/envoi"
    post(helper, url, token_from=url)
    page = helper.get(url).get_data(as_text=True)
    assert "Échec" in page and "Relancer" in page and "Envoi du courriel impossible" in page
    row = _version(db, vid).dispatches[0]
    app.config["MAIL_SERVER"] = None  # the server is back (here: the development outbox)
    assert post(helper, f"/courriers/envois/{row.id}/relancer", token_from=url).status_code == 302
    db.expire_all()
    row = _version(db, vid).dispatches[0]
    assert row.status == "sent" and row.attempts == 2
    assert len(list((Path(tmp_path) / "outbox").glob("*.eml"))) == 1
