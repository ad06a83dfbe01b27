"""Activity and intervention indicators on a hand-built year (2025) whose answers are known."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rehab.domain.programme_states import Status
from rehab.indicators.catalogue import FAMILIES
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import IndicatorFilters
from tests.factories import NOW
from tests.integration.indicators import builders as b


def report(db, year=2025, families=None, **scope):
    return compute_indicators(db, IndicatorFilters.for_year(year, **scope), now=NOW, families=families)


@pytest.fixture
def year(db):
    """Association A's 2025, plus one programme of another association that must never count."""
    a, other = b.association(db, "A"), b.association(db, "B")
    p1 = b.programme(db, d0=date(2025, 3, 3), until=Status.TERMINE, complete_on=date(2025, 2, 3),
                     origin="pneumologue", association_id=a.id)  # suivi 2025-05-26
    p2 = b.programme(db, d0=date(2025, 11, 3), complete_on=date(2025, 9, 22), origin="dac", association_id=a.id)
    p3 = b.programme(db, d0=date(2024, 11, 4), until=Status.SUIVI, association_id=a.id)  # suivi 2025-01-27
    p4 = b.programme(db, d0=date(2025, 6, 2), interrupted_on=date(2025, 6, 10), association_id=a.id)  # week 2
    p5 = b.programme(db, d0=date(2026, 3, 16), until=Status.PLANIFIE, association_id=a.id)
    p7 = b.programme(db, d0=None, until=Status.REORIENTE, referral=date(2025, 5, 5), reoriented_on=date(2025, 7, 1),
                     association_id=a.id)
    b.programme(db, d0=date(2025, 4, 7), until=Status.SUIVI, association_id=other.id, origin="dac")
    x, y, z, w = (b.professional(db) for _ in range(4))
    b.team_member(db, p1, x)
    b.team_member(db, p2, x)
    b.team_member(db, p3, y)
    b.team_member(db, p4, z, agreed=False)
    b.team_member(db, p5, w)
    return {"a": a, "p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p7": p7}


def test_activity_counts_each_programme_in_the_period_of_its_natural_date(db, year):
    activity = report(db, association_id=year["a"].id).family("activity")
    started = activity.figure("programmes_started")
    assert started.value == 3
    assert started.programme_ids == tuple(sorted(year[k].id for k in ("p1", "p2", "p4")))
    completed = activity.figure("programmes_completed")
    assert completed.value == 2  # p1 (week 12 in May 2025) and p3 (started 2024, week 12 in January 2025)
    assert completed.programme_ids == tuple(sorted((year["p1"].id, year["p3"].id)))
    assert completed.target is not None and completed.target.value == 260  # 2025 is after N+2 (2023)
    assert completed.met is False
    involved = activity.figure("professionals_involved")
    assert involved.value == 2  # x (two programmes, once) and y; z refused, w's programme has not started
    assert activity.figure("coordination_referred").value == 1  # p2, origin DAC
    assert activity.figure("referrals_received").value == 4  # p1, p2, p4, p7 (p3: 2024, p5: 2026)
    departments = dict(next(x for x in activity.breakdowns if x.key == "by_department").rows)
    assert departments == {"31 — Haute-Garonne": (3.0, 2.0)}  # started p1, p2, p4; done p1, p3
    months = dict(activity.breakdowns[1].rows)
    assert months["mars 2025"] == (1.0,) and months["nov. 2025"] == (1.0,) and months["janv. 2025"] == (0.0,)
    assert len(months) == 12


def test_referrals_by_origin_translate_and_count_the_unrecorded(db, year):
    breakdown = next(x for x in report(db, association_id=year["a"].id).family("activity").breakdowns
                     if x.key == "referrals_by_origin")
    rows = dict(breakdown.rows)
    # p1 (pneumologue), p2 (DAC), p4 and p7 (no dossier); p3 referred in 2024, p5 in 2026
    assert rows["Pneumologue"] == (1.0,)
    assert rows["Dispositif d'appui à la coordination (DAC)"] == (1.0,)
    assert rows["Non renseigné"] == (2.0,)
    assert rows["Médecin traitant"] == (0.0,)


def test_trend_gives_the_same_figures_for_the_previous_years(db, year):
    started = report(db, association_id=year["a"].id).figure("programmes_started")
    assert started.trend == ((2023, 0.0), (2024, 1.0))  # p3 started in November 2024


def test_completion_rate_counts_an_interruption_in_week_2(db, year):
    intervention = report(db, association_id=year["a"].id).family("intervention")
    rate = intervention.figure("completion_rate")
    assert (rate.numerator, rate.denominator, rate.value) == (2, 3, 66.7)
    assert rate.target is not None and rate.target.value == 85 and rate.met is False
    by_week = dict(next(x for x in intervention.breakdowns if x.key == "interruptions_by_week").rows)
    assert by_week["Semaine 2"] == (1.0,)
    assert sum(v[0] for v in by_week.values()) == 1
    assert intervention.figure("interrupted_in_intervention").programme_ids == (year["p4"].id,)


def test_reorientation_at_the_decision_over_the_decisions_of_the_period(db, year):
    rate = report(db, association_id=year["a"].id).figure("decision_reorientation_rate")
    # validated in 2025: p1 (Feb), p2 (Oct), p4 (May); p3 in 2024; p7 reoriented in July 2025
    assert (rate.numerator, rate.denominator, rate.value) == (1, 4, 25.0)
    assert rate.target is None  # the source's target is on the follow-up's reorientations


def test_a_status_change_counts_on_its_paris_date(db):
    """23:30 UTC on 31 December is already 1 January in Paris: the programme is done in the next year."""
    a = b.association(db)
    late = b.programme(db, d0=date(2025, 10, 6), until=Status.SUIVI, association_id=a.id)
    suivi = next(t for t in late.transitions if t.to_status == Status.SUIVI.value)
    suivi.at = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    db.flush()
    assert report(db, association_id=a.id).figure("programmes_completed").value == 0
    assert report(db, year=2026, association_id=a.id).figure("programmes_completed").programme_ids == (late.id,)


def test_delay_mean_histogram_and_missing(db):
    a = b.association(db)
    b.programme(db, d0=date(2025, 3, 17), complete_on=date(2025, 3, 3), association_id=a.id)  # 2 weeks
    b.programme(db, d0=date(2025, 4, 7), association_id=a.id)  # no dossier: the status change, 4 weeks before
    b.programme(db, d0=date(2025, 5, 5), complete_on=date(2025, 5, 12), association_id=a.id)  # after D0
    intervention = report(db, association_id=a.id).family("intervention")
    delay = intervention.figure("delay_weeks")
    assert (delay.value, delay.denominator, delay.missing) == (3.0, 2, 1)
    assert delay.unit == "weeks" and delay.met is True
    histogram = dict(intervention.breakdowns[0].rows)
    assert histogram["≤ 2 semaines"] == (1.0,) and histogram["2 à 4 semaines"] == (1.0,)
    assert histogram["> 8 semaines"] == (0.0,)
    within = intervention.figure("delay_within_target")
    assert (within.numerator, within.denominator, within.missing) == (2, 2, 1)


def test_no_programme_in_the_period_gives_zero_counts_and_no_rates(db, year):
    result = report(db, year=2019, association_id=year["a"].id)
    assert [f.key for f in result.families] == [key for key, _ in FAMILIES]
    assert result.figure("programmes_started").value == 0
    assert result.figure("professionals_involved").value == 0
    for key in ("completion_rate", "delay_weeks", "crq_improved", "endurance_improved", "follow_up_completion_rate",
                "hospital_days_reduction", "professional_satisfaction", "cost_per_programme", "eva_closing"):
        figure = result.figure(key)
        assert figure.value is None, key
        assert figure.met is None


def test_empty_database_computes_every_family(db):
    result = report(db, year=2030)
    assert len(result.families) == len(FAMILIES)
    assert all(f.figures for f in result.families)


def test_families_subset_and_unknown_family(db, year):
    result = report(db, families=["costs", "activity"], association_id=year["a"].id)
    assert [f.key for f in result.families] == ["costs", "activity"]
    with pytest.raises(KeyError):
        report(db, families=["nope"])
