"""From indicator results to what a dashboard shows: French numbers with units, target verdicts, charts.

Rendering is generic over the report objects (no figure key is known here) so that a new figure or breakdown
in the computation shows up on its dashboard without touching the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehab.domain import svg_charts
from rehab.domain.svg_charts import Chart
from rehab.indicators.types import Breakdown, Family, Figure, Target, Unit
from reports.fr import NBSP, euros, number

HEADLINE_FIGURES = 4  # a card on the overview: the figures with a target first, at most this many


def _decimals(value: float, usual: int) -> int:
    return 0 if float(value).is_integer() else usual


def format_value(value: float | None, unit: Unit) -> str:
    """« 85 % », « 4,2 semaines », « 2 300,00 € »: the figure as a French reader expects it."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{number(value, _decimals(value, 1))}{NBSP}%"
    if unit == "euros":
        return euros(value)
    if unit in ("weeks", "days"):
        word = {"weeks": "semaine", "days": "jour"}[unit]
        return f"{number(value, _decimals(value, 1))}{NBSP}{word}{'s' if abs(value) >= 2 else ''}"
    if unit == "hours":
        return f"{number(value, _decimals(value, 1))}{NBSP}h"
    if unit == "score":
        return number(value, 2)
    return number(value, _decimals(value, 1))


def format_axis(value: float, unit: Unit) -> str:
    """Axis ticks are short: no cents, abbreviated units (« 2 000 € », « 4 sem. »)."""
    text = number(value, _decimals(round(value, 1), 1))
    suffix = {"percent": "%", "euros": "€", "weeks": "sem.", "days": "j", "hours": "h"}.get(unit)
    return f"{text}{NBSP}{suffix}" if suffix else text


def target_text(target: Target) -> str:
    sign = "≥" if target.direction == "min" else "≤"
    return f"{sign}{NBSP}{format_value(target.value, target.unit)}"


def verdict(met: bool | None, has_target: bool) -> str:
    """The verdict in words: colour alone must never carry the meaning."""
    if not has_target:
        return ""
    if met is None:
        return "Objectif non évaluable"
    return "Objectif atteint" if met else "Objectif non atteint"


@dataclass(frozen=True)
class Trend:
    arrow: str  # ↑ ↓ → (text, not an icon: screen readers read the sentence beside it)
    text: str


def trend_of(figure: Figure) -> Trend | None:
    """Direction against the latest earlier year that has a value."""
    if figure.value is None:
        return None
    earlier = [(year, value) for year, value in figure.trend if value is not None]
    if not earlier:
        return None
    year, value = earlier[-1]
    shown = format_value(value, figure.unit)
    if abs(figure.value - value) < 1e-9:
        return Trend("→", f"stable par rapport à {year} ({shown})")
    if figure.value > value:
        return Trend("↑", f"en hausse par rapport à {year} ({shown})")
    return Trend("↓", f"en baisse par rapport à {year} ({shown})")


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    value_text: str
    fraction_text: str | None
    target_text: str | None
    met: bool | None
    verdict: str
    trend: Trend | None
    trend_rows: tuple[tuple[str, str], ...]  # (year, value) oldest first, the current period last
    sparkline: Chart | None
    trend_chart: Chart | None

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def programme_count(self) -> int:
        return len(self.figure.programme_ids)


def _series(figure: Figure, current_label: str) -> tuple[list[str], list[float | None]]:
    labels = [str(year) for year, _ in figure.trend] + [current_label]
    values = [value for _, value in figure.trend] + [figure.value]
    return labels, values


def figure_view(figure: Figure, *, current_label: str, detailed: bool = False) -> FigureView:
    """Everything a figure's block shows; the trend bar chart is drawn only on the family page."""
    fraction = None
    if figure.numerator is not None and figure.denominator is not None:
        fraction = f"{number(figure.numerator)} sur {number(figure.denominator)}"
    labels, values = _series(figure, current_label)

    def full(value: float) -> str:
        return format_value(value, figure.unit)

    chart = None
    if detailed and figure.trend and any(v is not None for v in values):
        target = figure.target
        chart = svg_charts.bar_chart(labels, ["Valeur"], [[v] for v in values], title=f"{figure.label} : évolution",
                                     fmt=full, axis_fmt=lambda v: format_axis(v, figure.unit), width=320,
                                     height=170, reference=target.value if target else None,
                                     reference_label=f"objectif {target_text(target)}" if target else "",
                                     integer=figure.unit == "count")
    return FigureView(
        figure=figure, value_text=full(figure.value) if figure.value is not None else "—", fraction_text=fraction,
        target_text=target_text(figure.target) if figure.target else None, met=figure.met,
        verdict=verdict(figure.met, figure.target is not None), trend=trend_of(figure),
        trend_rows=tuple((label, format_value(v, figure.unit)) for label, v in zip(labels, values, strict=True)),
        sparkline=svg_charts.sparkline(labels, values, title=f"{figure.label} : tendance", fmt=full),
        trend_chart=chart)


def headline(family: Family) -> tuple[Figure, ...]:
    """The figures a family's card shows: those measured against a target first, in the family's order."""
    with_target = [f for f in family.figures if f.target is not None]
    without = [f for f in family.figures if f.target is None]
    return tuple((with_target + without)[:HEADLINE_FIGURES])


@dataclass(frozen=True)
class BreakdownView:
    breakdown: Breakdown
    chart: Chart
    header: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    series: tuple[str, ...]  # the charted columns (the legend)


def breakdown_view(breakdown: Breakdown) -> BreakdownView:
    """The chart and its accessible table. For a line chart the rows are the x axis, the columns the series.

    A table may print a share or an amount beside the counts behind it (« Patients | Activité maintenue | % »):
    each column is formatted in its own unit, and only the columns in the measured unit are charted, because
    counts and percentages on one axis would compare things that cannot be compared.
    """
    units = breakdown.units()
    charted = [i for i, unit in enumerate(units) if unit != "count"] if len(set(units)) > 1 else list(range(len(units)))
    unit = units[charted[0]] if charted else breakdown.unit
    categories = [label for label, _ in breakdown.rows]
    values = [[cells[i] for i in charted] for _, cells in breakdown.rows]
    series = [breakdown.columns[i] for i in charted]

    def full(value: float) -> str:
        return format_value(value, unit)

    def axis(value: float) -> str:
        return format_axis(value, unit)

    if breakdown.chart == "line":
        chart = svg_charts.line_chart(categories, series, values, title=breakdown.label, fmt=full, axis_fmt=axis,
                                      integer=unit == "count")
    else:
        chart = svg_charts.bar_chart(categories, series, values, title=breakdown.label, fmt=full, axis_fmt=axis,
                                     stacked=breakdown.chart == "stacked",
                                     histogram=breakdown.chart == "histogram", integer=unit == "count")
    rows = tuple((label, tuple(format_value(v, u) for v, u in zip(cells, units, strict=True)))
                 for label, cells in breakdown.rows)
    return BreakdownView(breakdown, chart, tuple(breakdown.columns), rows, tuple(series))
