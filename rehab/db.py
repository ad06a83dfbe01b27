"""Database plumbing: one engine per app, one session per request, stable constraint names.

The scoped session is module-level so that services, the CLI and the scheduler share
the same access pattern; the web layer removes it at the end of every request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Instants are stored in UTC; SQLite forgets the zone, so it is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 — SQLAlchemy reads it as a class attribute


Session = scoped_session(sessionmaker(expire_on_commit=False))


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """SQLite needs foreign keys switched on and real SAVEPOINTs (pysqlite hides BEGIN by default)."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write_lock") else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    _cache_long_statements()
    return create_engine(url, **kwargs)


def _cache_long_statements() -> None:
    """psycopg re-parses a statement's placeholders on every execution unless it is short (≤ 50 parameters,
    4 KB). A plan's tasks are one multi-row INSERT of ~1,500 parameters, the same text each time a plan of that
    size is written: parsing it again cost ~2.5 ms of the 20 ms budget of fixing a D0. Caching it is safe (the
    cache is keyed by the statement's text; 128 entries at most). Guarded: a psycopg without these knobs keeps
    its own behaviour."""
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover — PostgreSQL driver absent
        return
    if hasattr(_queries, "MAX_CACHED_STATEMENT_PARAMS") and hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH"):
        _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, 5_000)
        _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, 200_000)


def bind_session(bind: Engine | Connection, **options: Any) -> None:
    Session.remove()
    Session.configure(bind=bind, **options)
