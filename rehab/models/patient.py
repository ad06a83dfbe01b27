"""The patient: identity, contact, carer and usual doctors."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.domain.text import search_key

if TYPE_CHECKING:
    from rehab.models.directory import Professional
    from rehab.models.programme import Programme

SEXES = {"F": "Féminin", "M": "Masculin", "I": "Indéterminé"}
INS_STATUSES = {
    "provisoire": "Identité provisoire",
    "recuperee": "Identité récupérée",
    "validee": "Identité validée",
    "qualifiee": "Identité qualifiée",
}

#: Fields a user edits; the order is the form's and the change log's.
EDITABLE_FIELDS = (
    "nom_naissance", "nom_usage", "prenoms", "date_naissance", "sexe", "ins_matricule", "ins_status",
    "adresse", "code_postal", "ville", "department", "telephone", "telephone2", "email",
    "aidant_nom", "aidant_lien", "aidant_telephone", "medecin_traitant", "pneumologue",
    "medecin_traitant_id", "pneumologue_id",
)


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (
        Index("ix_patients_search_key", "search_key"),
        Index("ix_patients_date_naissance", "date_naissance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nom_naissance: Mapped[str] = mapped_column(String(100))
    nom_usage: Mapped[str | None] = mapped_column(String(100))
    prenoms: Mapped[str] = mapped_column(String(150))
    date_naissance: Mapped[date]
    sexe: Mapped[str] = mapped_column(String(1))
    ins_matricule: Mapped[str | None] = mapped_column(String(15))
    ins_status: Mapped[str | None] = mapped_column(String(20))
    adresse: Mapped[str | None] = mapped_column(String(300))
    code_postal: Mapped[str | None] = mapped_column(String(10))
    ville: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(3), index=True)
    telephone: Mapped[str | None] = mapped_column(String(30))
    telephone2: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    aidant_nom: Mapped[str | None] = mapped_column(String(200))
    aidant_lien: Mapped[str | None] = mapped_column(String(100))
    aidant_telephone: Mapped[str | None] = mapped_column(String(30))
    medecin_traitant: Mapped[str | None] = mapped_column(Text)
    pneumologue: Mapped[str | None] = mapped_column(Text)
    # Directory links (the free text above stays for display and history).
    medecin_traitant_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    pneumologue_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    search_key: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    programmes: Mapped[list[Programme]] = relationship(
        back_populates="patient", order_by="Programme.created_at.desc()"
    )

    medecin_traitant_pro: Mapped[Professional | None] = relationship(foreign_keys=[medecin_traitant_id])
    pneumologue_pro: Mapped[Professional | None] = relationship(foreign_keys=[pneumologue_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    def refresh_search_key(self) -> None:
        self.search_key = search_key(self.nom_naissance, self.nom_usage, self.prenoms)

    @property
    def display_name(self) -> str:
        name = self.nom_usage or self.nom_naissance
        born = f" (née {self.nom_naissance})" if self.nom_usage and self.nom_usage != self.nom_naissance else ""
        return f"{name.upper()} {self.prenoms}{born}"

    @property
    def initials(self) -> str:
        first = self.prenoms.split()[0][0] if self.prenoms.split() else ""
        return f"{first}{(self.nom_usage or self.nom_naissance)[:1]}".upper()
