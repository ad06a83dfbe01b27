"""A programme's plan: dated tasks made from the protocol, the suspensions that shift them, and the
history of every change to the path (who, when, why)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.programme import Programme
from rehab.models.user import User

TASK_STATES = {"planned": "Prévue", "done": "Faite", "cancelled": "Annulée", "skipped": "Sans objet"}
OPEN_STATE = "planned"


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("programme_id", "code", "occurrence", "batch", name="uq_tasks_programme_code_occurrence"),
        # "Ma journée": a user's open tasks by date.
        Index("ix_tasks_assignee_state_due", "assignee_id", "state", "due_date"),
        # Team views and role queues (assistante, médecin directeur): open tasks by role and date.
        Index("ix_tasks_role_state_due", "role", "state", "due_date"),
        Index("ix_tasks_programme_due", "programme_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    occurrence: Mapped[int] = mapped_column(default=1)
    #: 0 for the plan made at D0; n for the tasks added by the programme's n-th event (rupture, …).
    batch: Mapped[int] = mapped_column(default=0)
    trigger: Mapped[str | None] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    phase: Mapped[int]
    role: Mapped[str] = mapped_column(String(30))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date]
    window_start: Mapped[date]
    window_end: Mapped[date]
    working_days: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(12), default=OPEN_STATE)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state_reason: Mapped[str | None] = mapped_column(Text)
    form: Mapped[str | None] = mapped_column(String(60))
    letter: Mapped[str | None] = mapped_column(String(60))
    on_interruption: Mapped[str] = mapped_column(String(10), default="cancel")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    @property
    def is_open(self) -> bool:
        return self.state == OPEN_STATE

    def is_overdue(self, today: date) -> bool:
        """Overdue is derived, never stored: open and past the end of its window."""
        return self.is_open and self.window_end < today

    @property
    def state_label(self) -> str:
        return TASK_STATES.get(self.state, self.state)


class Suspension(Base):
    __tablename__ = "suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    start: Mapped[date]
    end: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PlanEvent(Base):
    """One change to a programme's path, with who, when and why: the plan's own history."""

    __tablename__ = "plan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class CalendarFeed(Base):
    """A private iCalendar URL. Only the token's hash is stored; revoking it kills the URL."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
