"""One writer at a time for the actions that must never run twice at once (paying a batch, sending a letter).

PostgreSQL locks the rows concerned with SELECT … FOR UPDATE in each service. SQLite has one writer at a time:
a connection begun with BEGIN IMMEDIATE (``connection.info["write_lock"]``, see rehab.db) already holds the lock;
otherwise a no-op write as the transaction's first statement takes it now, waiting up to the busy timeout.
"""

from __future__ import annotations

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rehab.services.errors import ServiceError


def take_write_lock(session: Session, *, busy: str) -> None:
    """Call first in the transaction, before reading what will be changed; `busy` is the French refusal given
    when the lock cannot be had (busy timeout elapsed, or the transaction had already read)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite" and not conn.info.get("write_lock"):
        try:
            conn.exec_driver_sql("UPDATE scheduler_locks SET name = name WHERE 0")
        except OperationalError as exc:
            raise ServiceError(busy) from exc
