"""Dashboard presentation of hand-built indicator results: French numbers and units, verdicts in words,
trends, headline choice, and breakdown charts whose columns keep their own units."""

from __future__ import annotations

import pytest

from rehab.indicators.types import Breakdown, Family, Figure, Target
from rehab.web.indicators.present import (
    breakdown_view,
    figure_view,
    format_axis,
    format_value,
    headline,
    target_text,
    trend_of,
)

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (None, "percent", "—"),
    (85.0, "percent", f"85{NBSP}%"),
    (84.56, "percent", f"84,6{NBSP}%"),
    (4.0, "weeks", f"4{NBSP}semaines"),
    (1.5, "weeks", f"1,5{NBSP}semaine"),
    (12.0, "days", f"12{NBSP}jours"),
    (2300.0, "euros", f"2{NNBSP}300,00{NBSP}€"),
    (24.5, "hours", f"24,5{NBSP}h"),
    (0.625, "score", "0,63"),
    (1234.0, "count", f"1{NNBSP}234"),
])
def test_format_value_is_french_with_units(value, unit, expected):
    assert format_value(value, unit) == expected


def test_axis_ticks_are_short():
    assert format_axis(2000.0, "euros") == f"2{NNBSP}000{NBSP}€"
    assert format_axis(0.2, "count") == "0,2"
    assert format_axis(20.0, "percent") == f"20{NBSP}%"


def test_target_text_says_the_direction():
    assert target_text(Target(85, "min", "percent")) == f"≥{NBSP}85{NBSP}%"
    assert target_text(Target(4, "max", "weeks")) == f"≤{NBSP}4{NBSP}semaines"


def _figure(**overrides):
    data = {"key": "completion_rate", "label": "Taux de réalisation", "unit": "percent", "value": 80.0,
            "numerator": 8, "denominator": 10, "missing": 2, "target": Target(85, "min", "percent"),
            "trend": ((2024, 70.0), (2025, 90.0)), "programme_ids": (3, 1, 2)}
    return Figure(**(data | overrides))


def test_figure_view_carries_fraction_verdict_trend_and_charts():
    view = figure_view(_figure(), current_label="2026", detailed=True)
    assert view.value_text == f"80{NBSP}%"
    assert view.fraction_text == "8 sur 10"
    assert view.met is False and view.verdict == "Objectif non atteint"
    assert view.trend.arrow == "↓" and view.trend.text == f"en baisse par rapport à 2025 (90{NBSP}%)"
    assert view.trend_rows == (("2024", f"70{NBSP}%"), ("2025", f"90{NBSP}%"), ("2026", f"80{NBSP}%"))
    assert view.programme_count == 3
    chart = view.trend_chart
    assert [bar.title for bar in chart.bars] == [f"2024 : 70{NBSP}%", f"2025 : 90{NBSP}%", f"2026 : 80{NBSP}%"]
    assert chart.reference_y is not None and chart.reference_label == f"objectif ≥{NBSP}85{NBSP}%"
    assert view.sparkline is not None and len(view.sparkline.dots) == 1


def test_figure_without_value_or_history_draws_no_chart():
    view = figure_view(_figure(value=None, trend=((2024, None), (2025, None))), current_label="2026", detailed=True)
    assert view.value_text == "—"
    assert view.verdict == "Objectif non évaluable" and view.met is None
    assert view.trend is None and view.trend_chart is None and view.sparkline is None


def test_trend_skips_years_without_value_and_says_stable():
    assert trend_of(_figure(value=90.0, trend=((2024, 90.0), (2025, None)))).text.startswith(
        "stable par rapport à 2024")
    assert trend_of(_figure(trend=())) is None


def test_headline_puts_figures_with_a_target_first():
    plain = [_figure(key=f"plain{n}", target=None) for n in range(3)]
    targeted = [_figure(key=f"target{n}") for n in range(2)]
    family = Family("follow_up", "Suivi", (plain[0], targeted[0], plain[1], targeted[1], plain[2]))
    assert [f.key for f in headline(family)] == ["target0", "target1", "plain0", "plain1"]


def test_mixed_unit_breakdown_charts_the_share_and_formats_each_column():
    breakdown = Breakdown("activity_by_quarter", "Activité maintenue", ("Patients", "Actifs", "%"),
                          (("T1", (9.0, 5.0, 55.6)), ("T2", (0.0, 0.0, None))), unit="percent",
                          column_units=("count", "count", "percent"))
    view = breakdown_view(breakdown)
    assert view.rows == (("T1", ("9", "5", f"55,6{NBSP}%")), ("T2", ("0", "0", "—")))
    assert view.series == ("%",)
    assert [bar.title for bar in view.chart.bars] == [f"T1 : 55,6{NBSP}%"]
    assert "T2 : non disponible" in view.chart.desc


@pytest.mark.parametrize("kind", ["bar", "histogram", "stacked", "line"])
def test_every_chart_kind_is_drawn(kind):
    breakdown = Breakdown("b", "Événements", ("bénins", "graves"), (("janv.", (2.0, 1.0)), ("févr.", (4.0, 0.0))),
                          chart=kind)
    chart = breakdown_view(breakdown).chart
    marks = chart.dots if kind == "line" else chart.bars
    assert len(marks) == 4
    assert marks[0].title == "janv. – bénins : 2"
    if kind == "line":
        assert len(chart.lines) == 2
    if kind == "stacked":
        assert chart.bars[0].x == chart.bars[1].x
