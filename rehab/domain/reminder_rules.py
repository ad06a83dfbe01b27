"""Reminder rules as data: which task gets which reminder, when, on which channel, for whom.

Reminders are ROWS derived from tasks by these rules (never APScheduler jobs: a job store that cannot
unpickle a job drops it silently).  A rule keeps its *offset* relative to the task, so when the task
moves its reminders are simply derived again from the new date (Indico's relative reminders).

The rules live here, versioned, rather than in the protocol TOML: the protocol parser rejects unknown
tables, and teaching it a new section would change its behaviour for the other engineers' files.

Two triggers:
- ``before`` rules are derived as soon as a task exists (« la veille de la visite », « le jour de l'appel »);
- ``nonevent`` rules are derived by the nightly pass only for tasks still open after their window
  closed (« consultation non enregistrée », relances of questionnaires and ergocycle pick-ups).

« Working days » rules never land on a weekend or a French public holiday of the patient's department:
a reminder that would fall on one is brought forward to the previous working day (before-rules: the
reminder must precede the task) or pushed to the next one (non-event rules: an alert comes after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from rehab.domain.clock import PARIS
from rehab.domain.workdays import add_working_days, is_working_day, next_working_day, previous_working_day

RULES_VERSION = 1
CHANNEL_INAPP = "inapp"
CHANNEL_EMAIL = "email"
CHANNELS: tuple[str, ...] = (CHANNEL_INAPP, CHANNEL_EMAIL)
CHANNEL_LABELS = {CHANNEL_INAPP: "Messagerie de l'application", CHANNEL_EMAIL: "Courriel"}
#: Recipient kinds: the person who does the task (its assignee, else its role's queue), or the coordinateur.
RECIPIENT_ASSIGNEE = "assignee"
RECIPIENT_COORDINATEUR = "coordinateur"
TRIGGER_BEFORE = "before"
TRIGGER_NONEVENT = "nonevent"
DIGEST_RULE = "digest"
DEFAULT_DIGEST_TIME = time(7, 30)


@dataclass(frozen=True)
class ReminderRule:
    """One rule. `kinds`/`roles` empty means « every kind » / « every role »."""

    code: str
    title: str
    trigger: str
    anchor: str  # "due" (the task's date) or "window_end" (the last day it may be done)
    offset: int  # working days from the anchor (negative: before)
    hour: time
    channels: tuple[str, ...]
    recipient: str
    kinds: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    working_days: bool = True

    def applies_to(self, kind: str, role: str) -> bool:
        return (not self.kinds or kind in self.kinds) and (not self.roles or role in self.roles)


_EIGHT = time(8, 0)
_BOTH = (CHANNEL_INAPP, CHANNEL_EMAIL)
#: Task kinds whose missing record is a non-event worth an alert.
_RECORDED_KINDS = frozenset({"visit", "call", "consultation", "letter", "committee", "payment", "admin"})

RULES: tuple[ReminderRule, ...] = (
    ReminderRule("visit_eve", "Visite demain", TRIGGER_BEFORE, "due", -1, _EIGHT, _BOTH, RECIPIENT_ASSIGNEE,
                 kinds=frozenset({"visit"})),
    ReminderRule("consultation_eve", "Consultation demain", TRIGGER_BEFORE, "due", -1, _EIGHT, _BOTH,
                 RECIPIENT_ASSIGNEE, kinds=frozenset({"consultation"})),
    ReminderRule("call_day", "Appel à passer aujourd'hui", TRIGGER_BEFORE, "due", 0, _EIGHT, (CHANNEL_INAPP,),
                 RECIPIENT_ASSIGNEE, kinds=frozenset({"call"})),
    ReminderRule("window_closed", "Tâche non enregistrée", TRIGGER_NONEVENT, "window_end", 1, _EIGHT, _BOTH,
                 RECIPIENT_ASSIGNEE, kinds=_RECORDED_KINDS),
    ReminderRule("overdue_coordinateur", "Tâche en retard (escalade)", TRIGGER_NONEVENT, "window_end", 3, _EIGHT,
                 _BOTH, RECIPIENT_COORDINATEUR, kinds=_RECORDED_KINDS),
    ReminderRule("relance_questionnaire", "Relance : questionnaire sans réponse", TRIGGER_NONEVENT, "window_end",
                 1, _EIGHT, _BOTH, RECIPIENT_ASSIGNEE, kinds=frozenset({"questionnaire"})),
    ReminderRule("relance_logistics", "Relance : retrait de l'ergocycle non confirmé", TRIGGER_NONEVENT,
                 "window_end", 1, _EIGHT, _BOTH, RECIPIENT_ASSIGNEE, kinds=frozenset({"logistics"})),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder a task should have: rule, channel, recipient kind and the UTC instant it is due."""

    rule: str
    channel: str
    recipient: str
    due_at: datetime


def paris_instant(day: date, hour: time) -> datetime:
    """`hour` o'clock in Paris on `day`, as an aware UTC instant (07:30 stays 07:30 across DST)."""
    return datetime.combine(day, hour, tzinfo=PARIS).astimezone(UTC)


def reminder_day(rule: ReminderRule, *, due: date, window_end: date, department: str | None) -> date:
    """The Paris day a rule fires for a task, on a working day when the rule says so."""
    anchor = due if rule.anchor == "due" else window_end
    if not rule.working_days:
        return anchor + timedelta(days=rule.offset)
    day = add_working_days(anchor, rule.offset, department)
    if is_working_day(day, department):
        return day
    # offset 0 on a non-working anchor: before-rules come earlier, non-event alerts come later.
    if rule.trigger == TRIGGER_BEFORE:
        return previous_working_day(day, department)
    return next_working_day(day, department)


def plan_reminders(*, kind: str, role: str, due: date, window_end: date, department: str | None,
                   trigger: str) -> list[PlannedReminder]:
    """Every reminder of one trigger a task should have (pure: the service turns them into rows)."""
    out: list[PlannedReminder] = []
    for rule in RULES:
        if rule.trigger != trigger or not rule.applies_to(kind, role):
            continue
        day = reminder_day(rule, due=due, window_end=window_end, department=department)
        at = paris_instant(day, rule.hour)
        out.extend(PlannedReminder(rule.code, channel, rule.recipient, at) for channel in rule.channels)
    return out


def digest_instant(day: date, at: time | None = None) -> datetime | None:
    """When the morning digest of `day` is due (UTC), or None when `day` is not a working day."""
    if not is_working_day(day):
        return None
    return paris_instant(day, at or DEFAULT_DIGEST_TIME)


def retry_delay_seconds(attempts: int) -> int:
    """Exponential backoff after a failed send: 1, 2, 4, 8… minutes, capped at one hour."""
    return int(min(60 * 2 ** max(attempts - 1, 0), 3600))


MAX_ATTEMPTS = 8
