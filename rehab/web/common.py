"""Helpers every blueprint uses: the clock, the client address, role and object guards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_login import current_user, login_required

from rehab.db import Session, utcnow
from rehab.domain.roles import Role
from rehab.models import Patient, Programme, User
from rehab.services import access, audit

F = TypeVar("F", bound=Callable[..., Any])


def now() -> datetime:
    """The request's clock; tests may freeze it through config['FROZEN_NOW']."""
    frozen = current_app.config.get("FROZEN_NOW")
    return frozen if frozen is not None else utcnow()


def client_ip() -> str:
    return (request.remote_addr or "?")[:64]


def user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Refuses (403) any user holding none of `roles`; also requires a login."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not user().has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def patient_or_404(patient_id: int, *, action: str | None = "view") -> Patient:
    """The object check: a patient outside the user's reach is 'not found', leaking nothing."""
    patient = access.visible_patient(Session(), user(), patient_id)
    if patient is None:
        abort(404)
    if action:
        audit.record(Session(), now=now(), user_id=user().id, action=action, object_type="patient",
                     object_id=patient.id, object_version=patient.version, patient_id=patient.id,
                     ip=client_ip(), detail={"path": request.path})
        Session.commit()  # the read is on record even if rendering fails afterwards
    return patient


def programme_or_404(programme_id: int, *, action: str | None = "view") -> Programme:
    programme = access.visible_programme(Session(), user(), programme_id)
    if programme is None:
        abort(404)
    if action:
        audit.record(Session(), now=now(), user_id=user().id, action=action, object_type="programme",
                     object_id=programme.id, object_version=programme.version,
                     patient_id=programme.patient_id, ip=client_ip(), detail={"path": request.path})
        Session.commit()
    return programme


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: every redirect to a user-supplied place goes
    through here (absolute URLs, `//host`, backslashes and control characters would be open redirects,
    browsers strip tabs and newlines from `/\\t/evil.example`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
