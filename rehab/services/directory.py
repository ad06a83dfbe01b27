"""The directory of professionals: create, edit (optimistic lock), search as you type, merge duplicates.

Merging never deletes: the duplicate is deactivated and points to the kept record, and every
foreign key in the schema that references a professional is repointed, so no link is ever lost
(this also covers tables added later, such as the care team).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from rehab.db import Base
from rehab.domain.departments import department_from_postal_code
from rehab.domain.text import search_key
from rehab.models import Professional, User
from rehab.models.directory import CHANNELS, KINDS
from rehab.services import audit
from rehab.services.errors import ServiceError, StaleEditError

FIELDS = ("kind", "name", "first_name", "last_name", "organisation", "rpps", "finess", "address", "postal_code",
          "city", "department", "phone", "email", "mssante", "preferred_channel", "notes")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def luhn_ok(digits: str) -> bool:
    """The RPPS number's last digit is a Luhn key over the 11 digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def rpps_error(value: str) -> str | None:
    if not re.fullmatch(r"\d{11}", value):
        return "Le numéro RPPS comporte exactement 11 chiffres."
    if not luhn_ok(value):
        return "Numéro RPPS invalide : la clé de contrôle ne correspond pas (vérifiez la saisie)."
    return None


def finess_error(value: str) -> str | None:
    if not re.fullmatch(r"[0-9]{2}[0-9AB][0-9]{6}", value):
        return "Le numéro FINESS comporte 9 caractères (ex. 310780234, 2A0000012)."
    return None


def _clean(data: dict[str, object]) -> dict[str, object]:
    """Strips text, checks identifiers and channel; the messages are shown in the form."""
    out = {f: (str(data.get(f) or "").strip() or None) for f in FIELDS}
    if out["kind"] not in KINDS:
        raise ServiceError("Choisissez la profession ou le type d'établissement.")
    if not out["name"]:
        raise ServiceError("Le nom affiché est obligatoire.")
    out["preferred_channel"] = out["preferred_channel"] or "post"
    if out["preferred_channel"] not in CHANNELS:
        raise ServiceError("Canal préféré inconnu.")
    for field, check in (("rpps", rpps_error), ("finess", finess_error)):
        value = out[field]
        if isinstance(value, str) and (error := check(value.replace(" ", ""))):
            raise ServiceError(error)
        out[field] = value.replace(" ", "") if isinstance(value, str) else None
    for field in ("email", "mssante"):
        if out[field] and not EMAIL_RE.match(str(out[field])):
            raise ServiceError("Adresse électronique invalide (MSSanté ou courriel).")
    if out["preferred_channel"] == "mssante" and not out["mssante"]:
        raise ServiceError("Canal préféré « messagerie sécurisée » : indiquez l'adresse MSSanté / Medimail.")
    if out["preferred_channel"] == "email" and not out["email"]:
        raise ServiceError("Canal préféré « courriel » : indiquez l'adresse électronique.")
    if not out["department"] and out["postal_code"]:
        out["department"] = department_from_postal_code(str(out["postal_code"]))
    out["salaried"] = bool(data.get("salaried"))  # issue 8: a salaried professional is paid no forfait
    return out


def _duplicate_rpps(session: Session, rpps: object, exclude_id: int | None) -> Professional | None:
    if not rpps:
        return None
    query = select(Professional).where(Professional.rpps == rpps, Professional.merged_into_id.is_(None))
    if exclude_id is not None:
        query = query.where(Professional.id != exclude_id)
    return session.scalar(query.limit(1))


def create(session: Session, *, data: dict[str, object], user: User, now: datetime) -> Professional:
    clean = _clean(data)
    if (twin := _duplicate_rpps(session, clean["rpps"], None)) is not None:
        raise ServiceError(f"Ce numéro RPPS est déjà dans l'annuaire : {twin.name} (fiche n° {twin.id}).")
    pro = Professional(**clean, created_at=now, updated_at=now)
    pro.refresh_search_key()
    session.add(pro)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="professional",
                 object_id=pro.id, object_version=pro.version)
    return pro


def edit(session: Session, *, pro: Professional, data: dict[str, object], expected_version: int, user: User,
         now: datetime) -> Professional:
    """Links point at the row's id, so editing never loses them; a stale form is refused."""
    if pro.version != expected_version:
        raise StaleEditError(
            "Cette fiche a été modifiée par quelqu'un d'autre pendant votre saisie. Vos saisies sont "
            "conservées : vérifiez la fiche actuelle puis enregistrez à nouveau.", current=pro,
            changes=audit.changes_since(session, object_type="professional", object_id=pro.id,
                                        version=expected_version))
    clean = _clean(data)
    if (twin := _duplicate_rpps(session, clean["rpps"], pro.id)) is not None:
        raise ServiceError(f"Ce numéro RPPS est déjà dans l'annuaire : {twin.name} (fiche n° {twin.id}). "
                           "Fusionnez les deux fiches plutôt.")
    changes = {f: [getattr(pro, f), v] for f, v in clean.items() if getattr(pro, f) != v}
    if not changes:
        return pro
    for field, (_old, new) in changes.items():
        setattr(pro, field, new)
    pro.refresh_search_key()
    pro.updated_at = now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="professional",
                 object_id=pro.id, object_version=pro.version, detail={"changes": changes})
    return pro


def search(session: Session, query: str, *, kind: str | None = None, limit: int = 20) -> list[Professional]:
    """Every word must match the start of a word of the key: 'mar toul' finds 'MARTIN … TOULOUSE'."""
    stmt = select(Professional).where(Professional.merged_into_id.is_(None), Professional.active)
    for word in search_key(query).split()[:6]:
        stmt = stmt.where(or_(Professional.search_key.like(f"{word}%"),
                              Professional.search_key.like(f"% {word}%")))
    if kind:
        stmt = stmt.where(Professional.kind == kind)
    return list(session.scalars(stmt.order_by(Professional.name, Professional.id).limit(limit)))


def active_or_none(session: Session, pro_id: int | None) -> Professional | None:
    """Resolves a picked id, following merges so a stale picker still lands on the kept record."""
    pro = session.get(Professional, pro_id) if pro_id else None
    seen = 0
    while pro is not None and pro.merged_into_id is not None and seen < 10:
        pro, seen = session.get(Professional, pro.merged_into_id), seen + 1
    return pro


@dataclass(frozen=True)
class MergeResult:
    kept: Professional
    repointed: dict[str, int]


def merge(session: Session, *, keep: Professional, duplicate: Professional, user: User,
          now: datetime) -> MergeResult:
    """Repoints every reference to `duplicate` onto `keep`, then retires the duplicate."""
    if keep.id == duplicate.id:
        raise ServiceError("Choisissez deux fiches différentes à fusionner.")
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise ServiceError("Une des deux fiches a déjà été fusionnée.")
    repointed: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != "professionals" or table.name == "professionals":
                continue
            column = fk.parent
            result = session.execute(update(table).where(column == duplicate.id).values({column.name: keep.id}))
            if result.rowcount:  # type: ignore[attr-defined]
                repointed[f"{table.name}.{column.name}"] = result.rowcount  # type: ignore[attr-defined]
    session.execute(update(Professional).where(Professional.merged_into_id == duplicate.id)
                    .values(merged_into_id=keep.id))
    for field in FIELDS:  # fill the kept record's blanks from the duplicate
        if getattr(keep, field) in (None, "") and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    keep.refresh_search_key()
    keep.updated_at = duplicate.updated_at = now
    duplicate.merged_into_id, duplicate.active = keep.id, False
    session.flush()
    session.expire_all()
    audit.record(session, now=now, user_id=user.id, action="merge", object_type="professional",
                 object_id=keep.id, detail={"merged": duplicate.id, "repointed": repointed})
    return MergeResult(kept=keep, repointed=repointed)
