"""Calendars: a référent's week on screen, and a private iCalendar feed for the user's own agenda.

The feed leaves the application: whoever holds its URL reads it without logging in. So it carries the
least that still helps on a phone — the patient's initials, the task and the programme number, never a
name — and the URL is a random token of which only the SHA-256 is stored; making a new one or revoking
kills the old one at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.orm import Session, contains_eager

from rehab.domain.roles import Role
from rehab.domain.workdays import holiday_name
from rehab.models import CalendarFeed, Patient, Programme, Task, User
from rehab.models.plan import OPEN_STATE
from rehab.services import audit
from rehab.services.worklist import dotted_initials, mine_clause, task_title, visible_clause

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 120
#: A desk queue over the whole file can be long; an agenda application chokes well before this.
FEED_MAX_EVENTS = 2000
TIMEZONE = "Europe/Paris"
#: States drawn on the week grid: what is to do and what was done (cancelled and skipped are noise there).
WEEK_STATES = (OPEN_STATE, "done")


class WeekError(ValueError):
    """A `semaine` parameter that is not an ISO week; the message is French and shown as is."""


@dataclass
class Day:
    day: date
    holiday: str | None
    tasks: list[Task] = field(default_factory=list)

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass
class Week:
    monday: date
    days: list[Day]

    @property
    def iso(self) -> str:
        return iso_week(self.monday)

    @property
    def previous(self) -> str:
        return iso_week(self.monday - timedelta(days=7))

    @property
    def next(self) -> str:
        return iso_week(self.monday + timedelta(days=7))

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


# ------------------------------------------------------------------------------------------ the week


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """`2026-W11` (as an <input type=week> sends it) → that week's Monday."""
    year, sep, week = text.strip().upper().partition("-W")
    if not sep or not (year.isdigit() and week.isdigit()) or not 2000 <= int(year) <= 2100:
        raise WeekError("Semaine invalide : attendu AAAA-Sxx (par exemple 2026-W11). Semaine en cours affichée.")
    try:
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise WeekError(f"L'année {year} n'a pas de semaine {week}. Semaine en cours affichée.") from None


def _holiday(day: date, departments: Sequence[str | None]) -> str | None:
    """Holiday names that apply in any of the référent's sectors (Alsace-Moselle and overseas differ)."""
    names = dict.fromkeys(n for d in departments if (n := holiday_name(day, d)))
    return " / ".join(names) or None


def week_calendar(session: Session, *, referent: User, viewer: User, monday: date) -> Week:
    """A référent's week: his tasks (to do and done) day by day, Monday to Sunday, holidays marked.
    Only tasks the viewer may see are drawn (object access stays with `visible_clause`)."""
    sunday = monday + timedelta(days=6)
    tasks = session.scalars(
        select(Task).join(Task.programme).join(Programme.patient)
        .options(contains_eager(Task.programme).contains_eager(Programme.patient))
        .where(Task.assignee_id == referent.id, Task.state.in_(WEEK_STATES),
               Task.due_date.between(monday, sunday), visible_clause(viewer))
        .order_by(Task.due_date, Task.kind, Task.id)).all()
    departments: list[str | None] = [None, *sorted(referent.sectors)]
    days = [Day(d, _holiday(d, departments)) for d in (monday + timedelta(days=i) for i in range(7))]
    for task in tasks:
        days[(task.due_date - monday).days].tasks.append(task)
    return Week(monday, days)


def may_view_calendar(viewer: User, referent: User) -> bool:
    """The desk and the médecin see any référent's week; a référent only his own."""
    if not referent.has_role(Role.REFERENT):
        return False
    return viewer.id == referent.id or viewer.has_role(Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN)


# ------------------------------------------------------------------------------------------ the feed


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(session: Session, *, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                     CalendarFeed.revoked_at.is_(None))
                          .order_by(CalendarFeed.created_at.desc()).limit(1))


def revoke_feed(session: Session, *, user: User, now: datetime) -> int:
    """Kills every live URL of the user; returns how many there were."""
    result = session.execute(update(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                        CalendarFeed.revoked_at.is_(None))
                             .values(revoked_at=now).execution_options(synchronize_session=False))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        audit.record(session, now=now, user_id=user.id, action="revoke", object_type="calendar")
    return count


def create_feed(session: Session, *, user: User, now: datetime) -> str:
    """A new private URL token (shown once); the user's previous URLs stop working."""
    revoke_feed(session, user=user, now=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, token_hash=_hash(token), created_at=now)
    session.add(feed)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="calendar", object_id=feed.id)
    return token


def feed_user(session: Session, token: str) -> tuple[CalendarFeed, User] | None:
    """The live feed behind a token and its (active) owner, or None: unknown, revoked or deactivated."""
    if not token or len(token) > 100:
        return None
    row = session.execute(select(CalendarFeed, User).join(User, User.id == CalendarFeed.user_id)
                          .where(CalendarFeed.token_hash == _hash(token), CalendarFeed.revoked_at.is_(None),
                                 User.is_active_account)).first()
    return (row[0], row[1]) if row else None


def feed_tasks(session: Session, *, user: User, today: date) -> list[Task]:
    """The user's own open tasks from a month ago to four months ahead (same scope as « Ma journée »)."""
    return list(session.scalars(
        select(Task).join(Task.programme).join(Programme.patient)
        .options(contains_eager(Task.programme).contains_eager(Programme.patient))
        .where(Task.state == OPEN_STATE, mine_clause(user), visible_clause(user),
               Task.due_date.between(today - timedelta(days=FEED_PAST_DAYS),
                                     today + timedelta(days=FEED_FUTURE_DAYS)))
        .order_by(Task.due_date, Task.id).limit(FEED_MAX_EVENTS)))


def event_summary(task: Task) -> str:
    """« J.R. – Appel hebdomadaire (3/10) »: initials only, whatever the reader's rights."""
    patient: Patient = task.programme.patient
    return f"{dotted_initials(patient)} – {task_title(task)}"


def render_ics(tasks: Sequence[Task], *, calendar_name: str, now: datetime, domain: str = "rehab-domicile") -> bytes:
    """One all-day event per task, its UID stable across downloads so agenda apps update in place."""
    cal = Calendar()
    cal.add("prodid", "-//Réhab Domicile//Agenda//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", TIMEZONE)
    for task in tasks:
        event = Event()
        event.add("uid", f"tache-{task.id}@{domain}")
        event.add("dtstamp", now)
        event.add("dtstart", task.due_date)
        event.add("dtend", task.due_date + timedelta(days=1))
        event.add("summary", event_summary(task))
        event.add("description", f"Programme n° {task.programme_id}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())
