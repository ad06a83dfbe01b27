"""Instants are stored in UTC; dates of care are Paris dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def local_date(instant: datetime) -> date:
    """The calendar day in Paris at `instant` (a visit at 00:30 Paris time is not 'yesterday')."""
    return instant.astimezone(PARIS).date()
