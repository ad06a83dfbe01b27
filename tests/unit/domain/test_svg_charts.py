"""SVG chart geometry: bars stand on zero at heights proportional to their values, stacks add up, lines break
on missing values, labels never overflow their slot, and every value is spoken in the description."""

from __future__ import annotations

import pytest

from rehab.domain import svg_charts
from rehab.domain.svg_charts import axis_range, bar_chart, line_chart, nice_ceiling, shorten, sparkline


def fmt(value: float) -> str:
    return f"{value:g}"


@pytest.mark.parametrize(("value", "expected"), [(0.7, 1), (1, 1), (1.2, 2), (2.1, 2.5), (3, 5), (7, 10),
                                                 (85, 100), (240, 250), (2300, 2500), (0, 1), (-3, 1)])
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected)


@pytest.mark.parametrize(("values", "expected"), [
    ([1], (0, 1, 0.2)), ([2], (0, 2, 0.5)), ([8], (0, 8, 2)), ([85], (0, 100, 20)), ([230], (0, 250, 50)),
    ([10, -5], (-6, 10, 2)), ([-3], (-3, 0, 1)), ([0], (0, 0.2, 0.2)), ([0.6], (0, 0.6, 0.2))])
def test_axis_range_uses_round_steps(values, expected):
    assert axis_range(values) == pytest.approx(expected)


def test_count_axis_has_whole_steps_and_the_reference_fits():
    assert axis_range([1], integer=True) == pytest.approx((0, 5, 1))
    assert axis_range([50], reference=85) == pytest.approx((0, 100, 20))


def test_bars_are_proportional_and_stand_on_zero():
    chart = bar_chart(["A", "B"], ["n"], [[10], [5]], title="Demandes", fmt=fmt)
    a, b = chart.bars
    assert a.height == pytest.approx(2 * b.height)
    assert a.y + a.height == pytest.approx(chart.zero_y)
    assert b.y + b.height == pytest.approx(chart.zero_y)
    assert chart.zero_y == pytest.approx(chart.bottom)
    assert a.y == pytest.approx(chart.top)  # 10 is the axis end
    assert [t.text for t in chart.y_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert a.title == "A : 10"


def test_grouped_bars_sit_side_by_side_in_their_category():
    chart = bar_chart(["2025", "2026"], ["Téléphone", "Vidéo"], [[3, 1], [2, 4]], title="Suivi", fmt=fmt)
    assert len(chart.bars) == 4
    first, second = chart.bars[0], chart.bars[1]
    assert second.x == pytest.approx(first.x + first.width)
    assert (first.series, second.series) == (0, 1)
    assert chart.bars[2].x > second.x + second.width  # the next category starts after a gap
    assert second.title == "2025 – Vidéo : 1"


def test_stacked_bars_add_up_to_the_total():
    chart = bar_chart(["T1"], ["bénin", "grave"], [[6, 2]], title="Incidents", fmt=fmt, stacked=True)
    low, high = chart.bars
    assert low.x == high.x
    assert high.y + high.height == pytest.approx(low.y)  # the second part sits on the first
    assert low.height == pytest.approx(3 * high.height)
    assert chart.y_ticks[-1].text == "8"  # the axis is sized on the total (8), not on the largest part (6)
    assert high.y == pytest.approx(chart.top)


def test_histogram_bars_touch():
    chart = bar_chart(["0–2", "2–4", "4–6"], ["n"], [[1], [3], [2]], title="Délai", fmt=fmt, histogram=True)
    a, b, _ = chart.bars
    assert b.x - (a.x + a.width) == pytest.approx(1.0)  # a hairline between adjacent bins, no gap


def test_negative_values_hang_below_zero():
    chart = bar_chart(["avant", "après"], ["j"], [[10], [-5]], title="Écart", fmt=fmt)
    up, down = chart.bars
    assert up.y + up.height == pytest.approx(chart.zero_y)
    assert down.y == pytest.approx(chart.zero_y)
    assert chart.zero_y < chart.bottom


def test_missing_values_draw_nothing_and_are_said():
    chart = bar_chart(["A", "B"], ["n"], [[None], [4]], title="T", fmt=fmt)
    assert len(chart.bars) == 1
    assert "A : non disponible" in chart.desc and "B : 4" in chart.desc


def test_reference_line_is_placed_on_the_target_and_widens_the_axis():
    chart = bar_chart(["2026"], ["v"], [[50]], title="T", fmt=fmt, reference=85, reference_label="objectif")
    assert chart.y_ticks[-1].text == "100"
    bar = chart.bars[0]
    assert chart.reference_y == pytest.approx(chart.bottom - (chart.bottom - chart.top) * 0.85)
    assert chart.reference_y < bar.y


def test_axis_formatter_is_separate_from_the_full_one():
    chart = bar_chart(["A"], ["n"], [[1234.5]], title="T", fmt=lambda v: f"{v:.2f} €", axis_fmt=lambda v: f"{v:.0f}")
    assert chart.bars[0].title == "A : 1234.50 €"
    assert chart.y_ticks[-1].text == "1500"


def test_line_chart_breaks_on_a_missing_point():
    chart = line_chart(["T1", "T2", "T3", "T4", "T5"], ["%"], [[10], [20], [None], [30], [40]], title="T", fmt=fmt)
    assert len(chart.lines) == 2
    assert len(chart.dots) == 4
    assert all(len(line.points.split()) == 2 for line in chart.lines)


def test_line_chart_draws_one_line_per_series():
    chart = line_chart(["T1", "T2"], ["a", "b"], [[1, 2], [3, 4]], title="T", fmt=fmt)
    assert sorted(line.series for line in chart.lines) == [0, 1]
    assert chart.dots[0].title == "T1 – a : 1"


def test_many_long_labels_are_thinned_and_shortened():
    labels = [f"Catégorie numéro {n}" for n in range(30)]
    chart = bar_chart(labels, ["n"], [[n] for n in range(30)], title="T", fmt=fmt)
    assert 0 < len(chart.x_labels) < 30
    slot = (chart.right - chart.left) / 30
    every = 30 // len(chart.x_labels)
    for label in chart.x_labels:
        assert len(label.text) * svg_charts.CHAR_PX <= slot * (every + 1)
        assert label.title.startswith("Catégorie")


def test_shorten():
    assert shorten("Hospitalisation", 1000) == "Hospitalisation"
    assert shorten("Hospitalisation", 40) == "Hospi…"


def test_empty_chart_is_still_drawable():
    chart = bar_chart([], ["n"], [], title="Vide", fmt=fmt)
    assert chart.bars == () and chart.desc == "Vide. Aucune donnée."


def test_sparkline_needs_two_values_and_spans_its_range():
    assert sparkline(["2025", "2026"], [None, 3], title="T", fmt=fmt) is None
    chart = sparkline(["2024", "2025", "2026"], [10, None, 20], title="T", fmt=fmt)
    assert chart is not None
    (first, last) = [p.split(",") for p in chart.lines[0].points.split()]
    assert float(first[1]) > float(last[1])  # rising: the last point is higher on screen
    assert float(first[1]) == pytest.approx(chart.bottom) and float(last[1]) == pytest.approx(chart.top)
    assert chart.dots[0].title == "2026 : 20"
    assert "2024 : 10" in chart.desc
