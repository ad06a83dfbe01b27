"""The programmes behind a figure: the figure's ids narrowed to what the user may see, one page at a time.

The ids come with the figure (computed once, in bulk); this module never recomputes an indicator. The page is
loaded in one query with its patients and référents (no query per row), and every listed programme is written
to the audit log, because the list names patients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from rehab.domain.roles import SEES_ALL_CLINICAL
from rehab.models import Programme, User
from rehab.services import access, audit

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProgrammePage:
    programmes: list[Programme]
    total: int
    page: int
    pages: int


def visible_ids(session: Session, user: User, ids: Iterable[int]) -> list[int]:
    """`ids` ∩ the programmes `user` may see, most recent programme first.

    The roles that see everything skip the query; a référent's visible set is small (his programmes and the
    unassigned ones of his sectors), so it is read once and intersected in memory rather than sending
    thousands of ids back to the database.
    """
    wanted = sorted(set(ids), reverse=True)
    if user.roles & SEES_ALL_CLINICAL:
        return wanted
    if not access.can_see_clinical(user):
        return []
    allowed = set(session.scalars(select(Programme.id).where(access.programme_filter(user))))
    return [i for i in wanted if i in allowed]


def page_of(session: Session, ids: list[int], *, page: int, size: int = PAGE_SIZE) -> ProgrammePage:
    """One page of `ids` (already ordered), with patient and référent loaded in the same query."""
    pages = max((len(ids) + size - 1) // size, 1)
    page = min(max(page, 1), pages)
    chunk = ids[(page - 1) * size: page * size]
    rows: list[Programme] = []
    if chunk:
        found = session.scalars(select(Programme).where(Programme.id.in_(chunk))
                                .options(joinedload(Programme.patient), joinedload(Programme.referent))).all()
        by_id = {p.id: p for p in found}
        rows = [by_id[i] for i in chunk if i in by_id]
    return ProgrammePage(rows, len(ids), page, pages)


def audit_listing(session: Session, programmes: Iterable[Programme], *, now: datetime, user_id: int, ip: str,
                  path: str, indicator: str) -> None:
    """One 'view' row per listed programme, so each patient's access history shows who saw them in a list."""
    for programme in programmes:
        audit.record(session, now=now, user_id=user_id, action="view", object_type="programme",
                     object_id=programme.id, object_version=programme.version, patient_id=programme.patient_id,
                     ip=ip, detail={"path": path, "liste": f"indicateur {indicator}"})
