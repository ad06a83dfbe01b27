"""Dispatch of a validated synthesis to each recipient, on the recipient's channel.

Recipients are the care team's professionals (not having refused) and, for the final and 12-month syntheses
and the closing letter of an interruption, the patient. A professional who prefers MSSanté/Medimail AND has
such an address receives a secure e-mail (SMTP through `mailer`); anyone else — the patient included, whose
record holds no secure address — gets a letter by post (a print batch: address sheet then letter, per
recipient). A postal recipient without a complete address (street, postcode, town) is left out of the batch
and reported, never printed on an empty address sheet. One
row per version × recipient × channel logs every attempt: a retry updates that row, and a row already sent is
never sent again — the message also carries a deterministic Message-ID so a receiving server can spot a
duplicate after a crash. Subjects carry the programme number, never the patient's name.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.roles import Role
from rehab.models import User
from rehab.models.letters import ISSUED_KINDS, LETTER_KINDS, LetterDispatch, LetterVersion
from rehab.services import audit, mailer
from rehab.services.errors import ServiceError
from rehab.services.letter_context import care_team
from rehab.services.letters import complete_task, frozen_pdf
from reports.context import Addressee, EnvelopeSheet, Letterhead
from reports.envelope import render_address_sheets
from reports.syntheses import KIND_NAMES, context_from_json, render_cover_letter

PATIENT_KINDS = frozenset({"finale", "douze_mois", "interruption"})
ELECTRONIC = frozenset({"mssante", "email"})
SENDABLE_STATES = frozenset({"validated", "issued", "dispatched"})
NO_ADDRESS = ("Adresse postale incomplète (rue, code postal et ville) : complétez-la, le courrier n'est pas "
              "imprimé d'ici là.")


@dataclass(frozen=True)
class PrintBatch:
    """The postal batch and the recipients left out for want of a usable address (to tell the assistante)."""

    pdf: bytes
    printed: int
    missing: tuple[str, ...]


def _require(user: User, version: LetterVersion) -> None:
    if not user.has_role(Role.ASSISTANTE):
        raise ServiceError("L'envoi des courriers est fait par l'assistante de coordination.")
    if version.state not in SENDABLE_STATES:
        raise ServiceError("Seule une synthèse validée par le médecin directeur peut être envoyée.")


def postal_address(organisation: str | None, street: str | None, postcode: str | None, town: str | None) -> str:
    """The address lines, or "" when La Poste could not deliver them (no street, postcode or town)."""
    if not (street and street.strip() and postcode and postcode.strip() and town and town.strip()):
        return ""
    return "\n".join(x.strip() for x in (organisation, street, f"{postcode.strip()} {town.strip()}") if x and x.strip())


def _wanted(session: Session, version: LetterVersion) -> list[dict[str, Any]]:
    """(key, name, channel, address, professional id) of every recipient of this version."""
    programme = version.letter.programme
    wanted = []
    for member in care_team(session, programme):
        pro = member.professional
        # The source: « via Medimail (si le correspondant est titulaire d'une adresse Medimail) ou par voie
        # postale ». The address decides, not the directory's preferred channel (which serves other mail).
        secure = bool(pro.mssante and pro.mssante.strip())
        channel, address = ("mssante", (pro.mssante or "").strip()) if secure else (
            "post", postal_address(pro.organisation, pro.address, pro.postal_code, pro.city))
        wanted.append({"recipient_key": f"pro:{pro.id}", "recipient_name": pro.name, "channel": channel,
                       "address": address, "professional_id": pro.id})
    if version.letter.kind in PATIENT_KINDS:
        patient = programme.patient
        wanted.append({"recipient_key": "patient", "recipient_name": patient.display_name, "channel": "post",
                       "address": postal_address(None, patient.adresse, patient.code_postal, patient.ville),
                       "professional_id": None})
    return wanted


def prepare(session: Session, *, version: LetterVersion) -> list[LetterDispatch]:
    """The dispatch rows of this version, one per recipient (idempotent). A row not yet sent follows the
    directory (channel, address), so that fixing an address or a preference is enough; a sent row never
    changes, and a recipient already served is never given a second row."""
    by_recipient: dict[str, list[LetterDispatch]] = {}
    for d in version.dispatches:
        by_recipient.setdefault(d.recipient_key, []).append(d)
    for row in _wanted(session, version):
        rows = by_recipient.get(row["recipient_key"], [])
        if any(d.status == "sent" for d in rows):
            continue
        if rows:
            dispatch = next((d for d in rows if d.channel == row["channel"]), rows[0])
            dispatch.channel, dispatch.address = row["channel"], row["address"]
            dispatch.recipient_name = row["recipient_name"]
        else:
            dispatch = LetterDispatch(version_id=version.id, status="pending", attempts=0, **row)
            version.dispatches.append(dispatch)
            by_recipient[row["recipient_key"]] = [dispatch]
    session.flush()
    return list(version.dispatches)


def missing_addresses(rows: list[LetterDispatch]) -> list[LetterDispatch]:
    """Postal rows still to send that have no usable address (the dispatch page warns about them)."""
    return [d for d in rows if d.channel == "post" and d.status != "sent" and not (d.address or "").strip()]


def subject(version: LetterVersion) -> str:
    """No patient name in a subject line (it travels in clear in mail logs)."""
    return f"{LETTER_KINDS[version.letter.kind]} — programme n° {version.letter.programme_id}"


def send_one(session: Session, *, dispatch: LetterDispatch, config: Mapping[str, Any], root: str, user: User,
             now: datetime) -> None:
    """One electronic send (or retry); a failure is recorded on the row, never raised to the caller."""
    version = session.get_one(LetterVersion, dispatch.version_id)
    _require(user, version)
    if dispatch.channel not in ELECTRONIC:
        raise ServiceError("Ce destinataire reçoit la synthèse par courrier : imprimez le lot postal.")
    if dispatch.status == "sent":
        return
    data = frozen_pdf(root, version)
    dispatch.attempts += 1
    try:
        mailer.send(config, to=dispatch.address or "", subject=subject(version),
                    body=_body(version), message_id=f"<letter-{version.id}-{dispatch.id}@rehab-domicile>",
                    attachments=[mailer.Attachment(f"courrier-{version.letter.kind}-v{version.number}.pdf", data)],
                    outbox=Path(root) / "outbox")
    except mailer.MailError as exc:
        dispatch.status, dispatch.last_error = "failed", str(exc)[:1000]
    else:
        dispatch.status, dispatch.last_error, dispatch.sent_at, dispatch.sent_by_id = "sent", None, now, user.id
    session.flush()
    _log(session, version, dispatch, user=user, now=now)
    _maybe_done(session, version, user=user, now=now)


def _body(version: LetterVersion) -> str:
    kind = version.letter.kind
    validated = "" if kind in ISSUED_KINDS else ", validé par le médecin directeur"
    return (f"Bonjour,\n\nVeuillez trouver ci-joint {KIND_NAMES[kind]} du programme "
            f"n° {version.letter.programme_id} de réhabilitation respiratoire à domicile{validated}."
            "\n\nLa cellule de coordination\n")


def send_electronic(session: Session, *, version: LetterVersion, config: Mapping[str, Any], root: str,
                    user: User, now: datetime) -> int:
    """Sends every electronic row not yet sent; returns how many failed."""
    _require(user, version)
    failed = 0
    for dispatch in prepare(session, version=version):
        if dispatch.channel in ELECTRONIC and dispatch.status != "sent":
            send_one(session, dispatch=dispatch, config=config, root=root, user=user, now=now)
            failed += dispatch.status == "failed"
    return failed


def print_batch(session: Session, *, version: LetterVersion, head: Letterhead, root: str, user: User,
                now: datetime) -> PrintBatch:
    """The postal batch: per post recipient not yet printed, an address sheet, a cover letter, the letter.
    Recipients without a usable address stay « à envoyer » and are named in the result."""
    _require(user, version)
    prepared = prepare(session, version=version)
    missing = missing_addresses(prepared)
    rows = [d for d in prepared if d.channel == "post" and d.status != "sent" and d not in missing]
    if not rows and missing:
        raise ServiceError("Aucun courrier imprimable : adresse postale incomplète pour "
                           f"{', '.join(d.recipient_name for d in missing)}. Complétez-la puis recommencez.")
    if not rows:
        raise ServiceError("Aucun courrier postal à imprimer pour cette synthèse.")
    letter = PdfReader(io.BytesIO(frozen_pdf(root, version)))
    ctx = context_from_json(version.snapshot or {})
    sender = Addressee(name=head.name, address_lines=head.address_lines)
    writer = PdfWriter()
    for dispatch in rows:
        recipient = Addressee(name=dispatch.recipient_name,
                              address_lines=tuple((dispatch.address or "").splitlines()))
        sheet = render_address_sheets([EnvelopeSheet(sender=sender, recipient=recipient)])
        cover = render_cover_letter(ctx, recipient=dispatch.recipient_name,
                                    to_patient=dispatch.recipient_key == "patient")
        for part in (sheet, cover):
            writer.append(PdfReader(io.BytesIO(part)))
        writer.append(letter)
        dispatch.attempts += 1
        dispatch.status, dispatch.sent_at, dispatch.sent_by_id, dispatch.last_error = "sent", now, user.id, None
        _log(session, version, dispatch, user=user, now=now)
    session.flush()
    _maybe_done(session, version, user=user, now=now)
    out = io.BytesIO()
    writer.write(out)
    return PrintBatch(pdf=out.getvalue(), printed=len(rows), missing=tuple(d.recipient_name for d in missing))


def _log(session: Session, version: LetterVersion, dispatch: LetterDispatch, *, user: User,
         now: datetime) -> None:
    audit.record(session, now=now, user_id=user.id, action="dispatch", object_type="letter", object_id=version.id,
                 patient_id=version.letter.programme.patient_id,
                 detail={"recipient": dispatch.recipient_key, "channel": dispatch.channel,
                         "status": dispatch.status, "attempt": dispatch.attempts, "error": dispatch.last_error})


def _maybe_done(session: Session, version: LetterVersion, *, user: User, now: datetime) -> None:
    """Every recipient served: the version is dispatched and the plan's dispatch task closed."""
    if version.state in ("validated", "issued") and version.dispatches and all(
            d.status == "sent" for d in version.dispatches):
        version.state = version.letter.state = "dispatched"
        session.flush()
        complete_task(session, programme=version.letter.programme, kind=version.letter.kind, step="dispatch",
                      user=user, now=now)


def dispatch_by_id(session: Session, dispatch_id: int) -> LetterDispatch | None:
    return session.scalar(select(LetterDispatch).where(LetterDispatch.id == dispatch_id))
