"""Fleet forecast: needs per week by category, very-low-load units lending to standard, shortage warnings."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.domain.fleet import (
    STANDARD,
    VERY_LOW_LOAD,
    Need,
    earliest_start,
    first_shortage,
    forecast,
    need_window,
    week_forecast,
    weeks_from,
)

MONDAY = date(2026, 3, 2)


def test_need_runs_from_delivery_lead_to_week_12_plus_margin():
    start, end = need_window(date(2026, 3, 9))
    assert start == date(2026, 3, 2)
    assert end == date(2026, 3, 9) + timedelta(weeks=12, days=7)
    assert need_window(date(2026, 3, 9), pickup_on=date(2026, 4, 1))[1] == date(2026, 4, 1)


def test_weeks_start_on_monday():
    assert weeks_from(date(2026, 3, 5), 3) == [MONDAY, date(2026, 3, 9), date(2026, 3, 16)]


def test_spare_very_low_load_units_cover_standard_demand_not_the_reverse():
    needs = [Need(i, STANDARD, MONDAY, MONDAY + timedelta(days=3)) for i in range(3)]
    vll, std = week_forecast(MONDAY, needs, {STANDARD: 2, VERY_LOW_LOAD: 1})
    assert (std.needed, std.capacity, std.shortage) == (3, 3, 0)
    assert (vll.needed, vll.capacity) == (0, 1)
    vll, std = week_forecast(MONDAY, [Need(9, VERY_LOW_LOAD, MONDAY, MONDAY)], {STANDARD: 5, VERY_LOW_LOAD: 0})
    assert vll.shortage == 1 and std.shortage == 0


def test_forecast_warns_on_a_shortage_by_week_and_model():
    needs = [Need(1, VERY_LOW_LOAD, MONDAY, MONDAY + timedelta(days=20)),
             Need(2, VERY_LOW_LOAD, MONDAY + timedelta(days=14), MONDAY + timedelta(days=40))]
    rows = forecast(weeks_from(MONDAY, 4), needs, {STANDARD: 3, VERY_LOW_LOAD: 1})
    short = [(line.monday, line.category, line.shortage) for row in rows for line in row if line.shortage]
    assert short == [(MONDAY + timedelta(weeks=2), VERY_LOW_LOAD, 1)]


def test_a_need_ending_before_the_week_or_starting_after_it_does_not_count():
    needs = [Need(1, STANDARD, MONDAY - timedelta(days=10), MONDAY - timedelta(days=1)),
             Need(2, STANDARD, MONDAY + timedelta(days=7), MONDAY + timedelta(days=30))]
    assert week_forecast(MONDAY, needs, {STANDARD: 0})[1].needed == 0


def test_first_shortage_and_earliest_possible_d0():
    busy = [Need(1, VERY_LOW_LOAD, MONDAY, MONDAY + timedelta(weeks=6))]
    units = {STANDARD: 10, VERY_LOW_LOAD: 1}
    start, end = need_window(MONDAY + timedelta(weeks=2))
    line = first_shortage(Need(2, VERY_LOW_LOAD, start, end), busy, units)
    assert line is not None and line.category == VERY_LOW_LOAD and line.shortage == 1
    d0 = earliest_start(VERY_LOW_LOAD, busy, units, from_day=MONDAY + timedelta(weeks=2))
    assert d0 is not None and need_window(d0)[0] > busy[0].end
    # standard demand never lacks while standard units are free
    assert first_shortage(Need(3, STANDARD, start, end), busy, units) is None


def test_a_very_low_load_need_that_takes_the_spare_unit_standard_relied_on_is_a_shortage():
    std_needs = [Need(i, STANDARD, MONDAY, MONDAY + timedelta(days=5)) for i in range(3)]
    line = first_shortage(Need(9, VERY_LOW_LOAD, MONDAY, MONDAY + timedelta(days=5)), std_needs,
                          {STANDARD: 2, VERY_LOW_LOAD: 1})
    assert line is not None and line.category == STANDARD
