"""Demo data for payments (issue 8): the consultations of the demo plans done by the liberal professionals
are recorded as sessions (when the home-forms demo did not already), priced, and the oldest half is paid in
one batch — so the gestionnaire finds both lines to pay and a paid batch with its statements. One psychologist
is a salaried hospital employee: her sessions are recorded but earn no forfait (the reason is shown)."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.models import Professional, ProfessionalSession, Task, User
from rehab.services import payments

KINDS = {"pneumologue": ("pneumologue",), "medecin_traitant": ("medecin_traitant",),
         "paramedical": ("kinesitherapeute", "infirmier"), "dieteticien": ("dieteticien",),
         "psychologue": ("psychologue",), "tabacologue": ("tabacologue",)}


def _pros(session: Session) -> dict[str, list[Professional]]:
    by_kind: dict[str, list[Professional]] = defaultdict(list)
    for pro in session.scalars(select(Professional).where(Professional.merged_into_id.is_(None))
                               .order_by(Professional.id)):
        by_kind[pro.kind].append(pro)
    return by_kind


def _record_sessions(session: Session, rng: random.Random, now: datetime) -> None:
    pros = _pros(session)
    recorded = set(session.scalars(select(ProfessionalSession.task_id).where(ProfessionalSession.task_id.is_not(None))))
    tasks = session.scalars(select(Task).where(Task.state == "done", Task.role.in_(KINDS))
                            .order_by(Task.programme_id, Task.due_date, Task.id)).all()
    chosen: dict[tuple[int, str], Professional | None] = {}
    for task in tasks:
        if task.id in recorded:
            continue
        key = (task.programme_id, task.role)
        if key not in chosen:  # one professional per role and programme, as in real care teams
            candidates = [p for kind in KINDS[task.role] for p in pros.get(kind, [])]
            chosen[key] = rng.choice(candidates) if candidates else None
        pro = chosen[key]
        session.add(ProfessionalSession(
            programme_id=task.programme_id, task_id=task.id, role=task.role, session_date=task.due_date,
            professional_id=pro.id if pro else None, salaried=bool(pro and pro.salaried),
            client_submission_id=str(uuid.UUID(int=rng.getrandbits(128))), recorded_at=now))
    session.flush()


def _salaried_psychologist(session: Session) -> None:
    pro = session.scalar(select(Professional).where(Professional.kind == "psychologue",
                                                    Professional.merged_into_id.is_(None)).order_by(Professional.id))
    if pro is not None:
        pro.salaried = True
        pro.notes = ((pro.notes or "") + " Salariée du centre hospitalier : pas de forfait dérogatoire.").strip()


def enrich(session: Session, *, now: datetime) -> None:
    rng = random.Random(20268)  # noqa: S311 — deterministic demo data, not security
    _salaried_psychologist(session)
    _record_sessions(session, rng, now)
    desk = session.scalar(select(User).where(User.username == "gestionnaire"))
    result = payments.compute_due(session, now=now, user=desk)
    if desk is None or not result.created:
        return
    lines = sorted(result.created, key=lambda line: (line.programme_id, line.id))
    old = [line.id for line in lines[: len(lines) // 2]]
    batch = payments.create_batch(session, line_ids=old, user=desk, now=now)
    payments.mark_paid(session, batch_id=batch.id, paid_on=now.date() - timedelta(days=14),
                       reference=f"VIR-{now:%Y%m}-001", user=desk, now=now, today=now.date())
