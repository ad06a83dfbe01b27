"""Demo data for the professionals' satisfaction questionnaires (issue 9): the finished demo programmes get
their usual doctors in the care team (when the intake demo did not add them) and most of them answer the
questionnaire sent three months after the intervention, so the indicator and the page have data."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.models import CareTeamMember, Programme, User
from rehab.services import satisfaction

COMMENTS = (None, None, "Patient très investi, bon retour du domicile.", "Synthèses claires et utiles.",
            "Peu d'échanges avec le référent.", "Souhaite être informé plus tôt des hospitalisations.")


def _team(session: Session, programme: Programme, desk: User, now: datetime) -> None:
    """The patient's médecin traitant and pneumologue, agreed before D0 (as the référent would record)."""
    if session.scalar(select(CareTeamMember.id).where(CareTeamMember.programme_id == programme.id).limit(1)):
        return
    patient, start = programme.patient, programme.d0
    for role, pro_id in (("medecin_traitant", patient.medecin_traitant_id), ("pneumologue", patient.pneumologue_id)):
        if pro_id and start:
            session.add(CareTeamMember(programme_id=programme.id, role=role, professional_id=pro_id,
                                       agreed_on=start - timedelta(days=5), created_by_id=desk.id, created_at=now))
    session.flush()


def enrich(session: Session, *, now: datetime) -> None:
    rng = random.Random(20269)  # noqa: S311 — deterministic demo data, not security
    desk = session.scalar(select(User).where(User.username == "assistante"))
    if desk is None:
        return
    today = now.date()
    finished = session.scalars(select(Programme).where(
        Programme.status.in_((Status.TERMINE.value, Status.SUIVI.value)), Programme.d0.is_not(None))
        .order_by(Programme.id))
    for programme in finished:
        sent = programme.d0 + timedelta(weeks=12 + 13) if programme.d0 else today
        if sent >= today:
            continue  # questionnaires not sent yet (E + 3 months still ahead)
        _team(session, programme, desk, now)
        for person in satisfaction.respondents(session, programme):
            if rng.random() < 0.25:
                continue  # not returned: counted as missing by the indicator
            score = rng.choice((6, 7, 8, 8, 9, 9, 10, 4))
            satisfaction.record(session, programme=programme, professional_id=person.professional_id,
                                received_on=min(today, sent + timedelta(days=rng.randint(7, 30))),
                                satisfied=score >= 6, score=score, comment=rng.choice(COMMENTS) or "", user=desk,
                                now=now, today=today, ip=None)
    session.flush()
