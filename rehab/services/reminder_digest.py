"""The morning digest: a user's overdue, today and next-working-day items, from « Ma journée »'s queries.

It reuses `worklist.my_day` (the same scope and access rules as the page) and names patients by
programme number and initials only: the digest may leave by e-mail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from rehab.domain.clock import local_date
from rehab.domain.workdays import fr_date, next_working_day
from rehab.models import Task, User
from rehab.services import worklist


def _line(task: Task) -> str:
    initials = worklist.dotted_initials(task.programme.patient)
    return (f"  - {worklist.task_title(task)} — {initials} (programme n° {task.programme_id}), "
            f"le {fr_date(task.due_date)}")


def digest_message(session: OrmSession, user: User, *, now: datetime, base_url: str = ""
                   ) -> tuple[str, str, str | None] | None:
    """Title, body and link of `user`'s digest for the Paris day of `now`; None when there is nothing."""
    today = local_date(now)
    tomorrow = next_working_day(today)
    buckets = {b.key: b for b in worklist.my_day(session, user=user, today=today)}
    overdue = [t for g in buckets["overdue"].groups for t in g.tasks]
    current = [t for g in buckets["today"].groups for t in g.tasks]
    coming = [t for g in buckets["week"].groups for t in g.tasks if t.due_date == tomorrow]
    if not (overdue or current or coming):
        return None
    counts = (buckets["overdue"].total, buckets["today"].total, len(coming))
    title = f"Votre journée du {fr_date(today)} : {counts[0]} en retard, {counts[1]} aujourd'hui"
    parts = [f"Bonjour {user.full_name},", ""]
    for heading, tasks, total in (("En retard", overdue, counts[0]), ("Aujourd'hui", current, counts[1]),
                                  (f"Prochain jour ouvré ({fr_date(tomorrow)})", coming, counts[2])):
        if tasks:
            parts.append(f"{heading} ({total}) :")
            parts.extend(_line(t) for t in tasks[:50])
            if total > 50:
                parts.append(f"  … et {total - 50} autre(s).")
            parts.append("")
    parts.append(f"Ma journée : {base_url}/ma-journee")
    return title, "\n".join(parts) + "\n", "/ma-journee"
