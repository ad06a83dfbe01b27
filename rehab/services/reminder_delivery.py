"""The sweep: claim due reminder rows atomically, send each, mark it sent — exactly once.

Claim: one short transaction flips due rows from pending to claimed (stamping `claimed_at`, counting the
attempt).  On PostgreSQL the candidate rows are selected `FOR UPDATE SKIP LOCKED`, so concurrent sweeps
split the work instead of waiting; on SQLite the scheduler's connections open their transactions with
`BEGIN IMMEDIATE`, so the `UPDATE … WHERE status = 'pending'` runs under the database write lock and
two sweeps can never claim the same row.  A claim older than `LEASE` (a sweep killed after its claim)
is released to pending and sent by a later sweep: one later send, never zero, never two.

Delivery: in-app messages are written in the same transaction as the « sent » mark (and a notification
is unique per reminder), so they are exactly once.  E-mail leaves the database: if the process dies
between the SMTP hand-off and the mark, the lease makes a later sweep send it again with the same
Message-ID, which mail clients use to drop the duplicate — the best any SMTP sender can do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session as OrmSession

from rehab.domain.clock import local_date
from rehab.domain.reminder_rules import (
    CHANNEL_EMAIL,
    DIGEST_RULE,
    MAX_ATTEMPTS,
    RULES_BY_CODE,
    TRIGGER_BEFORE,
    retry_delay_seconds,
)
from rehab.domain.workdays import fr_date
from rehab.models import Notification, NotificationPreference, Patient, Programme, Reminder, Task, User
from rehab.models.plan import OPEN_STATE
from rehab.services import committee_reminders, mailer

LEASE = timedelta(minutes=10)
BATCH = 1000


@dataclass(frozen=True)
class Delivery:
    """Where messages go: the mail settings (Flask config keys) and the development outbox."""

    mail: Mapping[str, Any] = field(default_factory=dict)
    outbox: str | Path | None = None
    base_url: str = ""


@dataclass
class SweepResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def release_expired(session: OrmSession, *, now: datetime) -> int:
    """Claims older than the lease (their sweep died) go back to pending."""
    result = session.execute(update(Reminder).where(Reminder.status == "claimed", Reminder.claimed_at < now - LEASE)
                             .values(status="pending", next_attempt_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim_due(session: OrmSession, *, now: datetime, limit: int = BATCH) -> list[int]:
    """Atomically claim up to `limit` due rows; commits. Returns the claimed ids."""
    release_expired(session, now=now)
    candidates = (select(Reminder.id).where(Reminder.status == "pending", Reminder.next_attempt_at <= now)
                  .order_by(Reminder.next_attempt_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(candidates.with_for_update(skip_locked=True)))
        claim = update(Reminder).where(Reminder.id.in_(ids), Reminder.status == "pending")
    else:  # under BEGIN IMMEDIATE (scheduler engine) the whole statement holds the write lock
        claim = update(Reminder).where(Reminder.id.in_(candidates.scalar_subquery()), Reminder.status == "pending")
    rows = session.execute(claim.values(status="claimed", claimed_at=now, attempts=Reminder.attempts + 1)
                           .returning(Reminder.id)).scalars().all()
    session.commit()
    return sorted(rows)


def sweep(session: OrmSession, *, now: datetime, delivery: Delivery, limit: int = BATCH) -> SweepResult:
    """One pass: claim what is due (one short transaction), then deliver the batch."""
    ids = claim_due(session, now=now, limit=limit)
    result = deliver_batch(session, ids, now=now, delivery=delivery)
    result.claimed = len(ids)
    return result


@dataclass
class _Prepared:
    """A claimed row read and composed, as plain data (no ORM object crosses the transactions)."""

    id: int
    channel: str
    recipient_id: int
    email: str | None
    attempts: int
    why_not: str | None = None
    title: str = ""
    body: str = ""
    link: str | None = None


def deliver(session: OrmSession, reminder_id: int, *, now: datetime, delivery: Delivery) -> str:
    """Deliver one row claimed at `now`; returns its outcome name."""
    result = deliver_batch(session, [reminder_id], now=now, delivery=delivery)
    return next((name for name, n in result.as_dict().items() if n and name != "claimed"), "cancelled")


def deliver_batch(session: OrmSession, ids: list[int], *, now: datetime, delivery: Delivery) -> SweepResult:
    """Three steps so that no transaction is held while talking to the mail server: read and compose
    (bulk queries, no query per row), send the e-mails, then record every outcome in one transaction
    guarded by the claim (a row someone else reclaimed meanwhile is left alone)."""
    result = SweepResult()
    if not ids:
        return result
    prepared = _prepare(session, ids, now=now, base_url=delivery.base_url)
    session.commit()
    outcomes: dict[int, dict[str, Any]] = {}
    for item in prepared:
        outcomes[item.id] = _outcome(item, now, delivery)
    notes = {p.id: p for p in prepared if p.channel != CHANNEL_EMAIL and outcomes[p.id]["status"] == "sent"}
    for values in {tuple(sorted(v.items())) for v in outcomes.values()}:
        group = [rid for rid, v in outcomes.items() if tuple(sorted(v.items())) == values]
        done = session.execute(update(Reminder).where(
            Reminder.id.in_(group), Reminder.status == "claimed", Reminder.claimed_at == now)
            .values(**dict(values)).returning(Reminder.id)).scalars().all()
        for rid in done:
            name = {"sent": "sent", "cancelled": "cancelled", "failed": "failed"}.get(dict(values)["status"], "retried")
            setattr(result, name, getattr(result, name) + 1)
            if rid in notes:
                n = notes[rid]
                session.add(Notification(user_id=n.recipient_id, reminder_id=rid, created_at=now, title=n.title[:200],
                                         body=n.body, link=n.link))
    session.commit()
    return result


def _outcome(item: _Prepared, now: datetime, delivery: Delivery) -> dict[str, Any]:
    if item.why_not:
        return {"status": "cancelled", "last_error": item.why_not}
    if item.channel != CHANNEL_EMAIL:
        return {"status": "sent", "sent_at": now, "last_error": None}
    if not item.email:
        return {"status": "failed", "last_error": "Aucune adresse de courriel pour ce compte."}
    try:
        mailer.send(delivery.mail, to=item.email, subject=f"[Réhab Domicile] {item.title}", body=item.body,
                    outbox=delivery.outbox, message_id=f"<reminder-{item.id}@rehab-domicile>")
    except mailer.MailError as exc:
        if item.attempts >= MAX_ATTEMPTS:
            return {"status": "failed", "last_error": str(exc)[:2000]}
        return {"status": "pending", "last_error": str(exc)[:2000],
                "next_attempt_at": now + timedelta(seconds=retry_delay_seconds(item.attempts))}
    return {"status": "sent", "sent_at": now, "last_error": None}


def _prepare(session: OrmSession, ids: list[int], *, now: datetime, base_url: str) -> list[_Prepared]:
    rows = session.execute(select(Reminder, User).join(User, User.id == Reminder.recipient_id)
                           .where(Reminder.id.in_(ids), Reminder.status == "claimed", Reminder.claimed_at == now)
                           .order_by(Reminder.id)).all()
    user_ids = {u.id for _, u in rows}
    prefs = {p.user_id: p for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids)))}
    task_ids = {r.task_id for r, _ in rows if r.task_id is not None}
    # Plain rows, not entities: a thousand tasks with their patients cost no ORM hydration.
    tasks = {t.id: t for t in session.execute(
        select(Task.id, Task.label, Task.due_date, Task.window_end, Task.state, Task.programme_id,
               Patient.prenoms, Patient.nom_usage, Patient.nom_naissance)
        .join(Programme, Programme.id == Task.programme_id)
        .join(Patient, Patient.id == Programme.patient_id).where(Task.id.in_(task_ids)))}
    out = []
    for reminder, user in rows:
        item = _Prepared(reminder.id, reminder.channel, user.id, user.email, reminder.attempts)
        found = tasks.get(reminder.task_id) if reminder.task_id else None
        item.why_not = _obsolete(reminder, user, prefs.get(user.id), found, now)
        if item.why_not is None and reminder.rule == committee_reminders.AGENDA_RULE:
            item.why_not = committee_reminders.obsolete(session, reminder)
        if item.why_not is None:
            if reminder.rule == committee_reminders.AGENDA_RULE:
                message: tuple[str, str, str | None] | None = committee_reminders.agenda_message(
                    session, reminder, base_url=base_url)
            elif reminder.rule == DIGEST_RULE:
                message = _digest(session, user, now, base_url)
            else:
                message = compose(reminder, found, base_url=base_url)
            if message is None:
                item.why_not = "Rien à signaler ce jour."
            else:
                item.title, item.body, item.link = message
        out.append(item)
    return out


def _digest(session: OrmSession, user: User, now: datetime, base_url: str) -> tuple[str, str, str | None] | None:
    from rehab.services.reminder_digest import digest_message  # late: the digest builds on worklist

    return digest_message(session, user, now=now, base_url=base_url)


def _obsolete(reminder: Reminder, user: User, pref: NotificationPreference | None, task: Any,
              now: datetime) -> str | None:
    """Why a claimed row must not be sent any more (task closed, date passed, channel switched off)."""
    if pref is not None and not (pref.email_enabled if reminder.channel == CHANNEL_EMAIL else pref.inapp_enabled):
        return "Canal désactivé par l'utilisateur."
    if not user.is_active_account:
        return "Compte désactivé."
    if reminder.rule == DIGEST_RULE:
        return None if local_date(reminder.due_at) == local_date(now) else "Récapitulatif d'un jour passé."
    if reminder.rule == committee_reminders.AGENDA_RULE:
        return None  # the meeting itself is checked by committee_reminders.obsolete
    if task is None or task.state != OPEN_STATE:
        return "Tâche faite, annulée ou supprimée."
    rule = RULES_BY_CODE.get(reminder.rule)
    if rule is None:
        return "Règle de rappel retirée."
    if rule.trigger == TRIGGER_BEFORE and task.due_date < local_date(now):
        return "La date de la tâche est passée."
    return None


def compose(reminder: Reminder, task: Any, *, base_url: str = "") -> tuple[str, str, str | None]:
    """Title, body and link of a task reminder (`task`: a row with the task's and the patient's columns).
    Never a patient's full name: programme number and initials."""
    rule = RULES_BY_CODE[reminder.rule]
    link = f"/programmes/{task.programme_id}#tache-{task.id}"
    title = f"{rule.title} — programme n° {task.programme_id}"
    body = (f"{rule.title}.\n\n{task.label}\nPatient : {initials(task)} (programme n° {task.programme_id})\n"
            f"Date prévue : {fr_date(task.due_date)} — à faire au plus tard le {fr_date(task.window_end)}.\n\n"
            f"Ouvrir : {base_url}{link}\n")
    return title, body, link


def initials(row: Any) -> str:
    """« J.R. », as `Patient.initials` / `worklist.dotted_initials` write them, from plain columns."""
    first = row.prenoms.split()[0][0] if (row.prenoms or "").split() else ""
    letters = f"{first}{(row.nom_usage or row.nom_naissance or '')[:1]}".upper()
    return "".join(f"{c}." for c in letters) or "?"


def backlog(session: OrmSession, *, now: datetime) -> dict[str, int]:
    """Counts for the status page: due and waiting, scheduled later, in flight, failed."""
    from sqlalchemy import func

    def count(*where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(Reminder).where(and_(*where))) or 0)

    return {"due": count(Reminder.status == "pending", Reminder.next_attempt_at <= now),
            "later": count(Reminder.status == "pending", Reminder.next_attempt_at > now),
            "claimed": count(Reminder.status == "claimed"),
            "failed": count(Reminder.status == "failed")}


def failed_rows(session: OrmSession, limit: int = 50) -> list[Reminder]:
    return list(session.scalars(select(Reminder).where(Reminder.status.in_(("failed", "pending")),
                                                       Reminder.last_error.is_not(None))
                                .order_by(Reminder.id.desc()).limit(limit)))


__all__ = ["BATCH", "LEASE", "Delivery", "SweepResult", "backlog", "claim_due", "compose", "deliver",
           "deliver_batch", "release_expired", "sweep"]
