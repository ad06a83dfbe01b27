"""The patient's usual professionals for one programme, by role, each with the date they agreed or
refused. A refusal keeps its row: the replacement is a new row, so the history stays readable."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.directory import Professional

#: Care-team roles → the directory kinds that may fill them.
TEAM_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "medecin_traitant": ("Médecin traitant", ("medecin_traitant",)),
    "pneumologue": ("Pneumologue", ("pneumologue",)),
    "paramedical": ("Masseur-kinésithérapeute ou infirmier(e)", ("kinesitherapeute", "infirmier")),
    "dieteticien": ("Diététicien(ne)", ("dieteticien",)),
    "tabacologue": ("Tabacologue", ("tabacologue",)),
    "psychologue": ("Psychologue", ("psychologue",)),
}


class CareTeamMember(Base):
    __tablename__ = "care_team_members"
    __table_args__ = (Index("ix_care_team_members_programme_role", "programme_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id"))
    agreed_on: Mapped[date | None]
    refused_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    professional: Mapped[Professional] = relationship()

    @property
    def role_label(self) -> str:
        return TEAM_ROLES[self.role][0] if self.role in TEAM_ROLES else self.role

    @property
    def answer(self) -> str:
        if self.refused_on:
            return "refused"
        return "agreed" if self.agreed_on else "pending"
