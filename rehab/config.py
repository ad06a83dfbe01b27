"""Defaults; instance/config.py and the environment override them (in that order)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "rehab.sqlite3")


class Defaults:
    # A home visit lasts up to four hours: CSRF tokens and idle sessions must outlive it.
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    SESSION_IDLE_TIMEOUT = timedelta(hours=5)
    SESSION_MAX_AGE = timedelta(hours=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=14)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "rehab_session"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    WTF_I18N_ENABLED = True
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Login throttling: failures per username (and per address) inside the window.
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_IP = 30
    LOGIN_WINDOW = timedelta(minutes=15)
    # The médecin directeur validates a synthesis only within this many minutes of typing his password
    # (a tablet left open in a corridor must not sign letters).
    RECENT_LOGIN_MINUTES = 30
    ASSOCIATION_NAME = "Réhab Domicile"
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # Mail: without MAIL_SERVER, messages are written as .eml files to instance/outbox/ (development).
    MAIL_SERVER: str | None = None
    MAIL_PORT: int | None = None
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Réhab Domicile <ne-pas-repondre@rehab-domicile.invalid>"
    # Letterhead of the documents posted to patients and of the committee minutes.
    ASSOCIATION_ADDRESS: tuple[str, ...] = ("12 allée des Soupirs", "31000 Toulouse")
    ASSOCIATION_PHONE = "05 61 00 00 00"
    ASSOCIATION_EMAIL = "coordination@rehab-domicile.fr"
    ASSOCIATION_LOGO = "logo.png"  # a file name under instance/; missing → the name alone
    # Workload forecast (issue 9): a référent's weekly capacity in hours; weeks above it are overloads.
    REFERENT_WEEKLY_HOURS = 35.0
    # Evaluator's export (issue 9): the HMAC key of the pseudonyms. Required in production (set it in
    # instance/config.py or REHAB_EVALUATION_PSEUDONYM_KEY); development falls back to instance/pseudonym_key.
    EVALUATION_PSEUDONYM_KEY: str | None = None
    # "production" unless said otherwise (REHAB_ENV=development): what must be configured, not guessed.
    ENVIRONMENT = "production"


def environment_overrides() -> dict[str, object]:
    """Deployment settings that are naturally given by the environment."""
    out: dict[str, object] = {}
    if url := os.environ.get("DATABASE_URL"):
        out["DATABASE_URL"] = url
    if key := os.environ.get("REHAB_SECRET_KEY"):
        out["SECRET_KEY"] = key
    for key in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM"):
        if value := os.environ.get(key):
            out[key] = value
    if env := os.environ.get("REHAB_ENV"):
        out["ENVIRONMENT"] = env
    if key := os.environ.get("REHAB_EVALUATION_PSEUDONYM_KEY"):
        out["EVALUATION_PSEUDONYM_KEY"] = key
    if port := os.environ.get("MAIL_PORT"):
        out["MAIL_PORT"] = int(port)
    if os.environ.get("REHAB_INSECURE_COOKIES") == "1":
        # Only for the local development server, which speaks plain HTTP.
        out["SESSION_COOKIE_SECURE"] = False
    return out
