"""The in-app inbox and each user's notification preferences.

A user only ever reaches his own notifications (another user's id is « not found »).  Changing the
digest time or channels re-derives today's pending digest rows at once, so the new time applies today.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rehab.domain.reminder_rules import DIGEST_RULE
from rehab.models import Notification, NotificationPreference, Reminder, SchedulerRun
from rehab.services import reminders
from rehab.services.errors import ServiceError

PAGE_SIZE = 50
EARLIEST_DIGEST, LATEST_DIGEST = time(5, 0), time(12, 0)


def unread_count(session: Session, *, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)


def inbox(session: Session, *, user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    """Unread first, newest first; capped (older messages stay in the database)."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                                          Notification.id.desc()).limit(limit)))


def own_notification(session: Session, *, user_id: int, notification_id: int) -> Notification | None:
    note = session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user_id else None


def mark_read(session: Session, *, note: Notification, now: datetime) -> None:
    if note.read_at is None:
        note.read_at = now
        session.flush()


def mark_all_read(session: Session, *, user_id: int, now: datetime) -> int:
    result = session.execute(update(Notification).where(Notification.user_id == user_id,
                                                        Notification.read_at.is_(None)).values(read_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def preference(session: Session, *, user_id: int) -> NotificationPreference:
    """The user's preferences (defaults when he never saved any; not added to the session)."""
    return session.get(NotificationPreference, user_id) or NotificationPreference(
        user_id=user_id, email_enabled=True, inapp_enabled=True, digest_enabled=True, digest_time=time(7, 30))


def save_preferences(session: Session, *, user_id: int, email: bool, inapp: bool, digest: bool,
                     digest_time: time, now: datetime) -> NotificationPreference:
    if not EARLIEST_DIGEST <= digest_time <= LATEST_DIGEST:
        raise ServiceError("L'heure du récapitulatif doit être comprise entre 05:00 et 12:00.")
    if digest and not (email or inapp):
        raise ServiceError("Choisissez au moins un canal pour recevoir le récapitulatif, ou désactivez-le.")
    pref = session.get(NotificationPreference, user_id)
    if pref is None:
        pref = NotificationPreference(user_id=user_id)
        session.add(pref)
    pref.email_enabled, pref.inapp_enabled, pref.digest_enabled = email, inapp, digest
    pref.digest_time, pref.updated_at = digest_time.replace(second=0, microsecond=0), now
    session.flush()
    # Today's digest follows the new settings: drop the pending row, derive it again.
    session.execute(update(Reminder).where(Reminder.recipient_id == user_id, Reminder.rule == DIGEST_RULE,
                                           Reminder.status == "pending")
                    .values(status="cancelled", last_error=reminders.PREFS_CHANGED))
    reminders.ensure_digests(session, now=now, user_ids=[user_id])
    return pref


def last_runs(session: Session) -> list[SchedulerRun]:
    """Each job's latest run (one query over the (job, started_at) index)."""
    latest = (select(SchedulerRun.job, func.max(SchedulerRun.started_at).label("at"))
              .group_by(SchedulerRun.job).subquery())
    return list(session.scalars(select(SchedulerRun).join(
        latest, (SchedulerRun.job == latest.c.job) & (SchedulerRun.started_at == latest.c.at))
        .order_by(SchedulerRun.job)))
