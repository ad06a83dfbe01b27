"""Worklists: what each member of the team has to do, overdue first, then today, then the coming week.

Who sees what (SPEC, roles): a référent works the open tasks assigned to him (his own and those of the
outside professionals he follows) on programmes visible to him; the assistante, the coordinateur and the
médecin directeur work the queue of their role (« ce qui attend le médecin ») and may look at the whole
team; the gestionnaire works the payment queue without clinical details (initials and programme number).

Buckets: « en retard » is derived (open and past the end of the window); « aujourd'hui » holds what is
due today and what is already due but still inside its window; « 7 prochains jours » what follows.

Every query is driven by the task indexes (assignee or role, state, due date) so that a référent's day
costs a few index range scans whatever the size of the file; rows are capped so a neglected queue cannot
turn one page into thousands of rows (the counts stay exact).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from rehab.domain.protocol import ProtocolError, TaskRole, get_protocol
from rehab.domain.roles import Role
from rehab.models import Patient, Programme, Task, User
from rehab.models.plan import OPEN_STATE
from rehab.services.access import can_see_clinical, programme_filter

#: The task queue each desk role works (a task's `role` column).
QUEUE_OF: dict[Role, str] = {
    Role.ASSISTANTE: TaskRole.ASSISTANTE.value,
    Role.COORDINATEUR: TaskRole.COORDINATEUR.value,
    Role.MEDECIN: TaskRole.MEDECIN_DIRECTEUR.value,
    Role.GESTIONNAIRE: TaskRole.GESTIONNAIRE.value,
}
#: Roles that have a « Ma journée ».
WORKLIST_ROLES: frozenset[Role] = frozenset({Role.REFERENT, *QUEUE_OF})
#: Roles that may look at the whole team's tasks.
TEAM_ROLES: frozenset[Role] = frozenset({Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN})
#: Queues whose tasks are administrative: visible to their role without access to the clinical record.
ADMIN_QUEUES = frozenset({TaskRole.GESTIONNAIRE.value})
ALL_TASK_ROLES = tuple(r.value for r in TaskRole)
HORIZON_DAYS = 7
#: Cap per bucket: enough for any real day, small enough that a neglected queue stays a fast page.
MAX_ROWS = 200

TASK_KIND_LABELS = {
    "visit": "Visite", "call": "Appel", "consultation": "Consultation", "committee": "Comité",
    "logistics": "Logistique", "letter": "Courrier", "questionnaire": "Questionnaire",
    "payment": "Paiement", "admin": "Administratif",
}


@dataclass(frozen=True)
class TeamFilters:
    """The team view's filters; None means « all »."""

    referent_id: int | None = None
    department: str | None = None
    kind: str | None = None
    role: str | None = None


@dataclass
class PatientGroup:
    """One patient's tasks inside a bucket; `patient_label` is already reduced for non-clinical users."""

    programme: Programme
    patient_label: str
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Bucket:
    key: str
    title: str
    total: int
    groups: list[PatientGroup]

    @property
    def shown(self) -> int:
        return sum(len(g.tasks) for g in self.groups)


@dataclass(frozen=True)
class Counts:
    overdue: int = 0
    today: int = 0
    week: int = 0

    @property
    def badge(self) -> int:
        """The navigation badge: what needs doing now (overdue + today)."""
        return self.overdue + self.today


# ------------------------------------------------------------------------------------------ clauses


def has_worklist(user: User) -> bool:
    return bool(user.roles & WORKLIST_ROLES)


def mine_clause(user: User) -> ColumnElement[bool]:
    """The user's own tasks: assigned to him (référent) or in the queue of one of his desk roles."""
    clauses: list[ColumnElement[bool]] = []
    if Role.REFERENT in user.roles:
        clauses.append(Task.assignee_id == user.id)
    queues = sorted(QUEUE_OF[r] for r in user.roles if r in QUEUE_OF)
    if queues:
        clauses.append(Task.role.in_(queues))
    return or_(*clauses) if clauses else false()


def visible_clause(user: User) -> ColumnElement[bool]:
    """Object access on tasks: the programme's visibility rule, plus the administrative queues of the
    gestionnaire (a payment names a programme, not a diagnosis)."""
    clauses = [programme_filter(user)]
    admin_queues = sorted(QUEUE_OF[r] for r in user.roles if r in QUEUE_OF and QUEUE_OF[r] in ADMIN_QUEUES)
    if admin_queues:
        clauses.append(Task.role.in_(admin_queues))
    return or_(*clauses)


def team_clause(filters: TeamFilters) -> ColumnElement[bool]:
    """The whole team, narrowed by the filters. The role list is always spelled out so that the role
    index (role, state, due date) drives the query even without a filter."""
    clauses: list[ColumnElement[bool]] = [Task.role.in_([filters.role] if filters.role else ALL_TASK_ROLES)]
    if filters.referent_id:
        clauses.append(Programme.referent_id == filters.referent_id)
    if filters.department:
        clauses.append(Programme.department == filters.department)
    if filters.kind:
        clauses.append(Task.kind == filters.kind)
    return and_(*clauses)


def _open_tasks(scope: ColumnElement[bool], user: User) -> Select[Task]:
    return (select(Task).join(Task.programme).join(Programme.patient)
            .options(contains_eager(Task.programme).contains_eager(Programme.patient))
            .where(Task.state == OPEN_STATE, scope, visible_clause(user)))


# ------------------------------------------------------------------------------------------ queries


def count_tasks(session: Session, *, user: User, today: date, scope: ColumnElement[bool] | None = None,
                horizon: int = 0) -> Counts:
    """Overdue, today and coming tasks in ONE aggregate query over an index range (the nav badge asks
    with horizon 0, so it reads only what is already due)."""
    scope = mine_clause(user) if scope is None else scope
    end = today + timedelta(days=horizon)
    overdue = func.coalesce(func.sum(case((Task.window_end < today, 1), else_=0)), 0)
    current = func.coalesce(func.sum(case((and_(Task.window_end >= today, Task.due_date <= today), 1),
                                          else_=0)), 0)
    row = session.execute(
        select(overdue, current, func.count(Task.id)).select_from(Task).join(Task.programme)
        .where(Task.state == OPEN_STATE, Task.due_date <= end, scope, visible_clause(user))).one()
    return Counts(overdue=int(row[0]), today=int(row[1]), week=int(row[2]) - int(row[0]) - int(row[1]))


def _buckets(session: Session, *, user: User, today: date, scope: ColumnElement[bool]) -> list[Bucket]:
    """Two capped range scans (overdue; due up to the horizon and still in window), then grouping."""
    end = today + timedelta(days=HORIZON_DAYS)
    counts = count_tasks(session, user=user, today=today, scope=scope, horizon=HORIZON_DAYS)
    overdue = session.scalars(_open_tasks(scope, user).where(Task.due_date < today, Task.window_end < today)
                              .order_by(Task.due_date, Task.id).limit(MAX_ROWS)).all()
    current = session.scalars(_open_tasks(scope, user).where(Task.due_date <= end, Task.window_end >= today)
                              .order_by(Task.due_date, Task.id).limit(2 * MAX_ROWS)).all()
    names = can_see_clinical(user)
    now_tasks = [t for t in current if t.due_date <= today][:MAX_ROWS]
    later = [t for t in current if t.due_date > today][:MAX_ROWS]
    return [
        Bucket("overdue", "En retard", counts.overdue, group_by_patient(overdue, names=names)),
        Bucket("today", "Aujourd'hui", counts.today, group_by_patient(now_tasks, names=names)),
        Bucket("week", f"Les {HORIZON_DAYS} prochains jours", counts.week, group_by_patient(later, names=names)),
    ]


def my_day(session: Session, *, user: User, today: date) -> list[Bucket]:
    """« Ma journée »: the user's own tasks (see `mine_clause`)."""
    return _buckets(session, user=user, today=today, scope=mine_clause(user))


def team_day(session: Session, *, user: User, today: date, filters: TeamFilters) -> list[Bucket]:
    """The whole team's open tasks, for the desk and the médecin directeur."""
    if not user.roles & TEAM_ROLES:
        return []
    return _buckets(session, user=user, today=today, scope=team_clause(filters))


def nav_counts(session: Session, *, user: User, today: date) -> Counts | None:
    """The badge of the navigation bar; None for users without a worklist (no query at all)."""
    if not has_worklist(user):
        return None
    return count_tasks(session, user=user, today=today)


def visible_task(session: Session, *, user: User, task_id: int) -> Task | None:
    """A task the user may see: the object check behind every action on a single task."""
    return session.scalar(select(Task).join(Task.programme).where(Task.id == task_id, visible_clause(user)))


def departments(session: Session) -> list[str]:
    """Departments that have programmes, for the team filter."""
    rows = session.scalars(select(Programme.department).where(Programme.department.is_not(None))
                           .distinct().order_by(Programme.department))
    return [d for d in rows if d]


# ------------------------------------------------------------------------------------------ labels


def patient_label(patient: Patient, *, names: bool) -> str:
    """The full name for the clinical team; initials (« J.R. ») for everybody else and for calendars."""
    return patient.display_name if names else dotted_initials(patient)


def dotted_initials(patient: Patient) -> str:
    return "".join(f"{c}." for c in patient.initials) or "?"


def task_title(task: Task, *, short: bool = True) -> str:
    """« Appel hebdomadaire (3/10) »: the label up to its colon, with the occurrence when the template
    repeats (the count comes from the programme's protocol version, in memory, never from a query)."""
    label = task.label.split(" : ", 1)[0] if short else task.label
    programme = task.programme
    if programme.protocol_code and programme.protocol_version:
        try:
            total = get_protocol(programme.protocol_code, programme.protocol_version).task(task.code).occurrences
        except ProtocolError:
            total = 1
        if total > 1:
            return f"{label} ({task.occurrence}/{total})"
    return label


def group_by_patient(tasks: Iterable[Task], *, names: bool) -> list[PatientGroup]:
    """Tasks (already in date order) gathered per programme, groups in the order of their first task."""
    groups: dict[int, PatientGroup] = {}
    for task in tasks:
        group = groups.get(task.programme_id)
        if group is None:
            group = groups[task.programme_id] = PatientGroup(
                task.programme, patient_label(task.programme.patient, names=names))
        group.tasks.append(task)
    return list(groups.values())

