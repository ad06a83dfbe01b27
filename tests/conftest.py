"""One database per test run (SQLite by default, PostgreSQL when DATABASE_URL says so), migrated with
Alembic; each test runs inside a transaction rolled back at the end (services commit to a savepoint)."""

from __future__ import annotations

import email
import os
import socket
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from rehab import create_app
from rehab.cli import reset_database
from rehab.db import Session, make_engine
from tests.factories import NOW


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """A real SMTP server's handler (aiosmtpd): keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server on a free port, for the tests that send real mail."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


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
