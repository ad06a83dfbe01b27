"""Professionals' satisfaction questionnaires through HTTP: the assistante records each one returned, once per
professional of the care team; a second submission shows the one on record."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import func, select

from rehab.demo import DEMO_PASSWORD
from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, CareTeamMember, Professional, ProfessionalSatisfaction
from rehab.models.care_team import TEAM_ROLES
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task


def _pro(db, kind, name):
    row = Professional(kind=kind, name=name, department="31", city="Toulouse", created_at=NOW, updated_at=NOW)
    row.refresh_search_key()
    db.add(row)
    db.flush()
    return row


@pytest.fixture
def world(app, db):
    referent = make_user(db, Role.REFERENT)
    programme = make_programme(db, make_patient(db), status=Status.SUIVI, referent=referent, d0=date(2025, 9, 1))
    gp, kine, refused = _pro(db, "medecin_traitant", "Dr Souleil"), _pro(db, "kinesitherapeute", "M. Pujol"), \
        _pro(db, "kinesitherapeute", "Mme Refus")
    db.add_all([CareTeamMember(programme_id=programme.id, role="medecin_traitant", professional_id=gp.id,
                               agreed_on=date(2025, 8, 20), created_at=NOW),
                CareTeamMember(programme_id=programme.id, role="paramedical", professional_id=kine.id,
                               agreed_on=date(2025, 8, 21), created_at=NOW),
                CareTeamMember(programme_id=programme.id, role="paramedical", professional_id=refused.id,
                               refused_on=date(2025, 8, 19), created_at=NOW)])
    db.flush()
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    return {"client": client, "programme": programme, "gp": gp, "kine": kine, "refused": refused,
            "referent": referent, "url": f"/programmes/{programme.id}/satisfaction/"}


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def _data(pro, **over):
    data = {"professional_id": str(pro.id), "received_on": "15/02/2026", "satisfied": "yes", "score": "8",
            "comment": "Très bon suivi, patient motivé."}
    data.update(over)
    return data


def test_the_assistante_records_a_returned_questionnaire(db, world):
    client, url = world["client"], world["url"]
    page = _text(client.get(url))
    assert "Dr Souleil · Médecin traitant" in page and "M. Pujol" in page
    assert "Mme Refus" not in page  # a professional who refused is not asked
    response = post(client, url, _data(world["gp"]), token_from=url)
    assert response.status_code == 302
    row = db.scalar(select(ProfessionalSatisfaction).where(ProfessionalSatisfaction.programme_id
                                                           == world["programme"].id))
    assert (row.professional_id, row.role, row.received_on, row.satisfied, row.score, row.comment) == (
        world["gp"].id, "medecin_traitant", date(2026, 2, 15), True, 8, "Très bon suivi, patient motivé.")
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "professional_satisfaction", AuditEvent.object_id == row.id)) == 1
    page = _text(client.get(url))
    assert "1 satisfait(s) sur 1 réponse(s)" in page and "Très bon suivi" in page


def test_a_second_submission_shows_the_one_on_record(db, world):
    client, url = world["client"], world["url"]
    assert post(client, url, _data(world["kine"], satisfied="no", score="3"), token_from=url).status_code == 302
    response = post(client, url, _data(world["kine"], score="9", comment="Autre saisie"), token_from=url)
    page = _text(response)
    assert response.status_code == 409
    assert "Le questionnaire de M. Pujol est déjà enregistré pour ce programme (reçu le 15/02/2026)" in page
    assert "Questionnaire déjà enregistré" in page and "Autre saisie" in page  # what was typed is kept
    rows = db.scalars(select(ProfessionalSatisfaction).where(
        ProfessionalSatisfaction.programme_id == world["programme"].id)).all()
    assert [(r.score, r.satisfied) for r in rows] == [(3, False)]


@pytest.mark.parametrize(("over", "message"), [
    ({"received_on": "15/03/2026"}, "La date de réception ne peut pas être dans le futur."),
    ({"received_on": "15/08/2025"}, "avant le début du programme (01/09/2025)"),
    ({"score": "11"}, "La note doit être comprise entre 0 et 10."),
    ({"satisfied": ""}, "Indiquez si le professionnel se déclare satisfait."),
    ({"received_on": "31/02/2026"}, "Date invalide"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_saved(db, world, over, message):
    response = post(world["client"], world["url"], _data(world["gp"], **over), token_from=world["url"])
    assert response.status_code == 400
    assert message in _text(response)
    assert db.scalar(select(func.count()).select_from(ProfessionalSatisfaction)) == 0


def test_only_care_team_professionals_who_did_not_refuse(db, world):
    for pro in (world["refused"], _pro(db, "dieteticien", "Mme Ailleurs")):
        response = post(world["client"], world["url"], _data(pro), token_from=world["url"])
        assert response.status_code == 400
        assert "ne fait pas partie de l'équipe de soins" in _text(response)


def test_the_referent_reads_but_does_not_record(app, db, world):
    client = app.test_client()
    login(client, world["referent"])
    page = _text(client.get(world["url"]))
    assert "Dr Souleil" in page and "Enregistrer le questionnaire" not in page
    assert post(client, world["url"], _data(world["gp"]), token_from=world["url"]).status_code == 403
    other = app.test_client()
    login(other, make_user(db, Role.REFERENT))
    assert other.get(world["url"]).status_code == 404


def test_the_demo_has_questionnaires_for_finished_programmes(app, runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    rows = db.scalars(select(ProfessionalSatisfaction)).all()
    assert rows, "no satisfaction questionnaire in the demo"
    assert {r.role for r in rows} <= set(TEAM_ROLES)
    assert any(not r.satisfied for r in rows) and any(r.satisfied for r in rows)
    client = app.test_client()
    login(client, "assistante", DEMO_PASSWORD)
    page = _text(client.get(f"/programmes/{rows[0].programme_id}/satisfaction/"))
    assert "satisfait(s) sur" in page


def test_the_protocol_task_leads_to_the_questionnaires(db, world):
    task = make_task(db, world["programme"], due=NOW.date(), role="assistante", kind="questionnaire",
                     code="professional_satisfaction_questionnaires", label="Envoi des questionnaires de satisfaction")
    link = f'href="{world["url"]}">Réponses reçues</a>'
    assert link in world["client"].get("/ma-journee").get_data(as_text=True)
    assert link in world["client"].get(f"/programmes/{task.programme_id}").get_data(as_text=True)


def test_no_questionnaire_for_a_programme_that_has_not_started(db, world):
    world["programme"].d0 = None
    db.flush()
    response = post(world["client"], world["url"], _data(world["gp"], received_on="01/01/1990"),
                    token_from=world["url"])
    assert response.status_code == 400
    assert "n'a pas commencé" in _text(response)
    assert db.scalar(select(func.count()).select_from(ProfessionalSatisfaction)) == 0
