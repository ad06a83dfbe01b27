"""The referral dossier of a programme (one per programme), its pieces, and stored uploaded files.

A programme without a dossier row is a legacy or demo programme: none of the dossier rules apply to it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.directory import Professional
from rehab.models.programme import Programme
from rehab.models.user import User

#: The médecin directeur's decisions.
DECISIONS = {
    "valide": "Dossier validé",
    "complements": "Compléments demandés",
    "reoriente": "Réorienté vers un SSR",
}

#: What the patient himself chose, recorded with the decision (he stays the decision-maker).
PATIENT_CHOICES = {
    "domicile": "Souhaite la réhabilitation à domicile",
    "ssr": "Préfère une prise en charge en SSR",
    "non_exprime": "Choix non encore exprimé",
}


class UploadedFile(Base):
    """A scanned document kept under <instance>/uploads; the user's file name is never part of the path."""

    __tablename__ = "uploaded_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    storage_path: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dossier(Base):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    referral_date: Mapped[date]
    channel: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(30))
    prescriber_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"), index=True)
    complete_on: Mapped[date | None]
    #: Eligibility answers: criterion id → True (inclusion met / exclusion present) or False.
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    carer_name: Mapped[str | None] = mapped_column(String(200))
    eligibility_checked_at: Mapped[datetime | None]
    eligibility_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    patient_choice: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    programme: Mapped[Programme] = relationship()
    prescriber: Mapped[Professional | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    pieces: Mapped[list[DossierPiece]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierPiece.position")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    def received(self) -> dict[str, date | None]:
        return {p.code: p.received_on for p in self.pieces}


class DossierPiece(Base):
    __tablename__ = "dossier_pieces"
    __table_args__ = (UniqueConstraint("dossier_id", "code", name="uq_dossier_pieces_dossier_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date | None]
    file_id: Mapped[int | None] = mapped_column(ForeignKey("uploaded_files.id", ondelete="SET NULL"))
    #: Relances made for this piece (the chase task is pushed back a week each time).
    chase_count: Mapped[int] = mapped_column(Integer, default=0)
    last_chased_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="pieces")
    file: Mapped[UploadedFile | None] = relationship()
