"""The reminder rules are data; their dates respect French working days and Paris wall time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from rehab.domain.reminder_rules import (
    RULES,
    RULES_BY_CODE,
    RULES_VERSION,
    TRIGGER_BEFORE,
    TRIGGER_NONEVENT,
    digest_instant,
    paris_instant,
    plan_reminders,
    reminder_day,
    retry_delay_seconds,
)
from rehab.domain.workdays import is_working_day


def test_rules_are_versioned_data_with_unique_codes():
    assert RULES_VERSION >= 1 and len(RULES_BY_CODE) == len(RULES)
    assert all(rule.channels and rule.recipient in {"assignee", "coordinateur"} for rule in RULES)


@pytest.mark.parametrize(("code", "due", "expected"), [
    ("visit_eve", date(2026, 3, 4), date(2026, 3, 3)),      # Wednesday → Tuesday
    ("visit_eve", date(2026, 3, 9), date(2026, 3, 6)),      # Monday → the Friday before
    ("visit_eve", date(2026, 4, 7), date(2026, 4, 3)),      # after Easter Monday → Friday
    ("call_day", date(2026, 5, 1), date(2026, 4, 30)),      # a call put on 1 May: reminded the day before
    ("call_day", date(2026, 7, 15), date(2026, 7, 15)),
])
def test_before_rules_land_on_a_working_day_before_the_task(code, due, expected):
    day = reminder_day(RULES_BY_CODE[code], due=due, window_end=due, department="31")
    assert day == expected and is_working_day(day, "31")


def test_non_event_rules_count_working_days_after_the_window():
    rule = RULES_BY_CODE["overdue_coordinateur"]
    # Window ends Thursday 24 Dec 2026: 25 Dec is a holiday → 28, 29, 30 December.
    assert reminder_day(rule, due=date(2026, 12, 21), window_end=date(2026, 12, 24), department="75") \
        == date(2026, 12, 30)
    # In Moselle, 26 December is a holiday too (a Saturday in 2026): same answer, never a holiday.
    assert reminder_day(RULES_BY_CODE["window_closed"], due=date(2026, 12, 21), window_end=date(2026, 12, 24),
                        department="57") == date(2026, 12, 28)


def test_no_rule_ever_falls_on_a_holiday_over_a_whole_year():
    day = date(2026, 1, 1)
    for offset in range(365):
        due = date.fromordinal(day.toordinal() + offset)
        for trigger in (TRIGGER_BEFORE, TRIGGER_NONEVENT):
            for kind in ("visit", "call", "consultation", "questionnaire", "logistics", "letter"):
                for planned in plan_reminders(kind=kind, role="referent", due=due, window_end=due,
                                              department="57", trigger=trigger):
                    local = planned.due_at.astimezone(paris_instant(due, time(8)).tzinfo)
                    assert is_working_day(planned.due_at.date(), "57"), (kind, due, local)


def test_paris_time_is_kept_across_daylight_saving():
    assert paris_instant(date(2026, 3, 27), time(7, 30)) == datetime(2026, 3, 27, 6, 30, tzinfo=UTC)
    assert paris_instant(date(2026, 3, 30), time(7, 30)) == datetime(2026, 3, 30, 5, 30, tzinfo=UTC)
    assert digest_instant(date(2026, 3, 29)) is None and digest_instant(date(2026, 10, 25)) is None
    assert digest_instant(date(2026, 10, 26)) == datetime(2026, 10, 26, 6, 30, tzinfo=UTC)
    assert digest_instant(date(2026, 11, 11)) is None  # Armistice


def test_kinds_select_their_rules():
    assert {p.rule for p in plan_reminders(kind="visit", role="referent", due=date(2026, 3, 4),
                                           window_end=date(2026, 3, 6), department=None,
                                           trigger=TRIGGER_BEFORE)} == {"visit_eve"}
    assert plan_reminders(kind="payment", role="gestionnaire", due=date(2026, 3, 4), window_end=date(2026, 3, 6),
                          department=None, trigger=TRIGGER_BEFORE) == []


def test_backoff_grows_and_is_capped():
    assert [retry_delay_seconds(n) for n in (1, 2, 3, 10)] == [60, 120, 240, 3600]
