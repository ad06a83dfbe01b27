"""Payment of the professionals' derogatory forfaits: lines due, batches, and the sessions they pay.

One `PaymentLine` per paid session (its amount and a French reason computed by rehab.domain.tariffs with the
tariff in force at the programme's D0). `PaymentLineSession` links a line to the session(s) it pays; a
partial UNIQUE index on `session_id` among active links (the line is not cancelled) makes paying a session
twice impossible at the database level, whatever the application does. A `PaymentBatch` groups the lines
the gestionnaire pays together (one bank transfer run, one reference). A `TariffVersion` is one dated,
immutable version of the forfaits (see rehab.services.tariffs for why they live in the database).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.directory import Professional
from rehab.models.programme import Programme

LINE_STATUSES = {"due": "À payer", "in_batch": "Dans un lot", "paid": "Payée", "cancelled": "Annulée"}
BATCH_STATES = {"open": "En préparation", "paid": "Payé"}


class PaymentBatch(Base):
    __tablename__ = "payment_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_on: Mapped[date | None]
    reference: Mapped[str | None] = mapped_column(String(100))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None]

    lines: Mapped[list[PaymentLine]] = relationship(back_populates="batch", order_by="PaymentLine.id")

    @property
    def state_label(self) -> str:
        return BATCH_STATES.get(self.state, self.state)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.status != "cancelled"), Decimal("0.00"))


class PaymentLine(Base):
    __tablename__ = "payment_lines"
    __table_args__ = (Index("ix_payment_lines_status_professional", "status", "professional_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"), index=True)
    forfait_code: Mapped[str] = mapped_column(String(30))
    tariff_version: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="due")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    professional: Mapped[Professional] = relationship()
    batch: Mapped[PaymentBatch | None] = relationship(back_populates="lines")
    links: Mapped[list[PaymentLineSession]] = relationship(back_populates="line", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return LINE_STATUSES.get(self.status, self.status)


class PaymentLineSession(Base):
    """A session paid by a line; `active` turns false when the line is cancelled (the session may be re-paid)."""

    __tablename__ = "payment_line_sessions"
    __table_args__ = (
        Index("uq_payment_line_sessions_active_session", "session_id", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("payment_lines.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("professional_sessions.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    line: Mapped[PaymentLine] = relationship(back_populates="links")


class TariffVersion(Base):
    """One version of the derogatory forfaits, in force from `effective_from` until the next version.

    Rows are never updated: a new amount is a new version. `forfaits` holds the version's forfaits as one
    document (code, label, roles, steps with label and amount as a decimal string, beyond) because a version
    is read and priced as a whole and never queried by step; rehab.domain.tariffs parses and checks it."""

    __tablename__ = "tariff_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    effective_from: Mapped[date] = mapped_column(unique=True)
    lump_sum: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    forfaits: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
