"""Satisfaction questionnaires returned by the professionals three months after the programme.

The source's indicator is the share of professionals satisfied (> 70 / 80 / 85 %): one row per returned
questionnaire, with the 0–10 overall score and whether the professional declared himself satisfied.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.directory import Professional


class ProfessionalSatisfaction(Base):
    __tablename__ = "professional_satisfactions"
    __table_args__ = (
        UniqueConstraint("programme_id", "professional_id",
                         name="uq_professional_satisfactions_programme_professional"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"))
    role: Mapped[str] = mapped_column(String(30))
    received_on: Mapped[date]
    satisfied: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[int | None]  # 0–10
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    professional: Mapped[Professional] = relationship()
