"""The ergocycle fleet: units, their dated movements, reservations for programmes, maintenance, and the
delivery / pick-up orders sent to the equipment provider.

A unit is never at two patients at once: the service refuses a second reservation and a partial unique
index on active reservations (one per unit, one per programme) catches a race between two desks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm import Session as OrmSession

from rehab.db import Base, utcnow
from rehab.models.directory import Professional
from rehab.models.organisation import Association
from rehab.models.programme import Programme
from rehab.models.user import User

UNIT_STATUSES: dict[str, str] = {
    "available": "Disponible",
    "reserved": "Réservé",
    "at_patient": "Au domicile d'un patient",
    "in_transit": "En transit",
    "maintenance": "En maintenance",
    "retired": "Réformé",
}
#: The model categories the comité chooses from (same keys as CommitteeItem.ergocycle_model).
CATEGORIES: dict[str, str] = {"standard": "Standard", "tres_faible_charge": "Très faible charge"}
ORDER_KINDS: dict[str, str] = {"delivery": "Livraison", "pickup": "Récupération"}
ORDER_CHANNELS: dict[str, str] = {"pdf": "Bon PDF (télécopie / courrier)", "email": "Courriel"}
ACTIVE = "active"
_ACTIVE_WHERE = text("state = 'active'")
_OPEN_ORDER_WHERE = text("done_on IS NULL AND cancelled_at IS NULL")


class Ergocycle(Base):
    __tablename__ = "ergocycles"
    __table_args__ = (Index("ix_ergocycles_status_vll", "status", "very_low_load"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(60), unique=True)
    model: Mapped[str] = mapped_column(String(100))
    very_low_load: Mapped[bool] = mapped_column(Boolean, default=False)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="available")
    location: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    association: Mapped[Association] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    @property
    def status_label(self) -> str:
        return UNIT_STATUSES.get(self.status, self.status)

    @property
    def category(self) -> str:
        return "tres_faible_charge" if self.very_low_load else "standard"


class Reservation(Base):
    """A unit booked for a programme from delivery to pick-up; `state` active → ended | cancelled."""

    __tablename__ = "ergocycle_reservations"
    __table_args__ = (
        Index("uq_ergocycle_reservations_active_unit", "ergocycle_id", unique=True,
              sqlite_where=_ACTIVE_WHERE, postgresql_where=_ACTIVE_WHERE),
        Index("uq_ergocycle_reservations_active_programme", "programme_id", unique=True,
              sqlite_where=_ACTIVE_WHERE, postgresql_where=_ACTIVE_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ergocycle_id: Mapped[int] = mapped_column(ForeignKey("ergocycles.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[date]
    end_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]

    ergocycle: Mapped[Ergocycle] = relationship()
    programme: Mapped[Programme] = relationship()


class Movement(Base):
    """One dated change of a unit's status or location (append-only history)."""

    __tablename__ = "ergocycle_movements"
    __table_args__ = (Index("ix_ergocycle_movements_unit_at", "ergocycle_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ergocycle_id: Mapped[int] = mapped_column(ForeignKey("ergocycles.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    moved_on: Mapped[date]
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(200), default="")
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return UNIT_STATUSES.get(self.to_status, self.to_status)


class MaintenanceLog(Base):
    __tablename__ = "ergocycle_maintenance"

    id: Mapped[int] = mapped_column(primary_key=True)
    ergocycle_id: Mapped[int] = mapped_column(ForeignKey("ergocycles.id"), index=True)
    performed_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()


class ProviderOrder(Base):
    """A delivery or pick-up asked of the provider, with the practical data frozen when it was prepared."""

    __tablename__ = "provider_orders"
    __table_args__ = (
        Index("uq_provider_orders_open_programme_kind", "programme_id", "kind", unique=True,
              sqlite_where=_OPEN_ORDER_WHERE, postgresql_where=_OPEN_ORDER_WHERE),
        Index("ix_provider_orders_kind_planned", "kind", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    ergocycle_id: Mapped[int | None] = mapped_column(ForeignKey("ergocycles.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    planned_on: Mapped[date]
    window_end: Mapped[date]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sent_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(10))
    confirmed_at: Mapped[datetime | None]
    done_on: Mapped[date | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    programme: Mapped[Programme] = relationship()
    ergocycle: Mapped[Ergocycle | None] = relationship()
    provider: Mapped[Professional | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    @property
    def kind_label(self) -> str:
        return ORDER_KINDS.get(self.kind, self.kind)

    @property
    def is_open(self) -> bool:
        return self.done_on is None and self.cancelled_at is None


PICKUP_TRIGGER_CODE = "interruption_ergocycle_pickup"


@event.listens_for(OrmSession, "after_flush")
def _collect_interruption_pickups(session: OrmSession, _flush: Any) -> None:
    """An interruption adds the `interruption_ergocycle_pickup` task: note it, whoever flushed it (the plan
    service needs no change); the order is prepared just after the flush (`after_flush_postexec`)."""
    from rehab.models.plan import Task

    new = [obj for obj in session.new if isinstance(obj, Task) and obj.code == PICKUP_TRIGGER_CODE]
    if new:
        session.info.setdefault("fleet_pickups", []).extend(new)


@event.listens_for(OrmSession, "after_flush_postexec")
def _prepare_interruption_pickups(session: OrmSession, _flush: Any) -> None:
    tasks = session.info.pop("fleet_pickups", [])
    if tasks:
        from rehab.services.fleet_orders import prepare_pickup

        with session.no_autoflush:
            for task in tasks:
                prepare_pickup(session, task.programme, task.created_at or utcnow(), task=task)
