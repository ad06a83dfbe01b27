"""A task row made directly, for worklist and calendar tests that need exact dates and states
(real plans come from `rehab.services.plans.fix_d0`)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from rehab.models import Programme, Task
from rehab.services.plans import REFERENT_FOLLOWS
from tests.factories import NOW

_seq = itertools.count(1)


def make_task(session: Session, programme: Programme, *, due: date, role: str = "referent", kind: str = "call",
              label: str = "Appel hebdomadaire : séances, volume d'entraînement", window_after: int = 2,
              **overrides: Any) -> Task:
    """An open task due on `due`, its window `window_after` days past it, assigned as the plan would."""
    data: dict[str, Any] = {
        "programme_id": programme.id, "code": f"test_task_{next(_seq)}", "occurrence": 1, "label": label,
        "kind": kind, "phase": 1, "role": role,
        "assignee_id": programme.referent_id if role in REFERENT_FOLLOWS else None,
        "due_date": due, "window_start": due - timedelta(days=2), "window_end": due + timedelta(days=window_after),
        "created_at": NOW, "updated_at": NOW,
    }
    data.update(overrides)
    task = Task(**data)
    session.add(task)
    session.flush()
    return task
