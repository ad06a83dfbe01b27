"""A programme is one run of the path for one patient; its transitions are its history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.domain.programme_states import Status
from rehab.models.organisation import Association
from rehab.models.patient import Patient
from rehab.models.user import User


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        Index("ix_programmes_referent_status", "referent_id", "status"),
        Index("ix_programmes_department_status", "department", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    association_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id"))
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=Status.DEMANDE.value)
    # The patient's department when the programme was opened: it decides which sector sees it.
    department: Mapped[str | None] = mapped_column(String(3))
    referral_date: Mapped[date | None]
    d0: Mapped[date | None]
    protocol_code: Mapped[str | None] = mapped_column(String(60))
    protocol_version: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # Facts the plan depends on (conditional consultations); known from the dossier, confirmed at inclusion.
    bmi: Mapped[float | None]
    smoker: Mapped[bool] = mapped_column(Boolean, default=False)
    psychology_support: Mapped[bool] = mapped_column(Boolean, default=False)
    paramedical_in_team: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Number of trigger events recorded so far (each one's tasks form a batch).
    event_batches: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    patient: Mapped[Patient] = relationship(back_populates="programmes")
    referent: Mapped[User | None] = relationship()
    association: Mapped[Association | None] = relationship()
    transitions: Mapped[list[ProgrammeTransition]] = relationship(
        back_populates="programme", order_by="ProgrammeTransition.at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class ProgrammeTransition(Base):
    __tablename__ = "programme_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[Programme] = relationship(back_populates="transitions")
    user: Mapped[User | None] = relationship()
