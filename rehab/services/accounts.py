"""Accounts: password hashing, login throttling, server-side sessions and user administration."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rehab.domain.roles import Role
from rehab.models import LoginAttempt, User, UserRole, UserSector, UserSession
from rehab.services.errors import ServiceError

_hasher = PasswordHasher()
# Verifying against this keeps the timing of "unknown user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


class LoginThrottled(ServiceError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères.")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_throttled(session: Session, *, username: str, ip: str, now: datetime, window: timedelta,
                 max_failures: int, max_failures_per_ip: int) -> bool:
    """Too many recent failures for this account, or from this address, pause logins."""
    since = now - window
    by_user = session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username.lower(), LoginAttempt.success.is_(False), LoginAttempt.at >= since
        )
    ) or 0
    by_ip = session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.ip == ip, LoginAttempt.success.is_(False), LoginAttempt.at >= since
        )
    ) or 0
    return by_user >= max_failures or by_ip >= max_failures_per_ip


def authenticate(session: Session, *, username: str, password: str, ip: str, now: datetime,
                 window: timedelta, max_failures: int, max_failures_per_ip: int) -> User | None:
    """Checks the password unless throttled; every attempt is recorded for the throttle."""
    username = username.strip().lower()
    if is_throttled(session, username=username, ip=ip, now=now, window=window,
                    max_failures=max_failures, max_failures_per_ip=max_failures_per_ip):
        raise LoginThrottled(
            "Trop de tentatives de connexion échouées. Patientez quelques minutes avant de réessayer."
        )
    user = session.scalar(select(User).where(func.lower(User.username) == username))
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.is_active_account
    session.add(LoginAttempt(username=username, ip=ip, at=now, success=ok))
    if ok and user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user if ok else None


def open_session(session: Session, *, user: User, now: datetime, ip: str | None,
                 user_agent: str | None) -> str:
    """Returns the token for the cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=now,
                            authenticated_at=now, last_seen_at=now, ip=ip,
                            user_agent=(user_agent or "")[:300]))
    user.session_token = token
    return token


def load_session_user(session: Session, *, token: str, now: datetime, idle: timedelta,
                      max_age: timedelta) -> User | None:
    """A session lives until logout, idleness or its maximum age; a deactivated user loses it at once."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > max_age:
        row.revoked_at = now
        return None
    user = row.user
    if not user.is_active_account:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    user.session_token = token
    return user


def session_authenticated_at(session: Session, *, token: str) -> datetime | None:
    return session.scalar(select(UserSession.authenticated_at).where(UserSession.token_hash == _token_hash(token)))


def close_session(session: Session, *, token: str, now: datetime) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _set_roles_and_sectors(user: User, roles: Iterable[Role], sectors: Iterable[str]) -> None:
    user.role_rows = [UserRole(role=r.value) for r in sorted(set(roles))]
    user.sector_rows = [UserSector(department=d) for d in sorted(set(sectors))]


def create_user(session: Session, *, username: str, full_name: str, password: str, roles: Iterable[Role],
                sectors: Iterable[str] = (), email: str | None = None, association_id: int | None = None,
                now: datetime) -> User:
    username = username.strip().lower()
    if not username:
        raise ServiceError("L'identifiant est obligatoire.")
    if session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise ServiceError(f"L'identifiant « {username} » est déjà utilisé.")
    roles = list(roles)
    if not roles:
        raise ServiceError("Choisissez au moins un rôle.")
    check_password_strength(password)
    user = User(username=username, full_name=full_name.strip(), email=email or None,
                password_hash=hash_password(password), association_id=association_id, created_at=now)
    _set_roles_and_sectors(user, roles, sectors)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, *, user: User, full_name: str, email: str | None, roles: Iterable[Role],
                sectors: Iterable[str], association_id: int | None) -> None:
    roles = list(roles)
    if not roles:
        raise ServiceError("Choisissez au moins un rôle.")
    user.full_name = full_name.strip()
    user.email = email or None
    user.association_id = association_id
    _set_roles_and_sectors(user, roles, sectors)
    session.flush()


def set_active(session: Session, *, user: User, active: bool, now: datetime) -> None:
    """Deactivation also ends every open session of that user."""
    user.is_active_account = active
    if not active:
        revoke_all_sessions(session, user_id=user.id, now=now)
    session.flush()


def reset_password(session: Session, *, user: User, password: str, now: datetime,
                   must_change: bool = True) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    revoke_all_sessions(session, user_id=user.id, now=now)
    session.flush()
