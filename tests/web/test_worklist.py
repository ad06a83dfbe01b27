"""« Ma journée » and the team view: buckets, grouping, counts, filters, access, the one-tap « Fait »."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Task
from rehab.services import plans, worklist
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task

TODAY = NOW.date()  # Monday 2 March 2026


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@pytest.fixture
def team(db):
    ref = make_user(db, Role.REFERENT, sectors=("31",), full_name="Camille Référente")
    other = make_user(db, Role.REFERENT, sectors=("31",), full_name="Dominique Autre")
    return {
        "ref": ref, "other": other,
        "desk": make_user(db, Role.ASSISTANTE), "coord": make_user(db, Role.COORDINATEUR),
        "doctor": make_user(db, Role.MEDECIN), "manager": make_user(db, Role.GESTIONNAIRE),
        "admin": make_user(db, Role.ADMIN),
        "josiane": make_programme(db, make_patient(db, nom_naissance="RIVIERE", prenoms="Josiane"),
                                  status=Status.EN_COURS, referent=ref),
        "marcel": make_programme(db, make_patient(db, nom_naissance="BALARD", prenoms="Marcel", department="34"),
                                 status=Status.EN_COURS, referent=ref),
        "elsewhere": make_programme(db, make_patient(db, nom_naissance="AILLEURS", prenoms="Paule"),
                                    status=Status.EN_COURS, referent=other),
    }


@pytest.fixture
def tasks(db, team):
    j, m, e = team["josiane"], team["marcel"], team["elsewhere"]
    return {
        "overdue": make_task(db, j, due=day(-10), window_after=3, label="Visite mi-programme", kind="visit"),
        "in_window": make_task(db, m, due=day(-2), window_after=4, label="Appel de suivi"),
        "today": make_task(db, j, due=TODAY, label="Appel hebdomadaire : séances"),
        "soon": make_task(db, m, due=day(4), label="Rédaction de la synthèse", kind="letter"),
        "later": make_task(db, j, due=day(20), label="Visite de clôture", kind="visit"),
        "done": make_task(db, j, due=day(-1), label="Tâche déjà faite", state="done"),
        "outside_pro": make_task(db, j, due=day(1), role="pneumologue", kind="consultation",
                                 label="Consultation pneumologique n° 2"),
        "not_mine": make_task(db, e, due=TODAY, label="Appel d'un autre référent"),
        "desk": make_task(db, j, due=day(-1), window_after=5, role="assistante", kind="logistics",
                          label="Livraison de l'ergocycle"),
        "doctor": make_task(db, m, due=TODAY, role="medecin_directeur", kind="committee",
                            label="Validation de la synthèse mi-programme"),
        "payment": make_task(db, j, due=day(-5), window_after=1, role="gestionnaire", kind="payment",
                             label="Paiement des forfaits des professionnels"),
    }


def _ids(bucket):
    return [t.id for g in bucket.groups for t in g.tasks]


def test_referent_day_has_three_buckets_grouped_by_patient(db, team, tasks):
    overdue, current, week = worklist.my_day(db, user=team["ref"], today=TODAY)
    assert _ids(overdue) == [tasks["overdue"].id]
    assert _ids(current) == [tasks["in_window"].id, tasks["today"].id]
    assert _ids(week) == [tasks["outside_pro"].id, tasks["soon"].id]
    assert (overdue.total, current.total, week.total) == (1, 2, 2)
    # Grouped per patient, groups in the order of their first task.
    assert [g.programme.id for g in week.groups] == [team["josiane"].id, team["marcel"].id]
    assert week.groups[0].patient_label.startswith("RIVIERE Josiane")


def test_counts_are_one_query_and_match_the_buckets(db, team, tasks):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listener)
    try:
        counts = worklist.nav_counts(db, user=team["ref"], today=TODAY)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listener)
    assert counts == worklist.Counts(overdue=1, today=2, week=0)
    assert counts.badge == 3
    assert len(statements) == 1
    assert worklist.nav_counts(db, user=team["admin"], today=TODAY) is None


def test_my_day_costs_a_fixed_number_of_queries(db, team):
    for i in range(30):
        programme = team["josiane"] if i % 2 else team["marcel"]
        make_task(db, programme, due=day(i % 9 - 1), label=f"Tâche {i}")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listener)
    try:
        buckets = worklist.my_day(db, user=team["ref"], today=TODAY)
        for bucket in buckets:
            for group in bucket.groups:
                assert group.patient_label
                for task in group.tasks:
                    worklist.task_title(task)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listener)
    assert sum(b.shown for b in buckets) == 30
    assert len(statements) <= 3, statements


def test_desk_roles_see_their_queue(db, team, tasks):
    def ids(user):
        return {t for b in worklist.my_day(db, user=user, today=TODAY) for t in _ids(b)}

    assert ids(team["desk"]) == {tasks["desk"].id}
    assert ids(team["doctor"]) == {tasks["doctor"].id}
    assert ids(team["coord"]) == set()
    assert ids(team["manager"]) == {tasks["payment"].id}


def test_my_day_page_for_a_referent(app, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    body = client.get("/ma-journee").get_data(as_text=True)
    assert "En retard" in body and "Aujourd&#39;hui" in body and "Les 7 prochains jours" in body
    assert "RIVIERE Josiane" in body and "BALARD Marcel" in body
    assert f'/programmes/{team["josiane"].id}#tache-{tasks["overdue"].id}' in body
    assert "Appel d&#39;un autre référent" not in body and "AILLEURS" not in body
    assert "Visite de clôture" not in body  # beyond the 7 days
    assert f'/taches/{tasks["today"].id}/etat' in body
    assert f'/taches/{tasks["desk"].id}/etat' not in body
    assert "lundi 2 mars 2026" in body


def test_nav_badge_shows_overdue_plus_today(app, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    body = client.get("/").get_data(as_text=True)
    assert 'class="nav-badge nav-badge-late"' in body
    assert "1 en retard, 2 pour aujourd'hui" in body
    assert "Calendrier" in body and ">Équipe<" not in body


def test_gestionnaire_sees_initials_and_programme_number_only(app, team, tasks):
    client = app.test_client()
    login(client, team["manager"])
    response = client.get("/ma-journee")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Paiement des forfaits des professionnels" in body
    assert "J.R." in body and f"Programme n° {team['josiane'].id}" in body
    assert "RIVIERE" not in body and "Josiane" not in body
    assert "/programmes/" not in body  # no link into the clinical record


def test_team_view_and_filters(app, team, tasks):
    client = app.test_client()
    login(client, team["desk"])
    body = client.get("/equipe").get_data(as_text=True)
    for name in ("RIVIERE", "BALARD", "AILLEURS"):
        assert name in body
    body = client.get(f"/equipe?referent={team['other'].id}").get_data(as_text=True)
    assert "AILLEURS" in body and "RIVIERE" not in body
    body = client.get("/equipe?department=34").get_data(as_text=True)
    assert "BALARD" in body and "RIVIERE" not in body and "AILLEURS" not in body
    body = client.get("/equipe?kind=visit").get_data(as_text=True)
    assert "Visite mi-programme" in body and "Appel de suivi" not in body
    body = client.get("/equipe?role=medecin_directeur").get_data(as_text=True)
    assert "Validation de la synthèse" in body and "Appel de suivi" not in body
    response = client.get("/equipe?referent=abc&kind=nimporte")
    assert response.status_code == 200
    assert "filtre n&#39;est pas valide" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["ref", "manager", "admin"])
def test_team_view_is_for_the_desk_and_the_doctor(app, team, who):
    client = app.test_client()
    login(client, team[who])
    assert client.get("/equipe").status_code == 403


def test_admin_has_no_worklist(app, team):
    client = app.test_client()
    login(client, team["admin"])
    assert client.get("/ma-journee").status_code == 403


def test_fait_marks_the_task_done_with_who_and_when(app, db, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    task = tasks["today"]
    response = post(client, f"/taches/{task.id}/etat", {"state": "done", "next": "/ma-journee#ligne-1"},
                    token_from="/ma-journee")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ma-journee#ligne-1")
    db.refresh(task)
    assert (task.state, task.done_by_id, task.done_at) == ("done", team["ref"].id, NOW)
    body = client.get("/ma-journee").get_data(as_text=True)
    assert "tâche faite" in body
    assert f'/taches/{task.id}/etat' not in body


def test_unsafe_next_falls_back_to_my_day(app, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    for unsafe in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = post(client, f"/taches/{tasks['soon'].id}/etat", {"state": "cancelled", "reason": "doublon",
                                                                       "next": unsafe})
        assert response.headers["Location"].endswith("/ma-journee"), unsafe


def test_cancel_needs_a_reason(app, db, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    response = post(client, f"/taches/{tasks['today'].id}/etat", {"state": "cancelled", "next": "/ma-journee"})
    assert response.status_code == 302
    db.refresh(tasks["today"])
    assert tasks["today"].state == "planned"
    assert "Un motif est obligatoire" in client.get("/ma-journee").get_data(as_text=True)


def test_state_change_checks_object_then_role(app, db, team, tasks):
    client = app.test_client()
    login(client, team["other"])
    assert post(client, f"/taches/{tasks['today'].id}/etat", {"state": "done"}).status_code == 404
    client = app.test_client()
    login(client, team["ref"])
    # His patient, but the assistante's task: visible, not his to act on.
    assert post(client, f"/taches/{tasks['desk'].id}/etat", {"state": "done"}).status_code == 403
    assert post(client, "/taches/999999/etat", {"state": "done"}).status_code == 404
    client = app.test_client()
    login(client, team["manager"])
    assert post(client, f"/taches/{tasks['today'].id}/etat", {"state": "done"}).status_code == 404
    assert post(client, f"/taches/{tasks['payment'].id}/etat", {"state": "done"},
                token_from="/ma-journee").status_code == 302
    db.refresh(tasks["payment"])
    assert tasks["payment"].state == "done"


def test_unknown_state_is_refused_without_error(app, db, team, tasks):
    client = app.test_client()
    login(client, team["ref"])
    response = post(client, f"/taches/{tasks['today'].id}/etat", {"state": "explode"})
    assert response.status_code == 302
    db.refresh(tasks["today"])
    assert tasks["today"].state == "planned"


def test_a_real_plan_lands_in_the_referents_day(db, team):
    programme = make_programme(db, make_patient(db, nom_naissance="PLANIFIEE"), status=Status.VALIDE,
                               referent=team["ref"])
    generated = plans.fix_d0(db, programme=programme, d0=date(2026, 3, 9), user=team["desk"], now=NOW, today=TODAY)
    first_call = min((t for t in generated if t.code == "weekly_call"), key=lambda t: t.occurrence)
    buckets = worklist.my_day(db, user=team["ref"], today=first_call.due_date)
    lines = {t.id: worklist.task_title(t) for b in buckets for g in b.groups for t in g.tasks}
    assert lines[first_call.id] == "Appel hebdomadaire (1/10)"
    assert all(t.assignee_id == team["ref"].id for b in buckets for g in b.groups for t in g.tasks)
    desk_ids = {t.id for b in worklist.my_day(db, user=team["desk"], today=TODAY) for g in b.groups for t in g.tasks}
    assert desk_ids and all(db.get(Task, i).role == "assistante" for i in desk_ids)
