"""Write audit rows. Every view and change of a patient record goes through `record`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.models import AuditEvent


def record(
    session: Session,
    *,
    now: datetime,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    object_version: int | None = None,
    patient_id: int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=now, user_id=user_id, action=action, object_type=object_type, object_id=object_id,
        object_version=object_version, patient_id=patient_id, ip=ip, detail=detail,
    )
    session.add(event)
    return event


def changes_since(session: Session, *, object_type: str, object_id: int, version: int) -> list[dict[str, Any]]:
    """Field changes saved after `version`, oldest first: what a stale form did not see."""
    rows = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
            AuditEvent.action == "update",
            AuditEvent.object_version > version,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    out: list[dict[str, Any]] = []
    for row in rows:
        for field, (old, new) in ((row.detail or {}).get("changes") or {}).items():
            out.append({"field": field, "old": old, "new": new, "at": row.at,
                        "user": row.user.full_name if row.user else "—"})
    return out
