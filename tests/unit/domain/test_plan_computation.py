"""Plan computation from the bundled protocol, with expected dates worked out by hand on the calendar."""

from datetime import date, timedelta

import pytest

from rehab.domain.plan import (
    OpenTask,
    PatientFacts,
    PlannedTask,
    ScheduleError,
    ShiftedTask,
    bmi,
    bmi_out_of_range,
    compute_plan,
    compute_triggered,
    shift_for_suspension,
    suspension_shift,
    validate_d0,
    validate_suspension,
)
from rehab.domain.protocol import Protocol, ProtocolParameters, TaskKind, TaskRole, Trigger, latest_protocol
from rehab.domain.workdays import is_working_day

ALL_FACTS = PatientFacts(bmi=32.0, smoker=True, psychology=True, paramedical=True, department="31")
NO_FACTS = PatientFacts(bmi=24.0, department="31")


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return latest_protocol("rehab_domicile")


def due(plan: list[PlannedTask], code: str, occurrence: int = 1) -> date:
    return next(t.due_date for t in plan if t.code == code and t.occurrence == occurrence)


def d(text: str) -> date:
    day, month, year = (int(x) for x in text.split("/"))
    return date(year, month, day)


# D0 = Monday 9 March 2026, Haute-Garonne, every conditional support. E = D0 + 84 days = Monday 1 June 2026.
# Holidays met: Easter Monday 06/04/2026, Whit Monday 25/05/2026, Easter Monday 29/03/2027.
EXPECTED_9_MARCH_2026 = [
    ("patient_information_letter", 1, "23/02/2026"),  # D0 − 14
    ("pneumologue_inclusion_consultation", 1, "23/02/2026"),  # D0 − 14
    ("care_team_contact", 1, "27/02/2026"),  # D0 − 10, a Friday
    ("care_team_initial_letters", 1, "03/03/2026"),  # Fri 27/02 + 2 working days: Mon 02, Tue 03
    ("ergocycle_delivery", 1, "06/03/2026"),  # D0 − 3, a Friday
    ("inclusion_visit", 1, "09/03/2026"),
    ("synthese_initiale_draft", 1, "11/03/2026"),  # + 2 wd
    ("synthese_initiale_review", 1, "12/03/2026"),
    ("synthese_initiale_validation", 1, "13/03/2026"),
    ("synthese_initiale_dispatch", 1, "16/03/2026"),  # Friday + 1 wd = Monday = D0 + 7
    ("weekly_call", 1, "16/03/2026"),
    ("paramedical_initial_evaluation", 1, "16/03/2026"),
    ("weekly_call", 2, "23/03/2026"),
    ("medecin_traitant_consultation", 1, "23/03/2026"),
    ("dietitian_consultation", 1, "23/03/2026"),
    ("tobacco_consultation", 1, "23/03/2026"),
    ("psychology_consultation", 1, "23/03/2026"),
    ("weekly_call", 3, "30/03/2026"),
    ("paramedical_follow_up", 1, "30/03/2026"),
    ("weekly_call", 4, "07/04/2026"),  # week 4 = Easter Monday 06/04 → Tuesday
    ("weekly_call", 5, "13/04/2026"),
    ("paramedical_follow_up", 2, "13/04/2026"),
    ("dietitian_consultation", 2, "13/04/2026"),
    ("mid_programme_visit", 1, "20/04/2026"),  # week 6
    ("pneumologue_mid_consultation", 1, "20/04/2026"),
    ("medecin_traitant_consultation", 2, "20/04/2026"),
    ("tobacco_consultation", 2, "20/04/2026"),
    ("psychology_consultation", 2, "20/04/2026"),
    ("synthese_mi_programme_draft", 1, "22/04/2026"),
    ("synthese_mi_programme_review", 1, "23/04/2026"),
    ("synthese_mi_programme_validation", 1, "24/04/2026"),
    ("weekly_call", 6, "27/04/2026"),  # week 7
    ("synthese_mi_programme_dispatch", 1, "27/04/2026"),
    ("paramedical_follow_up", 3, "27/04/2026"),
    ("weekly_call", 7, "04/05/2026"),
    ("dietitian_consultation", 3, "04/05/2026"),
    ("weekly_call", 8, "11/05/2026"),
    ("paramedical_follow_up", 4, "11/05/2026"),
    ("weekly_call", 9, "18/05/2026"),
    ("tobacco_consultation", 3, "18/05/2026"),
    ("psychology_consultation", 3, "18/05/2026"),
    # Whit Monday 25/05: outside professionals keep their target date, our call moves to Tuesday.
    ("medecin_traitant_consultation", 3, "25/05/2026"),
    ("paramedical_follow_up", 5, "25/05/2026"),
    ("dietitian_consultation", 4, "25/05/2026"),
    ("weekly_call", 10, "26/05/2026"),
    ("pneumologue_final_consultation", 1, "01/06/2026"),
    ("closing_visit", 1, "01/06/2026"),  # E
    ("synthese_finale_draft", 1, "03/06/2026"),  # E + 2 wd
    ("ergocycle_pickup", 1, "03/06/2026"),  # E + 2 wd
    ("synthese_finale_review", 1, "05/06/2026"),  # Wed + 2 wd: Thu 04, Fri 05
    ("synthese_finale_validation", 1, "09/06/2026"),  # Mon 08, Tue 09
    ("synthese_finale_dispatch", 1, "10/06/2026"),  # ≤ E + 14 = 15/06
    ("forfait_payment", 1, "17/06/2026"),  # Wed 10 + 5 wd: 11, 12, 15, 16, 17
    ("follow_up_call", 1, "01/07/2026"),  # E + 1 month, a Wednesday
    ("follow_up_call", 2, "03/08/2026"),  # E + 2 months = Saturday 01/08 → Monday 03/08
    ("professional_satisfaction_questionnaires", 1, "01/09/2026"),  # E + 3 months, a Tuesday
    ("follow_up_call", 3, "01/09/2026"),
    ("follow_up_call", 4, "01/12/2026"),  # E + 6 months, a Tuesday
    ("follow_up_call", 5, "01/03/2027"),  # E + 9 months, a Monday
    ("synthese_12_mois_draft", 1, "09/03/2027"),  # D0 + 12 months, a Tuesday
    ("one_year_questionnaire_pneumologue", 1, "09/03/2027"),
    ("one_year_questionnaire_patient", 1, "09/03/2027"),
    ("synthese_12_mois_review", 1, "11/03/2027"),  # + 2 wd
    ("synthese_12_mois_validation", 1, "16/03/2027"),  # Thu 11 + 3 wd: 12, 15, 16
    ("synthese_12_mois_dispatch", 1, "17/03/2027"),
    # Wed 17/03 + 10 wd: 18, 19, 22, 23, 24, 25, 26, (Easter Monday 29 skipped) 30, 31, 01/04.
    ("dossier_archiving", 1, "01/04/2027"),
]


def test_full_plan_every_date(protocol: Protocol) -> None:
    plan = compute_plan(protocol, d0=date(2026, 3, 9), facts=ALL_FACTS)
    assert [(t.code, t.occurrence, t.due_date) for t in plan] == [
        (code, occurrence, d(text)) for code, occurrence, text in EXPECTED_9_MARCH_2026
    ]


def test_full_plan_windows_and_details(protocol: Protocol) -> None:
    plan = compute_plan(protocol, d0=date(2026, 3, 9), facts=ALL_FACTS)
    for t in plan:
        assert t.window_start <= t.due_date <= t.window_end, t
    by_key = {(t.code, t.occurrence): t for t in plan}
    call = by_key["weekly_call", 4]  # raw date Monday 06/04, window ± 2 days
    assert (call.window_start, call.window_end) == (d("04/04/2026"), d("08/04/2026"))
    assert call.kind is TaskKind.CALL
    assert call.role is TaskRole.REFERENT
    assert call.phase == 1
    assert call.form == "weekly_call"
    assert call.letter is None
    ergo = by_key["ergocycle_delivery", 1]
    assert (ergo.window_start, ergo.window_end) == (d("02/03/2026"), d("08/03/2026"))
    pneumo = by_key["pneumologue_inclusion_consultation", 1]
    assert (pneumo.window_start, pneumo.window_end) == (d("25/11/2025"), d("08/03/2026"))
    assert pneumo.phase == 0
    assert pneumo.role is TaskRole.PNEUMOLOGUE
    follow = by_key["follow_up_call", 2]  # raw date Saturday 01/08, window ± 5 days
    assert (follow.window_start, follow.window_end) == (d("27/07/2026"), d("06/08/2026"))
    assert by_key["synthese_finale_dispatch", 1].letter == "synthese_finale"
    assert by_key["closing_visit", 1].letter == "attestation_fin_programme"


def test_plan_is_sorted_by_due_date_and_excludes_triggered_tasks(protocol: Protocol) -> None:
    plan = compute_plan(protocol, d0=date(2026, 3, 9), facts=ALL_FACTS)
    assert [t.due_date for t in plan] == sorted(t.due_date for t in plan)
    triggered = {t.code for t in protocol.tasks if t.trigger is not None}
    assert not triggered & {t.code for t in plan}


def test_conditional_tasks_absent_without_facts(protocol: Protocol) -> None:
    plan = compute_plan(protocol, d0=date(2026, 3, 9), facts=NO_FACTS)
    codes = {t.code for t in plan}
    assert not codes & {"paramedical_initial_evaluation", "paramedical_follow_up", "dietitian_consultation",
                        "tobacco_consultation", "psychology_consultation"}
    assert len(plan) == len(EXPECTED_9_MARCH_2026) - (1 + 5 + 4 + 3 + 3)


@pytest.mark.parametrize(
    ("facts", "code", "count"),
    [
        (PatientFacts(paramedical=True), "paramedical_follow_up", 5),
        (PatientFacts(paramedical=True), "paramedical_initial_evaluation", 1),
        (PatientFacts(smoker=True), "tobacco_consultation", 3),
        (PatientFacts(psychology=True), "psychology_consultation", 3),
        (PatientFacts(bmi=20.9), "dietitian_consultation", 4),
        (PatientFacts(bmi=29.1), "dietitian_consultation", 4),
        (PatientFacts(bmi=21.0), "dietitian_consultation", 0),
        (PatientFacts(bmi=29.0), "dietitian_consultation", 0),
        (PatientFacts(bmi=None), "dietitian_consultation", 0),
    ],
)
def test_conditional_tasks_follow_the_facts(
    protocol: Protocol, facts: PatientFacts, code: str, count: int
) -> None:
    plan = compute_plan(protocol, d0=date(2026, 3, 9), facts=facts)
    assert sum(t.code == code for t in plan) == count


def test_bmi_bounds_are_protocol_parameters() -> None:
    params = ProtocolParameters(bmi_high=27.0)
    assert bmi_out_of_range(28.0, params)
    assert not bmi_out_of_range(28.0, ProtocolParameters())
    assert not bmi_out_of_range(None, params)


def test_bmi() -> None:
    assert bmi(70, 175) == 22.9
    assert bmi(50, 160) == 19.5
    with pytest.raises(ValueError, match="IMC"):
        bmi(70, 0)


def test_one_may_and_eight_may_move_calls_back_when_the_week_end_follows(protocol: Protocol) -> None:
    # D0 Friday 24/04/2026: weeks 1 and 2 fall on Friday 1 May and Friday 8 May; window ± 2 days
    # reaches only the week-end after, so the call is made the Thursday before.
    plan = compute_plan(protocol, d0=date(2026, 4, 24), facts=NO_FACTS)
    assert due(plan, "weekly_call", 1) == d("30/04/2026")
    assert due(plan, "weekly_call", 2) == d("07/05/2026")
    assert due(plan, "weekly_call", 3) == d("15/05/2026")
    # Synthèse initiale: D0 + 2 wd = Tue 28/04, then Wed 29, Thu 30 and, over 1 May, Mon 04/05.
    assert due(plan, "synthese_initiale_draft") == d("28/04/2026")
    assert due(plan, "synthese_initiale_dispatch") == d("04/05/2026")


def test_ascension_moves_a_call_to_the_friday(protocol: Protocol) -> None:
    # D0 Thursday 16/04/2026: week 4 is Ascension Thursday 14/05 → Friday 15/05.
    plan = compute_plan(protocol, d0=date(2026, 4, 16), facts=NO_FACTS)
    assert due(plan, "weekly_call", 3) == d("07/05/2026")
    assert due(plan, "weekly_call", 4) == d("15/05/2026")
    assert due(plan, "weekly_call", 5) == d("21/05/2026")


def test_one_may_inside_the_synthese_chain(protocol: Protocol) -> None:
    # D0 Tuesday 28/04/2026: draft Thu 30/04, review skips Friday 1 May → Mon 04/05, validation Tue 05,
    # dispatch Wed 06/05.
    plan = compute_plan(protocol, d0=date(2026, 4, 28), facts=NO_FACTS)
    assert due(plan, "synthese_initiale_draft") == d("30/04/2026")
    assert due(plan, "synthese_initiale_review") == d("04/05/2026")
    assert due(plan, "synthese_initiale_validation") == d("05/05/2026")
    assert due(plan, "synthese_initiale_dispatch") == d("06/05/2026")


def test_fourteen_july_2026_moves_the_mid_programme_visit(protocol: Protocol) -> None:
    # D0 Tuesday 02/06/2026: week 6 is Tuesday 14 July → visit Wednesday 15/07; the pneumologist's
    # consultation target stays (outside professionals book their own appointments).
    plan = compute_plan(protocol, d0=date(2026, 6, 2), facts=NO_FACTS)
    assert due(plan, "weekly_call", 5) == d("07/07/2026")
    assert due(plan, "mid_programme_visit") == d("15/07/2026")
    assert due(plan, "pneumologue_mid_consultation") == d("14/07/2026")
    assert due(plan, "synthese_mi_programme_draft") == d("17/07/2026")  # Wed 15 + 2 wd
    assert due(plan, "synthese_mi_programme_dispatch") == d("22/07/2026")  # Mon 20, Tue 21, Wed 22
    assert due(plan, "closing_visit") == d("25/08/2026")  # E = D0 + 84 days


def test_2027_easter_whit_monday_ascension_and_fourteen_july(protocol: Protocol) -> None:
    # D0 Monday 01/03/2027: week 4 = Easter Monday 29/03/2027, week 11 = Whit Monday 17/05/2027.
    plan = compute_plan(protocol, d0=date(2027, 3, 1), facts=NO_FACTS)
    assert due(plan, "weekly_call", 4) == d("30/03/2027")
    assert due(plan, "weekly_call", 9) == d("10/05/2027")
    assert due(plan, "weekly_call", 10) == d("18/05/2027")
    assert due(plan, "closing_visit") == d("24/05/2027")
    # D0 Thursday 08/04/2027: week 4 = Ascension Thursday 06/05/2027 → Friday 07/05.
    plan = compute_plan(protocol, d0=date(2027, 4, 8), facts=NO_FACTS)
    assert due(plan, "weekly_call", 4) == d("07/05/2027")
    # D0 Wednesday 02/06/2027: week 6 = Wednesday 14 July 2027 → Thursday 15/07.
    plan = compute_plan(protocol, d0=date(2027, 6, 2), facts=NO_FACTS)
    assert due(plan, "mid_programme_visit") == d("15/07/2027")


def test_alsace_moselle_good_friday(protocol: Protocol) -> None:
    # D0 Friday 27/03/2026: week 1 is Good Friday 03/04 — worked in Toulouse, not in Metz or Strasbourg,
    # where the week-end and Easter Monday follow, so the call goes back to Thursday 02/04.
    assert due(compute_plan(protocol, d0=d("27/03/2026"), facts=NO_FACTS), "weekly_call") == d("03/04/2026")
    for department in ("57", "67", "68"):
        plan = compute_plan(protocol, d0=d("27/03/2026"), facts=PatientFacts(department=department))
        assert due(plan, "weekly_call") == d("02/04/2026")


def test_alsace_moselle_saint_stephen(protocol: Protocol) -> None:
    # D0 Friday 19/12/2025: week 1 is Friday 26/12/2025; in Alsace-Moselle Christmas and Saint-Étienne
    # are off and the week-end follows, so the call is made Wednesday 24/12.
    assert due(compute_plan(protocol, d0=d("19/12/2025"), facts=NO_FACTS), "weekly_call") == d("26/12/2025")
    plan = compute_plan(protocol, d0=d("19/12/2025"), facts=PatientFacts(department="67"))
    assert due(plan, "weekly_call") == d("24/12/2025")


def test_working_day_invariants_over_two_years(protocol: Protocol) -> None:
    """Every working-day task lands on a working day inside its window, whatever D0 and department."""
    bound = {t.code for t in protocol.tasks if t.working_days}
    params = protocol.parameters
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        for department in ("31", "57"):
            if not is_working_day(day, department):
                continue
            plan = compute_plan(protocol, d0=day, facts=PatientFacts(department=department))
            for t in plan:
                assert t.window_start <= t.due_date <= t.window_end
                assert t.code not in bound or is_working_day(t.due_date, department), (day, t)
            e_date = day + timedelta(weeks=params.intervention_weeks)
            deadline = e_date + timedelta(days=params.synthese_finale_max_days)
            assert due(plan, "synthese_finale_dispatch") <= deadline, day
        day += timedelta(days=1)


# ----------------------------------------------------------------------------------------- triggered tasks


def test_rupture_adds_a_committee_review(protocol: Protocol) -> None:
    # Rupture found at the E + 3 months call, Tuesday 01/09/2026: comité 5 working days later.
    tasks = compute_triggered(protocol, trigger=Trigger.RUPTURE, event_date=d("01/09/2026"), facts=NO_FACTS)
    assert [(t.code, t.due_date, t.role) for t in tasks] == [
        ("rupture_committee", d("08/09/2026"), TaskRole.MEDECIN_DIRECTEUR)
    ]


def test_reinforcement_adds_a_visit_and_four_weekly_calls(protocol: Protocol) -> None:
    # Comité decides on Monday 14/09/2026: visit two weeks later, then a call each week for 4 weeks.
    tasks = compute_triggered(protocol, trigger=Trigger.REINFORCEMENT, event_date=d("14/09/2026"),
                              facts=NO_FACTS)
    assert [(t.code, t.occurrence, t.due_date) for t in tasks] == [
        ("reinforcement_visit", 1, d("28/09/2026")),
        ("reinforcement_call", 1, d("05/10/2026")),
        ("reinforcement_call", 2, d("12/10/2026")),
        ("reinforcement_call", 3, d("19/10/2026")),
        ("reinforcement_call", 4, d("26/10/2026")),
    ]
    assert all(t.phase == 2 for t in tasks)


def test_second_rupture_asks_the_medecin_directeur_to_reorient(protocol: Protocol) -> None:
    tasks = compute_triggered(protocol, trigger=Trigger.SECOND_RUPTURE, event_date=d("01/12/2026"),
                              facts=NO_FACTS)
    assert [(t.code, t.due_date, t.role) for t in tasks] == [
        ("reorientation", d("08/12/2026"), TaskRole.MEDECIN_DIRECTEUR)
    ]


def test_interruption_orders_the_pick_up_and_a_closing_letter(protocol: Protocol) -> None:
    # Decision Wednesday 29/04/2026: + 2 working days skips Friday 1 May → Monday 04/05.
    tasks = compute_triggered(protocol, trigger=Trigger.INTERRUPTION, event_date=d("29/04/2026"),
                              facts=NO_FACTS)
    assert [(t.code, t.due_date) for t in tasks] == [
        ("interruption_ergocycle_pickup", d("04/05/2026")),
        ("interruption_letter_draft", d("04/05/2026")),
        ("interruption_letter_validation", d("06/05/2026")),
        ("interruption_letter_dispatch", d("07/05/2026")),
    ]
    assert tasks[0].kind is TaskKind.LOGISTICS
    assert tasks[-1].letter == "courrier_interruption"


# ----------------------------------------------------------------------------------------- suspension


def test_suspension_shift_moves_tasks_on_or_after_its_start() -> None:
    start, end = d("13/04/2026"), d("19/04/2026")  # 7 days, both included
    assert suspension_shift(d("10/04/2026"), start=start, end=end) == d("10/04/2026")
    assert suspension_shift(d("13/04/2026"), start=start, end=end) == d("20/04/2026")
    assert suspension_shift(d("27/04/2026"), start=start, end=end) == d("04/05/2026")
    assert suspension_shift(d("13/04/2026"), start=start, end=start) == d("14/04/2026")


def test_shift_for_suspension_returns_moved_tasks_on_working_days() -> None:
    tasks = [
        OpenTask("weekly_call", 4, d("30/04/2026"), d("28/04/2026"), d("02/05/2026")),  # before: stays
        OpenTask("weekly_call", 5, d("05/05/2026"), d("03/05/2026"), d("07/05/2026")),
        OpenTask("mid_programme_visit", 1, d("12/05/2026"), d("09/05/2026"), d("15/05/2026")),
        OpenTask("synthese_initiale_dispatch", 1, d("06/05/2026"), d("06/05/2026"), d("06/05/2026")),
        OpenTask("medecin_traitant_consultation", 2, d("06/05/2026"), d("29/04/2026"), d("13/05/2026"),
                 working_days=False),
    ]
    # Suspension Monday 04/05 → Wednesday 06/05/2026: 3 days.
    moved = shift_for_suspension(tasks, start=d("04/05/2026"), end=d("06/05/2026"), department="31")
    assert moved == [
        # Tue 05/05 + 3 = Friday 8 May (holiday) → Monday 11/05, window stretched to include it.
        ShiftedTask("weekly_call", 5, d("11/05/2026"), d("06/05/2026"), d("11/05/2026")),
        # Tue 12/05 + 3 = Friday 15/05, a working day (Ascension was the day before).
        ShiftedTask("mid_programme_visit", 1, d("15/05/2026"), d("12/05/2026"), d("18/05/2026")),
        # Wed 06/05 + 3 = Saturday 09/05 → Monday 11/05.
        ShiftedTask("synthese_initiale_dispatch", 1, d("11/05/2026"), d("09/05/2026"), d("11/05/2026")),
        # Outside professional: the Saturday target stays.
        ShiftedTask("medecin_traitant_consultation", 2, d("09/05/2026"), d("02/05/2026"), d("16/05/2026")),
    ]


# ----------------------------------------------------------------------------------------- validations


def test_validate_d0_accepts_a_working_day(protocol: Protocol) -> None:
    validate_d0(d("09/03/2026"), today=d("02/03/2026"), protocol=protocol, department="31")
    # Recorded a few days late: within the tolerance.
    validate_d0(d("09/03/2026"), today=d("16/03/2026"), protocol=protocol, department="31")


def test_validate_d0_refuses_a_public_holiday_with_its_name(protocol: Protocol) -> None:
    with pytest.raises(ScheduleError) as info:
        validate_d0(d("14/07/2026"), today=d("01/07/2026"), protocol=protocol, department="31")
    assert info.value.messages == (
        "Le 14/07/2026 est un jour férié (Fête nationale). "
        "La visite d'inclusion (J0) doit avoir lieu un jour ouvré.",
    )


def test_validate_d0_refuses_a_weekend(protocol: Protocol) -> None:
    with pytest.raises(ScheduleError, match=r"^Le 11/07/2026 est un samedi\. La visite d'inclusion"):
        validate_d0(d("11/07/2026"), today=d("01/07/2026"), protocol=protocol, department="31")


def test_validate_d0_good_friday_depends_on_the_department(protocol: Protocol) -> None:
    validate_d0(d("03/04/2026"), today=d("01/03/2026"), protocol=protocol, department="31")
    with pytest.raises(ScheduleError, match=r"Le 03/04/2026 est un jour férié \(Vendredi saint\)\."):
        validate_d0(d("03/04/2026"), today=d("01/03/2026"), protocol=protocol, department="57")


def test_validate_d0_refuses_a_date_too_far_in_the_past(protocol: Protocol) -> None:
    with pytest.raises(ScheduleError) as info:
        validate_d0(d("09/03/2026"), today=d("17/03/2026"), protocol=protocol, department="31")
    assert info.value.messages == (
        "Le J0 du 09/03/2026 est passé de 8 jours : il ne peut pas être antérieur de plus de 7 jours "
        "à aujourd'hui (17/03/2026).",
    )


def test_validate_d0_reports_every_reason(protocol: Protocol) -> None:
    with pytest.raises(ScheduleError) as info:
        validate_d0(d("01/05/2026"), today=d("01/06/2026"), protocol=protocol, department=None)
    assert len(info.value.messages) == 2
    assert info.value.messages[0].startswith("Le 01/05/2026 est un jour férié (Fête du Travail).")


def test_validate_suspension() -> None:
    validate_suspension(d("01/03/2026"), d("01/03/2026"), [])
    validate_suspension(d("11/03/2026"), d("20/03/2026"), [(d("01/03/2026"), d("10/03/2026"))])
    message = r"^La fin de la suspension \(01/03/2026\) précède son début \(05/03/2026\)\.$"
    with pytest.raises(ScheduleError, match=message):
        validate_suspension(d("05/03/2026"), d("01/03/2026"), [])
    with pytest.raises(ScheduleError) as info:
        validate_suspension(d("08/03/2026"), d("15/03/2026"), [(d("01/03/2026"), d("10/03/2026"))])
    assert str(info.value) == (
        "La suspension du 08/03/2026 au 15/03/2026 chevauche celle du 01/03/2026 au 10/03/2026."
    )
