"""The professionals' satisfaction questionnaires (sent three months after the programme): the assistante
records each one returned, once per professional of the care team and programme.

The indicator is « satisfaction des professionnels > 70 / 80 / 85 % »: a questionnaire counted twice would
bias it, so a second record for the same professional is refused (and the database's unique key backs it
when two desks submit at the same moment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rehab.models import CareTeamMember, ProfessionalSatisfaction, Programme, User
from rehab.services import audit
from rehab.services.errors import ServiceError

TASK_CODE = "professional_satisfaction_questionnaires"


class AlreadyRecorded(ServiceError):
    """The professional's questionnaire is already on record; `existing` is shown instead."""

    def __init__(self, existing: ProfessionalSatisfaction) -> None:
        super().__init__(
            f"Le questionnaire de {existing.professional.name} est déjà enregistré pour ce programme "
            f"(reçu le {existing.received_on:%d/%m/%Y}) : il n'a pas été saisi une seconde fois.")
        self.existing = existing


@dataclass(frozen=True)
class Respondent:
    """A professional of the care team who may return a questionnaire, and his answer if recorded."""

    professional_id: int
    name: str
    role: str
    role_label: str
    answer: ProfessionalSatisfaction | None


def questionnaires_of(session: Session, programme: Programme) -> list[ProfessionalSatisfaction]:
    return list(session.scalars(select(ProfessionalSatisfaction)
                                .where(ProfessionalSatisfaction.programme_id == programme.id)
                                .order_by(ProfessionalSatisfaction.received_on, ProfessionalSatisfaction.id)))


def respondents(session: Session, programme: Programme) -> list[Respondent]:
    """The care team's professionals who did not refuse (one line per professional), with their answer."""
    answers = {q.professional_id: q for q in questionnaires_of(session, programme)}
    members = session.scalars(select(CareTeamMember).where(
        CareTeamMember.programme_id == programme.id, CareTeamMember.refused_on.is_(None))
        .order_by(CareTeamMember.role, CareTeamMember.id))
    out: dict[int, Respondent] = {}
    for m in members:
        out.setdefault(m.professional_id, Respondent(m.professional_id, m.professional.name, m.role, m.role_label,
                                                     answers.get(m.professional_id)))
    return list(out.values())


def _check(programme: Programme, received_on: date, score: int | None, today: date) -> None:
    if received_on > today:
        raise ServiceError("La date de réception ne peut pas être dans le futur.")
    if programme.d0 is None:
        raise ServiceError("Ce programme n'a pas commencé (pas de J0) : aucun questionnaire de satisfaction "
                           "ne peut encore avoir été envoyé.")
    if received_on < programme.d0:
        raise ServiceError("Le questionnaire ne peut pas avoir été reçu avant le début du programme "
                           f"({programme.d0:%d/%m/%Y}).")
    if score is not None and not 0 <= score <= 10:
        raise ServiceError("La note doit être comprise entre 0 et 10.")


def record(session: Session, *, programme: Programme, professional_id: int, received_on: date, satisfied: bool,
           score: int | None, comment: str, user: User, now: datetime, today: date,
           ip: str | None) -> ProfessionalSatisfaction:
    """Records one returned questionnaire of a care-team professional; a second one raises AlreadyRecorded."""
    member = next((r for r in respondents(session, programme) if r.professional_id == professional_id), None)
    if member is None:
        raise ServiceError("Ce professionnel ne fait pas partie de l'équipe de soins de ce programme.")
    if member.answer is not None:
        raise AlreadyRecorded(member.answer)
    _check(programme, received_on, score, today)
    row = ProfessionalSatisfaction(programme_id=programme.id, professional_id=professional_id, role=member.role,
                                   received_on=received_on, satisfied=satisfied, score=score,
                                   comment=comment.strip() or None, recorded_by_id=user.id, recorded_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # recorded by someone else between our check and our insert
        existing = session.scalar(select(ProfessionalSatisfaction).where(
            ProfessionalSatisfaction.programme_id == programme.id,
            ProfessionalSatisfaction.professional_id == professional_id))
        if existing is None:
            raise
        raise AlreadyRecorded(existing) from None
    audit.record(session, now=now, user_id=user.id, action="create", object_type="professional_satisfaction",
                 object_id=row.id, patient_id=programme.patient_id, ip=ip,
                 detail={"professional": professional_id, "satisfied": satisfied, "score": score})
    return row
