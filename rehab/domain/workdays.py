"""French working days: when the coordination team can call, visit and send letters.

The phone line is staffed Monday–Friday (source, « permanence téléphonique du lundi au vendredi »),
and calls, visits and reminders never fall on a French public holiday.  Public holidays come from the
`holidays` package, per department: Moselle (57) and Alsace (67, 68) keep Good Friday and
26 December (local law), and the overseas departments have their own days (abolition of slavery…).

Holiday tables are built once per (year, subdivision) and kept as plain dicts, so a 50-task plan
costs a few hundred dictionary look-ups, never a call into `holidays`.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "ScheduleError",
    "add_working_days",
    "fr_date",
    "holiday_name",
    "is_working_day",
    "nearest_working_day_in_window",
    "next_working_day",
    "non_working_reason",
    "previous_working_day",
    "subdivision_for",
]

#: Department → `holidays.France` subdivision, for departments with days of their own.
_SUBDIVISIONS: dict[str, str] = {
    "57": "57",  # Moselle
    "67": "6AE",  # Bas-Rhin (Alsace)
    "68": "6AE",  # Haut-Rhin (Alsace)
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}

_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_ONE_DAY = timedelta(days=1)
#: Safety bound for day-by-day walks: no French calendar has this many non-working days in a row.
_MAX_WALK = 30


class ScheduleError(ValueError):
    """A date refused by a rule of the programme; each message is French and shown to the user as is."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages: tuple[str, ...] = messages


def fr_date(day: date) -> str:
    """Dates in messages are written the French way: 14/07/2026."""
    return day.strftime("%d/%m/%Y")


def subdivision_for(department: str | None) -> str | None:
    """The `holidays.France` subdivision whose public holidays apply in a department (None: mainland law)."""
    if department is None:
        return None
    return _SUBDIVISIONS.get(department.strip().upper())


@lru_cache(maxsize=512)
def _holiday_table(year: int, subdivision: str | None) -> dict[date, str]:
    """Public holidays of one year, with their French names, for one subdivision (cached)."""
    table = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return dict(table.items())


def holiday_name(day: date, department: str | None = None) -> str | None:
    """French name of the public holiday on `day` in `department` (« Fête nationale »), or None."""
    return _holiday_table(day.year, subdivision_for(department)).get(day)


def is_working_day(day: date, department: str | None = None) -> bool:
    """Monday to Friday and not a public holiday in the patient's department."""
    return day.weekday() < 5 and day not in _holiday_table(day.year, subdivision_for(department))


def non_working_reason(day: date, department: str | None = None) -> str | None:
    """Why `day` is not worked, as a French sentence (« Le 14/07/2026 est un jour férié (Fête nationale). »).

    None when it is a working day.  A holiday falling on a weekend is reported as the holiday:
    the name is what the user recognises.
    """
    name = holiday_name(day, department)
    if name is not None:
        return f"Le {fr_date(day)} est un jour férié ({name})."
    if day.weekday() >= 5:
        return f"Le {fr_date(day)} est un {_WEEKDAYS[day.weekday()]}."
    return None


def _walk(day: date, step: timedelta, department: str | None) -> date:
    candidate = day + step
    for _ in range(_MAX_WALK):
        if is_working_day(candidate, department):
            return candidate
        candidate += step
    raise ScheduleError(f"Aucun jour ouvré trouvé autour du {fr_date(day)}.")  # pragma: no cover


def next_working_day(day: date, department: str | None = None) -> date:
    """The first working day strictly after `day`."""
    return _walk(day, _ONE_DAY, department)


def previous_working_day(day: date, department: str | None = None) -> date:
    """The last working day strictly before `day`."""
    return _walk(day, -_ONE_DAY, department)


def add_working_days(day: date, n: int, department: str | None = None) -> date:
    """Count `n` working days from `day` (backwards when negative); `day` itself is never counted.

    This is how back-office delays are written (« synthèse relue 1 jour ouvré après sa rédaction »):
    the result is always a working day, whatever `day` is.  n = 0 returns `day` unchanged.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    current = day
    for _ in range(abs(n)):
        current = _walk(current, step, department)
    return current


def nearest_working_day_in_window(
    day: date, window_start: date, window_end: date, department: str | None = None
) -> date:
    """Put a task on a working day without leaving the window it may be done in.

    The rule, in order: keep `day` if it is worked; else the next working day if it is still within
    the window (a call is better late than early: the patient has had the week to train); else the
    previous working day within the window; else the task cannot be placed and a ScheduleError
    names the window.
    """
    if not window_start <= day <= window_end:
        raise ScheduleError(
            f"Le {fr_date(day)} est hors de la fenêtre du {fr_date(window_start)} au {fr_date(window_end)}."
        )
    if is_working_day(day, department):
        return day
    candidate = day + _ONE_DAY
    while candidate <= window_end:
        if is_working_day(candidate, department):
            return candidate
        candidate += _ONE_DAY
    candidate = day - _ONE_DAY
    while candidate >= window_start:
        if is_working_day(candidate, department):
            return candidate
        candidate -= _ONE_DAY
    raise ScheduleError(
        f"Aucun jour ouvré entre le {fr_date(window_start)} et le {fr_date(window_end)} : "
        "la tâche ne peut pas être placée."
    )
