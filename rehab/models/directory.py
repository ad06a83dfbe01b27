"""The directory of professionals and partners the association writes to and works with.

One row per professional or establishment. Duplicates are merged rather than deleted: the
merged row keeps existing with ``merged_into_id`` pointing to the kept record, and every
link (patients, prescriptions, care teams) is repointed, so no history is lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.domain.text import search_key

#: Kinds of directory entries, with their French labels (order = the form's).
KINDS: dict[str, str] = {
    "pneumologue": "Pneumologue",
    "medecin_traitant": "Médecin traitant",
    "kinesitherapeute": "Masseur-kinésithérapeute",
    "infirmier": "Infirmier(e)",
    "dieteticien": "Diététicien(ne)",
    "tabacologue": "Tabacologue",
    "psychologue": "Psychologue",
    "ssr": "Établissement SSR",
    "prestataire": "Prestataire de matériel",
    "association_patients": "Association de patients",
    "groupe_entretien": "Groupe d'entretien",
}

#: Kinds that are establishments or organisations (identified by FINESS, not RPPS).
ORGANISATION_KINDS = frozenset({"ssr", "prestataire", "association_patients", "groupe_entretien"})

#: How the professional prefers to receive letters.
CHANNELS: dict[str, str] = {
    "mssante": "Messagerie sécurisée (MSSanté / Medimail)",
    "post": "Courrier postal",
    "email": "Courriel",
}


class Professional(Base):
    __tablename__ = "professionals"
    __table_args__ = (
        Index("ix_professionals_search_key", "search_key"),
        Index("ix_professionals_kind_department", "kind", "department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    organisation: Mapped[str | None] = mapped_column(String(200))
    rpps: Mapped[str | None] = mapped_column(String(11), index=True)
    finess: Mapped[str | None] = mapped_column(String(9))
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(3))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    mssante: Mapped[str | None] = mapped_column(String(254))
    preferred_channel: Mapped[str] = mapped_column(String(10), default="post")
    notes: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(String(600), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Salaried (e.g. employed by a hospital): paid by the employer, so never paid a derogatory forfait.
    salaried: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    merged_into: Mapped[Professional | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration

    def refresh_search_key(self) -> None:
        """The key covers names, organisation, city and identifiers so one box finds them all."""
        self.search_key = search_key(
            self.name, self.first_name, self.last_name, self.organisation, self.city,
            self.postal_code, self.rpps, self.finess,
        )

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.preferred_channel, self.preferred_channel)

    @property
    def is_organisation(self) -> bool:
        return self.kind in ORGANISATION_KINDS

    @property
    def label(self) -> str:
        """One line for pickers and letters: 'Dr Martin Paul — Pneumologue, Toulouse'."""
        place = f", {self.city}" if self.city else ""
        return f"{self.name} — {self.kind_label}{place}"
