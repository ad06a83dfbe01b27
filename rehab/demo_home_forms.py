"""Demo data for the home forms (issue 5): every done visit or call of the demo plans gets its record —
CRQ and endurance test at inclusion and closing (improving for most patients), weekly calls with their
sessions, follow-up calls — so the outcome pages and the weekly volume chart have something to show."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.outcomes import CRQ_ITEMS
from rehab.models import FormSubmission, Programme, Task, User
from rehab.services.home_form_specs import to_json
from rehab.services.home_forms import Outcome, store_measures

FORMS = ("inclusion_visit", "weekly_call", "mid_programme_visit", "closing_visit", "follow_up_call")


def _crq(rng: random.Random, base: int) -> dict[str, Any]:
    return {f"crq_{n}": max(1, min(7, base + rng.randint(-1, 1))) for n in range(1, CRQ_ITEMS + 1)}


def _values(task: Task, programme: Programme, rng: random.Random, gain: int) -> dict[str, Any]:
    on = task.due_date
    if task.form == "inclusion_visit":
        height = 170
        return {"consent_date": on, "ergocycle_training": True, "mmrc": rng.randint(1, 3),
                "weight": Decimal(str(round((programme.bmi or 24) * 2.89, 1))), "height": height,
                "smoker": programme.smoker, "psychotropic": programme.psychology_support,
                "psychology_request": False, "eva": None, **_crq(rng, 3), "max_power": rng.randint(45, 90),
                "endurance_time": rng.randint(240, 480), "hr_start": rng.randint(70, 95),
                "hr_end": rng.randint(115, 140), "spo2_start": rng.randint(92, 97), "spo2_end": rng.randint(86, 92),
                "borg_start": Decimal(1), "borg_end": Decimal(rng.randint(6, 8))}
    if task.form == "closing_visit":
        return {"eva": Decimal(rng.randint(7, 10)), "attestation_date": on, **_crq(rng, 3 + gain),
                "max_power": rng.randint(50, 95), "endurance_time": rng.randint(360, 900), "project_per_week": 3,
                "orientation": rng.choice(["association", "maintenance_group", "sport_sante"])}
    if task.form == "mid_programme_visit":
        return {"eva": Decimal(rng.randint(6, 10)), "odometer_km": rng.randint(150, 400),
                "sessions_declared": rng.randint(22, 30)}
    if task.form == "follow_up_call":
        sessions = rng.randint(1, 5)
        return {"channel": rng.choice(["phone", "phone", "video"]), "unscheduled_consultations": rng.randint(0, 1),
                "hospitalisations": 0, "hospital_days": 0, "hospitalisation_dates": None, "adherence": "good",
                "sessions_per_week": sessions, "project_per_week": 3}
    return {"outcome": "reached", "sessions": rng.randint(3, 6), "minutes_per_session": rng.choice([20, 25, 30, 35]),
            "watts": rng.randint(30, 70), "modality": rng.choice(["continuous", "intermittent", "interval"]),
            "symptoms": None, "difficulties": None, "benefits": "Moins essoufflé dans l'escalier",
            "next_prescription": "5 séances de 30 min"}


def enrich(session: Session, *, now: datetime) -> str:
    rng = random.Random(5)  # noqa: S311 — deterministic demo data, not security
    tasks = session.scalars(select(Task).where(Task.state == "done", Task.form.in_(FORMS))
                            .order_by(Task.programme_id, Task.due_date, Task.id)).all()
    count = 0
    for task in tasks:
        programme = task.programme
        gain = 1 if programme.id % 4 else 0
        values = {"performed_on": task.due_date, **_values(task, programme, rng, gain)}
        sub = FormSubmission(programme_id=programme.id, task_id=task.id, form=task.form or "",
                             client_submission_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                             payload=to_json(values), performed_on=task.due_date, submitted_by_id=task.done_by_id,
                             submitted_at=task.done_at or now)
        session.add(sub)
        session.flush()
        user = session.get(User, task.done_by_id) if task.done_by_id else None
        store_measures(session, programme, sub, values, Outcome(sub, True), now=now, user=user)
        count += 1
    session.flush()
    return f"{count} formulaires"
