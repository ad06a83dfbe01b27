"""Fleet occupancy and forecast, pure: which weeks need how many ergocycles of each category, against the
units in service.

A programme needs a unit from its delivery (D0 − lead time) to its pick-up (end of week 12 + a few days,
or the pick-up actually planned).  A very-low-load unit can also run standard loads, so standard demand
may borrow the very-low-load units that very-low-load programmes do not need — never the reverse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

STANDARD = "standard"
VERY_LOW_LOAD = "tres_faible_charge"
CATEGORIES = (STANDARD, VERY_LOW_LOAD)
#: Delivery comes a few days before D0 (protocol: D0 − 3 days, window 4 days before).
DELIVERY_LEAD_DAYS = 7
#: The intervention phase lasts 12 weeks; the pick-up follows the closing visit by a few working days.
PROGRAMME_WEEKS = 12
PICKUP_MARGIN_DAYS = 7


@dataclass(frozen=True)
class Need:
    """One programme's claim on a unit of `category` over [start, end] (inclusive)."""

    programme_id: int
    category: str
    start: date
    end: date

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and self.end >= first


@dataclass(frozen=True)
class WeekLine:
    """One week × category of the forecast: demand, units in service, and the shortfall if any."""

    monday: date
    category: str
    needed: int
    capacity: int

    @property
    def shortage(self) -> int:
        return max(0, self.needed - self.capacity)


def need_window(d0: date, *, pickup_on: date | None = None) -> tuple[date, date]:
    """From the delivery lead before D0 to the planned pick-up (default: week 12 + a margin)."""
    end = pickup_on or d0 + timedelta(weeks=PROGRAMME_WEEKS, days=PICKUP_MARGIN_DAYS)
    return d0 - timedelta(days=DELIVERY_LEAD_DAYS), max(end, d0)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_from(first: date, count: int) -> list[date]:
    start = monday_of(first)
    return [start + timedelta(weeks=i) for i in range(count)]


def week_forecast(monday: date, needs: Iterable[Need], units: dict[str, int]) -> list[WeekLine]:
    """Demand for the week against `units` in service by category; very-low-load surplus covers standard."""
    sunday = monday + timedelta(days=6)
    needed = {c: 0 for c in CATEGORIES}
    for need in needs:
        if need.overlaps(monday, sunday):
            needed[need.category if need.category in needed else STANDARD] += 1
    vll_units, std_units = units.get(VERY_LOW_LOAD, 0), units.get(STANDARD, 0)
    spare_vll = max(0, vll_units - needed[VERY_LOW_LOAD])
    return [WeekLine(monday, VERY_LOW_LOAD, needed[VERY_LOW_LOAD], vll_units),
            WeekLine(monday, STANDARD, needed[STANDARD], std_units + spare_vll)]


def forecast(mondays: Sequence[date], needs: Sequence[Need], units: dict[str, int]) -> list[list[WeekLine]]:
    """One row per week, each with its very-low-load line then its standard line."""
    return [week_forecast(m, needs, units) for m in mondays]


def first_shortage(need: Need, others: Sequence[Need], units: dict[str, int]) -> WeekLine | None:
    """The first week of `need` where adding it makes a category short (None: a unit will be free).

    A very-low-load need may leave its own category fine but take the spare unit a standard one used."""
    for monday in weeks_from(need.start, (need.end - monday_of(need.start)).days // 7 + 1):
        before = {line.category: line.shortage for line in week_forecast(monday, others, units)}
        for line in week_forecast(monday, [*others, need], units):
            if line.shortage > before[line.category]:
                return line
    return None


def earliest_start(category: str, others: Sequence[Need], units: dict[str, int], *, from_day: date,
                   horizon_weeks: int = 26) -> date | None:
    """The first D0 (a Monday, on or after `from_day`) for which a unit of `category` stays free."""
    for monday in weeks_from(from_day, horizon_weeks):
        d0 = max(monday, from_day)
        start, end = need_window(d0)
        if first_shortage(Need(0, category, start, end), others, units) is None:
            return d0
    return None
