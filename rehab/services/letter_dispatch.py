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

A row whose recipient is no longer wanted (a professional who refused after the rows were drawn up, or every
row of a version replaced by a newer one) is cancelled, its reason kept on the row and in the audit log, and
never sent; only the letter's current frozen version can be sent. Senders take a write lock and re-read the
rows before sending, so two simultaneous « send » clicks never send the same row twice.
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
from rehab.models.letters import ISSUED_KINDS, LETTER_KINDS, OPEN_DISPATCH_STATES, LetterDispatch, LetterVersion
from rehab.services import audit, locks, mailer
from rehab.services.errors import ServiceError
from rehab.services.letter_context import care_team
from rehab.services.letters import complete_task, current_frozen, frozen_pdf
from reports.context import Addressee, EnvelopeSheet, Letterhead
from reports.envelope import render_address_sheets
from reports.syntheses import KIND_NAMES, context_from_json, render_cover_letter

PATIENT_KINDS = frozenset({"finale", "douze_mois", "interruption"})
ELECTRONIC = frozenset({"mssante", "email"})
SENDABLE_STATES = frozenset({"validated", "issued", "dispatched"})
BUSY = "Un autre envoi de ce courrier est en cours : rechargez la page dans un instant."
LEFT_TEAM = "Ne fait plus partie de l'équipe de soins : non envoyé."
NO_ADDRESS = ("Adresse postale incomplète (rue, code postal et ville) : complétez-la, le courrier n'est pas "
              "imprimé d'ici là.")


@dataclass(frozen=True)
class PrintBatch:
    """The postal batch and the recipients left out for want of a usable address (to tell the assistante)."""

    pdf: bytes
    printed: int
    missing: tuple[str, ...]


class ReplacedVersionError(ServiceError):
    """A newer version of the letter has been validated: this one must not go out (answered with 409)."""


def _require(user: User, version: LetterVersion) -> None:
    if not user.has_role(Role.ASSISTANTE):
        raise ServiceError("L'envoi des courriers est fait par l'assistante de coordination.")
    if version.state not in SENDABLE_STATES:
        raise ServiceError("Seule une synthèse validée par le médecin directeur peut être envoyée.")
    latest = current_frozen(version.letter)
    if latest is not None and latest.id != version.id:
        raise ReplacedVersionError(f"La version {version.number} a été remplacée par la version {latest.number} "
                                   f": seule la version {latest.number} peut être envoyée.")


def _lock(session: Session, version: LetterVersion) -> None:
    """Serialise the senders of this version, then re-read its rows (another sender may have sent some).

    SQLite has one writer at a time: a no-op write takes the writer lock now (a connection begun with BEGIN
    IMMEDIATE already holds it); a transaction that cannot get it is told to reload. PostgreSQL locks the
    version row and its dispatch rows FOR UPDATE. Held until commit — including while the e-mail goes out,
    which is what makes a second click wait and then find the row « sent »."""
    locks.take_write_lock(session, busy=BUSY)
    session.refresh(version, attribute_names=["state"], with_for_update=True)
    session.scalars(select(LetterDispatch).where(LetterDispatch.version_id == version.id)
                    .order_by(LetterDispatch.id).with_for_update()
                    .execution_options(populate_existing=True)).all()
    session.expire(version, ["dispatches"])


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


def prepare(session: Session, *, version: LetterVersion, user: User, now: datetime) -> list[LetterDispatch]:
    """The dispatch rows of this version, one per recipient (idempotent). A row not yet sent follows the
    directory (channel, address), so that fixing an address or a preference is enough; a sent row never
    changes, and a recipient already served is never given a second row. A row not yet sent whose recipient
    has left the care team (refusal) is cancelled, and comes back if the recipient does."""
    wanted = _wanted(session, version)
    cancelled = _cancel_unwanted(session, version, {row["recipient_key"] for row in wanted}, user=user, now=now)
    by_recipient: dict[str, list[LetterDispatch]] = {}
    for d in version.dispatches:
        by_recipient.setdefault(d.recipient_key, []).append(d)
    for row in wanted:
        rows = by_recipient.get(row["recipient_key"], [])
        if any(d.status == "sent" for d in rows):
            continue
        if rows:
            dispatch = next((d for d in rows if d.channel == row["channel"]), rows[0])
            dispatch.channel, dispatch.address = row["channel"], row["address"]
            dispatch.recipient_name = row["recipient_name"]
            if dispatch.status == "cancelled":  # back in the team
                dispatch.status, dispatch.last_error = "pending", None
        else:
            dispatch = LetterDispatch(version_id=version.id, status="pending", attempts=0, **row)
            version.dispatches.append(dispatch)
            by_recipient[row["recipient_key"]] = [dispatch]
    session.flush()
    if cancelled:  # the refuser's row may have been the last one waiting
        _maybe_done(session, version, user=user, now=now)
    return list(version.dispatches)


def _cancel_unwanted(session: Session, version: LetterVersion, keys: set[str], *, user: User,
                     now: datetime) -> int:
    """Cancels (and logs) the rows not yet sent of recipients no longer in the care team."""
    cancelled = 0
    for d in version.dispatches:
        if d.recipient_key not in keys and d.status in OPEN_DISPATCH_STATES:
            d.status, d.last_error = "cancelled", LEFT_TEAM
            _log(session, version, d, user=user, now=now)
            cancelled += 1
    return cancelled


def missing_addresses(rows: list[LetterDispatch]) -> list[LetterDispatch]:
    """Postal rows still to send that have no usable address (the dispatch page warns about them)."""
    return [d for d in rows if d.channel == "post" and d.status in OPEN_DISPATCH_STATES
            and not (d.address or "").strip()]


def subject(version: LetterVersion) -> str:
    """No patient name in a subject line (it travels in clear in mail logs)."""
    return f"{LETTER_KINDS[version.letter.kind]} — programme n° {version.letter.programme_id}"


def send_one(session: Session, *, dispatch: LetterDispatch, config: Mapping[str, Any], root: str, user: User,
             now: datetime) -> None:
    """One electronic send (or retry); a failure is recorded on the row, never raised to the caller."""
    version = session.get_one(LetterVersion, dispatch.version_id)
    _require(user, version)
    _lock(session, version)
    prepare(session, version=version, user=user, now=now)
    if dispatch.status == "cancelled":
        raise ServiceError(f"{dispatch.recipient_name} ne fait plus partie des destinataires : rien n'est envoyé.")
    if dispatch.channel not in ELECTRONIC:
        raise ServiceError("Ce destinataire reçoit la synthèse par courrier : imprimez le lot postal.")
    if dispatch.status == "sent":
        return
    _send(session, version, dispatch, config=config, root=root, user=user, now=now)
    _maybe_done(session, version, user=user, now=now)


def _send(session: Session, version: LetterVersion, dispatch: LetterDispatch, *, config: Mapping[str, Any],
          root: str, user: User, now: datetime) -> None:
    """The e-mail itself, under the lock taken by the caller; the outcome is recorded on the row and logged."""
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
    _lock(session, version)
    failed = 0
    for dispatch in prepare(session, version=version, user=user, now=now):
        if dispatch.channel in ELECTRONIC and dispatch.status in OPEN_DISPATCH_STATES:
            _send(session, version, dispatch, config=config, root=root, user=user, now=now)
            failed += dispatch.status == "failed"
    _maybe_done(session, version, user=user, now=now)
    return failed


def print_batch(session: Session, *, version: LetterVersion, head: Letterhead, root: str, user: User,
                now: datetime) -> PrintBatch:
    """The postal batch: per post recipient not yet printed, an address sheet, a cover letter, the letter.
    Recipients without a usable address stay « à envoyer » and are named in the result."""
    _require(user, version)
    _lock(session, version)
    prepared = prepare(session, version=version, user=user, now=now)
    missing = missing_addresses(prepared)
    rows = [d for d in prepared if d.channel == "post" and d.status in OPEN_DISPATCH_STATES and d not in missing]
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
    """Every recipient served (cancelled rows aside): the version is dispatched and the plan's dispatch task
    closed."""
    live = [d for d in version.dispatches if d.status != "cancelled"]
    if version.state in ("validated", "issued") and live and all(d.status == "sent" for d in live):
        version.state = version.letter.state = "dispatched"
        session.flush()
        complete_task(session, programme=version.letter.programme, kind=version.letter.kind, step="dispatch",
                      user=user, now=now)


def dispatch_by_id(session: Session, dispatch_id: int) -> LetterDispatch | None:
    return session.scalar(select(LetterDispatch).where(LetterDispatch.id == dispatch_id))
