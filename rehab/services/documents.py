"""Builds the renderers' frozen contexts from the database and returns the PDFs.

Every generation of a patient document is audited (who printed what, for whom, when). The committee
minutes are stored under <instance>/documents with their SHA-256 so the frozen record can be checked.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.protocol_labels import TASK_ROLE_LABELS
from rehab.domain.roles import Role
from rehab.models import CareTeamMember, CommitteeMeeting, Programme, Task, User
from rehab.models.committee import ERGOCYCLES, MODALITIES
from rehab.models.plan import OPEN_STATE
from rehab.services import audit
from rehab.services.errors import ServiceError
from reports.committee import render_committee_minutes
from reports.context import (
    Addressee,
    CommitteeMinutesContext,
    EnvelopeSheet,
    Letterhead,
    MinutesAttendee,
    MinutesItem,
    PatientDocumentContext,
    PersonalScheduleContext,
    ScheduleEntry,
)
from reports.documents import (
    render_acte_adhesion,
    render_information_letter,
    render_personal_schedule,
    render_qol_cover_letter,
)
from reports.envelope import render_address_sheets

#: The documents posted to a patient before D0: code → (label, renderer).
PATIENT_DOCUMENTS: dict[str, tuple[str, Callable[[PatientDocumentContext], bytes]]] = {
    "information": ("Lettre d'information", render_information_letter),
    "adhesion": ("Acte d'adhésion", render_acte_adhesion),
    "qualite_de_vie": ("Lettre d'accompagnement du questionnaire de qualité de vie", render_qol_cover_letter),
}
SCHEDULE = "calendrier"
ENVELOPE = "enveloppe"
SCHEDULE_KINDS = ("visit", "call")


def files_root(config: Mapping[str, Any], instance_path: str) -> str:
    """Where uploads and stored documents live (tests point INSTANCE_FILES at a temporary folder)."""
    return str(config.get("INSTANCE_FILES") or instance_path)


def letterhead(config: Mapping[str, Any], instance_path: str) -> Letterhead:
    logo = config.get("ASSOCIATION_LOGO")
    return Letterhead(name=str(config.get("ASSOCIATION_NAME") or "Réhab Domicile"),
                      address_lines=tuple(config.get("ASSOCIATION_ADDRESS") or ()),
                      phone=str(config.get("ASSOCIATION_PHONE") or ""),
                      email=str(config.get("ASSOCIATION_EMAIL") or ""),
                      logo_path=str(Path(instance_path) / logo) if logo else None)


def patient_context(programme: Programme, *, head: Letterhead, today: date) -> PatientDocumentContext:
    patient = programme.patient
    lines = tuple(x for x in (patient.adresse, " ".join(filter(None, (patient.code_postal, patient.ville)))) if x)
    civility = "Madame" if patient.sexe == "F" else "Monsieur"
    return PatientDocumentContext(
        letterhead=head, patient_name=patient.display_name, patient_birth_date=patient.date_naissance,
        addressee=Addressee(name=f"{civility} {patient.display_name}", address_lines=lines), today=today,
        programme_number=programme.id, d0=programme.d0,
        referent_name=programme.referent.full_name if programme.referent else None,
        coordination_phone=head.phone)


def _schedule(session: Session, programme: Programme, ctx: PatientDocumentContext) -> PersonalScheduleContext:
    if programme.d0 is None:
        raise ServiceError("Le calendrier personnel sera disponible une fois le J0 fixé et le plan généré.")
    tasks = session.scalars(select(Task).where(
        Task.programme_id == programme.id, Task.batch >= 0, Task.state == OPEN_STATE,
        Task.kind.in_(SCHEDULE_KINDS)).order_by(Task.due_date))
    entries = tuple(ScheduleEntry(day=t.due_date, label=t.label, who=TASK_ROLE_LABELS.get(t.role, t.role))
                    for t in tasks)
    return PersonalScheduleContext(document=ctx, entries=entries)


def patient_document(session: Session, *, programme: Programme, code: str, head: Letterhead, user: User,
                     now: datetime, today: date, ip: str | None) -> tuple[str, bytes]:
    """Returns (file name, PDF) and audits the generation."""
    ctx = patient_context(programme, head=head, today=today)
    if code == SCHEDULE:
        data = render_personal_schedule(_schedule(session, programme, ctx))
    elif code == ENVELOPE:
        data = render_address_sheets([EnvelopeSheet(sender=_sender(head), recipient=ctx.addressee)])
    elif code in PATIENT_DOCUMENTS:
        data = PATIENT_DOCUMENTS[code][1](ctx)
    else:
        raise ServiceError("Document inconnu.")
    audit.record(session, now=now, user_id=user.id, action="generate", object_type="document",
                 object_id=programme.id, object_version=programme.version, patient_id=programme.patient_id,
                 ip=ip, detail={"document": code, "sha256": hashlib.sha256(data).hexdigest()})
    return f"{code}-programme-{programme.id}.pdf", data


def _sender(head: Letterhead) -> Addressee:
    return Addressee(name=head.name, address_lines=head.address_lines)


def team_envelopes(session: Session, *, programme: Programme, members: list[CareTeamMember], head: Letterhead,
                   user: User, now: datetime, ip: str | None) -> bytes:
    """One address sheet per professional of the care team not having refused, for the letters to the team."""
    sheets = []
    for member in members:
        if member.refused_on:
            continue
        pro = member.professional
        lines = tuple(x for x in (pro.organisation, pro.address,
                                  " ".join(filter(None, (pro.postal_code, pro.city)))) if x)
        sheets.append(EnvelopeSheet(sender=_sender(head), recipient=Addressee(name=pro.name, address_lines=lines)))
    if not sheets:
        raise ServiceError("Aucun professionnel de l'équipe de soins à qui écrire pour l'instant.")
    data = render_address_sheets(sheets)
    audit.record(session, now=now, user_id=user.id, action="generate", object_type="document",
                 object_id=programme.id, patient_id=programme.patient_id, ip=ip,
                 detail={"document": "enveloppes_equipe", "sheets": len(sheets)})
    return data


def _role_label(user: User) -> str:
    for role in (Role.MEDECIN, Role.COORDINATEUR, Role.ASSISTANTE, Role.REFERENT):
        if role in user.roles:
            return role.label
    return ""


def _exercise(modality: str | None, load: int | None, notes: str | None) -> str:
    parts = [MODALITIES.get(modality or "", "")]
    if load is not None:
        parts.append(f"charge initiale {load} W")
    parts.append(notes or "")
    return " ; ".join(p for p in parts if p)


def minutes_context(meeting: CommitteeMeeting, *, head: Letterhead) -> CommitteeMinutesContext:
    attendees = tuple(MinutesAttendee(name=a.user.full_name, role_label=_role_label(a.user))
                      for a in sorted(meeting.attendees, key=lambda a: a.user.full_name))
    items = tuple(MinutesItem(
        patient_label=i.programme.patient.display_name, programme_number=i.programme_id,
        decision=i.decision or i.kind_label, objectives=i.objectives or "", competences=i.competences or "",
        exercise=_exercise(i.exercise_modality, i.initial_load_w, i.exercise_notes), safety=i.safety or "",
        ergocycle_model=ERGOCYCLES.get(i.ergocycle_model or "", ""),
        referent_name=i.referent.full_name if i.referent else None, notes=i.notes or "")
        for i in meeting.items if i.recorded)
    return CommitteeMinutesContext(letterhead=head, meeting_date=meeting.meeting_date, location=meeting.location,
                                   attendees=attendees, items=items, next_meeting=meeting.next_meeting)


def render_minutes(meeting: CommitteeMeeting, *, head: Letterhead) -> bytes:
    return render_committee_minutes(minutes_context(meeting, head=head))


def store_document(instance_path: str, data: bytes, *, folder: str, now: datetime) -> tuple[str, str]:
    """Writes under <instance>/documents/<folder>/<yyyy>/<random>.pdf; returns (relative path, SHA-256)."""
    relative = f"documents/{folder}/{now.year:04d}/{secrets.token_hex(16)}.pdf"
    target = Path(instance_path) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        handle.write(data)
    return relative, hashlib.sha256(data).hexdigest()


def stored_path(instance_path: str, relative: str) -> Path:
    """The absolute path of a stored document, refusing anything outside <instance>/documents."""
    root = (Path(instance_path) / "documents").resolve()
    path = (Path(instance_path) / relative).resolve()
    if root not in path.parents or not path.is_file():
        raise ServiceError("Document introuvable.")
    return path
