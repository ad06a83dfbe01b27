"""A programme's plan: dated tasks computed from the protocol, D0 and a few facts about the patient.

Pure functions: the same protocol, D0 and facts always give the same plan, so a plan can be recomputed
(D0 moved, protocol checked) and compared with what is stored.  Dates of care are local dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rehab.domain.protocol import (
    ANCHOR_D0,
    ANCHOR_E,
    ANCHOR_EVENT,
    Condition,
    Protocol,
    ProtocolParameters,
    TaskKind,
    TaskRole,
    TaskTemplate,
    Trigger,
)
from rehab.domain.workdays import (
    ScheduleError,
    fr_date,
    is_working_day,
    nearest_working_day_in_window,
    next_working_day,
    non_working_reason,
)

__all__ = [
    "OpenTask",
    "PatientFacts",
    "PlannedTask",
    "ScheduleError",
    "ShiftedTask",
    "bmi",
    "bmi_out_of_range",
    "compute_plan",
    "compute_triggered",
    "condition_holds",
    "shift_for_suspension",
    "suspension_shift",
    "validate_d0",
    "validate_suspension",
]


@dataclass(frozen=True)
class PatientFacts:
    """What the plan depends on besides D0.  An unknown BMI does not call the dietitian in."""

    bmi: float | None = None
    smoker: bool = False
    psychology: bool = False
    paramedical: bool = False
    department: str | None = None


@dataclass(frozen=True)
class PlannedTask:
    """One dated occurrence of a template; `window_start <= due_date <= window_end` always holds."""

    code: str
    occurrence: int
    label: str
    kind: TaskKind
    phase: int
    role: TaskRole
    due_date: date
    window_start: date
    window_end: date
    form: str | None
    letter: str | None


def bmi(weight_kg: float, height_cm: float) -> float:
    """Body-mass index, kg/m², rounded to one decimal as written in the dossier."""
    if weight_kg <= 0 or height_cm <= 0:
        raise ValueError("Le poids et la taille doivent être positifs pour calculer l'IMC.")
    return round(weight_kg / (height_cm / 100) ** 2, 1)


def bmi_out_of_range(value: float | None, params: ProtocolParameters) -> bool:
    """Dietitian's indication: BMI strictly below `bmi_low` or above `bmi_high` (the bounds are in range)."""
    return value is not None and (value < params.bmi_low or value > params.bmi_high)


def condition_holds(condition: Condition | None, facts: PatientFacts, params: ProtocolParameters) -> bool:
    """Whether a conditional template applies to this patient (no condition: always)."""
    if condition is None:
        return True
    if condition is Condition.BMI_OUT_OF_RANGE:
        return bmi_out_of_range(facts.bmi, params)
    return {
        Condition.SMOKER: facts.smoker,
        Condition.PSYCHOLOGY: facts.psychology,
        Condition.PARAMEDICAL: facts.paramedical,
    }[condition]


def _place(template: TaskTemplate, anchor: date, occurrence: int, department: str | None) -> PlannedTask:
    """Date one occurrence: offset from the anchor, window around it, then onto a working day if required."""
    raw = template.offsets[occurrence - 1].apply(anchor, department)
    start = raw - timedelta(days=template.window.before)
    end = raw + timedelta(days=template.window.after)
    due = nearest_working_day_in_window(raw, start, end, department) if template.working_days else raw
    return PlannedTask(
        code=template.code, occurrence=occurrence, label=template.label, kind=template.kind,
        phase=template.phase, role=template.role, due_date=due, window_start=start, window_end=end,
        form=template.form, letter=template.letter,
    )


def _plan(templates: Iterable[TaskTemplate], fixed: dict[str, date], facts: PatientFacts,
          params: ProtocolParameters) -> list[PlannedTask]:
    """Place templates in dependency order; a template anchored on one that was not planned is not planned."""
    planned: dict[tuple[str, int], PlannedTask] = {}
    order: dict[str, int] = {}
    for template in templates:
        if not condition_holds(template.condition, facts, params):
            continue
        if template.anchor in fixed:
            anchor: date | None = fixed[template.anchor]
        else:
            anchor_task = planned.get((template.anchor, template.anchor_occurrence or 1))
            anchor = anchor_task.due_date if anchor_task else None
        if anchor is None:
            continue
        order[template.code] = len(order)
        for occurrence in range(1, template.occurrences + 1):
            planned[template.code, occurrence] = _place(template, anchor, occurrence, facts.department)
    return sorted(planned.values(), key=lambda t: (t.due_date, order[t.code], t.occurrence))


def compute_plan(protocol: Protocol, *, d0: date, facts: PatientFacts) -> list[PlannedTask]:
    """The plan made when D0 is fixed: every trigger-less template whose condition holds, by due date.

    E (end of the intervention phase) is D0 + `intervention_weeks` weeks; tasks anchored on another
    task count from that task's (working-day) due date.
    """
    e_date = d0 + timedelta(weeks=protocol.parameters.intervention_weeks)
    return _plan(protocol.templates(None), {ANCHOR_D0: d0, ANCHOR_E: e_date}, facts, protocol.parameters)


def compute_triggered(protocol: Protocol, *, trigger: Trigger, event_date: date,
                      facts: PatientFacts) -> list[PlannedTask]:
    """Tasks an event adds to a running plan (rupture, reinforcement, second rupture, interruption).

    `event_date` is the date the event was recorded or decided (« EVENT » in the protocol).
    """
    return _plan(protocol.templates(trigger), {ANCHOR_EVENT: event_date}, facts, protocol.parameters)


# --------------------------------------------------------------------------------------------- suspension


@dataclass(frozen=True)
class OpenTask:
    """A task still to do, as stored: what a suspension may move."""

    code: str
    occurrence: int
    due_date: date
    window_start: date
    window_end: date
    working_days: bool = True


@dataclass(frozen=True)
class ShiftedTask:
    code: str
    occurrence: int
    due_date: date
    window_start: date
    window_end: date


def _suspension_days(start: date, end: date) -> int:
    return (end - start).days + 1


def suspension_shift(due: date, *, start: date, end: date) -> date:
    """The calendar date a task moves to when the programme is suspended from `start` to `end` (inclusive).

    Tasks due before the suspension stay; tasks due on or after its first day move by its length
    (end − start + 1 days), so the rest of the path keeps its rhythm after the patient resumes.
    """
    if due < start:
        return due
    return due + timedelta(days=_suspension_days(start, end))


def shift_for_suspension(tasks: Iterable[OpenTask], *, start: date, end: date,
                         department: str | None = None) -> list[ShiftedTask]:
    """New dates of the open tasks a suspension moves (tasks it does not move are left out).

    Each moved task keeps its window width; a working-day task landing on a weekend or a holiday goes
    forward to the next working day (never backwards, which could fall inside the suspension), and its
    window stretches to include it if needed.
    """
    moved: list[ShiftedTask] = []
    for task in tasks:
        new_due = suspension_shift(task.due_date, start=start, end=end)
        if new_due == task.due_date:
            continue
        delta = new_due - task.due_date
        if task.working_days and not is_working_day(new_due, department):
            new_due = next_working_day(new_due, department)
        moved.append(ShiftedTask(
            code=task.code, occurrence=task.occurrence, due_date=new_due,
            window_start=task.window_start + delta, window_end=max(task.window_end + delta, new_due),
        ))
    return moved


# --------------------------------------------------------------------------------------------- validation


#: The D0 is agreed with the patient within weeks of the committee's decision: more than a year ahead is a
#: typing error (31/12/2100), which would otherwise generate a plan and book an ergocycle for nothing.
D0_MAX_AHEAD_DAYS = 365


def validate_d0(d0: date, *, today: date, protocol: Protocol, department: str | None) -> None:
    """D0 is the inclusion visit: a working day in the patient's department, not far in the past, and not
    more than `D0_MAX_AHEAD_DAYS` ahead.

    A D0 up to `d0_past_tolerance_days` ago is accepted (the visit is entered after it happened);
    beyond that it is certainly a typing error.  Raises ScheduleError with every reason, in French.
    """
    errors: list[str] = []
    reason = non_working_reason(d0, department)
    if reason:
        errors.append(f"{reason} La visite d'inclusion (J0) doit avoir lieu un jour ouvré.")
    tolerance = protocol.parameters.d0_past_tolerance_days
    if (today - d0).days > tolerance:
        errors.append(
            f"Le J0 du {fr_date(d0)} est passé de {(today - d0).days} jours : "
            f"il ne peut pas être antérieur de plus de {tolerance} jours à aujourd'hui ({fr_date(today)})."
        )
    if (d0 - today).days > D0_MAX_AHEAD_DAYS:
        errors.append(
            f"Le J0 du {fr_date(d0)} est trop lointain : il ne peut pas être fixé plus d'un an après "
            f"aujourd'hui ({fr_date(today)}). Vérifiez l'année saisie."
        )
    if errors:
        raise ScheduleError(*errors)


def validate_suspension(start: date, end: date, existing: list[tuple[date, date]]) -> None:
    """A suspension runs from `start` to `end` (both included), after its start, and overlaps no other one."""
    if end < start:
        raise ScheduleError(
            f"La fin de la suspension ({fr_date(end)}) précède son début ({fr_date(start)})."
        )
    for other_start, other_end in sorted(existing):
        if start <= other_end and other_start <= end:
            raise ScheduleError(
                f"La suspension du {fr_date(start)} au {fr_date(end)} chevauche celle du "
                f"{fr_date(other_start)} au {fr_date(other_end)}."
            )
