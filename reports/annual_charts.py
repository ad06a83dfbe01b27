"""Charts of the annual activity report: one per indicator breakdown (rows × columns of numbers).

A breakdown's rows are the categories on the horizontal axis (quarters, natures of incident, délai classes) and
its columns the series (« 12 mois avant » / « 12 mois après »). The drawings are ReportLab vector graphics with
embedded-font text; the same numbers are always printed in a table next to the chart, so nothing is known only
from a colour or a bar height (screen readers, black-and-white printing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from reports.fonts import SANS, register_fonts

#: Series colours, distinguishable in grey scale too (decreasing lightness).
PALETTE = ("#2f6f9f", "#e39b3b", "#5a9e5a", "#8c5fa8", "#c4504a", "#7f7f7f")
MAX_LABEL = 18  # characters of a category label under the axis; the table beside the chart has the full text
MAX_NAMED = 24  # categories named under the axis; with more (departments nationwide), every n-th only

Rows = Sequence[tuple[str, Sequence[float | None]]]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _names(rows: Rows) -> list[str]:
    """Category names under the axis, shortened; thinned out when too many to be read side by side."""
    step = -(-len(rows) // MAX_NAMED)  # ceiling division
    return [_short(label) if i % step == 0 else "" for i, (label, _) in enumerate(rows)] or [""]


def _series(columns: Sequence[str], rows: Rows) -> list[list[float | None]]:
    """One list per column, one value per row (ReportLab's data layout); a missing cell stays None."""
    return [[(values[j] if j < len(values) else None) for _, values in rows] for j in range(len(columns))]


def _value_range(series: list[list[float | None]], stacked: bool) -> tuple[float, float]:
    """Axis from 0 (or the lowest negative) to a little above the top, never a zero-height axis."""
    numbers = [v for s in series for v in s if v is not None]
    if stacked:
        sums = [sum(v for v in column if v is not None and v > 0) for column in zip(*series, strict=True)]
        top = max(sums, default=0.0)
    else:
        top = max(numbers, default=0.0)
    bottom = min([0.0, *numbers])
    return bottom, (top * 1.15 if top > 0 else 1.0)


def _style_axes(chart: VerticalBarChart | HorizontalLineChart, names: list[str], tick: Callable[[float], str],
                rotate: bool) -> None:
    chart.categoryAxis.categoryNames = names
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName = SANS
        labels.fontSize = 7
    if rotate:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labelTextFormat = tick


def _legend(columns: Sequence[str], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = int(x), int(y)
    legend.fontName, legend.fontSize = SANS, 7
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = len(columns)  # one column of entries, stacked downwards
    legend.deltay = 10
    legend.dxTextSpace = 4
    legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), _short(name))
                             for i, name in enumerate(columns)]
    return legend


def breakdown_chart(columns: Sequence[str], rows: Rows, *, kind: str, unit_label: str,
                    tick: Callable[[float], str], width: float, height: float) -> Drawing:
    """Bars (grouped, stacked, or touching for a histogram) or lines; the value axis reads `unit_label`.

    `tick` formats the value-axis numbers (French decimal comma); with several columns a legend names the
    series on the right."""
    register_fonts()
    drawing = Drawing(width, height, initialFontName=SANS)  # else ReportLab starts it in Helvetica, unembedded
    legend_width = 95.0 if len(columns) > 1 else 0.0
    rotate = len(rows) > 6 or any(len(label) > 10 for label, _ in rows)
    bottom_margin = 48.0 if rotate else 24.0
    chart: VerticalBarChart | HorizontalLineChart = HorizontalLineChart() if kind == "line" else VerticalBarChart()
    chart.x, chart.y = 42, int(bottom_margin)
    chart.width = int(width - 52 - legend_width)
    chart.height = int(height - bottom_margin - 18)
    series = _series(columns, rows) or [[None]]
    chart.data = series if rows else [[None]]
    _style_axes(chart, _names(rows), tick, rotate)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = _value_range(series, kind == "stacked")
    for i in range(len(series)):
        colour = colors.HexColor(PALETTE[i % len(PALETTE)])
        if isinstance(chart, HorizontalLineChart):
            chart.lines[i].strokeColor = colour
            chart.lines[i].strokeWidth = 1.5
            # a lone point between two gaps stays visible
            chart.lines[i].symbol = makeMarker("FilledCircle", size=4)  # type: ignore[no-untyped-call]
        else:
            chart.bars[i].fillColor = colour
            chart.bars[i].strokeColor = None
    if isinstance(chart, VerticalBarChart):
        if kind == "stacked":
            chart.categoryAxis.style = "stacked"
        if kind == "histogram":
            chart.groupSpacing, chart.barSpacing = 0, 0
    drawing.add(chart)
    drawing.add(String(0, height - 10, unit_label, fontName=SANS, fontSize=7))
    if legend_width:
        drawing.add(_legend(columns, width - legend_width + 8, height - 18))
    return drawing
