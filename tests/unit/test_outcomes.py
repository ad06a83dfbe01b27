"""CRQ scoring, the endurance test, BMI-driven supports, the rupture proposal and physiological ranges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehab.domain.outcomes import (
    CRQ_DOMAINS,
    crq_change,
    crq_scores,
    decide_supports,
    endurance_change,
    endurance_load,
    format_duration,
    odometer_check,
    parse_duration,
    propose_rupture,
    range_error,
)
from rehab.domain.protocol import ProtocolParameters


def _items(value: int) -> dict[int, int | None]:
    return {n: value for n in range(1, 21)}


def test_domains_partition_the_twenty_items():
    numbers = [n for items in CRQ_DOMAINS.values() for n in items]
    assert sorted(numbers) == list(range(1, 21))
    assert [len(v) for v in CRQ_DOMAINS.values()] == [5, 4, 7, 4]


def test_domain_score_is_the_mean_of_its_items():
    items = _items(4) | {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 7, 7: 6}
    scores = crq_scores(items)
    assert scores.domains["dyspnee"] == Decimal("3.00")
    assert scores.domains["fatigue"] == Decimal("5.25")
    assert scores.domains["emotion"] == Decimal("4.00") and scores.complete


def test_a_domain_with_a_missing_item_is_not_scored():
    scores = crq_scores(_items(5) | {12: None})
    assert scores.domains["emotion"] is None and scores.domains["maitrise"] == Decimal("5.00")
    assert not scores.complete


@pytest.mark.parametrize("items", [{0: 3}, {21: 3}, {3: 0}, {3: 8}])
def test_out_of_range_items_are_refused(items):
    with pytest.raises(ValueError, match="CRQ"):
        crq_scores(items)


def test_change_is_clinically_important_from_half_a_point():
    before = crq_scores(_items(3))
    after = crq_scores(_items(3) | {1: 5, 2: 4, 3: 3, 4: 3, 5: 3, 6: 4, 7: 4, 8: 3, 9: 3})
    change = crq_change(before, after)
    assert change["dyspnee"] == (Decimal("0.60"), True)
    assert change["fatigue"] == (Decimal("0.50"), True)
    assert change["emotion"] == (Decimal("0.00"), False)
    assert crq_change(before, crq_scores(_items(3) | {20: None}))["maitrise"] is None


def test_endurance_load_duration_and_change():
    assert endurance_load(60) == 48 and endurance_load(55) == 44
    with pytest.raises(ValueError, match="puissance maximale"):
        endurance_load(0)
    assert parse_duration("08:30") == 510 and parse_duration("8'05") == 485 and parse_duration("12") == 720
    assert format_duration(510) == "08:30"
    for bad in ("8:75", "abc", "61:00"):
        with pytest.raises(ValueError, match=r"[Dd]urée"):
            parse_duration(bad)
    change = endurance_change(300, 420)
    assert change.seconds == 120 and change.percent == Decimal("40.0")
    assert endurance_change(0, 60).percent is None
    assert endurance_change(400, 300).percent == Decimal("-25.0")


def test_supports_follow_bmi_bounds_and_criteria():
    params = ProtocolParameters(bmi_low=21.0, bmi_high=29.0)
    thin = decide_supports(weight_kg=52, height_cm=168, smoker=False, psychotropic=False, patient_request=False,
                           params=params)
    assert thin.bmi == 18.4 and thin.dietitian and not thin.tobacco and not thin.psychology
    normal = decide_supports(weight_kg=70, height_cm=170, smoker=True, psychotropic=False, patient_request=True,
                             params=params)
    assert not normal.dietitian and normal.tobacco and normal.psychology
    heavy = decide_supports(weight_kg=80, height_cm=170, smoker=False, psychotropic=True, patient_request=False,
                            params=ProtocolParameters(bmi_low=21.0, bmi_high=27.0))
    assert heavy.bmi == 27.7 and heavy.dietitian and heavy.psychology  # the bound is a parameter


def test_rupture_is_proposed_below_the_project_only():
    assert propose_rupture(1, 3) and not propose_rupture(3, 3) and not propose_rupture(4, 3)
    assert not propose_rupture(None, 3) and not propose_rupture(2, None)


@pytest.mark.parametrize(("kind", "value", "ok"), [
    ("heart_rate", 30, True), ("heart_rate", 221, False), ("spo2", 49, False), ("spo2", 100, True),
    ("load", 400, True), ("load", 401, False), ("minutes", 61, False), ("borg", 10, True), ("eva", -1, False),
    ("crq_item", 7, True), ("crq_item", 0, False), ("weight", 24, False), ("height", 231, False),
    ("sessions_week", 14, True), ("sessions_week", 15, False),
])
def test_physiological_ranges(kind, value, ok):
    message = range_error(kind, value)
    assert (message is None) == ok
    if message:
        assert "doit se situer entre" in message


def test_odometer_is_checked_against_declared_sessions():
    assert odometer_check(240, 30) is None
    assert "moins que prévu" in odometer_check(30, 30)
    assert "plus que prévu" in odometer_check(900, 30) and "30,0 km par séance" in odometer_check(900, 30)
    assert odometer_check(None, 30) is None and odometer_check(50, 0) is not None
