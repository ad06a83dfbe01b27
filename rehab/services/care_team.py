"""The programme's care team: the patient's usual professionals by role, linked to the directory,
each with the date they agreed or refused; nearby replacements when the usual paramedical refuses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.models import CareTeamMember, Professional, Programme, User
from rehab.models.care_team import TEAM_ROLES
from rehab.services import audit, plans
from rehab.services.errors import ServiceError

PARAMEDICAL = "paramedical"


def members_of(session: Session, programme: Programme) -> list[CareTeamMember]:
    return list(session.scalars(select(CareTeamMember).where(CareTeamMember.programme_id == programme.id)
                                .order_by(CareTeamMember.role, CareTeamMember.id)))


def _live(session: Session, professional_id: int) -> Professional:
    """Follows merges so a link never points at a merged duplicate."""
    pro = session.get(Professional, professional_id)
    for _ in range(10):
        if pro is None or pro.merged_into_id is None:
            break
        pro = session.get(Professional, pro.merged_into_id)
    if pro is None or not pro.active:
        raise ServiceError("Ce professionnel n'existe pas ou n'est plus actif dans l'annuaire.")
    return pro


def _check_answer(agreed_on: date | None, refused_on: date | None, today: date) -> None:
    if agreed_on and refused_on:
        raise ServiceError("Un professionnel ne peut pas à la fois accepter et refuser : choisissez une réponse.")
    if any(d and d > today for d in (agreed_on, refused_on)):
        raise ServiceError("La date de réponse ne peut pas être dans le futur.")


def add_member(session: Session, *, programme: Programme, role: str, professional_id: int,
               agreed_on: date | None, refused_on: date | None, note: str, user: User, now: datetime,
               today: date, ip: str | None) -> CareTeamMember:
    if role not in TEAM_ROLES:
        raise ServiceError("Choisissez le rôle dans l'équipe de soins.")
    pro = _live(session, professional_id)
    if pro.kind not in TEAM_ROLES[role][1]:
        raise ServiceError(f"Ce professionnel n'est pas du bon type pour le rôle « {TEAM_ROLES[role][0]} ».")
    _check_answer(agreed_on, refused_on, today)
    if any(m.professional_id == pro.id and m.role == role and not m.refused_on
           for m in members_of(session, programme)):
        raise ServiceError("Ce professionnel figure déjà dans l'équipe pour ce rôle.")
    member = CareTeamMember(programme_id=programme.id, role=role, professional_id=pro.id, agreed_on=agreed_on,
                            refused_on=refused_on, note=note.strip() or None, created_at=now,
                            created_by_id=user.id)
    session.add(member)
    session.flush()
    _after_change(session, programme, user=user, now=now, today=today)
    audit.record(session, now=now, user_id=user.id, action="create", object_type="care_team_member",
                 object_id=member.id, patient_id=programme.patient_id, ip=ip,
                 detail={"role": role, "professional": pro.id})
    return member


def answer(session: Session, *, member: CareTeamMember, programme: Programme, agreed_on: date | None,
           refused_on: date | None, user: User, now: datetime, today: date, ip: str | None) -> None:
    _check_answer(agreed_on, refused_on, today)
    if agreed_on is None and refused_on is None:
        raise ServiceError("Indiquez la date d'accord ou de refus.")
    member.agreed_on, member.refused_on = agreed_on, refused_on
    session.flush()
    _after_change(session, programme, user=user, now=now, today=today)
    audit.record(session, now=now, user_id=user.id, action="update", object_type="care_team_member",
                 object_id=member.id, patient_id=programme.patient_id, ip=ip,
                 detail={"agreed_on": str(agreed_on), "refused_on": str(refused_on)})


def nearby(session: Session, *, programme: Programme, role: str, limit: int = 8) -> list[Professional]:
    """Active directory entries of the same kind in the patient's department, not already asked."""
    asked = {m.professional_id for m in members_of(session, programme) if m.role == role}
    department = programme.patient.department or programme.department
    rows = session.scalars(select(Professional).where(
        Professional.kind.in_(TEAM_ROLES[role][1]), Professional.department == department, Professional.active,
        Professional.merged_into_id.is_(None)).order_by(Professional.city, Professional.name).limit(limit + 20))
    return [p for p in rows if p.id not in asked][:limit]


def refused_paramedical(session: Session, programme: Programme) -> bool:
    members = [m for m in members_of(session, programme) if m.role == PARAMEDICAL]
    return bool(members) and all(m.refused_on for m in members)


def _after_change(session: Session, programme: Programme, *, user: User, now: datetime, today: date) -> None:
    """An MK/IDE who agreed makes the programme 'paramedical in team'; an existing plan gains (or, after a
    refusal, loses) its conditional paramedical tasks ahead."""
    has = any(m.role == PARAMEDICAL and m.agreed_on and not m.refused_on for m in members_of(session, programme))
    if has == programme.paramedical_in_team:
        return
    programme.paramedical_in_team = has
    programme.updated_at = now
    plans.sync_conditional_tasks(session, programme=programme, user=user, now=now, today=today,
                                 reason="Équipe de soins : kinésithérapeute ou infirmier")
    session.flush()
