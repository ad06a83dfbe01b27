"""The targets file: the shipped one is complete and readable; a broken one is refused in French."""

from __future__ import annotations

import pytest

from rehab.indicators.targets import TargetError, load_targets, parse_targets


def test_shipped_targets_cover_the_source_indicators():
    book = load_targets()
    assert book.first_year == 2021
    assert book.thresholds.crq_mcid == 0.5 and book.thresholds.activity_sessions_per_week == 3
    expected = {  # key: (N, N+1, N+2, direction) — cahier des charges, section VII
        "programmes_completed": (220, 240, 260, "min"), "professionals_involved": (500, 550, 600, "min"),
        "completion_rate": (85, 85, 85, "min"), "delay_weeks": (4, 4, 4, "max"),
        "crq_improved": (80, 85, 90, "min"), "endurance_improved": (75, 80, 85, "min"),
        "follow_up_completion_rate": (65, 75, 85, "min"), "ssr_reorientation_rate": (20, 15, 10, "max"),
        "hospital_days_reduction": (40, 45, 50, "min"), "professional_satisfaction": (70, 80, 85, "min"),
        "coordination_referred": (20, 30, 40, "min"), "follow_up_video_patients": (70, 120, 160, "min"),
    }
    for key, (*values, direction) in expected.items():
        got = [book.target(key, book.first_year + k) for k in range(3)]
        assert [t.value for t in got] == values, key
        assert {t.direction for t in got} == {direction}, key


@pytest.mark.parametrize(("data", "message"), [
    ({}, "année N"),
    ({"first_year": 2021, "targets": {"x": {"values": [], "direction": "min", "unit": "count"}}}, "values"),
    ({"first_year": 2021, "targets": {"x": {"values": [1], "direction": "up", "unit": "count"}}}, "direction"),
    ({"first_year": 2021, "targets": {"x": {"values": [1], "direction": "min", "unit": "parsec"}}}, "unité"),
    ({"first_year": 2021, "thresholds": {"crq": 1}}, "Seuil"),
])
def test_broken_targets_are_refused(data, message):
    with pytest.raises(TargetError, match=message):
        parse_targets(data)
