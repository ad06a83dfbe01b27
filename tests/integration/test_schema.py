"""The migrations build exactly the models' schema, and the audit trail is append-only in the database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rehab import models  # noqa: F401
from rehab.db import Base


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models differ from migrations: add an Alembic revision: {diff}"


def test_audit_rows_cannot_be_updated_or_deleted(connection):
    connection.execute(text("INSERT INTO audit_events (at, action, object_type) VALUES "
                            "(CURRENT_TIMESTAMP, 'view', 'patient')"))
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        savepoint = connection.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
        savepoint.rollback()
