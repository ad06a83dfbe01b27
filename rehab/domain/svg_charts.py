"""Charts as SVG geometry computed on the server, drawn by a Jinja macro.

Why server-side: the CSP forbids inline scripts and we vendor no chart library, a static SVG prints and zooms
cleanly, and every mark carries its own <title> so the numbers stay available to screen readers and to a
hover. This module only places things (pure arithmetic, no markup): like the programme timeline, the template
turns the geometry into elements. Values are plain floats; a None value is "not computable" and draws nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Formatter = Callable[[float], str]
CHAR_PX = 6.6  # average glyph width at the 11 px axis font: enough to size margins and truncate labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass(frozen=True)
class Line:
    points: str  # "x,y x,y …" for a <polyline>
    series: int


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    series: int
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    title: str = ""  # the full text when `text` had to be shortened


@dataclass(frozen=True)
class Chart:
    """Everything a template needs: the canvas, the plot box, axes, marks and an optional reference line."""

    width: int
    height: int
    title: str
    desc: str
    left: float
    top: float
    right: float
    bottom: float
    y_ticks: tuple[Label, ...] = ()
    x_labels: tuple[Label, ...] = ()
    bars: tuple[Bar, ...] = ()
    lines: tuple[Line, ...] = ()
    dots: tuple[Dot, ...] = ()
    zero_y: float | None = None
    reference_y: float | None = None
    reference_label: str = ""


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value`: round axis ends people read at a glance."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10.0 * power  # pragma: no cover — the loop always ends at 10


def axis_range(values: Sequence[float], reference: float | None = None,
               integer: bool = False) -> tuple[float, float, float]:
    """(low, high, step): axis bounds on round steps, always including zero (bars start there) and the reference.

    The step is a fifth of the nice ceiling of the largest magnitude (a quarter when that ceiling is a 2, so
    1 → 0.2, 2 → 0.5, 5 → 1, 10 → 2); the bounds are the first multiples of the step beyond the data.
    An integer axis (counts) reaches at least 5 so that its steps are whole numbers.
    """
    points = [*values, 0.0] + ([reference] if reference is not None else []) + ([5.0] if integer else [])
    low, high = min(points), max(points)
    end = nice_ceiling(max(high, -low))
    leading = end / 10.0 ** math.floor(math.log10(end))
    step = end / (4 if abs(leading - 2) < 1e-9 else 5)
    top = math.ceil(high / step - 1e-9) * step
    bottom = -math.ceil(-low / step - 1e-9) * step
    if top == bottom:
        top = step
    return bottom, top, step


def shorten(text: str, max_px: float) -> str:
    """`text` cut with an ellipsis to fit `max_px` at the axis font (the full text goes in a <title>)."""
    room = max(int(max_px / CHAR_PX), 3)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Frame:
    """The plot box and the value → y mapping shared by bar and line charts."""

    left: float
    top: float
    right: float
    bottom: float
    low: float
    high: float
    step: float

    def y(self, value: float) -> float:
        span = self.high - self.low
        return round(self.bottom - (value - self.low) / span * (self.bottom - self.top), 2)

    def ticks(self, fmt: Formatter) -> tuple[Label, ...]:
        count = round((self.high - self.low) / self.step)
        values = [self.low + self.step * i for i in range(count + 1)]
        return tuple(Label(self.left - 6, self.y(v), fmt(v)) for v in values)  # y: the grid line's


def _frame(values: Sequence[float], axis_fmt: Formatter, *, width: int, height: int,
           reference: float | None, integer: bool) -> _Frame:
    low, high, step = axis_range(values, reference, integer)
    widest = max(len(axis_fmt(low + step * i)) for i in range(round((high - low) / step) + 1))
    left = 12 + widest * CHAR_PX
    return _Frame(left=round(left, 2), top=14, right=width - 10, bottom=height - 28, low=low, high=high,
                  step=step)


def _x_labels(frame: _Frame, centres: Sequence[float], labels: Sequence[str], slot: float) -> tuple[Label, ...]:
    """One label per category, thinned out when they would overlap, shortened to their slot."""
    longest = max((len(t) for t in labels), default=1) * CHAR_PX
    every = max(1, math.ceil(longest / max(slot, 1)))  # whole labels if one in three or more can show…
    if every > 3:  # …else shortened labels of at least ~6 characters
        every = max(1, math.ceil(min(longest, 6 * CHAR_PX) / max(slot, 1)))
    out = []
    for n, (x, text) in enumerate(zip(centres, labels, strict=True)):
        if n % every == 0:
            short = shorten(text, slot * every - 4)
            out.append(Label(round(x, 2), frame.bottom + 16, short, text if short != text else ""))
    return tuple(out)


def _describe(title: str, categories: Sequence[str], series: Sequence[str],
              values: Sequence[Sequence[float | None]], fmt: Formatter) -> str:
    """A one-paragraph text of the data, the <desc> a screen reader speaks instead of the picture."""
    parts = []
    for category, row in zip(categories, values, strict=True):
        cells = [fmt(v) if v is not None else "non disponible" for v in row]
        if len(series) > 1:
            cells = [f"{name} {cell}" for name, cell in zip(series, cells, strict=True)]
        parts.append(f"{category} : {', '.join(cells)}")
    return f"{title}. " + ("; ".join(parts) if parts else "Aucune donnée.")


def _reference(frame: _Frame, reference: float | None) -> float | None:
    return None if reference is None else frame.y(reference)


def _title(category: str, series: Sequence[str], index: int, text: str) -> str:
    return f"{category} – {series[index]} : {text}" if len(series) > 1 else f"{category} : {text}"


def bar_chart(categories: Sequence[str], series: Sequence[str], values: Sequence[Sequence[float | None]], *,
              title: str, fmt: Formatter, axis_fmt: Formatter | None = None, stacked: bool = False,
              histogram: bool = False, width: int = 560, height: int = 240, reference: float | None = None,
              reference_label: str = "", integer: bool = False) -> Chart:
    """Grouped (or stacked) vertical bars: `values[i][j]` is category i, series j.

    `fmt` writes a value in full (marks' titles, the description), `axis_fmt` (default `fmt`) the short ticks.

    A histogram is a single-series bar chart whose bars touch, because its categories are adjacent bins.
    Stacked bars ignore negative parts (a share cannot be negative) and scale to the tallest total.
    """
    flat = [v for row in values for v in row if v is not None]
    totals = [sum(max(v or 0.0, 0.0) for v in row) for row in values] if stacked else flat
    axis_fmt = axis_fmt or fmt
    frame = _frame(totals or [0.0], axis_fmt, width=width, height=height, reference=reference, integer=integer)
    slot = (frame.right - frame.left) / max(len(categories), 1)
    pad = 0.0 if histogram else slot * 0.18
    per = 1 if stacked else max(len(series), 1)
    bar_width = (slot - 2 * pad) / per
    bars: list[Bar] = []
    zero = frame.y(0.0)
    for i, (category, row) in enumerate(zip(categories, values, strict=True)):
        x0, stack = frame.left + i * slot + pad, 0.0
        for j, value in enumerate(row):
            if value is None:
                continue
            if stacked:
                part = max(value, 0.0)
                y_top, y_base = frame.y(stack + part), frame.y(stack)
                stack += part
                x = x0
            else:
                y_top, y_base = min(frame.y(value), zero), max(frame.y(value), zero)
                x = x0 + j * bar_width
            bars.append(Bar(round(x + (0.5 if histogram else 0), 2), y_top,
                            round(bar_width - (1 if histogram else 0), 2), round(y_base - y_top, 2), j,
                            _title(category, series, j, fmt(value))))
    centres = [frame.left + (i + 0.5) * slot for i in range(len(categories))]
    return Chart(width, height, title, _describe(title, categories, series, values, fmt), frame.left, frame.top,
                 frame.right, frame.bottom, frame.ticks(axis_fmt), _x_labels(frame, centres, categories, slot),
                 bars=tuple(bars), zero_y=zero, reference_y=_reference(frame, reference),
                 reference_label=reference_label)


def line_chart(points: Sequence[str], series: Sequence[str], values: Sequence[Sequence[float | None]], *,
               title: str, fmt: Formatter, axis_fmt: Formatter | None = None, width: int = 560, height: int = 240,
               reference: float | None = None, reference_label: str = "", integer: bool = False) -> Chart:
    """One polyline per series over the `points` (x axis); `values[i][j]` is point i, series j.

    A missing value breaks the line rather than drawing a slope through a point that does not exist.
    """
    flat = [v for row in values for v in row if v is not None]
    axis_fmt = axis_fmt or fmt
    frame = _frame(flat or [0.0], axis_fmt, width=width, height=height, reference=reference, integer=integer)
    slot = (frame.right - frame.left) / max(len(points), 1)
    centres = [frame.left + (i + 0.5) * slot for i in range(len(points))]
    lines: list[Line] = []
    dots: list[Dot] = []
    for j in range(len(series)):
        run: list[str] = []
        for i, row in enumerate(values):
            value = row[j] if j < len(row) else None
            if value is None:
                if len(run) > 1:
                    lines.append(Line(" ".join(run), j))
                run = []
                continue
            x, y = round(centres[i], 2), frame.y(value)
            run.append(f"{x},{y}")
            dots.append(Dot(x, y, j, _title(points[i], series, j, fmt(value))))
        if len(run) > 1:
            lines.append(Line(" ".join(run), j))
    return Chart(width, height, title, _describe(title, points, series, values, fmt), frame.left, frame.top,
                 frame.right, frame.bottom, frame.ticks(axis_fmt), _x_labels(frame, centres, points, slot),
                 lines=tuple(lines), dots=tuple(dots), zero_y=frame.y(0.0), reference_y=_reference(frame, reference),
                 reference_label=reference_label)


def sparkline(labels: Sequence[str], values: Sequence[float | None], *, title: str, fmt: Formatter,
              width: int = 96, height: int = 28) -> Chart | None:
    """A tiny axis-less line of a figure over the years, for a dashboard card; None under two known values.

    The vertical scale is the values' own range (not from zero): a sparkline shows the direction, not the size.
    """
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return None
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (width - 8) / max(len(values) - 1, 1)
    frame_top, frame_bottom = 4.0, height - 4.0
    dots: list[Dot] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value is not None:
            y = frame_bottom - (value - low) / span * (frame_bottom - frame_top) if high != low else height / 2
            dots.append(Dot(round(4 + i * step, 2), round(y, 2), 0, f"{label} : {fmt(value)}"))
    line = Line(" ".join(f"{d.x},{d.y}" for d in dots), 0)
    desc = "; ".join(d.title for d in dots)
    return Chart(width, height, title, f"{title}. {desc}", 4, frame_top, width - 4, frame_bottom,
                 lines=(line,), dots=(dots[-1],))
