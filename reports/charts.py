"""Vector charts for the syntheses (ReportLab graphics: lines and real text, never a bitmap of text).

The weekly training volume (minutes pedalled per week, from the weekly calls) lets the physicians see at a
glance whether the patient kept training; a missing week is left empty rather than drawn as zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from reports.fonts import SANS, register_fonts


def weekly_volume_chart(weeks: Sequence[tuple[int, int | None]], *, width: float, height: float) -> Drawing:
    """Bar chart of (week number, minutes or None); the axis labels are embedded-font text."""
    register_fonts()
    drawing = Drawing(width, height, initialFontName=SANS)  # else ReportLab starts it in Helvetica, unembedded
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 28
    chart.width, chart.height = int(width - 55), int(height - 45)
    values = [float(v) if v is not None else None for _, v in weeks] or [None]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [f"S{n}" for n, _ in weeks] or [""]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((v for v in values if v is not None), default=0.0)
    chart.valueAxis.valueMax = max(60.0, top * 1.15)
    chart.bars[0].fillColor = colors.HexColor("#2f6f9f")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    drawing.add(String(0, height - 10, "minutes / semaine", fontName=SANS, fontSize=7))
    drawing.add(String(width / 2, 4, "semaine du programme", fontName=SANS, fontSize=7, textAnchor="middle"))
    return drawing
