"""Before D0: the calls to reach the patient, the practical data the equipment delivery needs, and the
acte d'adhésion (sent, returned signed) with the start date agreed with the patient."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.dossier import UploadedFile
from rehab.models.user import User

CALL_OUTCOMES: dict[str, str] = {"reached": "Joint", "unreachable": "Injoignable", "call_back": "À rappeler"}


class ContactCall(Base):
    __tablename__ = "contact_calls"
    __table_args__ = (Index("ix_contact_calls_programme_at", "programme_id", "called_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    called_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    callback_on: Mapped[date | None]

    user: Mapped[User | None] = relationship()

    @property
    def outcome_label(self) -> str:
        return CALL_OUTCOMES.get(self.outcome, self.outcome)


class PracticalData(Base):
    """What the equipment provider needs to deliver; no electricity or no phone line excludes home care."""

    __tablename__ = "practical_data"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    floor: Mapped[int | None]
    stairs: Mapped[int | None]
    lift: Mapped[bool] = mapped_column(Boolean, default=False)
    access_notes: Mapped[str | None] = mapped_column(Text)
    electricity: Mapped[bool] = mapped_column(Boolean, default=True)
    phone_line: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    @property
    def exclusions(self) -> list[str]:
        out = []
        if not self.electricity:
            out.append("pas d'électricité au domicile")
        if not self.phone_line:
            out.append("pas de ligne téléphonique")
        return out


class Consent(Base):
    """The acte d'adhésion's round trip and the start date agreed with the patient."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    sent_on: Mapped[date | None]
    signed_on: Mapped[date | None]
    file_id: Mapped[int | None] = mapped_column(ForeignKey("uploaded_files.id", ondelete="SET NULL"))
    agreed_start: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    file: Mapped[UploadedFile | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration
