"""Programmes: opening one, assigning it, and moving it along its life cycle."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.clock import local_date
from rehab.domain.programme_states import FINAL_STATUSES, Status, TransitionError, check_transition
from rehab.domain.roles import Role
from rehab.models import Patient, Programme, ProgrammeTransition, User, UserRole
from rehab.services import audit, fleet_decisions, plans
from rehab.services.errors import ServiceError, StaleEditError


def open_programme(session: Session, *, patient: Patient, referral_date: date | None,
                   association_id: int | None, user: User, now: datetime, ip: str | None) -> Programme:
    """A patient may have several programmes over the years, but only one active at a time."""
    for existing in patient.programmes:
        if existing.status_enum.is_active:
            raise ServiceError(
                f"Ce patient a déjà un programme actif (n° {existing.id}, « {existing.status_enum.label} ») : "
                "terminez-le ou interrompez-le avant d'en ouvrir un autre."
            )
    if referral_date is not None and referral_date > now.date():
        raise ServiceError("La date de la demande ne peut pas être dans le futur.")
    programme = Programme(patient=patient, status=Status.DEMANDE.value, department=patient.department,
                          referral_date=referral_date, association_id=association_id,
                          created_at=now, updated_at=now)
    programme.transitions.append(ProgrammeTransition(from_status=None, to_status=Status.DEMANDE.value,
                                                     at=now, user_id=user.id, reason="Demande enregistrée"))
    session.add(programme)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="programme",
                 object_id=programme.id, object_version=programme.version, patient_id=patient.id, ip=ip)
    return programme


def _check_version(session: Session, programme: Programme, expected_version: int) -> None:
    if programme.version != expected_version:
        raise StaleEditError(
            "Ce programme a été modifié par quelqu'un d'autre pendant que vous le consultiez. "
            "Vos saisies sont conservées : vérifiez l'état actuel puis validez à nouveau.",
            current=programme,
            changes=audit.changes_since(session, object_type="programme", object_id=programme.id,
                                        version=expected_version),
        )


def check_form_version(session: Session, programme: Programme, typed: str | None) -> None:
    """A form sent with the version it was shown with (hidden field) is refused if someone saved the programme
    meanwhile, so that two people moving the D0 at once do not silently overwrite each other."""
    if typed:
        _check_version(session, programme, int(typed) if typed.isdigit() else 0)


def transition(session: Session, *, programme: Programme, target: Status, reason: str, expected_version: int,
               user: User, now: datetime, ip: str | None) -> ProgrammeTransition:
    """Applies one step of the life cycle; refusals raise with a French explanation."""
    _check_version(session, programme, expected_version)
    if target == Status.INTERROMPU and programme.d0 is not None:
        # A planned programme is cut short by the plan service: open tasks cancelled, pick-up ordered.
        plans.interrupt(session, programme=programme, on=local_date(now), reason=reason, user=user, now=now)
        return programme.transitions[-1]
    if target == Status.PLANIFIE and programme.d0 is None:
        raise ServiceError("Fixez d'abord le J0 : le plan sera généré et le programme passera à « Planifié ».")
    # The dossier service uses this module to move a programme along: import it late to avoid the cycle.
    from rehab.services import dossier

    dossier.guard_transition(session, programme, target)
    try:
        check_transition(programme.status_enum, target, user.roles, reason)
    except TransitionError as exc:
        raise ServiceError(str(exc)) from exc
    if target in (Status.INTERROMPU, Status.REORIENTE):
        dossier.cancel_open_chases(session, programme=programme, reason=f"Programme {target.label.lower()}",
                                   now=now)
    row = ProgrammeTransition(from_status=programme.status, to_status=target.value, at=now, user_id=user.id,
                              reason=reason.strip() or None)
    programme.transitions.append(row)
    previous = programme.status
    programme.status = target.value
    programme.updated_at = now
    if target in FINAL_STATUSES:
        fleet_decisions.on_programme_closed(session, programme=programme, now=now)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="programme",
                 object_id=programme.id, object_version=programme.version, patient_id=programme.patient_id,
                 ip=ip, detail={"changes": {"status": [previous, target.value]}, "reason": reason.strip()})
    return row


def assign(session: Session, *, programme: Programme, referent_id: int | None, association_id: int | None,
           notes: str | None, expected_version: int, user: User, now: datetime, ip: str | None) -> None:
    _check_version(session, programme, expected_version)
    if referent_id is not None:
        referent = session.get(User, referent_id)
        if referent is None or Role.REFERENT not in referent.roles or not referent.is_active_account:
            raise ServiceError("La personne choisie n'est pas un référent de programme actif.")
    changes = {}
    for field, value in (("referent_id", referent_id), ("association_id", association_id),
                         ("notes", (notes or "").strip() or None)):
        if getattr(programme, field) != value:
            changes[field] = [getattr(programme, field), value]
            setattr(programme, field, value)
    if not changes:
        return
    programme.updated_at = now
    if "referent_id" in changes:
        plans.follow_referent(session, programme=programme)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="programme",
                 object_id=programme.id, object_version=programme.version, patient_id=programme.patient_id,
                 ip=ip, detail={"changes": changes})


def referents(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.REFERENT.value, User.is_active_account)
        .order_by(User.full_name)
    ))
