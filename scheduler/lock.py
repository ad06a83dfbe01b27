"""One scheduler at a time: a PostgreSQL advisory lock, or a lock row with a heartbeat on SQLite.

A second `rehab scheduler` started by mistake does not get the lock: with `--once` it exits, otherwise it
idles and retries each minute, so it takes over within a minute or two if the first one dies (on
PostgreSQL the advisory lock dies with its connection; on SQLite the row's heartbeat goes stale).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, text, update
from sqlalchemy.exc import IntegrityError

from rehab.models import SchedulerLock

LOCK_NAME = "scheduler"
#: An arbitrary, fixed 64-bit key for pg_try_advisory_lock (« REHABSCH »).
ADVISORY_KEY = 0x5245484142534348 & 0x7FFFFFFFFFFFFFFF
#: A SQLite lock whose heartbeat is older than this is considered abandoned.
STALE_AFTER = timedelta(minutes=3)


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ProcessLock:
    """Acquire once, heartbeat on every tick, release on exit."""

    def __init__(self, bind: Engine | Connection, holder: str | None = None) -> None:
        self.bind = bind
        self.holder = holder or default_holder()
        self.postgres = bind.dialect.name == "postgresql"
        self._conn: Connection | None = None
        self.held = False

    def _connection(self) -> Connection:
        if isinstance(self.bind, Connection):
            return self.bind
        if self._conn is None:
            self._conn = self.bind.connect()
        return self._conn

    def acquire(self, now: datetime) -> bool:
        """True when this process holds (or already held and refreshed) the lock."""
        if self.postgres:
            if not self.held:
                conn = self._connection()
                self.held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar())
                if self._conn is not None:  # our own connection: end the read transaction, keep the lock
                    conn.commit()
            return self.held
        self.held = self._sqlite_claim(now)
        return self.held

    def _sqlite_claim(self, now: datetime) -> bool:
        conn = self._connection()
        own = not isinstance(self.bind, Connection)
        if own:
            conn.info["write_lock"] = True
        with conn.begin_nested() if conn.in_transaction() else conn.begin():
            done = conn.execute(update(SchedulerLock).where(
                SchedulerLock.name == LOCK_NAME,
                (SchedulerLock.holder == self.holder) | (SchedulerLock.heartbeat_at < now - STALE_AFTER))
                .values(holder=self.holder, heartbeat_at=now))
            if done.rowcount:
                return True
        try:
            with conn.begin_nested() if conn.in_transaction() else conn.begin():
                conn.execute(insert(SchedulerLock).values(name=LOCK_NAME, holder=self.holder, heartbeat_at=now))
        except IntegrityError:
            return False
        return True

    def release(self) -> None:
        if self.postgres and self.held:
            conn = self._connection()
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            if self._conn is not None:
                conn.commit()
        elif self.held:
            conn = self._connection()
            with conn.begin_nested() if conn.in_transaction() else conn.begin():
                conn.execute(delete(SchedulerLock).where(
                    SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == self.holder))
        self.held = False
        if self._conn is not None:
            self._conn.close()
            self._conn = None
