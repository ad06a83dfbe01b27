"""Frozen inputs of the renderers.

The web/service layer builds these from the models; the renderers see nothing else. Because they are plain
frozen values, a stored snapshot of a context re-renders the same document byte for byte (modulo timestamps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Letterhead:
    """The association's identity printed at the top of every first page (from the settings)."""

    name: str
    address_lines: tuple[str, ...]
    phone: str
    email: str
    logo_path: str | None = None  # a missing or unreadable file prints the name only


@dataclass(frozen=True)
class Addressee:
    """A postal addressee: the name line and the following address lines (street, postcode + town...)."""

    name: str
    address_lines: tuple[str, ...]


@dataclass(frozen=True)
class PatientDocumentContext:
    """Everything the letters sent to a patient need (information letter, acte d'adhésion, attestation...)."""

    letterhead: Letterhead
    patient_name: str
    patient_birth_date: date
    addressee: Addressee
    today: date
    programme_number: int
    d0: date | None
    referent_name: str | None
    coordination_phone: str


@dataclass(frozen=True)
class ScheduleEntry:
    """One line of the patient's personal schedule: a visit or a call on a given day, and who comes/calls."""

    day: date
    label: str
    who: str


@dataclass(frozen=True)
class PersonalScheduleContext:
    """The printable schedule of a patient's visits and calls."""

    document: PatientDocumentContext
    entries: tuple[ScheduleEntry, ...]


@dataclass(frozen=True)
class MinutesAttendee:
    """A participant of a concertation committee, with a readable role (« Médecin directeur »...)."""

    name: str
    role_label: str


@dataclass(frozen=True)
class MinutesItem:
    """One dossier discussed by the committee and the care project recorded for it."""

    patient_label: str
    programme_number: int
    decision: str
    objectives: str
    competences: str
    exercise: str
    safety: str
    ergocycle_model: str
    referent_name: str | None
    notes: str


@dataclass(frozen=True)
class CommitteeMinutesContext:
    """The minutes of a comité de concertation de réhabilitation."""

    letterhead: Letterhead
    meeting_date: date
    location: str
    attendees: tuple[MinutesAttendee, ...]
    items: tuple[MinutesItem, ...]
    next_meeting: date | None


@dataclass(frozen=True)
class EnvelopeSheet:
    """One A4 address sheet for a DL window envelope."""

    sender: Addressee
    recipient: Addressee
