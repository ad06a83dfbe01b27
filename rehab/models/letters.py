"""Synthesis letters: one Letter per programme and kind, its versions, the reviews and the dispatches.

A version moves draft → submitted → reviewed → validated → dispatched. Once validated, its PDF bytes and the
snapshot it was drawn from are frozen (SHA-256 stored); a correction is a NEW version that names the one it
replaces. A dispatch row is unique per version × recipient × channel so that a retry updates the same row
instead of sending twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.directory import Professional
from rehab.models.programme import Programme
from rehab.models.user import User

LETTER_KINDS = {"initiale": "Synthèse initiale", "mi_programme": "Synthèse mi-programme",
                "finale": "Synthèse finale", "douze_mois": "Synthèse à 12 mois",
                "interruption": "Courrier de fin de programme (interruption)",
                "initial_pros": "Courriers initiaux aux professionnels"}
#: The four syntheses: drafted, reviewed by the coordinateur, validated by the médecin directeur.
SYNTHESIS_KINDS = ("initiale", "mi_programme", "finale", "douze_mois")
#: Drafted by the référent and validated by the médecin directeur, the coordinateur's review being optional
#: (the protocol plans no review task for it).
DIRECT_VALIDATION_KINDS = frozenset({"interruption"})
#: Issued and dispatched by the assistante without medical validation (a desk task in the cahier des charges).
ISSUED_KINDS = frozenset({"initial_pros"})
#: The plan's task of each step of each kind (protocol TOML); a step without a task closes nothing.
TASK_CODES: dict[str, dict[str, str]] = {
    **{kind: {step: f"{prefix}_{step}" for step in ("draft", "review", "validation", "dispatch")}
       for kind, prefix in (("initiale", "synthese_initiale"), ("mi_programme", "synthese_mi_programme"),
                            ("finale", "synthese_finale"), ("douze_mois", "synthese_12_mois"))},
    "interruption": {step: f"interruption_letter_{step}" for step in ("draft", "validation", "dispatch")},
    "initial_pros": {"dispatch": "care_team_initial_letters"},
}
#: The protocol's `letter` code of a task → the kind of letter it leads to.
KIND_OF_TASK_LETTER = {"synthese_initiale": "initiale", "synthese_mi_programme": "mi_programme",
                       "synthese_finale": "finale", "synthese_12_mois": "douze_mois",
                       "courrier_interruption": "interruption", "courrier_initial_professionnels": "initial_pros"}
VERSION_STATES = {"draft": "Brouillon", "submitted": "Soumise", "reviewed": "Relue", "validated": "Validée",
                  "issued": "Établie", "dispatched": "Envoyée"}
FROZEN_STATES = frozenset({"validated", "issued", "dispatched"})
CHANNELS = {"mssante": "MSSanté / Medimail", "post": "Courrier postal", "email": "Courriel"}
DISPATCH_STATES = {"pending": "À envoyer", "sent": "Envoyé", "failed": "Échec", "cancelled": "Annulé"}
#: Rows still to send. A cancelled row (recipient who left the care team, version replaced by a newer one)
#: stays in the log with its reason in `last_error` but is never sent.
OPEN_DISPATCH_STATES = frozenset({"pending", "failed"})


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("programme_id", "kind", name="uq_letters_programme_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(12), default="draft")  # the current version's state
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    versions: Mapped[list[LetterVersion]] = relationship(back_populates="letter", order_by="LetterVersion.number",
                                                         cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return LETTER_KINDS.get(self.kind, self.kind)

    @property
    def current(self) -> LetterVersion | None:
        return self.versions[-1] if self.versions else None


class LetterVersion(Base):
    __tablename__ = "letter_versions"
    __table_args__ = (UniqueConstraint("letter_id", "number", name="uq_letter_versions_letter_number"),
                      Index("ix_letter_versions_state_submitted", "state", "submitted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    number: Mapped[int]
    replaces_version_id: Mapped[int | None] = mapped_column(ForeignKey("letter_versions.id"))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pdf_path: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(default=1)  # optimistic lock of the draft's free text

    letter: Mapped[Letter] = relationship(back_populates="versions")
    replaces: Mapped[LetterVersion | None] = relationship(remote_side=[id])
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])
    reviews: Mapped[list[LetterReview]] = relationship(order_by="LetterReview.id", cascade="all, delete-orphan")
    dispatches: Mapped[list[LetterDispatch]] = relationship(order_by="LetterDispatch.id",
                                                            cascade="all, delete-orphan")

    @property
    def frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def state_label(self) -> str:
        return VERSION_STATES.get(self.state, self.state)


class LetterReview(Base):
    __tablename__ = "letter_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("letter_versions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comments: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(12))  # sent_back | passed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[User] = relationship()


class LetterDispatch(Base):
    __tablename__ = "letter_dispatches"
    __table_args__ = (UniqueConstraint("version_id", "recipient_key", "channel",
                                       name="uq_letter_dispatches_version_recipient_channel"),
                      Index("ix_letter_dispatches_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("letter_versions.id", ondelete="CASCADE"))
    recipient_key: Mapped[str] = mapped_column(String(40))  # « pro:<id> » or « patient »
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    recipient_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(400))  # e-mail address or postal lines
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    professional: Mapped[Professional | None] = relationship()

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def status_label(self) -> str:
        return DISPATCH_STATES.get(self.status, self.status)


FROZEN_ATTRS = ("sections", "snapshot", "pdf_path", "sha256", "validated_at", "validated_by_id", "number")


@event.listens_for(LetterVersion, "before_update")
def _refuse_frozen_changes(_mapper: Any, _connection: Any, target: LetterVersion) -> None:
    """Last line of defence behind the service: a validated version's frozen columns never change."""
    state = inspect(target)
    was = state.attrs.sha256.history
    previous_sha = (was.deleted or was.unchanged or [None])[0]
    if previous_sha is None:
        return
    changed = [name for name in FROZEN_ATTRS if state.attrs[name].history.has_changes()]
    if changed:
        raise ValueError(f"Synthèse validée non modifiable ({', '.join(changed)}).")
