"""Scanned documents: checked by content (magic bytes) and extension, stored under the instance folder.

The stored path is `uploads/<yyyy>/<random hex>`: the user's file name never touches the file system,
so a name like `../../x` is only a label, sanitised before it is ever shown or sent back.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from rehab.models import UploadedFile, User
from rehab.services.errors import ServiceError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: Accepted types: extension → (content type, magic prefixes).
ACCEPTED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def safe_name(name: str) -> str:
    """Keeps only the last path component, in plain letters, digits, dot, dash and underscore."""
    base = name.replace("\\", "/").split("/")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base).strip("._") or "document"
    return cleaned[-120:]


def _extension(name: str) -> str:
    base = name.replace("\\", "/").split("/")[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    name: str


def check(*, stream: BinaryIO, filename: str, max_bytes: int) -> Checked:
    """Refuses (French message) anything not a PDF, JPEG or PNG by both extension and content."""
    if not filename.strip():
        raise ServiceError("Choisissez un fichier à joindre.")
    extension = _extension(filename)
    if extension not in ACCEPTED:
        raise ServiceError("Type de fichier refusé : seuls les PDF, JPEG et PNG sont acceptés.")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ServiceError(f"Fichier trop volumineux : la taille maximale est de {max_bytes // (1024 * 1024)} Mo.")
    if not data:
        raise ServiceError("Le fichier est vide.")
    content_type, magics = ACCEPTED[extension]
    if not data.startswith(magics):
        raise ServiceError("Le contenu du fichier ne correspond pas à son extension "
                           "(seuls de vrais PDF, JPEG ou PNG sont acceptés).")
    return Checked(data=data, content_type=content_type, name=safe_name(filename))


def store(session: Session, *, instance_path: str, stream: BinaryIO, filename: str, max_bytes: int,
          programme_id: int | None, user: User, now: datetime) -> UploadedFile:
    """Checks, then writes the bytes under a random name; nothing is written when a check fails."""
    checked = check(stream=stream, filename=filename, max_bytes=max_bytes)
    relative = f"uploads/{now.year:04d}/{secrets.token_hex(16)}"
    target = Path(instance_path) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        handle.write(checked.data)
    row = UploadedFile(programme_id=programme_id, storage_path=relative, original_name=checked.name,
                       content_type=checked.content_type, size=len(checked.data),
                       sha256=hashlib.sha256(checked.data).hexdigest(), uploaded_by_id=user.id, uploaded_at=now)
    session.add(row)
    session.flush()
    return row


def path_of(instance_path: str, upload: UploadedFile) -> Path:
    """The absolute path, refusing anything that would leave the uploads folder."""
    root = (Path(instance_path) / "uploads").resolve()
    path = (Path(instance_path) / upload.storage_path).resolve()
    if root not in path.parents:
        raise ServiceError("Fichier introuvable.")
    return path
