"""Demo enrichment for issue 4 (second half): an open committee meeting with its agenda, contact calls
on the validated programmes, and consent, delivery data and care team on the planned ones."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.domain.workdays import next_working_day
from rehab.models import CareTeamMember, Consent, ContactCall, PracticalData, Programme, User
from rehab.services import committee


def enrich(session: Session, *, now: datetime) -> str:
    rng = random.Random(20265)  # noqa: S311 — seeded demo data, not cryptography
    today = now.date()
    users = {u.username: u for u in session.scalars(select(User))}
    desk = users["assistante"]
    meeting = committee.create_meeting(
        session, meeting_date=next_working_day(today), location="Salle de réunion de la cellule",
        attendee_ids=[users[n].id for n in ("medecin", "coordinateur", "assistante")], user=desk, now=now)
    for programme in session.scalars(select(Programme).where(Programme.status == Status.VALIDE.value)):
        if rng.random() < 0.5:
            session.add(ContactCall(programme_id=programme.id, user_id=desk.id, outcome="unreachable",
                                    called_at=now - timedelta(days=1), note="Messagerie, message laissé",
                                    callback_on=today))
    planned = list(session.scalars(select(Programme).where(Programme.status == Status.PLANIFIE.value)
                                   .order_by(Programme.id)))
    for programme in planned:
        start = programme.d0 or today
        called = datetime.combine(start - timedelta(days=20), time(9, 30), tzinfo=now.tzinfo)
        session.add(ContactCall(programme_id=programme.id, user_id=desk.id, outcome="reached", called_at=called,
                                note="Accord du patient, date de début convenue"))
        session.add(PracticalData(programme_id=programme.id, floor=rng.randint(0, 4), stairs=rng.randint(0, 30),
                                  lift=rng.random() < 0.4, electricity=True, phone_line=True, updated_by_id=desk.id,
                                  access_notes=rng.choice(["Code portail 1942", "Se garer dans la cour", None])))
        session.add(Consent(programme_id=programme.id, sent_on=start - timedelta(days=18),
                            signed_on=start - timedelta(days=10), agreed_start=programme.d0, updated_by_id=desk.id))
        patient = programme.patient
        for role, pro_id in (("medecin_traitant", patient.medecin_traitant_id),
                             ("pneumologue", patient.pneumologue_id)):
            if pro_id:
                session.add(CareTeamMember(programme_id=programme.id, role=role, professional_id=pro_id,
                                           agreed_on=start - timedelta(days=5), created_by_id=desk.id,
                                           created_at=now))
    session.flush()
    return f"comité du {meeting.meeting_date:%d/%m/%Y} ({len(meeting.items)} dossiers), {len(planned)} consentements"
