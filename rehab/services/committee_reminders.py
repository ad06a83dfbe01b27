"""What the committee needs from the reminder machinery: its agenda sent to the members before each
meeting, and the intercurrent events (and new hospitalisations) of the last weeks on its agenda.

The agenda goes out as reminder rows (key: meeting × channel × member), so the scheduler's sweep sends
it exactly once per member and channel, like any other reminder.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.clock import local_date
from rehab.domain.reminder_rules import CHANNELS
from rehab.domain.workdays import add_working_days, fr_date
from rehab.models import CommitteeItem, CommitteeMeeting, IntercurrentEvent, Programme, Reminder
from rehab.services import committee, reminders

AGENDA_RULE = "committee_agenda"
#: The agenda leaves this many working days before the meeting.
AGENDA_LEAD_WORKING_DAYS = 2


def agenda_key(meeting_id: int, channel: str, user_id: int) -> str:
    return f"m{meeting_id}:{AGENDA_RULE}:{channel}:u{user_id}"


def meeting_id_of(reminder: Reminder) -> int | None:
    head = reminder.key.split(":", 1)[0]
    return int(head[1:]) if head.startswith("m") and head[1:].isdigit() else None


def queue_agendas(session: Session, now: datetime) -> int:
    """Sweep source: one reminder per member and channel for each open meeting due soon. Idempotent."""
    today = local_date(now)
    horizon = add_working_days(today, AGENDA_LEAD_WORKING_DAYS)
    meetings = session.scalars(select(CommitteeMeeting).where(
        CommitteeMeeting.closed_at.is_(None), CommitteeMeeting.meeting_date >= today,
        CommitteeMeeting.meeting_date <= horizon)).all()
    for meeting in meetings:
        committee.refresh_agenda(session, meeting=meeting)
    wanted = {agenda_key(m.id, ch, a.user_id): (m, ch, a.user_id)
              for m in meetings for a in m.attendees for ch in CHANNELS}
    if not wanted:
        return 0
    existing = set(session.scalars(select(Reminder.key).where(Reminder.key.in_(wanted))))
    created = 0
    for key, (_meeting, channel, user_id) in wanted.items():
        if key not in existing:
            session.add(Reminder(key=key, task_id=None, rule=AGENDA_RULE, channel=channel, recipient_id=user_id,
                                 due_at=now, next_attempt_at=now, created_at=now))
            created += 1
    session.flush()
    return created


def obsolete(session: Session, reminder: Reminder) -> str | None:
    meeting = session.get(CommitteeMeeting, meeting_id_of(reminder) or 0)
    if meeting is None:
        return "Réunion supprimée."
    return "Réunion déjà close." if meeting.is_closed else None


def agenda_message(session: Session, reminder: Reminder, *, base_url: str = "") -> tuple[str, str, str | None]:
    """Title, body and link; patients appear as programme numbers and initials only."""
    meeting = session.get_one(CommitteeMeeting, meeting_id_of(reminder))
    lines = [f"- {item.kind_label} : programme n° {item.programme_id} ({item.programme.patient.initials})"
             for item in meeting.items]
    link = f"/comite/{meeting.id}"
    title = f"Ordre du jour du comité du {fr_date(meeting.meeting_date)}"
    body = (f"{title} ({meeting.location}).\n\n" + ("\n".join(lines) or "Aucun dossier inscrit pour l'instant.")
            + f"\n\nOuvrir : {base_url}{link}\n")
    return title, body, link


def _events_to_review(session: Session) -> list[Programme]:
    """Programmes with an intercurrent event no closed committee has yet examined (a meeting held on or
    after the event, whose item for that programme and reason was recorded)."""
    reviewed = (select(CommitteeItem.id).join(CommitteeMeeting)
                .where(CommitteeItem.programme_id == IntercurrentEvent.programme_id, CommitteeItem.kind == "event",
                       CommitteeItem.recorded, CommitteeMeeting.closed_at.is_not(None),
                       CommitteeMeeting.meeting_date >= IntercurrentEvent.event_date))
    ids = select(IntercurrentEvent.programme_id).where(~reviewed.exists())
    return list(session.scalars(select(Programme).where(Programme.id.in_(ids)).order_by(Programme.id)))


reminders.register_sweep_source("ordre_du_jour_comite", queue_agendas)
committee.register_agenda_source("event", _events_to_review)
