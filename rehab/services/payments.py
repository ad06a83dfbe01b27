"""Paying the professionals' forfaits: due lines computed from sessions, batches, payment, cancellation.

Never paying a session twice rests on two locks: the selected rows are locked while a batch is built or paid
(`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the writer lock is taken before the first read, as BEGIN
IMMEDIATE would), and a partial UNIQUE index on active `payment_line_sessions.session_id` refuses a second
line for the same session whatever the application does. Services flush, never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from rehab.domain import tariffs as tariff_rules
from rehab.models import Patient, PaymentBatch, PaymentLine, PaymentLineSession, ProfessionalSession, Programme
from rehab.models.directory import Professional
from rehab.models.user import User
from rehab.services import audit, locks
from rehab.services.errors import ServiceError
from rehab.services.tariffs import all_tariffs

STALE = "Une ligne a été modifiée par quelqu'un d'autre entre-temps (mise en lot, payée ou annulée) : rechargez."

BUSY = "Un autre paiement est en cours d'enregistrement : réessayez dans un instant."


def take_write_lock(session: Session) -> None:
    """Serialise payment writers (rehab.services.locks); PostgreSQL rows are locked FOR UPDATE below."""
    locks.take_write_lock(session, busy=BUSY)


def _locked_lines(session: Session, line_ids: Iterable[int]) -> list[PaymentLine]:
    return list(session.scalars(select(PaymentLine).where(PaymentLine.id.in_(set(line_ids)))
                                .order_by(PaymentLine.id).with_for_update()
                                .execution_options(populate_existing=True)))


@dataclass
class SyncResult:
    created: list[PaymentLine] = field(default_factory=list)
    unpaid: list[tuple[int, str]] = field(default_factory=list)  # (session id, reason)
    unpriced: list[tuple[int, str]] = field(default_factory=list)  # (programme id, reason)


def _link_state(session: Session, programme_ids: Sequence[int]) -> tuple[set[int], set[int]]:
    """Sessions already on an active line, and sessions whose only lines were cancelled."""
    rows = session.execute(select(PaymentLineSession.session_id, PaymentLineSession.active)
                           .join(PaymentLine, PaymentLine.id == PaymentLineSession.line_id)
                           .where(PaymentLine.programme_id.in_(programme_ids))).all()
    active = {sid for sid, is_active in rows if is_active}
    return active, {sid for sid, is_active in rows if not is_active} - active


def _salaried(session: Session) -> frozenset[int]:
    """Salaried professionals (e.g. hospital-employed): their employer pays them, no forfait is due."""
    return frozenset(session.scalars(select(Professional.id).where(Professional.salaried.is_(True))))


def _facts(rows: Iterable[ProfessionalSession], salaried: frozenset[int]) -> list[tariff_rules.SessionFact]:
    """The session's own « salarié » flag (as it was when recorded) wins over today's directory, so that
    removing the flag later never makes past sessions payable; sessions recorded before the flag was kept on
    them (NULL) fall back to the directory."""
    return [tariff_rules.SessionFact(r.id, r.role, r.session_date, r.professional_id,
                                     salaried=r.salaried if r.salaried is not None else r.professional_id in salaried)
            for r in rows]


@dataclass(frozen=True)
class _Commitments:
    """The live (non-cancelled) lines of some programmes: their tariff version and amounts per forfait."""

    versions: dict[int, str]
    amounts: dict[int, dict[str, Decimal]]


def _commitments(session: Session, programme_ids: Sequence[int]) -> _Commitments:
    rows = session.execute(select(PaymentLine.programme_id, PaymentLine.tariff_version, PaymentLine.forfait_code,
                                  PaymentLine.amount)
                           .where(PaymentLine.programme_id.in_(programme_ids), PaymentLine.status != "cancelled")
                           .order_by(PaymentLine.id)).all()
    versions: dict[int, str] = {}
    amounts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    for programme_id, version, code, amount in rows:
        versions.setdefault(programme_id, version)
        amounts[programme_id][code] += amount
    return _Commitments(versions, amounts)


def _programme_tariff(programme: Programme, pinned: str | None,
                      tariffs: tuple[tariff_rules.Tariff, ...]) -> tariff_rules.Tariff:
    """The tariff in force at D0 — until a line is created: the programme is then pinned to that line's
    version, so moving the D0 across an effective date never mixes two versions in one programme."""
    if pinned is None:
        return tariff_rules.tariff_for(programme.d0, tariffs)
    tariff = tariff_rules.tariff_by_version(pinned, tariffs)
    if tariff is None:
        raise tariff_rules.TariffError(f"Version de tarif « {pinned} » introuvable.")
    return tariff


def compute_due(session: Session, *, now: datetime, user: User | None,
                programme_ids: Sequence[int] | None = None) -> SyncResult:
    """Create the lines due for sessions not yet on a line (idempotent: running it twice adds nothing).

    A programme is priced with the tariff in force at its D0 until its first line; from then on with the
    version of its lines (`tariff_version` of a non-cancelled line), even if the D0 moves afterwards."""
    take_write_lock(session)
    query = select(ProfessionalSession).order_by(ProfessionalSession.programme_id, ProfessionalSession.id)
    if programme_ids is not None:
        query = query.where(ProfessionalSession.programme_id.in_(programme_ids))
    by_programme: dict[int, list[ProfessionalSession]] = defaultdict(list)
    for row in session.scalars(query):
        by_programme[row.programme_id].append(row)
    result = SyncResult()
    if not by_programme:
        return result
    programmes = {p.id: p for p in session.scalars(select(Programme).where(Programme.id.in_(by_programme)))}
    active, withdrawn = _link_state(session, list(by_programme))
    tariffs, salaried = all_tariffs(session), _salaried(session)
    commitments = _commitments(session, list(by_programme))
    for programme_id, rows in by_programme.items():
        programme = programmes[programme_id]
        try:
            tariff = _programme_tariff(programme, commitments.versions.get(programme_id), tariffs)
        except tariff_rules.TariffError as exc:
            result.unpriced.append((programme_id, str(exc)))
            continue
        facts = _facts(rows, salaried)
        due, unpaid = tariff_rules.price_programme(tariff, facts, already_linked=frozenset(active),
                                                   withdrawn=frozenset(withdrawn),
                                                   committed=commitments.amounts.get(programme_id))
        result.unpaid += [(u.session_id, u.reason) for u in unpaid]
        for item in due:
            line = PaymentLine(programme_id=programme_id, professional_id=item.professional_id,
                               forfait_code=item.forfait_code, tariff_version=tariff.version, amount=item.amount,
                               reason=item.reason, status="due", created_at=now)
            line.links.append(PaymentLineSession(session_id=item.session_id, active=True))
            session.add(line)
            result.created.append(line)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise ServiceError("Un autre calcul des sommes dues vient d'avoir lieu : rechargez la page.") from exc
    if result.created:
        audit.record(session, now=now, user_id=user.id if user else None, action="create",
                     object_type="payment_lines", detail={"created": len(result.created)})
    return result


def create_batch(session: Session, *, line_ids: Sequence[int], user: User, now: datetime) -> PaymentBatch:
    """A batch of the selected due lines; a line taken meanwhile by someone else refuses the whole batch."""
    if not line_ids:
        raise ServiceError("Sélectionnez au moins une ligne à payer.")
    take_write_lock(session)
    lines = _locked_lines(session, line_ids)
    if len(lines) != len(set(line_ids)) or any(line.status != "due" for line in lines):
        raise ServiceError(STALE)
    batch = PaymentBatch(state="open", created_by_id=user.id, created_at=now)
    session.add(batch)
    for line in lines:
        line.status, line.batch = "in_batch", batch
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="payment_batch",
                 object_id=batch.id, detail={"lines": [line.id for line in lines]})
    return batch


def mark_paid(session: Session, *, batch_id: int, paid_on: date, reference: str, user: User, now: datetime,
              today: date) -> PaymentBatch:
    reference = reference.strip()
    if not reference:
        raise ServiceError("Indiquez la référence du virement.")
    if len(reference) > 100:
        raise ServiceError("La référence ne peut pas dépasser 100 caractères.")
    if paid_on > today:
        raise ServiceError("La date de paiement ne peut pas être dans le futur.")
    take_write_lock(session)
    batch = session.scalar(select(PaymentBatch).where(PaymentBatch.id == batch_id).with_for_update()
                           .execution_options(populate_existing=True))
    if batch is None:
        raise ServiceError("Lot introuvable.")
    if batch.state != "open":
        raise ServiceError("Ce lot a déjà été payé.")
    lines = [line for line in _locked_lines(session, [line.id for line in batch.lines])
             if line.status == "in_batch"]
    if not lines:
        raise ServiceError("Ce lot ne contient plus aucune ligne à payer.")
    batch.state, batch.paid_on, batch.reference = "paid", paid_on, reference
    batch.paid_by_id, batch.paid_at = user.id, now
    for line in lines:
        line.status = "paid"
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="payment_batch",
                 object_id=batch.id, detail={"paid_on": paid_on.isoformat(), "reference": reference})
    return batch


def cancel_line(session: Session, *, line_id: int, reason: str, user: User, now: datetime) -> PaymentLine:
    """A due or batched line is withdrawn with a reason; its session is freed (it is not proposed again)."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Indiquez le motif de l'annulation.")
    take_write_lock(session)
    lines = _locked_lines(session, [line_id])
    if not lines:
        raise ServiceError("Ligne introuvable.")
    line = lines[0]
    if line.status == "paid":
        raise ServiceError("Une ligne payée ne peut pas être annulée.")
    if line.status == "cancelled":
        raise ServiceError("Cette ligne est déjà annulée.")
    line.status, line.batch_id = "cancelled", None
    line.cancel_reason, line.cancelled_by_id, line.cancelled_at = reason, user.id, now
    session.execute(update(PaymentLineSession).where(PaymentLineSession.line_id == line.id).values(active=False))
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="payment_line",
                 object_id=line.id, detail={"cancelled": reason})
    return line


def lines_query(*statuses: str):  # type: ignore[no-untyped-def]
    """Lines with their professional and programme → patient loaded in the same query (no query per row)."""
    return (select(PaymentLine).where(PaymentLine.status.in_(statuses))
            .options(joinedload(PaymentLine.professional),
                     joinedload(PaymentLine.programme).joinedload(Programme.patient).load_only(
                         Patient.nom_naissance, Patient.nom_usage, Patient.prenoms))
            .order_by(PaymentLine.professional_id, PaymentLine.programme_id, PaymentLine.id))


def by_professional(lines: Iterable[PaymentLine]) -> list[tuple[Professional, list[PaymentLine], Decimal]]:
    groups: dict[int, list[PaymentLine]] = defaultdict(list)
    for line in lines:
        groups[line.professional_id].append(line)
    return [(rows[0].professional, rows, sum((r.amount for r in rows), Decimal("0.00"))) for rows in groups.values()]


@dataclass(frozen=True)
class ProgrammeCost:
    programme: Programme
    tariff: tariff_rules.Tariff | None
    lines: list[PaymentLine]
    paid: Decimal
    committed: Decimal  # due + in batch + paid
    unpaid: list[tuple[ProfessionalSession, str]]  # sessions that earn nothing, and why
    pending: int  # sessions that would earn a line at the next computation

    @property
    def remaining(self) -> Decimal | None:
        return None if self.tariff is None else self.tariff.lump_sum - self.committed


def programme_cost(session: Session, programme: Programme) -> ProgrammeCost:
    """Forfaits committed for a programme against its lump sum, with the sessions that earn nothing and why."""
    lines = list(session.scalars(select(PaymentLine).where(PaymentLine.programme_id == programme.id)
                                 .options(joinedload(PaymentLine.professional)).order_by(PaymentLine.id)))
    rows = {r.id: r for r in session.scalars(select(ProfessionalSession)
                                              .where(ProfessionalSession.programme_id == programme.id))}
    tariff: tariff_rules.Tariff | None = None
    unpaid: list[tuple[ProfessionalSession, str]] = []
    pending = 0
    commitments = _commitments(session, [programme.id])
    try:
        tariff = _programme_tariff(programme, commitments.versions.get(programme.id), all_tariffs(session))
    except tariff_rules.TariffError as exc:
        unpaid = [(row, str(exc)) for row in rows.values()]
    if tariff is not None:
        active, withdrawn = _link_state(session, [programme.id])
        facts = _facts(rows.values(), _salaried(session))
        due, skipped = tariff_rules.price_programme(tariff, facts, already_linked=frozenset(active),
                                                    withdrawn=frozenset(withdrawn),
                                                    committed=commitments.amounts.get(programme.id))
        unpaid, pending = [(rows[u.session_id], u.reason) for u in skipped], len(due)
    live = [line for line in lines if line.status != "cancelled"]
    return ProgrammeCost(programme, tariff, lines,
                         sum((x.amount for x in live if x.status == "paid"), Decimal("0.00")),
                         sum((x.amount for x in live), Decimal("0.00")), unpaid, pending)
