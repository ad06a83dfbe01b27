"""Factories for realistic test data. Passwords are hashed once per run: argon2 is slow on purpose."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Patient, Programme, ProgrammeTransition, User, UserRole, UserSector
from rehab.services.accounts import hash_password

PASSWORD = "correct-horse-battery"
NOW = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
_seq = itertools.count(1)


@cache
def _hash() -> str:
    return hash_password(PASSWORD)


def make_user(session: Session, *roles: Role, sectors: tuple[str, ...] = (), username: str | None = None,
              full_name: str | None = None) -> User:
    n = next(_seq)
    user = User(username=username or f"user{n}", full_name=full_name or f"Utilisateur {n}",
                password_hash=_hash(), created_at=NOW)
    user.role_rows = [UserRole(role=r.value) for r in roles]
    user.sector_rows = [UserSector(department=d) for d in sectors]
    session.add(user)
    session.flush()
    return user


def make_patient(session: Session, **overrides: Any) -> Patient:
    n = next(_seq)
    data: dict[str, Any] = {
        "nom_naissance": f"ROUQUETTE{n}", "prenoms": "Josiane", "date_naissance": date(1952, 4, 17), "sexe": "F",
        "adresse": "12 rue des Lilas", "code_postal": "31000", "ville": "Toulouse", "department": "31",
        "telephone": "05 61 00 00 00", "medecin_traitant": "Dr Souleil", "pneumologue": "Dr Estrade",
        "created_at": NOW, "updated_at": NOW,
    }
    data.update(overrides)
    patient = Patient(**data)
    patient.refresh_search_key()
    session.add(patient)
    session.flush()
    return patient


def make_programme(session: Session, patient: Patient, *, status: Status = Status.DEMANDE,
                   referent: User | None = None, d0: date | None = None) -> Programme:
    programme = Programme(patient=patient, status=status.value, department=patient.department,
                          referent_id=referent.id if referent else None, d0=d0, created_at=NOW, updated_at=NOW)
    programme.transitions.append(ProgrammeTransition(from_status=None, to_status=status.value, at=NOW))
    session.add(programme)
    session.flush()
    return programme


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/") -> str:
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client: FlaskClient, user: User | str, password: str = PASSWORD) -> None:
    username = user if isinstance(user, str) else user.username
    token = csrf_token(client, "/connexion")
    response = client.post("/connexion", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, *, token_from: str = "/",
         **kwargs: Any) -> Any:
    """POST with a valid CSRF token, as the browser would after loading a page."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=payload, **kwargs)
