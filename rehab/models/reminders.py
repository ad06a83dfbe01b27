"""Reminders as rows (never as scheduler jobs), the in-app inbox, preferences, scheduler runs and locks.

A reminder row is the unit of « exactly once »: its `key` is unique (task × rule × channel × recipient ×
due instant; digests: user × channel × day), a sweep claims it (status claimed + claimed_at lease), sends
it, marks it sent.  A claim older than the lease is taken again, so a crash after the claim gives one
later send.  The partial index on pending rows keeps the sweep an index range scan whatever the
number of sent rows (Indico's pattern).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, Time, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm import Session as OrmSession

from rehab.db import Base, utcnow
from rehab.models.user import User

REMINDER_STATUSES = {"pending": "En attente", "claimed": "En cours d'envoi", "sent": "Envoyé",
                     "cancelled": "Annulé", "failed": "Échec"}


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        # The sweep: pending rows by the instant they may next be tried.
        Index("ix_reminders_pending_next", "next_attempt_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        # Expired claims (crashed sweeps) are few: their own small partial index.
        Index("ix_reminders_claimed", "claimed_at", postgresql_where=text("status = 'claimed'"),
              sqlite_where=text("status = 'claimed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recipient: Mapped[User] = relationship()


class Notification(Base):
    """One message of the in-app inbox. Titles never carry a patient's full name."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    read_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """A user's channels and digest time (absent row: every channel, digest at 07:30)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(default=True)
    inapp_enabled: Mapped[bool] = mapped_column(default=True)
    digest_enabled: Mapped[bool] = mapped_column(default=True)
    digest_time: Mapped[time] = mapped_column(Time, default=time(7, 30))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchedulerRun(Base):
    """One run of one scheduler job, for the administrateur's status page."""

    __tablename__ = "scheduler_runs"
    __table_args__ = (Index("ix_scheduler_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(10), default="ok")
    detail: Mapped[dict[str, object] | None] = mapped_column(JSON)


class SchedulerLock(Base):
    """The SQLite stand-in for PostgreSQL's advisory lock: one row per lock, kept alive by a heartbeat."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime]


@event.listens_for(OrmSession, "after_flush")
def _reminders_follow_tasks(session: OrmSession, _flush: Any) -> None:
    """Reminders follow their tasks in the same transaction, whoever changed the task (the plan service,
    a route, the demo): the work is in `rehab.services.reminders.follow_tasks`."""
    from rehab.services.reminders import follow_tasks

    follow_tasks(session)
