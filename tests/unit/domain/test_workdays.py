"""French working days: weekends, national holidays, Alsace-Moselle and the window rule."""

from datetime import date

import pytest

from rehab.domain.workdays import (
    ScheduleError,
    add_working_days,
    holiday_name,
    is_working_day,
    nearest_working_day_in_window,
    next_working_day,
    non_working_reason,
    previous_working_day,
    subdivision_for,
)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Jour de l'an"),
        (date(2026, 4, 6), "Lundi de Pâques"),
        (date(2026, 5, 1), "Fête du Travail"),
        (date(2026, 5, 8), "Fête de la Victoire"),
        (date(2026, 5, 14), "Ascension"),
        (date(2026, 5, 25), "Lundi de Pentecôte"),
        (date(2026, 7, 14), "Fête nationale"),
        (date(2026, 11, 11), "Armistice"),
        (date(2027, 3, 29), "Lundi de Pâques"),
        (date(2027, 5, 6), "Ascension"),
        (date(2027, 5, 17), "Lundi de Pentecôte"),
    ],
)
def test_national_holidays_are_not_worked_and_named_in_french(day: date, name: str) -> None:
    assert holiday_name(day, "31") == name
    assert not is_working_day(day, "31")
    assert not is_working_day(day)


def test_weekends_are_not_worked_and_ordinary_weekdays_are() -> None:
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert is_working_day(date(2026, 3, 9))  # Monday
    assert holiday_name(date(2026, 3, 7)) is None


@pytest.mark.parametrize("department", ["57", "67", "68"])
def test_alsace_moselle_keeps_good_friday_and_saint_stephen(department: str) -> None:
    assert holiday_name(date(2026, 4, 3), department) == "Vendredi saint"
    assert not is_working_day(date(2026, 4, 3), department)
    assert holiday_name(date(2025, 12, 26), department) == "Saint-Étienne"
    assert not is_working_day(date(2025, 12, 26), department)


@pytest.mark.parametrize("department", ["31", "34", "75", None])
def test_other_departments_work_on_good_friday_and_26_december(department: str | None) -> None:
    assert is_working_day(date(2026, 4, 3), department)
    assert is_working_day(date(2025, 12, 26), department)


def test_subdivisions() -> None:
    assert subdivision_for("57") == "57"
    assert subdivision_for("67") == subdivision_for("68") == "6AE"
    assert subdivision_for("974") == "974"
    assert subdivision_for("31") is None
    assert subdivision_for(None) is None


def test_non_working_reason_messages() -> None:
    assert non_working_reason(date(2026, 7, 14)) == "Le 14/07/2026 est un jour férié (Fête nationale)."
    assert non_working_reason(date(2026, 7, 11)) == "Le 11/07/2026 est un samedi."
    assert non_working_reason(date(2026, 7, 12)) == "Le 12/07/2026 est un dimanche."
    assert non_working_reason(date(2026, 7, 13)) is None


def test_next_and_previous_working_day_are_strict_and_skip_holidays() -> None:
    # Thursday 30/04/2026 → Friday 1 May off → Monday 04/05.
    assert next_working_day(date(2026, 4, 30)) == date(2026, 5, 4)
    assert next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)
    # Tuesday 07/04/2026 → Monday 06/04 is Easter Monday → Friday 03/04 (worked in Toulouse)…
    assert previous_working_day(date(2026, 4, 7), "31") == date(2026, 4, 3)
    # … but Good Friday in Metz → Thursday 02/04.
    assert previous_working_day(date(2026, 4, 7), "57") == date(2026, 4, 2)


def test_add_working_days() -> None:
    assert add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 9), 5) == date(2026, 3, 16)
    # Wednesday 13/05/2026 + 2: Thursday 14 is Ascension → Friday 15, Monday 18.
    assert add_working_days(date(2026, 5, 13), 2) == date(2026, 5, 18)
    # From a Saturday, the first working day counts as one.
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert add_working_days(date(2026, 5, 4), -1) == date(2026, 4, 30)


def test_nearest_working_day_keeps_a_working_day() -> None:
    monday = date(2026, 3, 9)
    assert nearest_working_day_in_window(monday, monday, monday) == monday


def test_nearest_working_day_prefers_the_next_one_within_the_window() -> None:
    # Easter Monday 06/04/2026 → Tuesday 07/04.
    moved = nearest_working_day_in_window(date(2026, 4, 6), date(2026, 4, 4), date(2026, 4, 8))
    assert moved == date(2026, 4, 7)


def test_nearest_working_day_falls_back_to_the_previous_one() -> None:
    # Friday 1 May 2026, window Wed 29/04 → Sun 03/05: nothing after, so Thursday 30/04.
    moved = nearest_working_day_in_window(date(2026, 5, 1), date(2026, 4, 29), date(2026, 5, 3))
    assert moved == date(2026, 4, 30)


def test_nearest_working_day_raises_when_the_window_has_none() -> None:
    with pytest.raises(ScheduleError, match="Aucun jour ouvré entre le 01/05/2026 et le 03/05/2026"):
        nearest_working_day_in_window(date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 3))


def test_nearest_working_day_refuses_a_day_outside_its_window() -> None:
    with pytest.raises(ScheduleError, match="hors de la fenêtre"):
        nearest_working_day_in_window(date(2026, 5, 10), date(2026, 5, 1), date(2026, 5, 3))
