"""Letter tasks lead to their letter (worklists, « Ma journée » and team view), the assistante issues the
initial letters over HTTP, and the dispatch page warns about postal recipients without a usable address."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, CareTeamMember, LetterDispatch, LetterVersion, Professional, Task
from rehab.services import letters as service
from rehab.services import plans
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task


@pytest.fixture
def world(db):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    people = {"referent": referent, "coordinateur": make_user(db, Role.COORDINATEUR),
              "medecin": make_user(db, Role.MEDECIN), "assistante": make_user(db, Role.ASSISTANTE)}
    programme = make_programme(db, make_patient(db, nom_naissance="LAPORTE"), status=Status.EN_COURS,
                               referent=referent, d0=date(2026, 2, 2))
    for name, fields in (("Dr Adresse", {"address": "2 rue Alsace", "postal_code": "31000", "city": "Toulouse"}),
                         ("Dr SansAdresse", {"city": "Toulouse"})):
        pro = Professional(kind="medecin_traitant", name=name, preferred_channel="post", **fields)
        db.add(pro)
        db.flush()
        db.add(CareTeamMember(programme_id=programme.id, role="medecin_traitant", professional_id=pro.id,
                              created_at=NOW))
    tasks = {code: make_task(db, programme, due=NOW.date(), kind="letter", role=role, code=code, label=label,
                             letter=letter)
             for code, role, label, letter in (
                 ("synthese_initiale_draft", "referent", "Rédaction de la synthèse initiale", "synthese_initiale"),
                 ("synthese_initiale_dispatch", "assistante", "Envoi de la synthèse initiale", "synthese_initiale"),
                 ("care_team_initial_letters", "assistante", "Courriers initiaux", "courrier_initial_professionnels"),
             )}
    db.flush()
    return {**people, "programme": programme, "tasks": tasks}


def test_my_day_links_a_letter_task_to_the_letter_page(app, client, db, world):
    login(client, world["referent"])
    draft = world["tasks"]["synthese_initiale_draft"]
    page = client.get("/ma-journee").get_data(as_text=True)
    assert f"/courriers/tache/{draft.id}" in page
    response = client.get(f"/courriers/tache/{draft.id}")  # nothing started: the programme's letters
    assert response.headers["Location"].startswith(f"/programmes/{world['programme'].id}/courriers?kind=initiale")
    assert '<option selected value="initiale">' in client.get(response.headers["Location"]).get_data(as_text=True)

    version = service.start(db, programme=world["programme"], kind="initiale", user=world["referent"], now=NOW)
    assert client.get(f"/courriers/tache/{draft.id}").headers["Location"] == f"/courriers/{version.id}"

    desk = app.test_client()
    login(desk, world["assistante"])
    team = desk.get("/equipe").get_data(as_text=True)
    dispatch = world["tasks"]["synthese_initiale_dispatch"]
    assert f"/courriers/tache/{dispatch.id}" in team
    outsider = app.test_client()
    login(outsider, make_user(db, Role.REFERENT, sectors=("34",)))
    assert outsider.get(f"/courriers/tache/{dispatch.id}").status_code == 404


def test_assistante_issues_the_initial_letters_and_sees_the_missing_address(app, db, world):
    desk = app.test_client()
    login(desk, world["assistante"])
    task = world["tasks"]["care_team_initial_letters"]
    location = desk.get(f"/courriers/tache/{task.id}").headers["Location"]
    page = desk.get(location).get_data(as_text=True)
    assert "Établir les courriers initiaux" in page
    response = post(desk, f"/programmes/{world['programme'].id}/courriers/initiaux", {"expected_version": "0"},
                    token_from=location)
    assert response.status_code == 302 and response.headers["Location"].endswith("/envoi")
    db.expire_all()
    version = db.query(LetterVersion).one()
    assert version.state == "issued" and version.sha256
    assert desk.get(f"/courriers/tache/{task.id}").headers["Location"] == f"/courriers/{version.id}/envoi"

    page = desk.get(f"/courriers/{version.id}/envoi").get_data(as_text=True)
    assert "Adresse postale incomplète" in page and "Dr SansAdresse" in page
    batch = post(desk, f"/courriers/{version.id}/lot-postal", token_from=f"/courriers/{version.id}/envoi")
    assert batch.status_code == 200 and batch.mimetype == "application/pdf"
    page = desk.get(f"/courriers/{version.id}/envoi").get_data(as_text=True)
    assert "Non imprimé(s), adresse postale incomplète : Dr SansAdresse" in page
    again = post(desk, f"/courriers/{version.id}/lot-postal", token_from=f"/courriers/{version.id}/envoi")
    assert again.status_code == 302  # only the incomplete address is left: refused, not an empty sheet
    assert "Aucun courrier imprimable" in desk.get(again.headers["Location"]).get_data(as_text=True)


def test_referent_cannot_issue_the_initial_letters(client, db, world):
    login(client, world["referent"])
    url = f"/programmes/{world['programme'].id}/courriers"
    assert post(client, f"{url}/initiaux", token_from=url).status_code == 403
    response = post(client, url, {"kind": "initial_pros"}, token_from=url)  # not offered to the référent
    assert response.status_code == 302 and db.query(LetterVersion).count() == 0


def test_interruption_letter_goes_from_the_referent_straight_to_the_medecin(app, client, db, world):
    programme = world["programme"]
    plans.interrupt(db, programme=programme, on=NOW.date(), reason="Décision du patient", user=world["medecin"],
                    now=NOW)
    db.flush()
    login(client, world["referent"])
    url = f"/programmes/{programme.id}/courriers"
    response = post(client, url, {"kind": "interruption"}, token_from=url)
    letter_url = response.headers["Location"]
    page = client.get(letter_url).get_data(as_text=True)
    assert "Courrier de fin de programme (interruption)" in page and "Suite de la prise en charge" in page
    post(client, f"{letter_url}/soumettre", token_from=letter_url)
    assert "Courrier soumis au médecin directeur." in client.get(letter_url).get_data(as_text=True)

    doc = app.test_client()
    login(doc, world["medecin"])
    queue = doc.get("/courriers/a-valider").get_data(as_text=True)
    assert "LAPORTE" in queue and "soumise le" in queue
    validation = f"{letter_url}/validation"
    assert "Je valide ce document" in doc.get(validation).get_data(as_text=True)
    assert post(doc, validation, token_from=validation).status_code == 302
    db.expire_all()
    assert db.get(LetterVersion, int(letter_url.rsplit("/", 1)[1])).state == "validated"


def _issue(client, programme_id: int, data: dict[str, str]):
    url = f"/programmes/{programme_id}/courriers"
    return post(client, f"{url}/initiaux", data, token_from=url)


def test_issuing_twice_is_refused_and_a_new_version_needs_the_checkbox(app, db, world):
    desk = app.test_client()
    login(desk, world["assistante"])
    pid = world["programme"].id
    assert 'name="expected_version" type="hidden" value="0"' in desk.get(f"/programmes/{pid}/courriers").get_data(
        as_text=True)
    assert _issue(desk, pid, {"expected_version": "0"}).status_code == 302
    double = _issue(desk, pid, {"expected_version": "0"})  # double click, or a second tab
    assert double.status_code == 409 and "établis entre-temps (version 1)" in double.get_data(as_text=True)
    unconfirmed = _issue(desk, pid, {"expected_version": "1"})
    assert unconfirmed.status_code == 409 and "cochez « Établir une nouvelle version »" in unconfirmed.get_data(
        as_text=True)
    db.expire_all()
    assert [(v.number, v.state) for v in db.query(LetterVersion).order_by(LetterVersion.number)] == [(1, "issued")]
    v1 = db.query(LetterVersion).one()
    desk.get(f"/courriers/{v1.id}/envoi")  # draws up v1's rows, still to send
    again = _issue(desk, pid, {"expected_version": "1", "new_version": "y"})  # e.g. after a care-team change
    assert again.status_code == 302
    db.expire_all()
    assert [(v.number, v.state) for v in db.query(LetterVersion).order_by(LetterVersion.number)] == [
        (1, "issued"), (2, "issued")]
    old_rows = db.scalars(select(LetterDispatch).where(LetterDispatch.version_id == v1.id)).all()
    assert old_rows and {(d.status, d.last_error) for d in old_rows} == {
        ("cancelled", "Remplacé par la version 2 : non envoyé.")}


def test_a_professional_who_refused_is_cancelled_not_sent_and_the_task_closes(app, db, world, tmp_path):
    secure = Professional(kind="pneumologue", name="Dr Sécurisée", mssante="secure@pneumo.mssante.fr",
                          preferred_channel="mssante")
    db.add(secure)
    db.flush()
    db.add(CareTeamMember(programme_id=world["programme"].id, role="pneumologue", professional_id=secure.id,
                          created_at=NOW))
    db.flush()
    app.config["MAIL_SERVER"] = None  # development outbox under INSTANCE_FILES
    desk = app.test_client()
    login(desk, world["assistante"])
    assert _issue(desk, world["programme"].id, {"expected_version": "0"}).status_code == 302
    version = db.query(LetterVersion).one()
    url = f"/courriers/{version.id}/envoi"
    page = desk.get(url).get_data(as_text=True)  # the rows are drawn up for the three professionals
    assert "Dr Sécurisée" in page and "Dr SansAdresse" in page
    for member in db.scalars(select(CareTeamMember).where(CareTeamMember.programme_id == world["programme"].id)):
        if member.professional.name in ("Dr Sécurisée", "Dr SansAdresse"):
            member.refused_on = NOW.date()  # they refuse after the dispatch page was opened
    db.flush()
    assert post(desk, url, token_from=url).status_code == 302
    assert not list((Path(tmp_path) / "outbox").glob("*.eml"))  # no e-mail to the one who refused
    batch = post(desk, f"/courriers/{version.id}/lot-postal", token_from=url)
    assert batch.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(batch.data)).pages)
    assert "À l'attention de Dr Adresse" in text and "À l'attention de Dr SansAdresse" not in text
    db.expire_all()
    assert db.get(LetterVersion, version.id).state == "dispatched"
    assert db.scalar(select(Task.state).where(Task.code == "care_team_initial_letters")) == "done"
    page = desk.get(url).get_data(as_text=True)
    assert page.count("Annulé") == 2 and "Ne fait plus partie de l&#39;équipe de soins" in page
    logged = db.scalars(select(AuditEvent).where(AuditEvent.action == "dispatch",
                                                 AuditEvent.object_id == version.id)).all()
    assert sorted(e.detail["status"] for e in logged) == ["cancelled", "cancelled", "sent"]
