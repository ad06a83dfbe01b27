"""The concertation committee: meetings, the agenda that fills itself, the care project per dossier,
the référent suggestion, and closing (quorum, frozen minutes, the assistante's next tasks).

Agenda sources are a registry: another area (intercurrent events, syntheses) adds one with
`register_agenda_source(kind, function)`; the function returns the programmes waiting for a committee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.domain.protocol import TaskKind, TaskRole
from rehab.domain.roles import Role
from rehab.domain.workdays import add_working_days, next_working_day
from rehab.models import (
    CommitteeAttendee,
    CommitteeItem,
    CommitteeMeeting,
    Programme,
    Task,
    User,
    UserRole,
    UserSector,
)
from rehab.models.committee import ERGOCYCLES, ITEM_KINDS, MODALITIES
from rehab.models.plan import OPEN_STATE
from rehab.services import audit, fleet_decisions, programmes
from rehab.services.errors import ServiceError

#: The roles that must attend for a meeting to be closed (cahier des charges: the committee's members).
QUORUM: tuple[Role, ...] = (Role.MEDECIN, Role.COORDINATEUR, Role.ASSISTANTE)
#: Plan tasks the committee generates (batch -2: outside the protocol plan, like the -1 dossier chases).
COMMITTEE_BATCH = -2
CONTACT_CODE = "contact_patient"
LOAD_WEEKS = 4

AgendaSource = Callable[[Session], list[Programme]]
_SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(kind: str, source: AgendaSource, label: str | None = None) -> None:
    """Lets another area put its dossiers on the agenda (e.g. `event` for intercurrent events)."""
    _SOURCES[kind] = source
    if label:
        ITEM_KINDS[kind] = label


def _validated(session: Session) -> list[Programme]:
    return list(session.scalars(select(Programme).where(Programme.status == Status.VALIDE.value)
                                .order_by(Programme.id)))


def _ruptures(session: Session) -> list[Programme]:
    return list(session.scalars(
        select(Programme).where(Programme.id.in_(select(Task.programme_id).where(
            Task.code == "rupture_committee", Task.state == OPEN_STATE))).order_by(Programme.id)))


register_agenda_source("plan", _validated)
register_agenda_source("rupture", _ruptures)


@dataclass(frozen=True)
class AgendaEntry:
    kind: str
    programme: Programme

    @property
    def label(self) -> str:
        return ITEM_KINDS.get(self.kind, self.kind)


def waiting(session: Session) -> list[AgendaEntry]:
    """Everything that waits for a committee and is not yet on a closed meeting's items for that reason."""
    done = set(session.execute(
        select(CommitteeItem.programme_id, CommitteeItem.kind).join(CommitteeMeeting)
        .where(CommitteeMeeting.closed_at.is_not(None), CommitteeItem.recorded)).all())
    out = []
    for kind, source in _SOURCES.items():
        for programme in source(session):
            if kind == "plan" and (programme.id, kind) in done:
                continue
            out.append(AgendaEntry(kind, programme))
    return out


def create_meeting(session: Session, *, meeting_date: date, location: str, attendee_ids: list[int],
                   user: User, now: datetime) -> CommitteeMeeting:
    if not location.strip():
        raise ServiceError("Indiquez le lieu de la réunion.")
    if session.scalar(select(CommitteeMeeting.id).where(CommitteeMeeting.meeting_date == meeting_date,
                                                        CommitteeMeeting.closed_at.is_(None))):
        raise ServiceError("Une réunion non clôturée existe déjà à cette date : ouvrez-la plutôt que d'en créer "
                           "une seconde.")
    meeting = CommitteeMeeting(meeting_date=meeting_date, location=location.strip(), created_by_id=user.id,
                               created_at=now, updated_at=now)
    session.add(meeting)
    _set_attendees(session, meeting, attendee_ids)
    session.flush()
    refresh_agenda(session, meeting=meeting)
    audit.record(session, now=now, user_id=user.id, action="create", object_type="committee_meeting",
                 object_id=meeting.id, detail={"date": meeting_date.isoformat()})
    return meeting


def _set_attendees(session: Session, meeting: CommitteeMeeting, attendee_ids: list[int]) -> None:
    users = list(session.scalars(select(User).where(User.id.in_(set(attendee_ids)), User.is_active_account)))
    meeting.attendees = [CommitteeAttendee(user_id=u.id) for u in users]


def _require_open(meeting: CommitteeMeeting) -> None:
    if meeting.is_closed:
        raise ServiceError("Cette réunion est clôturée : son compte rendu ne peut plus être modifié.")


def update_meeting(session: Session, *, meeting: CommitteeMeeting, meeting_date: date, location: str,
                   attendee_ids: list[int], next_meeting: date | None, user: User, now: datetime) -> None:
    _require_open(meeting)
    if not location.strip():
        raise ServiceError("Indiquez le lieu de la réunion.")
    if next_meeting is not None and next_meeting <= meeting_date:
        raise ServiceError("La prochaine réunion doit être postérieure à celle-ci.")
    meeting.meeting_date, meeting.location, meeting.next_meeting = meeting_date, location.strip(), next_meeting
    _set_attendees(session, meeting, attendee_ids)
    meeting.updated_at = now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="committee_meeting",
                 object_id=meeting.id)


def refresh_agenda(session: Session, *, meeting: CommitteeMeeting) -> int:
    """Adds what waits to an open meeting's agenda; returns how many dossiers were added."""
    _require_open(meeting)
    present = {(i.programme_id, i.kind) for i in meeting.items}
    added = 0
    for entry in waiting(session):
        if (entry.programme.id, entry.kind) not in present:
            meeting.items.append(CommitteeItem(programme_id=entry.programme.id, kind=entry.kind,
                                               referent_id=entry.programme.referent_id))
            present.add((entry.programme.id, entry.kind))
            added += 1
    session.flush()
    return added


def missing_roles(meeting: CommitteeMeeting) -> list[Role]:
    present: set[Role] = set()
    for attendee in meeting.attendees:
        present |= attendee.user.roles
    return [role for role in QUORUM if role not in present]


@dataclass(frozen=True)
class Suggestion:
    user: User
    load: int
    in_sector: bool


def suggest_referents(session: Session, *, department: str | None, today: date) -> list[Suggestion]:
    """Référents of the patient's department first, then by planned load (open tasks in the next 4 weeks)."""
    refs = list(session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.REFERENT.value, User.is_active_account).order_by(User.full_name)))
    horizon = today + timedelta(weeks=LOAD_WEEKS)
    loads = dict(session.execute(
        select(Task.assignee_id, func.count(Task.id)).where(
            Task.assignee_id.in_([u.id for u in refs]), Task.state == OPEN_STATE,
            Task.due_date >= today, Task.due_date <= horizon).group_by(Task.assignee_id)).all())
    sectors = {uid for (uid,) in session.execute(
        select(UserSector.user_id).where(UserSector.department == (department or "")))}
    out = [Suggestion(u, int(loads.get(u.id, 0)), u.id in sectors) for u in refs]
    return sorted(out, key=lambda s: (not s.in_sector, s.load, s.user.full_name))


@dataclass(frozen=True)
class CareProject:
    decision: str
    objectives: str
    competences: str
    exercise_modality: str | None
    initial_load_w: int | None
    exercise_notes: str
    safety: str
    ergocycle_model: str | None
    referent_id: int | None
    notes: str


def _check_project(project: CareProject) -> None:
    if project.exercise_modality and project.exercise_modality not in MODALITIES:
        raise ServiceError("Modalité d'exercice inconnue.")
    if project.ergocycle_model and project.ergocycle_model not in ERGOCYCLES:
        raise ServiceError("Modèle d'ergocycle inconnu.")
    if project.initial_load_w is not None and not 0 <= project.initial_load_w <= 300:
        raise ServiceError("Charge initiale invraisemblable : saisissez une valeur entre 0 et 300 W.")



def record_item(session: Session, *, item: CommitteeItem, project: CareProject, user: User, now: datetime,
                ip: str | None) -> None:
    """Records the care project; the référent goes through `programmes.assign` so the plan's tasks follow."""
    _require_open(item.meeting)
    _check_project(project)
    if item.kind == "plan" and not project.objectives.strip():
        raise ServiceError("Indiquez les objectifs du projet de soins.")
    if item.kind != "plan" and not (project.decision.strip() or project.objectives.strip()):
        raise ServiceError("Indiquez la décision du comité pour ce dossier.")
    for name, value in vars(project).items():
        setattr(item, name, value.strip() or None if isinstance(value, str) else value)
    item.recorded, item.recorded_by_id, item.updated_at = True, user.id, now
    programme = item.programme
    if project.referent_id is not None and project.referent_id != programme.referent_id:
        programmes.assign(session, programme=programme, referent_id=project.referent_id,
                          association_id=programme.association_id, notes=programme.notes,
                          expected_version=programme.version, user=user, now=now, ip=ip)
    session.flush()
    fleet_decisions.on_committee_decision(session, item=item, user=user, now=now)  # issue 8: book an ergocycle
    audit.record(session, now=now, user_id=user.id, action="update", object_type="committee_item",
                 object_id=item.id, patient_id=programme.patient_id, ip=ip,
                 detail={"meeting": item.meeting_id, "programme": programme.id})


def remove_item(session: Session, *, item: CommitteeItem, user: User, now: datetime) -> None:
    _require_open(item.meeting)
    item.meeting.items.remove(item)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="delete", object_type="committee_item",
                 object_id=item.id, patient_id=item.programme.patient_id)


def check_quorum(meeting: CommitteeMeeting) -> None:
    if missing := missing_roles(meeting):
        names = ", ".join(r.label.lower() for r in missing)
        raise ServiceError(f"La réunion ne peut pas être clôturée : il manque {names} parmi les présents "
                           "(médecin directeur, coordinateur et assistante de coordination sont requis).")


def next_tasks(session: Session, meeting: CommitteeMeeting, now: datetime) -> list[Task]:
    """For each dossier planned by the committee: « Contacter le patient » for the assistante."""
    due = next_working_day(meeting.meeting_date)
    tasks = []
    for item in meeting.items:
        if item.kind != "plan" or not item.recorded:
            continue
        exists = session.scalar(select(Task.id).where(
            Task.programme_id == item.programme_id, Task.code == CONTACT_CODE, Task.batch == COMMITTEE_BATCH,
            Task.occurrence == item.id))
        if exists:
            continue
        tasks.append(Task(
            programme_id=item.programme_id, code=CONTACT_CODE, occurrence=item.id, batch=COMMITTEE_BATCH,
            trigger="committee", label="Contacter le patient (accord, date de début, acte d'adhésion)",
            kind=TaskKind.CALL.value, phase=0, role=TaskRole.ASSISTANTE.value, assignee_id=None, due_date=due,
            window_start=due, window_end=add_working_days(due, 3), working_days=True, on_interruption="cancel",
            created_at=now, updated_at=now))
    session.add_all(tasks)
    return tasks


def close_meeting(session: Session, *, meeting: CommitteeMeeting, minutes: Callable[[CommitteeMeeting], bytes],
                  store: Callable[[bytes], tuple[str, str]], user: User, now: datetime, ip: str | None) -> list[Task]:
    """Quorum, then freezes the meeting: dossiers not examined leave the agenda, tasks are made, and the
    minutes PDF is rendered and stored (path and SHA-256 kept on the meeting)."""
    _require_open(meeting)
    check_quorum(meeting)
    if not any(item.recorded for item in meeting.items):
        raise ServiceError("Aucun dossier n'a été examiné : enregistrez au moins un projet de soins avant "
                           "de clôturer la réunion.")
    for item in [i for i in meeting.items if not i.recorded]:
        meeting.items.remove(item)
    tasks = next_tasks(session, meeting, now)
    meeting.closed_at, meeting.closed_by_id, meeting.updated_at = now, user.id, now
    session.flush()
    meeting.minutes_path, meeting.minutes_sha256 = store(minutes(meeting))
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="close", object_type="committee_meeting",
                 object_id=meeting.id, ip=ip, detail={"items": len(meeting.items), "tasks": len(tasks),
                                                      "sha256": meeting.minutes_sha256})
    return tasks


# The reminder side of the committee (agenda sent before meetings, events on the agenda) registers itself.
from rehab.services import committee_reminders  # noqa: E402, F401
