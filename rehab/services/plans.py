"""The programme's plan as stored tasks: generated when D0 is fixed, then re-anchored, shifted,
cut short or extended by the events of the path. Every change leaves a PlanEvent (who, when, why).

Dates are computed by the pure functions of `rehab.domain.plan`; this module only applies them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from rehab.domain.plan import (
    OpenTask,
    PatientFacts,
    PlannedTask,
    compute_plan,
    compute_triggered,
    shift_for_suspension,
    validate_d0,
    validate_suspension,
)
from rehab.domain.programme_states import Status, TransitionError, check_transition
from rehab.domain.protocol import Protocol, TaskRole, Trigger, get_protocol, latest_protocol
from rehab.domain.roles import Role
from rehab.domain.workdays import ScheduleError, fr_date, non_working_reason
from rehab.models import PlanEvent, Programme, ProgrammeTransition, Suspension, Task, User
from rehab.models.plan import OPEN_STATE
from rehab.services import audit, fleet_decisions
from rehab.services.errors import ServiceError

PROTOCOL_CODE = "rehab_domicile"
#: Roles whose tasks land in the programme référent's worklist (he follows the outside professionals too).
REFERENT_FOLLOWS = {TaskRole.REFERENT.value} | {r.value for r in TaskRole if not r.is_internal}
#: Programme states in which the plan may still change.
PLANNABLE = {Status.VALIDE.value, Status.PLANIFIE.value, Status.EN_COURS.value, Status.SUIVI.value}


def protocol_of(programme: Programme) -> Protocol:
    """A programme keeps the protocol version it started with; before D0 it would take the latest."""
    if programme.protocol_code and programme.protocol_version:
        return get_protocol(programme.protocol_code, programme.protocol_version)
    return latest_protocol(PROTOCOL_CODE)


def facts_of(programme: Programme) -> PatientFacts:
    return PatientFacts(bmi=programme.bmi, smoker=programme.smoker, psychology=programme.psychology_support,
                        paramedical=programme.paramedical_in_team, department=programme.department)


def log_change(session: Session, programme: Programme, *, kind: str, user: User | None, now: datetime,
               reason: str | None = None, task: Task | None = None, detail: dict[str, Any] | None = None) -> None:
    """Every change to a path is a PlanEvent (the plan's own history) and an audit row."""
    session.add(PlanEvent(programme_id=programme.id, at=now, user_id=user.id if user else None, kind=kind,
                          task_id=task.id if task else None, reason=(reason or "").strip() or None, detail=detail))
    audit.record(session, now=now, user_id=user.id if user else None, action="update", object_type="plan",
                 object_id=programme.id, patient_id=programme.patient_id, detail={"kind": kind, **(detail or {})})


def _schedule_error(exc: ScheduleError) -> ServiceError:
    return ServiceError(" ".join(exc.messages))


def _assignee(programme: Programme, role: str) -> int | None:
    return programme.referent_id if role in REFERENT_FOLLOWS else None


def _task_values(programme: Programme, planned: PlannedTask, *, batch: int, trigger: str | None, now: datetime,
                 protocol: Protocol) -> dict[str, Any]:
    template = protocol.task(planned.code)
    return {
        "programme_id": programme.id, "code": planned.code, "occurrence": planned.occurrence, "batch": batch,
        "trigger": trigger, "label": planned.label, "kind": planned.kind.value, "phase": planned.phase,
        "role": planned.role.value, "assignee_id": _assignee(programme, planned.role.value),
        "due_date": planned.due_date, "window_start": planned.window_start, "window_end": planned.window_end,
        "working_days": template.working_days, "form": planned.form, "letter": planned.letter,
        "on_interruption": template.on_interruption.value, "state": OPEN_STATE, "created_at": now,
        "updated_at": now,
    }


def task_from_plan(programme: Programme, planned: PlannedTask, *, batch: int, trigger: str | None, now: datetime,
                   protocol: Protocol) -> Task:
    return Task(**_task_values(programme, planned, batch=batch, trigger=trigger, now=now, protocol=protocol))


def tasks_of(session: Session, programme: Programme) -> list[Task]:
    return list(session.scalars(
        select(Task).where(Task.programme_id == programme.id).order_by(Task.due_date, Task.id)))


def _require_plannable(programme: Programme) -> None:
    if programme.status not in PLANNABLE:
        raise ServiceError(
            f"Le plan ne peut pas être modifié : le programme est « {programme.status_enum.label} ».")


def fix_d0(session: Session, *, programme: Programme, d0: date, user: User, now: datetime, today: date,
           reason: str = "") -> list[Task]:
    """First D0: pins the protocol version, generates the whole plan, and moves a validated programme
    to « Planifié ». A later call is a move (see `move_d0`)."""
    from rehab.services.dossier import require_complete_for_d0  # late: dossier builds on programmes/plans

    require_complete_for_d0(session, programme)
    _require_plannable(programme)
    if not user.has_role(Role.ASSISTANTE, Role.COORDINATEUR):
        raise ServiceError("Le J0 est fixé par l'assistante de coordination ou le coordinateur.")
    # batch -1 holds the pre-D0 dossier chase tasks: they are not a plan.
    if session.scalar(select(Task.id).where(Task.programme_id == programme.id, Task.batch >= 0).limit(1)):
        return move_d0(session, programme=programme, d0=d0, user=user, now=now, today=today, reason=reason)
    protocol = latest_protocol(PROTOCOL_CODE)
    try:
        validate_d0(d0, today=today, protocol=protocol, department=programme.department)
    except ScheduleError as exc:
        raise _schedule_error(exc) from exc
    programme.protocol_code, programme.protocol_version, programme.d0 = protocol.code, protocol.version, d0
    tasks = [task_from_plan(programme, p, batch=0, trigger=None, now=now, protocol=protocol)
             for p in compute_plan(protocol, d0=d0, facts=facts_of(programme))]
    session.add_all(tasks)
    if programme.status == Status.VALIDE.value:
        _set_status(programme, Status.PLANIFIE, user=user, now=now, reason=reason or f"J0 fixé au {fr_date(d0)}")
    fleet_decisions.follow_d0(session, programme=programme)  # issue 8: the ergocycle's reservation follows D0
    session.flush()
    log_change(session, programme, kind="plan_generated", user=user, now=now, reason=reason,
         detail={"d0": d0.isoformat(), "protocol": f"{protocol.code} v{protocol.version}", "tasks": len(tasks)})
    return tasks


def move_d0(session: Session, *, programme: Programme, d0: date, user: User, now: datetime, today: date,
            reason: str) -> list[Task]:
    """Re-plans every open task of the D0 plan from the new D0 (then re-applies the suspensions);
    done, cancelled and skipped tasks stay where they were."""
    _require_plannable(programme)
    if not user.has_role(Role.ASSISTANTE, Role.COORDINATEUR):
        raise ServiceError("Le J0 est déplacé par l'assistante de coordination ou le coordinateur.")
    if not reason.strip():
        raise ServiceError("Indiquez le motif du déplacement du J0.")
    protocol = protocol_of(programme)
    try:
        validate_d0(d0, today=today, protocol=protocol, department=programme.department)
    except ScheduleError as exc:
        raise _schedule_error(exc) from exc
    old = programme.d0
    programme.d0 = d0
    planned = {(p.code, p.occurrence): p for p in compute_plan(protocol, d0=d0, facts=facts_of(programme))}
    tasks = tasks_of(session, programme)
    moved = 0
    for task in tasks:
        target = planned.get((task.code, task.occurrence)) if task.batch == 0 else None
        if task.is_open and target is not None:
            task.due_date, task.window_start, task.window_end = target.due_date, target.window_start, target.window_end
            task.updated_at = now
            moved += 1
    for suspension in session.scalars(select(Suspension).where(Suspension.programme_id == programme.id)
                                      .order_by(Suspension.start)):
        _shift(tasks, programme, suspension.start, suspension.end, now)
    fleet_decisions.follow_d0(session, programme=programme)  # issue 8: the ergocycle's reservation follows D0
    session.flush()
    log_change(session, programme, kind="d0_moved", user=user, now=now, reason=reason,
         detail={"from": old.isoformat() if old else None, "to": d0.isoformat(), "moved": moved})
    return tasks


def _shift(tasks: Iterable[Task], programme: Programme, start: date, end: date, now: datetime) -> int:
    open_tasks = {(t.code, t.occurrence, t.batch): t for t in tasks if t.is_open}
    # Triggered batches may repeat a code: shift them one batch at a time so keys stay unique.
    count = 0
    for batch in sorted({k[2] for k in open_tasks}):
        batch_tasks = [t for k, t in open_tasks.items() if k[2] == batch]
        by_key = {(t.code, t.occurrence): t for t in batch_tasks}
        shifted = shift_for_suspension(
            [OpenTask(t.code, t.occurrence, t.due_date, t.window_start, t.window_end, t.working_days)
             for t in batch_tasks], start=start, end=end, department=programme.department)
        for s in shifted:
            task = by_key[(s.code, s.occurrence)]
            task.due_date, task.window_start, task.window_end = s.due_date, s.window_start, s.window_end
            task.updated_at = now
            count += 1
    return count


def suspend(session: Session, *, programme: Programme, start: date, end: date, reason: str, user: User,
            now: datetime) -> Suspension:
    """Every open task due on or after the start moves by the suspension's length (médecin's decision)."""
    _require_plannable(programme)
    if not user.has_role(Role.MEDECIN, Role.COORDINATEUR):
        raise ServiceError("La suspension est décidée par le médecin directeur (ou le coordinateur).")
    if not reason.strip():
        raise ServiceError("Indiquez le motif de la suspension.")
    existing = [(s.start, s.end) for s in session.scalars(
        select(Suspension).where(Suspension.programme_id == programme.id))]
    try:
        validate_suspension(start, end, existing)
    except ScheduleError as exc:
        raise _schedule_error(exc) from exc
    suspension = Suspension(programme_id=programme.id, start=start, end=end, reason=reason.strip(),
                            created_at=now, user_id=user.id)
    session.add(suspension)
    moved = _shift(tasks_of(session, programme), programme, start, end, now)
    session.flush()
    log_change(session, programme, kind="suspended", user=user, now=now, reason=reason,
         detail={"start": start.isoformat(), "end": end.isoformat(), "moved": moved})
    return suspension


def _set_status(programme: Programme, target: Status, *, user: User, now: datetime, reason: str) -> None:
    try:
        check_transition(programme.status_enum, target, user.roles, reason)
    except TransitionError as exc:
        raise ServiceError(str(exc)) from exc
    # Added to the session, not appended to `programme.transitions`: appending would load the history first.
    session = object_session(programme)
    assert session is not None  # noqa: S101 — a programme being planned is always in a session
    session.add(ProgrammeTransition(programme_id=programme.id, from_status=programme.status, to_status=target.value,
                                    at=now, user_id=user.id, reason=reason))
    session.expire(programme, ["transitions"])
    programme.status = target.value
    programme.updated_at = now


def _add_triggered(session: Session, programme: Programme, trigger: Trigger, on: date, now: datetime) -> list[Task]:
    protocol = protocol_of(programme)
    planned = compute_triggered(protocol, trigger=trigger, event_date=on, facts=facts_of(programme))
    programme.event_batches += 1
    tasks = [task_from_plan(programme, p, batch=programme.event_batches, trigger=trigger.value, now=now,
                            protocol=protocol) for p in planned]
    session.add_all(tasks)
    return tasks


def interrupt(session: Session, *, programme: Programme, on: date, reason: str, user: User,
              now: datetime) -> list[Task]:
    """Definitive end: open tasks are cancelled except those the protocol keeps (payment…), and the
    closing tasks (ergocycle pick-up, closing letter) are added. No follow-up starts."""
    if not user.has_role(Role.MEDECIN, Role.COORDINATEUR):
        raise ServiceError("L'interruption est décidée par le médecin directeur (ou le coordinateur).")
    _require_plannable(programme)
    _set_status(programme, Status.INTERROMPU, user=user, now=now, reason=reason)
    cancelled = 0
    for task in tasks_of(session, programme):
        if task.is_open and task.on_interruption == "cancel":
            task.state, task.state_reason, task.updated_at = "cancelled", "Programme interrompu", now
            cancelled += 1
    added = _add_triggered(session, programme, Trigger.INTERRUPTION, on, now)
    session.flush()
    log_change(session, programme, kind="interrupted", user=user, now=now, reason=reason,
         detail={"on": on.isoformat(), "cancelled": cancelled, "added": len(added)})
    return added


def record_rupture(session: Session, *, programme: Programme, on: date, reason: str, user: User,
                   now: datetime) -> list[Task]:
    """A rupture (activity not maintained) found at a follow-up call sends the case to the comité; after
    a reinforcement already tried, it is a second rupture: the médecin directeur organises a reorientation."""
    _require_plannable(programme)
    if not user.has_role(Role.REFERENT, Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN):
        raise ServiceError("Seule l'équipe de coordination peut déclarer une rupture.")
    if programme.status != Status.SUIVI.value:
        raise ServiceError("Une rupture se constate pendant le suivi à distance (après la semaine 12).")
    reinforced = session.scalar(select(Task.id).where(Task.programme_id == programme.id,
                                                      Task.trigger == Trigger.REINFORCEMENT.value).limit(1))
    trigger = Trigger.SECOND_RUPTURE if reinforced else Trigger.RUPTURE
    added = _add_triggered(session, programme, trigger, on, now)
    session.flush()
    log_change(session, programme, kind=trigger.value, user=user, now=now, reason=reason,
         detail={"on": on.isoformat(), "added": len(added)})
    return added


def decide_reinforcement(session: Session, *, programme: Programme, on: date, reason: str, user: User,
                         now: datetime) -> list[Task]:
    """The comité decides a reinforcement visit: a visit then weekly calls for four weeks."""
    _require_plannable(programme)
    if not user.has_role(Role.MEDECIN, Role.COORDINATEUR):
        raise ServiceError("Le renforcement est décidé en comité (médecin directeur ou coordinateur).")
    if session.scalar(select(Task.id).where(Task.programme_id == programme.id,
                                            Task.trigger == Trigger.RUPTURE.value).limit(1)) is None:
        raise ServiceError("Un renforcement suppose une rupture constatée lors d'un appel de suivi.")
    if session.scalar(select(Task.id).where(Task.programme_id == programme.id,
                                            Task.trigger == Trigger.REINFORCEMENT.value).limit(1)):
        raise ServiceError("Un renforcement a déjà eu lieu : une nouvelle rupture mène à une réorientation.")
    added = _add_triggered(session, programme, Trigger.REINFORCEMENT, on, now)
    session.flush()
    log_change(session, programme, kind="reinforcement", user=user, now=now, reason=reason,
         detail={"on": on.isoformat(), "added": len(added)})
    return added


# ------------------------------------------------------------------------------------------ single tasks

TASK_ACTIONS = {"done": "faite", "cancelled": "annulée", "skipped": "sans objet"}


def can_act_on(user: User, task: Task) -> bool:
    """The assignee, or the desk and the doctor for any task; a référent only for his own."""
    if user.has_role(Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN):
        return True
    return task.assignee_id == user.id or task.role in {r.value for r in user.roles}


def set_task_state(session: Session, *, task: Task, state: str, reason: str, user: User, now: datetime) -> None:
    """Done (who, when), cancelled or skipped (with a reason); only an open task changes state."""
    if state not in TASK_ACTIONS:
        raise ServiceError("Action inconnue sur la tâche.")
    if not task.is_open:
        raise ServiceError(f"Cette tâche est déjà « {task.state_label} ».")
    if state != "done" and not reason.strip():
        raise ServiceError("Un motif est obligatoire pour annuler une tâche ou la déclarer sans objet.")
    task.state, task.updated_at = state, now
    task.state_reason = reason.strip() or None
    if state == "done":
        task.done_at, task.done_by_id = now, user.id
    session.flush()
    log_change(session, task.programme, kind=f"task_{state}", user=user, now=now, reason=reason, task=task,
         detail={"task": f"{task.code}#{task.occurrence}"})


def reschedule_task(session: Session, *, task: Task, due: date, reason: str, user: User, now: datetime) -> None:
    """A new date for one task; a working-day task must land on a working day. Its window widens to hold it."""
    if not task.is_open:
        raise ServiceError(f"Cette tâche est déjà « {task.state_label} » : elle ne se reprogramme plus.")
    if not reason.strip():
        raise ServiceError("Indiquez le motif de la reprogrammation.")
    if task.working_days and (why := non_working_reason(due, task.programme.department)):
        raise ServiceError(f"{why} Choisissez un jour ouvré.")
    old = task.due_date
    task.due_date = due
    task.window_start, task.window_end = min(task.window_start, due), max(task.window_end, due)
    task.updated_at = now
    session.flush()
    log_change(session, task.programme, kind="task_rescheduled", user=user, now=now, reason=reason, task=task,
         detail={"task": f"{task.code}#{task.occurrence}", "from": old.isoformat(), "to": due.isoformat()})


def follow_referent(session: Session, *, programme: Programme) -> None:
    """When the référent changes, his open tasks follow the programme to the new one."""
    for task in tasks_of(session, programme):
        if task.is_open and task.role in REFERENT_FOLLOWS:
            task.assignee_id = programme.referent_id


CONDITION_REASON = "Condition du protocole non remplie (faits du patient mis à jour)"


def sync_conditional_tasks(session: Session, *, programme: Programme, user: User | None, now: datetime,
                           today: date, reason: str) -> tuple[int, int]:
    """After the facts changed (inclusion visit, care team), make the conditional consultations match them:
    add the missing ones still ahead (window not closed), cancel the open ones no longer indicated, reopen
    those cancelled earlier for the same cause. Returns (added, cancelled)."""
    if programme.d0 is None or programme.status not in PLANNABLE:
        return (0, 0)
    protocol = protocol_of(programme)
    conditional = {t.code for t in protocol.templates(None) if t.condition is not None}
    wanted = {(p.code, p.occurrence): p for p in compute_plan(protocol, d0=programme.d0, facts=facts_of(programme))
              if p.code in conditional}
    existing = {(t.code, t.occurrence): t for t in tasks_of(session, programme)
                if t.batch == 0 and t.code in conditional}
    added = cancelled = 0
    for key, planned in wanted.items():
        task = existing.get(key)
        if task is None and planned.window_end >= today:
            session.add(task_from_plan(programme, planned, batch=0, trigger=None, now=now, protocol=protocol))
            added += 1
        elif task is not None and task.state == "cancelled" and task.state_reason == CONDITION_REASON:
            task.state, task.state_reason, task.updated_at = "planned", None, now
            added += 1
    for key, task in existing.items():
        if key not in wanted and task.is_open:
            task.state, task.state_reason, task.updated_at = "cancelled", CONDITION_REASON, now
            cancelled += 1
    if added or cancelled:
        session.flush()
        log_change(session, programme, kind="conditional_tasks_synced", user=user, now=now, reason=reason,
                   detail={"added": added, "cancelled": cancelled})
    return (added, cancelled)
