"""Compute the indicator families for a period and a scope, with their targets and trend.

One query builds the programme frame (every programme in scope with its milestone dates), then one query
per family reads that family's own table(s) (a UNION ALL when it has several; the intervention family needs
none, costs also reads the few tariff versions); all the counting is vectorised pandas over those frames.
The span queried covers the period and the `trend_years` years before it, so the trend — the same
figures for the same scope one, two… years earlier — costs no further query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from types import ModuleType
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from rehab.indicators import activity, costs, follow_up, incidents, intervention, outcomes, satisfaction
from rehab.indicators.catalogue import FAMILIES, FAMILY_LABELS
from rehab.indicators.context import Context, Result
from rehab.indicators.frames import WANT_IDS, Window, programme_frame, shift_years
from rehab.indicators.targets import TargetBook, load_targets
from rehab.indicators.types import Family, Figure, IndicatorFilters, IndicatorReport

PARIS = ZoneInfo("Europe/Paris")
MODULES: dict[str, ModuleType] = {
    "activity": activity, "intervention": intervention, "outcomes": outcomes, "follow_up": follow_up,
    "satisfaction": satisfaction, "incidents": incidents, "costs": costs,
}


def compute_indicators(session: Session, filters: IndicatorFilters, *, now: datetime,
                       families: Iterable[str] | None = None, trend_years: int = 2,
                       targets: TargetBook | None = None, breakdowns: bool = True) -> IndicatorReport:
    """Every family asked (all by default, in catalogue order) for `filters`, against the year's targets.

    Unknown family keys raise KeyError (a caller's typo must not yield an empty dashboard silently).
    `breakdowns=False` leaves the tables out (an overview of headline figures does not draw them).
    """
    wanted = [key for key, _label in FAMILIES] if families is None else list(families)
    for key in wanted:
        if key not in MODULES:
            raise KeyError(key)
    book = targets or load_targets()
    today = now.astimezone(PARIS).date()
    windows = [Window.of(shift_years(filters.start, -k), shift_years(filters.end, -k), main=breakdowns and k == 0)
               for k in range(trend_years, -1, -1)]  # oldest first, the period itself last
    span = Window(windows[0].start, windows[-1].end)
    programmes = programme_frame(session, filters, today, span)
    built = []
    for key in wanted:
        module = MODULES[key]
        context = Context(programmes=programmes, data=module.load(session, filters, span),
                          thresholds=book.thresholds)
        built.append(_family(key, module.compute, context, windows, book, filters.year))
    return IndicatorReport(filters=filters, computed_at=now, families=tuple(built))


def _family(key: str, compute: Callable[[Context, Window], Result], context: Context, windows: list[Window],
            book: TargetBook, year: int) -> Family:
    """The period's figures with their target, and each figure's values over the previous windows."""
    history: dict[str, list[tuple[int, float | None]]] = {}
    token = WANT_IDS.set(False)  # a trend year keeps its values only: no list of programmes to build
    try:
        for window in windows[:-1]:
            for figure in compute(context, window).figures:
                history.setdefault(figure.key, []).append((int(window.end.year), figure.value))
    finally:
        WANT_IDS.reset(token)
    result = compute(context, windows[-1])
    figures = tuple(_finish(figure, book, year, history.get(figure.key, [])) for figure in result.figures)
    return Family(key=key, label=FAMILY_LABELS[key], figures=figures, breakdowns=tuple(result.breakdowns))


def _finish(figure: Figure, book: TargetBook, year: int, trend: list[tuple[int, float | None]]) -> Figure:
    target = figure.target or book.target(figure.key, year)
    return replace(figure, target=target, trend=tuple(trend))

