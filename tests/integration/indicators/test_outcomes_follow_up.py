"""Outcomes (CRQ, endurance, EVA) and remote follow-up (activity, channels, hospitalisations) of 2025."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rehab.domain.programme_states import Status
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import IndicatorFilters
from tests.factories import NOW
from tests.integration.indicators import builders as b


def report(db, association, year=2025):
    return compute_indicators(db, IndicatorFilters.for_year(year, association_id=association.id), now=NOW)


def done(db, association, d0: date):
    """A programme whose intervention reached week 12 (12 weeks after D0)."""
    return b.programme(db, d0=d0, until=Status.SUIVI, association_id=association.id)


def measured(db, prog, before, after, seconds=None):
    b.crq(db, prog, "inclusion", prog.d0, **dict(zip(("dyspnee", "fatigue", "emotion", "maitrise"), before,
                                                     strict=True)))
    if after is not None:
        b.crq(db, prog, "closing", prog.d0 + timedelta(weeks=12), **dict(zip(
            ("dyspnee", "fatigue", "emotion", "maitrise"), after, strict=True)))
    if seconds is not None:
        b.endurance(db, prog, "inclusion", prog.d0, seconds[0])
        if seconds[1] is not None:
            b.endurance(db, prog, "closing", prog.d0 + timedelta(weeks=12), seconds[1])


def test_crq_per_domain_and_overall_with_missing_questionnaires(db):
    a = b.association(db)
    q1, q2, q3, q4, q6 = (done(db, a, date(2025, m, 3)) for m in (2, 3, 4, 5, 6))
    measured(db, q1, (4.0, 3.0, 4.0, 4.0), (4.6, 3.2, 4.5, 4.0), (300, 420))  # +0.6, +0.2, +0.5 (exactly), 0
    measured(db, q2, (4.0, 4.0, 4.0, 4.0), (4.2, 4.1, 4.4, 4.3), (300, 390))  # nothing reaches 0.5; +30 %
    measured(db, q3, (None, 4.8, 4.8, 4.8), (5.0, 5.0, 5.0, 5.0), (250, None))  # dyspnée unknown, rest small
    measured(db, q4, (4.0, 4.0, 4.0, 4.0), None, (200, 300))  # no closing CRQ; +50 %
    measured(db, q6, (3.0, 4.0, 4.0, None), (4.0, 4.0, 4.0, 5.0))  # maîtrise unknown but dyspnée +1.0
    old = done(db, a, date(2024, 6, 3))  # week 12 in 2024: not this year's cohort
    measured(db, old, (1.0, 1.0, 1.0, 1.0), (7.0, 7.0, 7.0, 7.0), (100, 400))
    outcomes = report(db, a).family("outcomes")
    overall = outcomes.figure("crq_improved")
    assert (overall.numerator, overall.denominator, overall.missing, overall.value) == (2, 3, 2, 66.7)
    assert set(overall.programme_ids) == {q1.id, q2.id, q6.id}
    expected = {"dyspnee": (2, 3, 2), "fatigue": (0, 4, 1), "emotion": (1, 4, 1), "maitrise": (0, 3, 2)}
    for domain, (hits, known, missing) in expected.items():
        figure = outcomes.figure(f"crq_improved_{domain}")
        assert (figure.numerator, figure.denominator, figure.missing) == (hits, known, missing), domain
    endurance = outcomes.figure("endurance_improved")
    assert (endurance.numerator, endurance.denominator, endurance.missing) == (2, 3, 2)  # q3 and q6 missing
    assert endurance.note and "33 %" in endurance.note
    means = dict(outcomes.breakdowns[0].rows)
    assert means["Dyspnée"] == (3.67, 4.27)  # q1, q2, q6: (4 + 4 + 3) / 3 → (4.6 + 4.2 + 4.0) / 3
    assert overall.trend == ((2023, None), (2024, 100.0))


def test_mid_programme_eva_mean_counts_missing(db):
    a = b.association(db)
    progs = [done(db, a, date(2025, 2, 3)) for _ in range(3)]
    for prog, eva in zip(progs, (8, 6, None), strict=True):
        b.visit(db, prog, "mid_programme_visit", prog.d0 + timedelta(weeks=6), eva)
    eva = report(db, a).figure("eva_mid")
    assert (eva.value, eva.denominator, eva.missing) == (7.0, 2, 1)


def test_follow_up_activity_by_quarter_channels_and_completion(db):
    a = b.association(db)
    f1 = b.programme(db, d0=date(2024, 9, 2), until=Status.TERMINE, termine_on=date(2025, 9, 1),
                     association_id=a.id)  # E = 2024-11-25
    f2 = b.programme(db, d0=date(2025, 1, 6), until=Status.SUIVI, interrupted_on=date(2025, 8, 1),
                     association_id=a.id)  # E = 2025-03-31
    f3 = b.programme(db, d0=date(2025, 4, 7), until=Status.SUIVI, association_id=a.id)  # E = 2025-06-30
    b.follow_up_call(db, f1, date(2024, 12, 27), sessions=0)  # 2024: outside the period
    b.follow_up_call(db, f1, date(2025, 2, 25), sessions=4)  # month 3 → quarter 1
    b.follow_up_call(db, f1, date(2025, 3, 25), channel="video", sessions=2)  # month 4 → quarter 2
    b.follow_up_call(db, f1, date(2025, 5, 26), sessions=3)  # month 6 → quarter 2, the latest
    b.follow_up_call(db, f2, date(2025, 4, 30), channel="video", sessions=None)
    b.follow_up_call(db, f2, date(2025, 5, 30), channel="video", sessions=2)
    b.follow_up_call(db, f3, date(2025, 7, 30), sessions=None)
    follow_up = report(db, a).family("follow_up")
    q1, q2, q3 = (follow_up.figure(f"activity_maintained_q{q}") for q in (1, 2, 3))
    assert (q1.numerator, q1.denominator, q1.missing, q1.value) == (1, 2, 1, 50.0)
    assert (q2.numerator, q2.denominator, q2.missing, q2.value) == (1, 1, 0, 100.0)
    assert q3.value is None and q3.denominator == 0
    assert follow_up.figure("follow_up_patients").value == 3
    assert follow_up.figure("follow_up_phone_patients").programme_ids == tuple(sorted((f1.id, f3.id)))
    assert follow_up.figure("follow_up_video_patients").programme_ids == tuple(sorted((f1.id, f2.id)))
    quarters = dict(next(x for x in follow_up.breakdowns if x.key == "activity_by_quarter").rows)
    assert quarters["Trimestre 1"] == (2.0, 1.0, 50.0) and quarters["Trimestre 4"] == (0.0, 0.0, None)
    channels = dict(next(x for x in follow_up.breakdowns if x.key == "calls_by_channel").rows)
    assert channels == {"Téléphone": (3.0, 2.0), "Visioconsultation": (3.0, 2.0)}
    completion = follow_up.figure("follow_up_completion_rate")
    assert (completion.numerator, completion.denominator, completion.value) == (1, 2, 50.0)
    # f2's interruption happened in the follow-up: its intervention (week 12 on 2025-03-31) is complete
    intervention = report(db, a).figure("completion_rate")
    assert (intervention.numerator, intervention.denominator) == (2, 2)


def test_ruptures_reinforcements_and_reorientations_of_the_follow_up(db):
    a = b.association(db)
    r1, r2, r3 = (b.programme(db, d0=date(2024, 10, 7), until=Status.SUIVI, association_id=a.id) for _ in range(3))
    b.plan_event(db, r1, "rupture", datetime(2025, 4, 2, 9, tzinfo=UTC))
    b.plan_event(db, r1, "reinforcement", datetime(2025, 4, 9, 9, tzinfo=UTC))
    b.plan_event(db, r1, "second_rupture", datetime(2025, 12, 31, 23, 30, tzinfo=UTC))  # 1 January 2026 in Paris
    b.plan_event(db, r2, "rupture", datetime(2025, 6, 2, 9, tzinfo=UTC))
    b.plan_event(db, r2, "second_rupture", datetime(2025, 11, 3, 9, tzinfo=UTC))
    b.plan_event(db, r3, "interrupted", datetime(2025, 6, 2, 9, tzinfo=UTC))  # not a follow-up event
    follow_up = report(db, a).family("follow_up")
    assert follow_up.figure("ruptures").programme_ids == tuple(sorted((r1.id, r2.id)))
    assert follow_up.figure("reinforcements").programme_ids == (r1.id,)
    assert follow_up.figure("follow_up_reorientations").programme_ids == (r2.id,)
    assert report(db, a, year=2026).figure("follow_up_reorientations").programme_ids == (r1.id,)
    # the source's rate: reoriented over the follow-up's patients (a call, or the reorientation itself)
    b.follow_up_call(db, r3, date(2025, 5, 5))
    rate = report(db, a).figure("ssr_reorientation_rate")
    assert (rate.numerator, rate.denominator, rate.value) == (1, 2, 50.0)  # r2 of {r2, r3}
    assert rate.target is not None and rate.target.direction == "max" and rate.met is False


def test_hospital_days_before_and_after_with_known_pairs(db):
    a = b.association(db)
    h1 = done(db, a, date(2024, 3, 4))
    h2 = done(db, a, date(2024, 5, 6))
    h4 = done(db, a, date(2024, 10, 7))
    done(db, a, date(2024, 9, 2))  # one year in 2025, no questionnaire at all
    h3 = done(db, a, date(2023, 6, 5))  # its one-year point is in 2024
    b.hospitalisations(db, h1, "before", 2, 20)
    b.hospitalisations(db, h1, "after", 1, 8)
    b.hospitalisations(db, h2, "before", 3, 30)  # the pneumologist never answered for the year after
    b.hospitalisations(db, h4, "before", 1, 10)
    b.hospitalisations(db, h4, "after", 0, 0)
    b.hospitalisations(db, h3, "before", 5, 50)
    b.hospitalisations(db, h3, "after", 0, 0)
    follow_up = report(db, a).family("follow_up")
    days = follow_up.figure("hospital_days_reduction")
    assert (days.value, days.denominator, days.missing) == (73.3, 2, 2)
    assert days.programme_ids == tuple(sorted((h1.id, h4.id)))
    assert days.target is not None and days.met is True
    assert follow_up.figure("hospital_stays_reduction").value == 66.7
    assert follow_up.figure("hospital_pairs").value == 2
    table = dict(next(x for x in follow_up.breakdowns if x.key == "hospitalisations").rows)
    assert table == {"Hospitalisations": (3.0, 1.0), "Journées d'hospitalisation": (30.0, 8.0),
                     "Patients hospitalisés": (2.0, 1.0)}
