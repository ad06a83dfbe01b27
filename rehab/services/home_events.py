"""Intercurrent events and the médecin directeur's decision, professionals' sessions, hospitalisation
counts, the CRQ wording of a licensed association, and the weekly training volume across a programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.roles import Role
from rehab.models import (
    CrqWording,
    HospitalisationCount,
    IntercurrentEvent,
    Notification,
    Professional,
    ProfessionalSession,
    Programme,
    Task,
    User,
    UserRole,
    WeeklyCallRecord,
)
from rehab.services import audit, plans
from rehab.services.errors import ServiceError, StaleEditError
from rehab.services.home_form_specs import NATURES
from rehab.services.home_forms import CONSULTATION_ROLES, valid_client_id

DECISIONS = {"continue": "Poursuite du programme", "suspend": "Suspension", "interrupt": "Interruption définitive"}
PROFESSIONAL_ROLE_LABELS = {"pneumologue": "Pneumologue", "medecin_traitant": "Médecin traitant",
                            "paramedical": "Kinésithérapeute / IDE", "dieteticien": "Diététicien",
                            "tabacologue": "Tabacologue", "psychologue": "Psychologue"}


def report_event(session: Session, *, programme: Programme, event_date: date, nature: str, hospitalisation: bool,
                 description: str, client_id: str, user: User, now: datetime,
                 today: date) -> tuple[IntercurrentEvent, bool]:
    """Record the event (idempotent on the client id); it appears at once in the médecin's queue."""
    client_id = valid_client_id(client_id)
    existing = session.scalar(select(IntercurrentEvent).where(IntercurrentEvent.client_submission_id == client_id))
    if existing is not None:
        return existing, False
    if nature not in dict(NATURES):
        raise ServiceError("Choisissez la nature de l'événement.")
    if event_date > today:
        raise ServiceError("La date de l'événement ne peut pas être dans le futur.")
    if not description.strip():
        raise ServiceError("Décrivez l'événement.")
    event = IntercurrentEvent(programme_id=programme.id, event_date=event_date, nature=nature,
                              hospitalisation=hospitalisation, description=description.strip()[:5000],
                              client_submission_id=client_id, reported_by_id=user.id, reported_at=now)
    session.add(event)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="intercurrent_event",
                 object_id=event.id, patient_id=programme.patient_id, detail={"nature": nature})
    _alert_doctors(session, event, programme, now)
    return event, True


def _alert_doctors(session: Session, event: IntercurrentEvent, programme: Programme, now: datetime) -> None:
    """« Signalé sans délai au médecin directeur »: an in-app message to each active médecin directeur
    (no patient name in it: the link leads to the event behind the usual checks)."""
    doctors = session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == Role.MEDECIN.value, User.is_active_account.is_(True)))
    severity = " avec hospitalisation" if event.hospitalisation else ""
    for doctor_id in doctors:
        session.add(Notification(
            user_id=doctor_id, created_at=now, title=f"Événement intercurrent{severity} — décision attendue",
            body=f"Programme n° {programme.id}, événement du {event.event_date:%d/%m/%Y} "
                 f"({dict(NATURES).get(event.nature, event.nature).lower()}).",
            link=f"/evenements/{event.id}"))


def pending_events(session: Session, programme_ids: list[int] | None = None) -> list[IntercurrentEvent]:
    query = select(IntercurrentEvent).where(IntercurrentEvent.decision.is_(None))
    if programme_ids is not None:
        query = query.where(IntercurrentEvent.programme_id.in_(programme_ids))
    return list(session.scalars(query.order_by(IntercurrentEvent.reported_at)))


def decide_event(session: Session, *, event: IntercurrentEvent, decision: str, version: int, reason: str,
                 start: date | None, end: date | None, user: User, now: datetime, today: date) -> None:
    """The médecin directeur decides; suspension and interruption go through the plan's own rules."""
    if not user.has_role(Role.MEDECIN, Role.COORDINATEUR):
        raise ServiceError("La décision revient au médecin directeur.")
    if event.version != version:
        raise StaleEditError("Cet événement a été modifié entre-temps : vérifiez la décision enregistrée.",
                             current=event, changes=[])
    if event.decision is not None:
        raise ServiceError("Une décision a déjà été prise pour cet événement.")
    if decision not in DECISIONS:
        raise ServiceError("Choisissez une décision.")
    programme = session.get_one(Programme, event.programme_id)
    if decision == "suspend":
        if start is None or end is None:
            raise ServiceError("Indiquez les dates de début et de fin de la suspension.")
        plans.suspend(session, programme=programme, start=start, end=end, reason=reason or "Événement intercurrent",
                      user=user, now=now)
        event.suspend_start, event.suspend_end = start, end
    elif decision == "interrupt":
        if not reason.strip():
            raise ServiceError("Indiquez le motif de l'interruption.")
        plans.interrupt(session, programme=programme, on=today, reason=reason, user=user, now=now)
    event.decision, event.decision_reason = decision, reason.strip() or None
    event.decided_by_id, event.decided_at = user.id, now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="intercurrent_event",
                 object_id=event.id, patient_id=programme.patient_id, detail={"decision": decision})


def record_professional_session(session: Session, *, programme: Programme, role: str, session_date: date,
                                professional_id: int | None, notes: str, task: Task | None, client_id: str,
                                user: User, now: datetime, today: date) -> tuple[ProfessionalSession, bool]:
    """A consultation done (date, who); when it answers a plan task, that task is done."""
    client_id = valid_client_id(client_id)
    existing = session.scalar(select(ProfessionalSession)
                              .where(ProfessionalSession.client_submission_id == client_id))
    if existing is not None:
        return existing, False
    if role not in CONSULTATION_ROLES:
        raise ServiceError("Choisissez le professionnel.")
    if session_date > today:
        raise ServiceError("La date de la consultation ne peut pas être dans le futur.")
    professional = session.get(Professional, professional_id) if professional_id is not None else None
    if professional_id is not None and professional is None:
        raise ServiceError("Professionnel introuvable dans l'annuaire.")
    row = ProfessionalSession(programme_id=programme.id, task_id=task.id if task else None, role=role,
                              session_date=session_date, professional_id=professional_id,
                              salaried=bool(professional and professional.salaried),
                              notes=notes.strip() or None, client_submission_id=client_id,
                              recorded_by_id=user.id, recorded_at=now)
    session.add(row)
    session.flush()
    if task is not None and task.is_open:
        plans.set_task_state(session, task=task, state="done", reason="", user=user, now=now)
    audit.record(session, now=now, user_id=user.id, action="create", object_type="professional_session",
                 object_id=row.id, patient_id=programme.patient_id, detail={"role": role})
    return row, True


def set_hospitalisations(session: Session, *, programme: Programme, period: str, stays: int, days: int,
                         source: str, user: User, now: datetime) -> HospitalisationCount:
    if period not in {"before", "after"}:
        raise ServiceError("Période inconnue.")
    if not 0 <= stays <= 99 or not 0 <= days <= 366:
        raise ServiceError("Nombre de séjours entre 0 et 99, de jours entre 0 et 366.")
    if stays == 0 and days:
        raise ServiceError("Des jours d'hospitalisation sans séjour : vérifiez la saisie.")
    if not source.strip():
        raise ServiceError("Indiquez la source (retour du pneumologue, patient, compte rendu…).")
    row = session.scalar(select(HospitalisationCount).where(HospitalisationCount.programme_id == programme.id,
                                                            HospitalisationCount.period == period))
    if row is None:
        row = HospitalisationCount(programme_id=programme.id, period=period, stays=0, days=0, source="")
        session.add(row)
    row.stays, row.days, row.source = stays, days, source.strip()[:200]
    row.recorded_by_id, row.recorded_at = user.id, now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="hospitalisation_count",
                 object_id=row.id, patient_id=programme.patient_id, detail={"period": period})
    return row


def save_wording(session: Session, *, association_id: int, items: dict[str, str], licence: str, user: User,
                 now: datetime) -> CrqWording:
    """Store the wording an association pasted under its own licence; the product ships none."""
    if not licence.strip():
        raise ServiceError("Indiquez la référence de la licence accordée par les auteurs du CRQ.")
    row = session.scalar(select(CrqWording).where(CrqWording.association_id == association_id))
    if row is None:
        row = CrqWording(association_id=association_id, items={}, licence_reference="")
        session.add(row)
    row.items = {k: v.strip()[:1000] for k, v in items.items() if v.strip()}
    row.licence_reference, row.updated_by_id, row.updated_at = licence.strip()[:200], user.id, now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="crq_wording",
                 object_id=row.id, detail={"association": association_id})
    return row


def wording_for(session: Session, association_id: int | None) -> dict[str, str]:
    if association_id is None:
        return {}
    row = session.scalar(select(CrqWording).where(CrqWording.association_id == association_id))
    return dict(row.items) if row else {}


@dataclass(frozen=True)
class WeekVolume:
    week: int
    sessions: int
    minutes: int


def weekly_volume(session: Session, programme: Programme) -> list[WeekVolume]:
    """Training volume per programme week (1–12) from the weekly calls: sessions × minutes per session."""
    if programme.d0 is None:
        return []
    rows = session.scalars(select(WeeklyCallRecord).where(WeeklyCallRecord.programme_id == programme.id))
    weeks: dict[int, WeekVolume] = {}
    for r in rows:
        # A call on day 7–13 after D0 reports the first week; the week is clamped to the programme's 12.
        week = min(12, max(1, (r.called_on - programme.d0).days // 7))
        sessions = r.sessions or 0
        minutes = sessions * (r.minutes_per_session or 0)
        prev = weeks.get(week, WeekVolume(week, 0, 0))
        weeks[week] = WeekVolume(week, prev.sessions + sessions, prev.minutes + minutes)
    return [weeks.get(w, WeekVolume(w, 0, 0)) for w in range(1, 13)]


def volume_svg(volumes: list[WeekVolume]) -> str:
    """A bar chart as inline SVG (no library, no script): minutes per week, sessions written on each bar."""
    width, height, left, bottom, top = 640, 240, 70, 28, 22
    peak = max([v.minutes for v in volumes] + [60])
    bar = (width - left - 10) / max(len(volumes), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="volume-chart" '
             f'role="img" aria-label="Volume d\'entraînement hebdomadaire (minutes)">']
    for i, v in enumerate(volumes):
        h = (height - bottom - top) * v.minutes / peak
        x, y = left + i * bar + 4, height - bottom - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 8:.1f}" height="{h:.1f}" class="bar">'
                     f'<title>Semaine {v.week} : {v.sessions} séance(s), {v.minutes} min</title></rect>')
        parts.append(f'<text x="{x + (bar - 8) / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                     f'S{v.week}</text>')
        if v.minutes:
            parts.append(f'<text x="{x + (bar - 8) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                         f'{v.minutes}</text>')
    parts.append(f'<text x="4" y="{top + 4}">{peak} min</text>')
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" y2="{height - bottom}" '
                 'class="axis"/></svg>')
    return "".join(parts)

