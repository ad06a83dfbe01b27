"""Demo data for reminders (issue 7): users with e-mail preferences and a first inbox.

Reminder rows already exist (the flush hook derives them from the demo's tasks); here each demo
account gets its preferences, and today's digests and due reminders are delivered once into the inbox
(in-app only: the demo never writes e-mails), so the badge and the inbox show something real.
"""

from __future__ import annotations

import random
from datetime import datetime, time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rehab.models import NotificationPreference, Reminder, User
from rehab.services import reminders
from rehab.services.reminder_delivery import Delivery, sweep


def enrich(session: Session, *, now: datetime) -> None:
    rng = random.Random(7)  # noqa: S311 — deterministic demo data, not a secret
    for user in session.scalars(select(User).order_by(User.id)):
        if session.get(NotificationPreference, user.id) is None:
            session.add(NotificationPreference(user_id=user.id, email_enabled=False, inapp_enabled=True,
                                               digest_enabled=True,
                                               digest_time=rng.choice([time(7, 30), time(7, 30), time(8, 0)])))
    session.flush()
    reminders.ensure_digests(session, now=now)
    session.flush()
    # Deliver what is already due into the inbox (e-mail rows are switched off above).
    session.execute(update(Reminder).where(Reminder.status == "pending", Reminder.channel == "email")
                    .values(status="cancelled", last_error="Démonstration : courriels désactivés."))
    sweep(session, now=now, delivery=Delivery())
