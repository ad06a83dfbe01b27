"""The frozen shapes indicator results travel in.

Dashboards, the annual report (Excel and PDF) and the benchmark only ever read these dataclasses, never
the frames they were computed from: `reports/` receives them as plain data, and a figure carries the
programme ids behind it so a dashboard can link to the list without recomputing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Unit = Literal["count", "percent", "weeks", "days", "euros", "hours", "score"]
Direction = Literal["min", "max"]  # min: the figure must reach the target; max: must stay at or below it
ChartKind = Literal["bar", "histogram", "stacked", "line"]


@dataclass(frozen=True)
class IndicatorFilters:
    """The period (inclusive local dates) and the optional association / department / référent scope."""

    start: date
    end: date
    association_id: int | None = None
    department: str | None = None
    referent_id: int | None = None

    @classmethod
    def for_year(cls, year: int, *, association_id: int | None = None, department: str | None = None,
                 referent_id: int | None = None) -> IndicatorFilters:
        return cls(date(year, 1, 1), date(year, 12, 31), association_id, department, referent_id)

    @property
    def year(self) -> int:
        """The year whose targets apply: the year the period ends in."""
        return self.end.year


@dataclass(frozen=True)
class Target:
    value: float
    direction: Direction
    unit: Unit

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.value if self.direction == "min" else value <= self.value


@dataclass(frozen=True)
class Figure:
    """One indicator value. `value` is None when nothing could be computed (empty denominator)."""

    key: str
    label: str
    unit: Unit
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    #: programmes that should count but lack the data (e.g. no closing CRQ): outside the denominator.
    missing: int = 0
    target: Target | None = None
    #: (year, value) for the previous years of the same scope, oldest first, for the trend.
    trend: tuple[tuple[int, float | None], ...] = ()
    #: the programmes behind the figure (the denominator's, or the counted ones for a count).
    programme_ids: tuple[int, ...] = ()
    note: str | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)


@dataclass(frozen=True)
class Breakdown:
    """A small table (rows × columns of numbers) that a dashboard draws as a chart and a report prints."""

    key: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]
    chart: ChartKind = "bar"
    unit: Unit = "count"
    #: The unit of each column when they differ (« Patients | Activité maintenue | % »); empty: all in `unit`.
    column_units: tuple[Unit, ...] = ()

    def units(self) -> tuple[Unit, ...]:
        """The unit of every column: a count printed as « 12,00 € » or « 12 % » would be misread."""
        return self.column_units or (self.unit,) * len(self.columns)


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    figures: tuple[Figure, ...]
    breakdowns: tuple[Breakdown, ...] = ()

    def figure(self, key: str) -> Figure:
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)


@dataclass(frozen=True)
class IndicatorReport:
    filters: IndicatorFilters
    computed_at: datetime
    families: tuple[Family, ...] = field(default_factory=tuple)

    def family(self, key: str) -> Family:
        for family in self.families:
            if family.key == key:
                return family
        raise KeyError(key)

    def figure(self, key: str) -> Figure:
        for family in self.families:
            for figure in family.figures:
                if figure.key == key:
                    return figure
        raise KeyError(key)
