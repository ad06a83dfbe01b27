"""Patient contact before D0: the call log with its retries, the practical data of the delivery, the
acte d'adhésion's round trip, and the agreed start date handed over to the plan (`plans.fix_d0`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.protocol import TaskKind, TaskRole
from rehab.domain.workdays import add_working_days, next_working_day
from rehab.models import Consent, ContactCall, PracticalData, Programme, Task, UploadedFile, User
from rehab.models.consent import CALL_OUTCOMES
from rehab.models.plan import OPEN_STATE
from rehab.services import audit, plans
from rehab.services.committee import COMMITTEE_BATCH, CONTACT_CODE
from rehab.services.errors import ServiceError, StaleEditError

CALLBACK_CODE = "callback_patient"


def calls_of(session: Session, programme: Programme) -> list[ContactCall]:
    return list(session.scalars(select(ContactCall).where(ContactCall.programme_id == programme.id)
                                .order_by(ContactCall.called_at.desc())))


def proposed_callback(today: date, department: str | None) -> date:
    """An unreachable patient is tried again the next working day."""
    return next_working_day(today, department)


def _close_contact_tasks(session: Session, programme: Programme, user: User, now: datetime) -> None:
    for task in session.scalars(select(Task).where(
            Task.programme_id == programme.id, Task.batch == COMMITTEE_BATCH, Task.state == OPEN_STATE,
            Task.code.in_((CONTACT_CODE, CALLBACK_CODE)))):
        task.state, task.done_at, task.done_by_id, task.updated_at = "done", now, user.id, now


def log_call(session: Session, *, programme: Programme, called_at: datetime, outcome: str, note: str,
             callback_on: date | None, user: User, now: datetime, today: date, ip: str | None) -> ContactCall:
    """Logs one call; a missed one plans a call-back task for the assistante (default: next working day)."""
    if outcome not in CALL_OUTCOMES:
        raise ServiceError("Choisissez le résultat de l'appel.")
    if called_at > now + timedelta(minutes=5):
        raise ServiceError("L'appel ne peut pas être dans le futur.")
    if outcome == "reached":
        callback_on = None
    else:
        callback_on = callback_on or proposed_callback(today, programme.department)
        if callback_on < today:
            raise ServiceError("La date de rappel ne peut pas être passée.")
    if session.scalar(select(ContactCall.id).where(ContactCall.programme_id == programme.id,
                                                   ContactCall.called_at == called_at, ContactCall.outcome == outcome)):
        raise ServiceError("Cet appel est déjà noté (même date, même heure, même résultat).")
    call = ContactCall(programme_id=programme.id, called_at=called_at, user_id=user.id, outcome=outcome,
                       note=note.strip() or None, callback_on=callback_on)
    session.add(call)
    _close_contact_tasks(session, programme, user, now)
    session.flush()
    if callback_on is not None:
        session.add(Task(
            programme_id=programme.id, code=CALLBACK_CODE, occurrence=call.id, batch=COMMITTEE_BATCH,
            trigger="contact", label="Rappeler le patient (contact avant le début du programme)",
            kind=TaskKind.CALL.value, phase=0, role=TaskRole.ASSISTANTE.value, due_date=callback_on,
            window_start=callback_on, window_end=add_working_days(callback_on, 2, programme.department),
            created_at=now, updated_at=now))
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="contact_call",
                 object_id=call.id, patient_id=programme.patient_id, ip=ip,
                 detail={"outcome": outcome, "callback_on": callback_on.isoformat() if callback_on else None})
    return call


def practical_of(session: Session, programme: Programme) -> PracticalData | None:
    return session.scalar(select(PracticalData).where(PracticalData.programme_id == programme.id))


def consent_of(session: Session, programme: Programme) -> Consent | None:
    return session.scalar(select(Consent).where(Consent.programme_id == programme.id))


def _stale(row: PracticalData | Consent, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise StaleEditError("Ces données ont été modifiées par quelqu'un d'autre pendant votre saisie. "
                             "Vos saisies sont conservées : vérifiez puis enregistrez à nouveau.",
                             current=row, changes=[])


@dataclass(frozen=True)
class Practical:
    floor: int | None
    stairs: int | None
    lift: bool
    access_notes: str
    electricity: bool
    phone_line: bool


def save_practical(session: Session, *, programme: Programme, data: Practical, expected_version: int | None,
                   user: User, now: datetime, ip: str | None) -> list[str]:
    """Saves, and returns the exclusions found (no electricity, no phone line) for the screen to warn."""
    if data.floor is not None and not -2 <= data.floor <= 60:
        raise ServiceError("Étage invraisemblable : saisissez un nombre entre -2 et 60.")
    if data.stairs is not None and not 0 <= data.stairs <= 500:
        raise ServiceError("Nombre de marches invraisemblable : saisissez un nombre entre 0 et 500.")
    row = practical_of(session, programme)
    if row is None:
        row = PracticalData(programme_id=programme.id)
        session.add(row)
    else:
        _stale(row, expected_version)
    row.floor, row.stairs, row.lift = data.floor, data.stairs, data.lift
    row.access_notes = data.access_notes.strip() or None
    row.electricity, row.phone_line = data.electricity, data.phone_line
    row.updated_at, row.updated_by_id = now, user.id
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="practical_data",
                 object_id=row.id, object_version=row.version, patient_id=programme.patient_id, ip=ip,
                 detail={"exclusions": row.exclusions})
    return row.exclusions


def record_consent(session: Session, *, programme: Programme, sent_on: date | None, signed_on: date | None,
                   upload: UploadedFile | None, expected_version: int | None, user: User, now: datetime,
                   today: date, ip: str | None) -> Consent:
    for day in (sent_on, signed_on):
        if day is not None and day > today:
            raise ServiceError("Une date d'envoi ou de retour ne peut pas être dans le futur.")
    if signed_on is not None and sent_on is not None and signed_on < sent_on:
        raise ServiceError("L'acte ne peut pas revenir signé avant d'avoir été envoyé.")
    if signed_on is None and upload is not None:
        raise ServiceError("Indiquez la date de retour de l'acte signé avec sa copie numérisée.")
    row = consent_of(session, programme)
    if row is None:
        row = Consent(programme_id=programme.id)
        session.add(row)
    else:
        _stale(row, expected_version)
    row.sent_on, row.signed_on = sent_on, signed_on
    if upload is not None:
        row.file_id = upload.id
    row.updated_at, row.updated_by_id = now, user.id
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="consent", object_id=row.id,
                 object_version=row.version, patient_id=programme.patient_id, ip=ip,
                 detail={"sent_on": str(sent_on), "signed_on": str(signed_on), "file": row.file_id})
    return row


def fix_start(session: Session, *, programme: Programme, d0: date, user: User, now: datetime, today: date,
              ip: str | None) -> list[Task]:
    """« Fixer le J0 »: the date is agreed with the patient on the phone, so a call where he was reached must be
    on record. The signed acte d'adhésion is NOT required: the cahier des charges has it (and the QoL
    questionnaire) collected by the référent at the inclusion visit. Then hands over to the plan."""
    reached = session.scalar(select(ContactCall.id).where(ContactCall.programme_id == programme.id,
                                                          ContactCall.outcome == "reached").limit(1))
    if reached is None:
        raise ServiceError("Le J0 se fixe avec le patient : notez d'abord l'appel où il a été joint et a donné "
                           "son accord (étape « Contact »).")
    if programme.d0 is not None:
        raise ServiceError("Le J0 est déjà fixé : pour le déplacer, utilisez la page du programme.")
    consent = consent_of(session, programme)
    if consent is None:
        consent = Consent(programme_id=programme.id, updated_by_id=user.id)
        session.add(consent)
    consent.agreed_start, consent.updated_at = d0, now
    tasks = plans.fix_d0(session, programme=programme, d0=d0, user=user, now=now, today=today,
                         reason="Date de début convenue avec le patient")
    audit.record(session, now=now, user_id=user.id, action="update", object_type="programme",
                 object_id=programme.id, object_version=programme.version, patient_id=programme.patient_id,
                 ip=ip, detail={"d0": d0.isoformat(), "tasks": len(tasks)})
    return tasks
