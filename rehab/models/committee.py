"""The « Comité de concertation de réhabilitation »: meetings, who attended, and per dossier the care
project decided there. A closed meeting is frozen: its minutes PDF is kept with its SHA-256."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.programme import Programme
from rehab.models.user import User

#: Why a dossier is on the agenda (the agenda sources of `rehab.services.committee`).
ITEM_KINDS: dict[str, str] = {
    "plan": "Programme validé à planifier",
    "rupture": "Rupture du suivi",
    "event": "Événement intercurrent",
    "synthesis": "Synthèse à revoir",
}
MODALITIES: dict[str, str] = {"continu": "Continu", "intermittent": "Intermittent", "fractionne": "Fractionné"}
ERGOCYCLES: dict[str, str] = {"standard": "Ergocycle standard", "tres_faible_charge": "Ergocycle très faible charge"}


class CommitteeMeeting(Base):
    __tablename__ = "committee_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[date] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(200))
    next_meeting: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Relative to the instance folder: documents/committee/<yyyy>/<random>.pdf
    minutes_path: Mapped[str | None] = mapped_column(String(200))
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    attendees: Mapped[list[CommitteeAttendee]] = relationship(cascade="all, delete-orphan",
                                                              back_populates="meeting")
    items: Mapped[list[CommitteeItem]] = relationship(cascade="all, delete-orphan", back_populates="meeting",
                                                      order_by="CommitteeItem.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CommitteeAttendee(Base):
    __tablename__ = "committee_attendees"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meetings.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="attendees")
    user: Mapped[User] = relationship()


class CommitteeItem(Base):
    """One dossier discussed at one meeting, with the care project recorded for it."""

    __tablename__ = "committee_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "programme_id", "kind", name="uq_committee_items_meeting_programme_kind"),
        Index("ix_committee_items_programme", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meetings.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[str | None] = mapped_column(Text)
    competences: Mapped[str | None] = mapped_column(Text)
    exercise_modality: Mapped[str | None] = mapped_column(String(20))
    initial_load_w: Mapped[int | None]
    exercise_notes: Mapped[str | None] = mapped_column(Text)
    safety: Mapped[str | None] = mapped_column(Text)
    ergocycle_model: Mapped[str | None] = mapped_column(String(30))
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="items")
    programme: Mapped[Programme] = relationship()
    referent: Mapped[User | None] = relationship(foreign_keys=[referent_id])

    @property
    def kind_label(self) -> str:
        return ITEM_KINDS.get(self.kind, self.kind)
