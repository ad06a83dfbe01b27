"""The plan service on a real database: generation, re-anchoring, suspension, interruption, rupture."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import PlanEvent, Task
from rehab.services import plans, programmes
from rehab.services.errors import ServiceError
from tests.factories import NOW, make_patient, make_programme, make_user

TODAY = NOW.date()  # Monday 2 March 2026
D0 = date(2026, 3, 9)


@pytest.fixture
def team(db):
    return {
        "desk": make_user(db, Role.ASSISTANTE),
        "doctor": make_user(db, Role.MEDECIN),
        "coord": make_user(db, Role.COORDINATEUR),
        "referent": make_user(db, Role.REFERENT, sectors=("31",)),
    }


@pytest.fixture
def programme(db, team):
    return make_programme(db, make_patient(db), status=Status.VALIDE, referent=team["referent"])


def _by_code(db, programme):
    out = {}
    for task in db.scalars(select(Task).where(Task.programme_id == programme.id)):
        out.setdefault(task.code, []).append(task)
    return out


def test_fixing_d0_generates_the_whole_plan_and_plans_the_programme(db, team, programme):
    tasks = plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    assert programme.status == "planifie" and programme.protocol_version == 1
    codes = _by_code(db, programme)
    assert len(codes["weekly_call"]) == 10
    assert len(codes["follow_up_call"]) == 5
    assert len(codes["medecin_traitant_consultation"]) == 3
    assert {"inclusion_visit", "mid_programme_visit", "closing_visit", "ergocycle_delivery", "ergocycle_pickup",
            "synthese_finale_validation", "synthese_12_mois_dispatch"} <= codes.keys()
    # Conditional consultations are absent for a non-smoker of normal BMI without MK/IDE.
    assert not {"dietitian_consultation", "tobacco_consultation", "psychology_consultation",
                "paramedical_initial_evaluation"} & codes.keys()
    assert codes["inclusion_visit"][0].due_date == D0
    # The référent's tasks and the outside professionals' follow-up are his; the desk's are the role's.
    assert codes["weekly_call"][0].assignee_id == team["referent"].id
    assert codes["synthese_initiale_dispatch"][0].assignee_id is None
    assert all(t.due_date.weekday() < 5 for t in tasks if t.working_days)
    assert db.scalar(select(PlanEvent.kind).where(PlanEvent.programme_id == programme.id)) == "plan_generated"


def test_conditional_consultations_follow_the_facts(db, team, programme):
    programme.bmi, programme.smoker = 19.5, True
    programme.psychology_support, programme.paramedical_in_team = True, True
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    codes = _by_code(db, programme)
    assert len(codes["dietitian_consultation"]) == 4
    assert len(codes["tobacco_consultation"]) == 3
    assert len(codes["psychology_consultation"]) == 3
    assert len(codes["paramedical_follow_up"]) == 5


def test_d0_on_a_holiday_or_too_far_in_the_past_is_refused(db, team, programme):
    with pytest.raises(ServiceError, match="jour férié"):
        plans.fix_d0(db, programme=programme, d0=date(2026, 4, 6), user=team["desk"], now=NOW, today=TODAY)
    with pytest.raises(ServiceError, match="ne peut pas être antérieur"):
        plans.fix_d0(db, programme=programme, d0=date(2026, 2, 2), user=team["desk"], now=NOW, today=TODAY)
    with pytest.raises(ServiceError, match="assistante de coordination"):
        plans.fix_d0(db, programme=programme, d0=D0, user=team["referent"], now=NOW, today=TODAY)


def test_moving_d0_replans_open_tasks_and_leaves_done_ones(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    letter = _by_code(db, programme)["patient_information_letter"][0]
    plans.set_task_state(db, task=letter, state="done", reason="", user=team["desk"], now=NOW)
    done_date = letter.due_date
    plans.move_d0(db, programme=programme, d0=date(2026, 3, 16), user=team["desk"], now=NOW, today=TODAY,
                  reason="Patient indisponible")
    codes = _by_code(db, programme)
    assert codes["inclusion_visit"][0].due_date == date(2026, 3, 16)
    assert codes["weekly_call"][0].due_date == date(2026, 3, 23)
    assert codes["patient_information_letter"][0].due_date == done_date
    assert codes["patient_information_letter"][0].done_by_id == team["desk"].id
    with pytest.raises(ServiceError, match="motif"):
        plans.move_d0(db, programme=programme, d0=date(2026, 3, 17), user=team["desk"], now=NOW, today=TODAY,
                      reason=" ")


def test_suspension_shifts_later_open_tasks_by_its_length(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    before = {(t.code, t.occurrence): t.due_date for t in db.scalars(select(Task))}
    plans.suspend(db, programme=programme, start=date(2026, 4, 1), end=date(2026, 4, 14), reason="Exacerbation",
                  user=team["doctor"], now=NOW)
    after = {(t.code, t.occurrence): t.due_date for t in db.scalars(select(Task))}
    assert after[("weekly_call", 3)] == before[("weekly_call", 3)]  # due 30/03, before the suspension
    assert after[("weekly_call", 5)] == before[("weekly_call", 5)] + timedelta(days=14)
    assert after[("closing_visit", 1)] >= before[("closing_visit", 1)] + timedelta(days=14)
    with pytest.raises(ServiceError, match="chevauche"):
        plans.suspend(db, programme=programme, start=date(2026, 4, 10), end=date(2026, 4, 20), reason="x",
                      user=team["doctor"], now=NOW)
    with pytest.raises(ServiceError, match="précède son début"):
        plans.suspend(db, programme=programme, start=date(2026, 5, 10), end=date(2026, 5, 1), reason="x",
                      user=team["doctor"], now=NOW)
    with pytest.raises(ServiceError, match="médecin directeur"):
        plans.suspend(db, programme=programme, start=date(2026, 6, 1), end=date(2026, 6, 2), reason="x",
                      user=team["referent"], now=NOW)


def test_interruption_cancels_the_rest_and_orders_the_pickup(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    programme.status = Status.EN_COURS.value
    added = plans.interrupt(db, programme=programme, on=date(2026, 3, 20), reason="Hospitalisation",
                            user=team["doctor"], now=NOW)
    assert programme.status == "interrompu"
    assert {t.code for t in added} >= {"interruption_ergocycle_pickup"}
    codes = _by_code(db, programme)
    assert all(t.state == "cancelled" for t in codes["follow_up_call"])
    assert all(t.state == "cancelled" for t in codes["weekly_call"])
    assert codes["forfait_payment"][0].state == "planned"  # professionals are paid for work done


def test_interruption_through_the_programme_transition_uses_the_plan(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    programmes.transition(db, programme=programme, target=Status.INTERROMPU, reason="Décès", user=team["doctor"],
                          expected_version=programme.version, now=NOW, ip=None)
    assert all(t.state == "cancelled" for t in _by_code(db, programme)["weekly_call"])


def test_rupture_then_reinforcement_then_second_rupture(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    with pytest.raises(ServiceError, match="suivi à distance"):
        plans.record_rupture(db, programme=programme, on=date(2026, 9, 1), reason="x", user=team["referent"],
                             now=NOW)
    programme.status = Status.SUIVI.value
    first = plans.record_rupture(db, programme=programme, on=date(2026, 9, 1), reason="Activité abandonnée",
                                 user=team["referent"], now=NOW)
    assert [t.code for t in first] == ["rupture_committee"]
    with pytest.raises(ServiceError, match="comité"):
        plans.decide_reinforcement(db, programme=programme, on=date(2026, 9, 8), reason="x", user=team["referent"],
                                   now=NOW)
    reinforcement = plans.decide_reinforcement(db, programme=programme, on=date(2026, 9, 8), reason="Comité",
                                               user=team["doctor"], now=NOW)
    codes = [t.code for t in reinforcement]
    assert codes.count("reinforcement_call") == 4 and "reinforcement_visit" in codes
    second = plans.record_rupture(db, programme=programme, on=date(2026, 12, 1), reason="Nouvelle rupture",
                                  user=team["referent"], now=NOW)
    assert [t.code for t in second] == ["reorientation"]
    assert second[0].role == "medecin_directeur"
    assert programme.event_batches == 3


def test_task_actions_and_reschedule(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    call = _by_code(db, programme)["weekly_call"][0]
    with pytest.raises(ServiceError, match="motif est obligatoire"):
        plans.set_task_state(db, task=call, state="cancelled", reason="", user=team["referent"], now=NOW)
    with pytest.raises(ServiceError, match="samedi"):
        plans.reschedule_task(db, task=call, due=date(2026, 3, 21), reason="x", user=team["referent"], now=NOW)
    plans.reschedule_task(db, task=call, due=date(2026, 3, 24), reason="Patient absent", user=team["referent"],
                          now=NOW)
    assert call.due_date == date(2026, 3, 24) and call.window_end >= date(2026, 3, 24)
    plans.set_task_state(db, task=call, state="done", reason="", user=team["referent"], now=NOW)
    assert call.done_at == NOW and call.done_by_id == team["referent"].id
    with pytest.raises(ServiceError, match="déjà"):
        plans.set_task_state(db, task=call, state="done", reason="", user=team["referent"], now=NOW)


def test_new_referent_inherits_open_tasks(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    other = make_user(db, Role.REFERENT, sectors=("31",))
    programmes.assign(db, programme=programme, referent_id=other.id, association_id=None, notes=None,
                      expected_version=programme.version, user=team["desk"], now=NOW, ip=None)
    assert {t.assignee_id for t in _by_code(db, programme)["weekly_call"]} == {other.id}


def test_conditional_tasks_follow_changed_facts(db, team, programme):
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    programme.smoker = True
    assert plans.sync_conditional_tasks(db, programme=programme, user=team["referent"], now=NOW, today=TODAY,
                                        reason="Inclusion") == (3, 0)
    assert len(_by_code(db, programme)["tobacco_consultation"]) == 3
    programme.smoker = False
    assert plans.sync_conditional_tasks(db, programme=programme, user=team["referent"], now=NOW, today=TODAY,
                                        reason="Sevrage confirmé") == (0, 3)
    assert {t.state for t in _by_code(db, programme)["tobacco_consultation"]} == {"cancelled"}
    programme.smoker = True
    assert plans.sync_conditional_tasks(db, programme=programme, user=team["referent"], now=NOW, today=TODAY,
                                        reason="Reprise") == (3, 0)
    assert {t.state for t in _by_code(db, programme)["tobacco_consultation"]} == {"planned"}


def test_a_generated_plan_gets_its_reminders(db, team, programme):
    """The plan is inserted in bulk (no flush events): its reminders must be derived all the same."""
    from rehab.models import Reminder

    db.info["now"] = NOW  # the clock the reminder hook derives with (else the real one)
    plans.fix_d0(db, programme=programme, d0=D0, user=team["desk"], now=NOW, today=TODAY)
    visit = _by_code(db, programme)["inclusion_visit"][0]
    rules = set(db.scalars(select(Reminder.rule).where(Reminder.task_id == visit.id)))
    assert rules == {"visit_eve"}
