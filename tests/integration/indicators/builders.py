"""Hand-built rows for the indicator tests: a programme with its dated path, and each measure it records.

Rows are written straight through the session (no service): the indicators must count what is stored,
whatever wrote it. Transition instants are noon UTC of the given local date (13:00 or 14:00 in Paris).
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.models import (
    Association,
    CareTeamMember,
    CrqAdministration,
    Dossier,
    EnduranceTest,
    FollowUpCallRecord,
    FormSubmission,
    HospitalisationCount,
    IntercurrentEvent,
    PaymentLine,
    PlanEvent,
    ProfessionalSatisfaction,
    Programme,
    ProgrammeTransition,
    VisitRecord,
)
from rehab.models.directory import Professional
from rehab.models.user import User
from tests.factories import NOW, make_patient

_seq = itertools.count(1)
PATH = (Status.DEMANDE, Status.DOSSIER_COMPLET, Status.VALIDE, Status.PLANIFIE, Status.EN_COURS, Status.SUIVI,
        Status.TERMINE)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def association(session: Session, short: str = "A1") -> Association:
    found = Association(name=f"Association {short} {next(_seq)}", short_name=short)
    session.add(found)
    session.flush()
    return found


def professional(session: Session, kind: str = "medecin_traitant") -> Professional:
    pro = Professional(kind=kind, name=f"Dr Indicateur {next(_seq)}", search_key="indicateur")
    session.add(pro)
    session.flush()
    return pro


def programme(session: Session, *, d0: date | None, until: Status = Status.EN_COURS,
              interrupted_on: date | None = None, complete_on: date | None = None, origin: str | None = None,
              referral: date | None = None, department: str = "31", association_id: int | None = None,
              referent: User | None = None, suivi_on: date | None = None, termine_on: date | None = None,
              reoriented_on: date | None = None, validated_on: date | None = None) -> Programme:
    """A programme walked along the path up to `until` (then interrupted when `interrupted_on` is given).

    Milestone dates: demande 8 weeks before D0, dossier complet `complete_on` (or 4 weeks before D0),
    validé 3 weeks before, planifié 2 weeks before, en cours on D0, suivi 12 weeks after (or `suivi_on`),
    terminé 52 weeks after (or `termine_on`)."""
    patient = make_patient(session, department=department)
    anchor = d0 or (referral or date(2025, 1, 6)) + timedelta(weeks=8)
    dates = {Status.DEMANDE: referral or anchor - timedelta(weeks=8),
             Status.DOSSIER_COMPLET: complete_on or anchor - timedelta(weeks=4),
             Status.VALIDE: validated_on or anchor - timedelta(weeks=3), Status.PLANIFIE: anchor - timedelta(weeks=2),
             Status.EN_COURS: anchor, Status.SUIVI: suivi_on or anchor + timedelta(weeks=12),
             Status.TERMINE: termine_on or anchor + timedelta(weeks=52)}
    steps = list(PATH[:PATH.index(until) + 1]) if until != Status.REORIENTE else [
        Status.DEMANDE, Status.DOSSIER_COMPLET, Status.REORIENTE]
    if until == Status.REORIENTE:
        dates[Status.REORIENTE] = reoriented_on or anchor - timedelta(weeks=3)
    status = steps[-1]
    row = Programme(patient=patient, status=status.value, department=department, association_id=association_id,
                    referent_id=referent.id if referent else None, d0=d0, referral_date=dates[Status.DEMANDE],
                    created_at=NOW, updated_at=NOW)
    previous: Status | None = None
    for step in steps:
        row.transitions.append(ProgrammeTransition(from_status=previous.value if previous else None,
                                                   to_status=step.value, at=noon(dates[step])))
        previous = step
    if interrupted_on is not None:
        row.status = Status.INTERROMPU.value
        row.transitions.append(ProgrammeTransition(from_status=previous.value if previous else None,
                                                   to_status=Status.INTERROMPU.value, at=noon(interrupted_on)))
    session.add(row)
    session.flush()
    if origin is not None or complete_on is not None:
        session.add(Dossier(programme_id=row.id, referral_date=dates[Status.DEMANDE], channel="courrier",
                            origin=origin or "pneumologue", complete_on=complete_on, eligibility={}))
        session.flush()
    return row


def submission(session: Session, prog: Programme, form: str, on: date) -> FormSubmission:
    sub = FormSubmission(programme_id=prog.id, form=form, client_submission_id=str(uuid.uuid4()), payload={},
                         performed_on=on)
    session.add(sub)
    session.flush()
    return sub


def crq(session: Session, prog: Programme, moment: str, on: date, *, dyspnee: float | None,
        fatigue: float | None, emotion: float | None, maitrise: float | None) -> None:
    form = "inclusion_visit" if moment == "inclusion" else "closing_visit"
    sub = submission(session, prog, form, on)
    values = {"dyspnee": dyspnee, "fatigue": fatigue, "emotion": emotion, "maitrise": maitrise}
    session.add(CrqAdministration(programme_id=prog.id, submission_id=sub.id, moment=moment, administered_on=on,
                                  **{k: None if v is None else Decimal(str(v)) for k, v in values.items()}))
    session.flush()


def endurance(session: Session, prog: Programme, moment: str, on: date, seconds: int) -> None:
    form = "inclusion_visit" if moment == "inclusion" else "closing_visit"
    sub = submission(session, prog, form, on)
    session.add(EnduranceTest(programme_id=prog.id, submission_id=sub.id, moment=moment, tested_on=on,
                              max_power_w=80, load_w=64, duration_s=seconds))
    session.flush()


def visit(session: Session, prog: Programme, form: str, on: date, eva: float | None) -> None:
    sub = submission(session, prog, form, on)
    session.add(VisitRecord(programme_id=prog.id, submission_id=sub.id, form=form, visited_on=on,
                            eva=None if eva is None else Decimal(str(eva))))
    session.flush()


def follow_up_call(session: Session, prog: Programme, on: date, *, channel: str = "phone",
                   sessions: int | None = 3) -> None:
    sub = submission(session, prog, "follow_up_call", on)
    session.add(FollowUpCallRecord(programme_id=prog.id, submission_id=sub.id, called_on=on, channel=channel,
                                   unscheduled_consultations=0, hospitalisations=0, hospital_days=0,
                                   sessions_per_week=sessions))
    session.flush()


def hospitalisations(session: Session, prog: Programme, period: str, stays: int, days: int) -> None:
    session.add(HospitalisationCount(programme_id=prog.id, period=period, stays=stays, days=days,
                                     source="Questionnaire du pneumologue"))
    session.flush()


def team_member(session: Session, prog: Programme, pro: Professional, *, agreed: bool = True,
                role: str = "medecin_traitant") -> None:
    session.add(CareTeamMember(programme_id=prog.id, role=role, professional_id=pro.id,
                               agreed_on=prog.d0 if agreed else None, refused_on=None if agreed else prog.d0))
    session.flush()


def satisfaction(session: Session, prog: Programme, pro: Professional, on: date, *, satisfied: bool,
                 score: int | None = None, role: str = "medecin_traitant") -> None:
    session.add(ProfessionalSatisfaction(programme_id=prog.id, professional_id=pro.id, role=role, received_on=on,
                                         satisfied=satisfied, score=score))
    session.flush()


def event(session: Session, prog: Programme, on: date, *, nature: str = "respiratory",
          hospitalisation: bool = False, decision: str | None = "continue") -> None:
    session.add(IntercurrentEvent(programme_id=prog.id, event_date=on, nature=nature,
                                  hospitalisation=hospitalisation, description="Exacerbation",
                                  client_submission_id=str(uuid.uuid4()), decision=decision))
    session.flush()


def plan_event(session: Session, prog: Programme, kind: str, at: datetime) -> None:
    session.add(PlanEvent(programme_id=prog.id, at=at, kind=kind, reason="Rupture"))
    session.flush()


def payment(session: Session, prog: Programme, pro: Professional, amount: str, *, status: str = "due",
            forfait: str = "medecin_traitant") -> None:
    session.add(PaymentLine(programme_id=prog.id, professional_id=pro.id, forfait_code=forfait,
                            tariff_version="2020-04", amount=Decimal(amount), reason="Forfait", status=status))
    session.flush()
