"""Reminder rows follow their tasks: derived from the rules, refreshed whenever a task changes.

`refresh_tasks` is the one place rows are made: for each task it computes the rows the rules want
(none for a task that is done, cancelled or skipped), cancels the pending rows that are no longer wanted
(a moved task's old reminders), revives a cancelled row that is wanted again and inserts the missing
ones.  It runs inside the caller's transaction, from a SQLAlchemy `after_flush` listener registered
for every ORM session (in `rehab.models.reminders`, so it is active wherever the models are): the plan
service needs no change.  The moment a task's date, window, state, kind, role or assignee is flushed,
its reminders follow — a queued reminder never fires for an old date.

The nightly pass (`nonevent_pass`) derives the « non-event » alerts for tasks whose window has closed
while still open, then runs the sweep sources other areas registered (`register_sweep_source`): the
committee agenda and the dossier-piece relances plug in there.  `ensure_digests` makes each user's
morning digest row for the day at the user's own local time (07:30 Paris by default).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, inspect, select, update
from sqlalchemy.orm import Session as OrmSession

from rehab.db import utcnow
from rehab.domain.clock import local_date
from rehab.domain.reminder_rules import (
    CHANNEL_EMAIL,
    CHANNEL_INAPP,
    DIGEST_RULE,
    RECIPIENT_COORDINATEUR,
    TRIGGER_BEFORE,
    TRIGGER_NONEVENT,
    digest_instant,
    plan_reminders,
)
from rehab.domain.roles import Role
from rehab.models import NotificationPreference, Programme, Reminder, Task, User, UserRole
from rehab.models.plan import OPEN_STATE

#: Non-event alerts are derived for windows closed in the last two weeks: older silence is history.
NONEVENT_LOOKBACK_DAYS = 14
CHUNK = 1000
#: The reason written on a digest row cancelled by a change of preferences (only those come back).
PREFS_CHANGED = "Préférences modifiées."
#: The reason written by `refresh_tasks` on rows no longer wanted (only those may come back to pending).
TASK_CHANGED = "Tâche déplacée, faite ou annulée."
#: Task attributes whose change re-derives the task's reminders.
WATCHED = ("due_date", "window_end", "state", "assignee_id", "kind", "role")

SweepSource = Callable[[OrmSession, datetime], int]
_SOURCES: dict[str, SweepSource] = {}


def register_sweep_source(name: str, fn: SweepSource) -> None:
    """Let another area add a nightly pass (committee agenda, dossier relances): `fn(session, now)`
    creates its own reminder or notification rows and returns how many; it must be idempotent."""
    _SOURCES[name] = fn


def sweep_sources() -> dict[str, SweepSource]:
    return dict(_SOURCES)


def reminder_key(task_id: int | None, rule: str, channel: str, recipient_id: int, due_at: datetime) -> str:
    """The unique key: task × rule × channel × recipient × due instant (digest: user × channel × day)."""
    return f"t{task_id}:{rule}:{channel}:u{recipient_id}:{due_at.strftime('%Y%m%dT%H%MZ')}"


# --------------------------------------------------------------------------------------- recipients


class Recipients:
    """Active users by (role, association): one query per refresh, not one per task."""

    def __init__(self, conn: Connection) -> None:
        rows = conn.execute(select(UserRole.role, User.id, User.association_id).join(User)
                            .where(User.is_active_account.is_(True)))
        self.by_role: dict[str, list[tuple[int, int | None]]] = {}
        for role, uid, association in rows:
            self.by_role.setdefault(role, []).append((uid, association))

    def of_role(self, role: str, association: int | None) -> list[int]:
        people = self.by_role.get(role, [])
        same = [uid for uid, a in people if association is not None and a == association]
        return same or [uid for uid, _ in people]

    def for_task(self, kind: str, row: Any) -> list[int]:
        if kind == RECIPIENT_COORDINATEUR:
            return self.of_role(Role.COORDINATEUR.value, row.association_id)
        if row.assignee_id is not None:
            return [row.assignee_id]
        return self.of_role(row.role, row.association_id)


# ------------------------------------------------------------------------------------------ refresh


def _wanted(row: Any, recipients: Recipients, today: date) -> dict[str, tuple[str, str, int, datetime]]:
    if row.state != OPEN_STATE:
        return {}
    # A « before » reminder of a task whose date has passed would never be sent: not derived.
    triggers = [TRIGGER_BEFORE] if row.due_date >= today else []
    if row.window_end < today and row.window_end >= today - timedelta(days=NONEVENT_LOOKBACK_DAYS):
        triggers.append(TRIGGER_NONEVENT)
    out: dict[str, tuple[str, str, int, datetime]] = {}
    for trigger in triggers:
        for planned in plan_reminders(kind=row.kind, role=row.role, due=row.due_date, window_end=row.window_end,
                                      department=row.department, trigger=trigger):
            for uid in recipients.for_task(planned.recipient, row):
                key = reminder_key(row.id, planned.rule, planned.channel, uid, planned.due_at)
                out[key] = (planned.rule, planned.channel, uid, planned.due_at)
    return out


@dataclass(frozen=True)
class TaskFacts:
    """What deriving a task's reminders reads (a row of the query below, or a task just created in memory)."""

    id: int
    kind: str
    role: str
    assignee_id: int | None
    due_date: date
    window_end: date
    state: str
    department: str | None
    association_id: int | None


def refresh_tasks(conn: Connection, task_ids: Iterable[int], *, now: datetime, fresh: bool = False,
                  known: Sequence[TaskFacts] = ()) -> int:
    """Bring the reminder rows of `task_ids` in line with the tasks; returns how many rows changed.
    `fresh`: the tasks were just inserted, so they have no reminder rows yet (one query saved); `known`: their
    facts are already in memory (the whole plan of a new D0), so they are not read back either."""
    ids = sorted(set(task_ids))
    if not ids:
        return 0
    facts = {f.id: f for f in known}
    recipients, today, changed = Recipients(conn), local_date(now), 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        tasks: Sequence[Any] = [facts[i] for i in chunk] if all(i in facts for i in chunk) else conn.execute(
            select(Task.id, Task.kind, Task.role, Task.assignee_id, Task.due_date, Task.window_end, Task.state,
                   Programme.department, Programme.association_id)
            .join(Programme, Programme.id == Task.programme_id).where(Task.id.in_(chunk))).all()
        existing = {} if fresh else {r.key: r for r in conn.execute(
            select(Reminder.id, Reminder.key, Reminder.status, Reminder.last_error)
            .where(Reminder.task_id.in_(chunk)))}
        wanted: dict[str, tuple[int, tuple[str, str, int, datetime]]] = {}
        for row in tasks:
            wanted.update({k: (row.id, v) for k, v in _wanted(row, recipients, today).items()})
        stale = [r.id for k, r in existing.items() if r.status == "pending" and k not in wanted]
        revive = [existing[k].id for k in wanted if k in existing and existing[k].status == "cancelled"
                  and existing[k].last_error == TASK_CHANGED]
        new = [{"key": k, "task_id": tid, "rule": rule, "channel": ch, "recipient_id": uid, "due_at": at,
                "next_attempt_at": at, "status": "pending", "attempts": 0, "created_at": now}
               for k, (tid, (rule, ch, uid, at)) in wanted.items() if k not in existing]
        if stale:
            conn.execute(update(Reminder).where(Reminder.id.in_(stale), Reminder.status == "pending")
                         .values(status="cancelled", last_error=TASK_CHANGED))
        if revive:
            conn.execute(update(Reminder).where(Reminder.id.in_(revive))
                         .values(status="pending", attempts=0, last_error=None, claimed_at=None,
                                 next_attempt_at=Reminder.due_at))
        if new:
            conn.execute(insert(Reminder), new)
        changed += len(stale) + len(revive) + len(new)
    return changed


def refresh_task(session: OrmSession, task: Task, *, now: datetime) -> int:
    """Explicit form of the hook, for services that want it (flushes the task first)."""
    session.flush()
    return refresh_tasks(session.connection(), [task.id], now=now)


def follow_tasks(session: OrmSession) -> None:
    """Called after every flush (listener in rehab.models.reminders): a created task or a change to a
    watched attribute re-derives the task's reminders in the same transaction."""
    created = [obj for obj in session.new if isinstance(obj, Task)]
    changed = [obj.id for obj in session.dirty if isinstance(obj, Task) and _watched_changed(obj)]
    now = session.info.get("now") or utcnow()
    if created:
        refresh_tasks(session.connection(), [t.id for t in created], now=now, fresh=True,
                      known=_facts_in_memory(session, created))
    if changed:
        refresh_tasks(session.connection(), changed, now=now)


def _facts_in_memory(session: OrmSession, tasks: Sequence[Task]) -> list[TaskFacts]:
    """The new tasks' facts without reading them back, when their programme is already in the session."""
    out = []
    for task in tasks:
        programme = session.identity_map.get(session.identity_key(Programme, task.programme_id))
        if not isinstance(programme, Programme) or task.state is None:
            return []  # not all in memory: the query reads them
        out.append(TaskFacts(task.id, task.kind, task.role, task.assignee_id, task.due_date, task.window_end,
                             task.state, programme.department, programme.association_id))
    return out


def _watched_changed(task: Task) -> bool:
    state = inspect(task)
    return any(state.attrs[name].history.has_changes() for name in WATCHED)


# ------------------------------------------------------------------------------------- nightly pass


def nonevent_pass(session: OrmSession, *, now: datetime) -> dict[str, int]:
    """Derive the alerts of open tasks whose window has closed, then run the registered sources."""
    today = local_date(now)
    ids = session.scalars(select(Task.id).where(
        Task.state == OPEN_STATE, Task.window_end < today,
        Task.window_end >= today - timedelta(days=NONEVENT_LOOKBACK_DAYS))).all()
    result = {"tâches": len(ids), "rappels": refresh_tasks(session.connection(), ids, now=now)}
    for name, fn in sorted(_SOURCES.items()):
        result[name] = fn(session, now)
    return result


# ------------------------------------------------------------------------------------------ digests


def preferences(session: OrmSession, user_ids: Sequence[int]) -> dict[int, NotificationPreference]:
    rows = session.scalars(select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids)))
    return {p.user_id: p for p in rows}


def digest_users(session: OrmSession) -> list[int]:
    """Users with a worklist (référents and desk roles) receive the morning digest."""
    roles = [r.value for r in (Role.REFERENT, Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN,
                               Role.GESTIONNAIRE)]
    return list(session.scalars(select(User.id).join(UserRole).where(
        User.is_active_account.is_(True), UserRole.role.in_(roles)).distinct().order_by(User.id)))


def ensure_digests(session: OrmSession, *, now: datetime, user_ids: Sequence[int] | None = None) -> int:
    """Create today's digest rows (one per user and channel) at each user's local digest time; a row
    cancelled earlier (preferences changed) is made pending again when wanted at the same instant."""
    day = local_date(now)
    users = [u for u in digest_users(session) if user_ids is None or u in user_ids]
    prefs = preferences(session, users)
    rows = []
    for uid in users:
        pref = prefs.get(uid)
        if pref is not None and not pref.digest_enabled:
            continue
        at = digest_instant(day, pref.digest_time if pref else None)
        if at is None:
            continue
        channels = [c for c, on in ((CHANNEL_INAPP, not pref or pref.inapp_enabled),
                                    (CHANNEL_EMAIL, not pref or pref.email_enabled)) if on]
        rows += [{"key": reminder_key(None, DIGEST_RULE, ch, uid, at), "task_id": None, "rule": DIGEST_RULE,
                  "channel": ch, "recipient_id": uid, "due_at": at, "next_attempt_at": at, "status": "pending",
                  "attempts": 0, "created_at": now} for ch in channels]
    if not rows:
        return 0
    known = {k: (status, error) for k, status, error in session.execute(
        select(Reminder.key, Reminder.status, Reminder.last_error).where(Reminder.key.in_([r["key"] for r in rows])))}
    missing = [r for r in rows if r["key"] not in known]
    revive = [k for k, (status, error) in known.items() if status == "cancelled" and error == PREFS_CHANGED]
    if missing:
        session.execute(insert(Reminder), missing)
    if revive:
        session.execute(update(Reminder).where(Reminder.key.in_(revive))
                        .values(status="pending", last_error=None, attempts=0, next_attempt_at=Reminder.due_at))
    return len(missing) + len(revive)
