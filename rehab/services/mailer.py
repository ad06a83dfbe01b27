"""E-mail: a real SMTP client (smtplib, STARTTLS or SSL), or a folder outbox in development.

Configuration (Flask config or a plain dict): MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS),
MAIL_USE_SSL, MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM.  Without MAIL_SERVER, messages are written as
.eml files under `<instance>/outbox/` so a developer can open them — nothing leaves the machine.

A message carries a deterministic Message-ID (`message_id` argument): if a crash between the send and
the « sent » mark makes the sweep send it again, receiving servers and clients can recognise the
duplicate.  A refused connection or an SMTP error raises `MailError`, which the sweep records and retries
with backoff.  Subjects must never carry a patient's full name: callers pass programme numbers.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

DEFAULT_FROM = "Réhab Domicile <ne-pas-repondre@rehab-domicile.invalid>"


class MailError(Exception):
    """The message could not be handed to the mail server (refused, timeout, rejected)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def build_message(*, to: str, subject: str, body: str, sender: str,
                  attachments: Sequence[Attachment] = (), message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    for att in attachments:
        maintype, _, subtype = att.mimetype.partition("/")
        msg.add_attachment(att.content, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=att.filename)
    return msg


def send(config: Mapping[str, Any], *, to: str, subject: str, body: str, attachments: Sequence[Attachment] = (),
         message_id: str | None = None, outbox: str | Path | None = None) -> str:
    """Send one message; returns where it went (« smtp:host » or the .eml path). Raises MailError."""
    msg = build_message(to=to, subject=subject, body=body, sender=config.get("MAIL_FROM") or DEFAULT_FROM,
                        attachments=attachments, message_id=message_id)
    server = config.get("MAIL_SERVER")
    if not server:
        if outbox is None:
            raise MailError("Aucun serveur de courriel ni dossier d'envoi configuré.")
        return str(_write_outbox(Path(outbox), msg, message_id))
    _smtp_send(config, str(server), msg)
    return f"smtp:{server}"


def _write_outbox(folder: Path, msg: EmailMessage, message_id: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = (message_id or msg["Date"]).strip("<>").replace("@", "_").replace("/", "_").replace(" ", "_")
    path = folder / f"{stem}.eml"
    path.write_bytes(bytes(msg))
    return path


def _smtp_send(config: Mapping[str, Any], server: str, msg: EmailMessage) -> None:
    port = int(config.get("MAIL_PORT") or (465 if config.get("MAIL_USE_SSL") else 25))
    timeout = float(config.get("MAIL_TIMEOUT") or 20)
    try:
        if config.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server, port, timeout=timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server, port, timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Envoi du courriel impossible ({server}:{port}) : {exc}") from exc
