"""Who may see which patient and programme: the single place object access is decided.

Référents see the programmes assigned to them and the unassigned ones of their sectors;
assistante, coordinateur and médecin directeur see everything; the gestionnaire and the
administrateur never see clinical content. A patient is visible when one of their programmes
is, or to the roles that see everything.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from rehab.domain.roles import SEES_ALL_CLINICAL, Role
from rehab.models import Patient, Programme, User


def programme_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Programme selecting what `user` may see."""
    roles = user.roles
    if roles & SEES_ALL_CLINICAL:
        return true()
    if Role.REFERENT in roles:
        clauses: list[ColumnElement[bool]] = [Programme.referent_id == user.id]
        if user.sectors:
            clauses.append(and_(Programme.referent_id.is_(None), Programme.department.in_(user.sectors)))
        return or_(*clauses)
    return false()


def patient_filter(user: User) -> ColumnElement[bool]:
    if user.roles & SEES_ALL_CLINICAL:
        return true()
    if Role.REFERENT in user.roles:
        return exists(select(Programme.id).where(Programme.patient_id == Patient.id, programme_filter(user)))
    return false()


def can_see_clinical(user: User) -> bool:
    return bool(user.roles & (SEES_ALL_CLINICAL | {Role.REFERENT}))


def visible_patient(session: Session, user: User, patient_id: int) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.id == patient_id, patient_filter(user)))


def visible_programme(session: Session, user: User, programme_id: int) -> Programme | None:
    return session.scalar(select(Programme).where(Programme.id == programme_id, programme_filter(user)))
