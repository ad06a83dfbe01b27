"""Workload forecast: each référent's planned hours per week for the coming weeks, and the team roles'.

The hours come from the plans (open tasks due in the window, of programmes planned, running or in
follow-up) weighed by the annex-5 standards (rehab.domain.workload).  At most two queries whatever the number of
programmes: the open tasks in the window, and the event-triggered tasks (reinforcement…) of those of
them that had an event, which change how a phase's standard is shared.  Everything else comes from the protocol.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from rehab.domain import workload as wl
from rehab.domain.fleet import weeks_from
from rehab.domain.programme_states import Status
from rehab.domain.protocol import Protocol, get_protocol, latest_protocol
from rehab.models import Programme, Task, User
from rehab.models.plan import OPEN_STATE

HORIZON_WEEKS = 12
ACTIVE_STATUSES = (Status.PLANIFIE.value, Status.EN_COURS.value, Status.SUIVI.value)
REFERENT = "referent"
TEAM_ROLES = ("assistante", "coordinateur", "medecin_directeur", "gestionnaire")
COUNTED_ROLES = (REFERENT, *TEAM_ROLES)
#: A triggered task that was cancelled or found pointless no longer takes a share of the standard.
NOT_WORKED = ("cancelled", "skipped")
PROTOCOL_CODE = "rehab_domicile"


@dataclass(frozen=True)
class ReferentRow:
    user_id: int | None
    name: str
    weeks: wl.PersonWeeks


@dataclass(frozen=True)
class WorkloadForecast:
    mondays: tuple[date, ...]
    capacity: float
    referents: tuple[ReferentRow, ...]
    team: tuple[tuple[str, wl.PersonWeeks], ...]

    @property
    def overloads(self) -> list[tuple[ReferentRow, date, float]]:
        return [(row, self.mondays[i], row.weeks.hours[i]) for row in self.referents
                for i in row.weeks.overloaded_weeks]


def _protocol(code: str | None, version: int | None) -> Protocol:
    return get_protocol(code, version) if code and version else latest_protocol(PROTOCOL_CODE)


@lru_cache(maxsize=256)
def _hours_by_code(code: str | None, version: int | None, group: str, role: str,
                   extra: tuple[tuple[str, str], ...]) -> dict[str, float]:
    """Hours of one task of `role` in the phase group, by template code: the protocol's base plan plus the
    programme's triggered tasks (`extra`, one entry per occurrence) share the annex-5 standard."""
    protocol = _protocol(code, version)
    slots = [wl.Slot(t.code, t.kind.value) for t in protocol.templates()
             if t.role.value == role and wl.phase_group(t.phase) == group for _ in t.offsets]
    slots += [wl.Slot(c, k) for c, k in extra]
    hours = wl.spread_hours(slots, wl.phase_standard(group, role, slots))
    return {slot.code: h for slot, h in zip(slots, hours, strict=True)}


def _triggered(session: Session, programme_ids: set[int]) -> dict[tuple[int, str, str], tuple[tuple[str, str], ...]]:
    """(programme, role, phase group) → the triggered tasks still to be worked, for `programme_ids` (those that
    had an event: few, and found through the programme index)."""
    if not programme_ids:
        return {}
    rows = session.execute(
        select(Task.programme_id, Task.role, Task.phase, Task.code, Task.kind, func.count())
        .where(Task.programme_id.in_(sorted(programme_ids)), Task.trigger.is_not(None),
               Task.state.not_in(NOT_WORKED), Task.role.in_(COUNTED_ROLES))
        .group_by(Task.programme_id, Task.role, Task.phase, Task.code, Task.kind))
    out: dict[tuple[int, str, str], Counter[tuple[str, str]]] = {}
    for pid, role, phase, code, kind, count in rows:
        out.setdefault((pid, role, wl.phase_group(phase)), Counter())[(code, kind)] += count
    return {key: tuple(sorted(counter.elements())) for key, counter in out.items()}


def _person(task: type[Task]) -> ColumnElement[int | None]:
    return func.coalesce(task.assignee_id, Programme.referent_id)


def _window(task: type[Task], first: date, last: date, referent_id: int | None) -> list[ColumnElement[bool]]:
    """Open tasks due in [first, last] of active programmes; a référent's own ones when `referent_id`."""
    out = [task.state == OPEN_STATE, task.due_date >= first, task.due_date <= last,
           task.programme_id == Programme.id, Programme.status.in_(ACTIVE_STATUSES)]
    if referent_id is None:
        return [*out, task.role.in_(COUNTED_ROLES)]
    return [*out, task.role == REFERENT, _person(task) == referent_id]


def task_loads(session: Session, *, first: date, last: date, referent_id: int | None = None) -> list[wl.Load]:
    """One Load per open task due in [first, last]: the référent's (by user) and the team roles' (by role)."""
    rows = session.execute(select(Task.programme_id, Task.role, Task.phase, Task.code, Task.due_date,
                                  _person(Task), Programme.protocol_code, Programme.protocol_version,
                                  Programme.event_batches)
                           .where(*_window(Task, first, last, referent_id))).all()
    triggered = _triggered(session, {row[0] for row in rows if row[-1]})
    loads = []
    for pid, role, phase, code, due, who, p_code, p_version, _events in rows:
        group = wl.phase_group(phase)
        hours = _hours_by_code(p_code, p_version, group, role, triggered.get((pid, role, group), ()))
        loads.append(wl.Load(who if role == REFERENT else role, due, hours.get(code, 0.0)))
    return loads


def forecast(session: Session, *, today: date, capacity: float, referent: User | None = None,
             weeks: int = HORIZON_WEEKS) -> WorkloadForecast:
    """The coming `weeks` weeks from this week's Monday; `referent` narrows it to his own tasks (no team)."""
    mondays = tuple(weeks_from(today, weeks))
    loads = task_loads(session, first=mondays[0], last=mondays[-1] + timedelta(days=6),
                       referent_id=referent.id if referent else None)
    people = wl.weekly_loads([x for x in loads if not isinstance(x.person, str)], mondays, capacity=capacity)
    roles = wl.weekly_loads([x for x in loads if isinstance(x.person, str)], mondays)
    if referent is not None:
        people.setdefault(referent.id, wl.PersonWeeks(referent.id, (0.0,) * len(mondays), capacity))
    names: dict[int | str | None, str] = {uid: name for uid, name in session.execute(
        select(User.id, User.full_name).where(User.id.in_([p for p in people if isinstance(p, int)])))}
    rows = sorted((ReferentRow(p if isinstance(p, int) else None, names.get(p, "Non attribué"), w)
                   for p, w in people.items()), key=lambda r: (r.user_id is None, r.name))
    empty = wl.PersonWeeks(None, (0.0,) * len(mondays), None)
    team = () if referent else tuple((role, roles.get(role, empty)) for role in TEAM_ROLES)
    return WorkloadForecast(mondays, capacity, tuple(rows), team)
