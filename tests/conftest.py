"""One database per test run (SQLite by default, PostgreSQL when DATABASE_URL says so), migrated with
Alembic; each test runs inside a transaction rolled back at the end (services commit to a savepoint)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from rehab import create_app
from rehab.cli import upgrade_database
from rehab.db import Session, make_engine
from tests.factories import NOW


def reset_database(url: str) -> None:
    """Drop everything, then build the schema through the real migrations."""
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    upgrade_database(url)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    reset_database(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def app(connection: Connection, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "DB_BIND": connection,
        "DB_SESSION_OPTIONS": {"join_transaction_mode": "create_savepoint"},
        "SESSION_COOKIE_SECURE": False,
        "FROZEN_NOW": NOW,
        "INSTANCE_FILES": str(tmp_path),
    })
    yield app
    Session.remove()


@pytest.fixture
def db(connection: Connection) -> Iterator[OrmSession]:
    """The test's own session on the test's connection: what it flushes, the app sees at once."""
    session = OrmSession(bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()
