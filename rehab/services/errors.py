"""Errors raised by services; their messages are French and shown to users as they are."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A rule refused the action; the message explains why, in French."""


class NotFoundError(ServiceError):
    pass


class StaleEditError(ServiceError):
    """Someone saved a newer version while this form was open."""

    def __init__(self, message: str, *, current: Any, changes: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.current = current
        self.changes = changes
