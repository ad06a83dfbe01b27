"""The care team: directory links by role, agreement/refusal dates, nearby proposals after a refusal,
and the paramedical fact that adds the conditional plan tasks."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import CareTeamMember, Professional, Task
from rehab.services import plans
from tests.factories import NOW, login, make_patient, make_programme, make_user, post


def pro(db, kind, name, department="31", **extra):
    row = Professional(kind=kind, name=name, department=department, city="Toulouse", created_at=NOW,
                       updated_at=NOW, **extra)
    row.refresh_search_key()
    db.add(row)
    db.flush()
    return row


@pytest.fixture
def setup(app, db):
    assistante = make_user(db, Role.ASSISTANTE)
    programme = make_programme(db, make_patient(db, nom_naissance="BARTHE", department="31"), status=Status.VALIDE)
    client = app.test_client()
    login(client, assistante)
    return {"client": client, "programme": programme, "assistante": assistante}


def _url(programme):
    return f"/programmes/{programme.id}/entree/equipe"


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def test_add_the_patients_doctor_with_his_agreement(db, setup):
    gp = pro(db, "medecin_traitant", "Dr Souleil")
    setup["programme"].patient.medecin_traitant_id = gp.id
    db.flush()
    page = _text(setup["client"].get(_url(setup["programme"])))
    assert "Dr Souleil · Toulouse" in page
    response = post(setup["client"], _url(setup["programme"]), {
        "role": "medecin_traitant", "professional_id": str(gp.id), "answer": "agreed", "answered_on": "27/02/2026"})
    assert response.status_code == 302
    member = db.scalar(select(CareTeamMember).where(CareTeamMember.programme_id == setup["programme"].id))
    assert (member.role, member.professional_id, member.agreed_on) == ("medecin_traitant", gp.id, date(2026, 2, 27))


def test_wrong_kind_and_missing_choice_are_refused(db, setup):
    dietitian = pro(db, "dieteticien", "Mme Sel")
    response = post(setup["client"], _url(setup["programme"]), {"role": "pneumologue",
                                                                "professional_id": str(dietitian.id)})
    assert response.status_code == 400 and "pas du bon type" in _text(response)
    response = post(setup["client"], _url(setup["programme"]), {"role": "pneumologue", "professional_id": "0",
                                                                "note": "à garder"})
    assert response.status_code == 400 and "Choisissez le professionnel" in _text(response)
    assert "à garder" in _text(response)


def test_refusal_of_the_usual_paramedical_proposes_nearby_ones(db, setup):
    usual = pro(db, "kinesitherapeute", "MK Habituel")
    pro(db, "kinesitherapeute", "MK Voisin")
    pro(db, "infirmier", "IDE Voisine")
    pro(db, "kinesitherapeute", "MK Lointain", department="34")
    pro(db, "kinesitherapeute", "MK Inactif", active=False)
    client, programme = setup["client"], setup["programme"]
    post(client, _url(programme), {"role": "paramedical", "professional_id": str(usual.id)})
    member = db.scalar(select(CareTeamMember).where(CareTeamMember.programme_id == programme.id))
    response = post(client, f"{_url(programme)}/reponse", {"member_id": str(member.id), "answer": "refused",
                                                           "answered_on": "01/03/2026"}, follow_redirects=True)
    body = _text(response)
    assert "Refus le 01/03/2026" in body and "à proximité" in body.lower()
    proposals = body.split("À proximité dans l'annuaire")[1].split("</ul>")[0]
    assert "MK Voisin" in proposals and "IDE Voisine" in proposals
    assert "MK Lointain" not in proposals and "MK Inactif" not in proposals and "MK Habituel" not in proposals


def test_answer_in_the_future_is_refused(db, setup):
    mk = pro(db, "kinesitherapeute", "MK")
    post(setup["client"], _url(setup["programme"]), {"role": "paramedical", "professional_id": str(mk.id)})
    member = db.scalar(select(CareTeamMember).where(CareTeamMember.programme_id == setup["programme"].id))
    response = post(setup["client"], f"{_url(setup['programme'])}/reponse",
                    {"member_id": str(member.id), "answer": "agreed", "answered_on": "01/01/2030"})
    assert response.status_code == 400 and "futur" in _text(response)


def test_member_of_another_programme_cannot_be_answered(db, setup):
    other = make_programme(db, make_patient(db), status=Status.VALIDE)
    mk = pro(db, "kinesitherapeute", "MK")
    member = CareTeamMember(programme_id=other.id, role="paramedical", professional_id=mk.id, created_at=NOW)
    db.add(member)
    db.flush()
    response = post(setup["client"], f"{_url(setup['programme'])}/reponse",
                    {"member_id": str(member.id), "answer": "agreed", "answered_on": "01/03/2026"},
                    follow_redirects=True)
    assert "n'existe pas pour ce programme" in _text(response)
    db.expire_all()
    assert member.agreed_on is None


def test_paramedical_agreement_sets_the_fact_and_adds_plan_tasks(db, setup):
    programme, assistante = setup["programme"], setup["assistante"]
    plans.fix_d0(db, programme=programme, d0=date(2026, 3, 9), user=assistante, now=NOW, today=NOW.date())
    before = db.scalar(select(Task.id).where(Task.programme_id == programme.id, Task.role == "paramedical"))
    mk = pro(db, "kinesitherapeute", "MK Dupuy")
    response = post(setup["client"], _url(programme), {"role": "paramedical", "professional_id": str(mk.id),
                                                       "answer": "agreed", "answered_on": "02/03/2026"})
    assert response.status_code == 302
    db.expire_all()
    assert programme.paramedical_in_team is True
    added = db.scalars(select(Task).where(Task.programme_id == programme.id, Task.role == "paramedical")).all()
    expected = [p for p in plans.compute_plan(plans.protocol_of(programme), d0=programme.d0,
                                              facts=plans.facts_of(programme)) if p.role.value == "paramedical"]
    assert before is None and expected
    assert len(added) == len(expected)
