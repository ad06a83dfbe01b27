"""Patient registration and edits: duplicates are caught, concurrent edits are refused."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from rehab.domain.text import search_key
from rehab.models import Patient, User
from rehab.models.patient import EDITABLE_FIELDS
from rehab.services import audit
from rehab.services.access import patient_filter
from rehab.services.errors import StaleEditError


def find_duplicates(session: Session, *, nom_naissance: str, nom_usage: str | None, prenoms: str,
                    date_naissance: date, exclude_id: int | None = None) -> list[Patient]:
    """Same birth date and same birth or usage name with the same first given name."""
    wanted_names = {search_key(nom_naissance)} | ({search_key(nom_usage)} if nom_usage else set())
    first = search_key(prenoms).split(" ")[0] if prenoms.strip() else ""
    candidates = session.scalars(select(Patient).where(Patient.date_naissance == date_naissance)).all()
    out = []
    for p in candidates:
        if exclude_id is not None and p.id == exclude_id:
            continue
        names = {search_key(p.nom_naissance)} | ({search_key(p.nom_usage)} if p.nom_usage else set())
        p_first = search_key(p.prenoms).split(" ")[0] if p.prenoms else ""
        if names & wanted_names and p_first == first:
            out.append(p)
    return out


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        value = data.get(field)
        if isinstance(value, str):
            value = value.strip() or None
        out[field] = value
    if out.get("nom_naissance"):
        out["nom_naissance"] = out["nom_naissance"].upper()
    if out.get("nom_usage"):
        out["nom_usage"] = out["nom_usage"].upper()
    return out


def create_patient(session: Session, *, data: dict[str, Any], user: User, now: datetime,
                   ip: str | None) -> Patient:
    patient = Patient(**_clean(data), created_at=now, updated_at=now)
    patient.refresh_search_key()
    session.add(patient)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="create", object_type="patient",
                 object_id=patient.id, object_version=patient.version, patient_id=patient.id, ip=ip)
    return patient


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def update_patient(session: Session, *, patient: Patient, data: dict[str, Any], expected_version: int,
                   user: User, now: datetime, ip: str | None) -> Patient:
    """Refuses to overwrite a newer version; the audit row keeps the field-level change set."""
    if patient.version != expected_version:
        raise StaleEditError(
            "Ce dossier a été modifié par quelqu'un d'autre pendant que vous le modifiiez. "
            "Vos saisies sont conservées ci-dessous : vérifiez les changements puis enregistrez à nouveau.",
            current=patient,
            changes=audit.changes_since(session, object_type="patient", object_id=patient.id,
                                        version=expected_version),
        )
    cleaned = _clean(data)
    changes = {
        field: [_jsonable(getattr(patient, field)), _jsonable(value)]
        for field, value in cleaned.items()
        if getattr(patient, field) != value
    }
    if not changes:
        return patient
    for field, value in cleaned.items():
        setattr(patient, field, value)
    patient.refresh_search_key()
    patient.updated_at = now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="patient",
                 object_id=patient.id, object_version=patient.version, patient_id=patient.id, ip=ip,
                 detail={"changes": changes})
    return patient


def search_query(user: User, *, text: str = "", born: date | None = None) -> Select[tuple[Patient]]:
    """Name words must all match (accents and case ignored); a birth date narrows further."""
    query = select(Patient).where(patient_filter(user))
    words = search_key(text).split()
    if words:
        query = query.where(and_(*(Patient.search_key.contains(w) for w in words)))
    if born is not None:
        query = query.where(Patient.date_naissance == born)
    return query.order_by(Patient.nom_naissance, Patient.prenoms)

