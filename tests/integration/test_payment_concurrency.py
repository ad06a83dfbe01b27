"""Two gestionnaires paying at once never pay the same line twice (real commits on separate connections).

The threaded race runs on PostgreSQL (SELECT … FOR UPDATE) and on SQLite (one writer at a time: the payment
write lock); a SQLite-only test shows the lock path itself with two connections. Everything committed here is
removed afterwards (audit rows are append-only, so the services' audit calls are silenced in these tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session as OrmSession

from rehab.db import make_engine
from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import (
    Patient,
    PaymentBatch,
    PaymentLine,
    PaymentLineSession,
    Professional,
    ProfessionalSession,
    Programme,
    ProgrammeTransition,
    User,
)
from rehab.services import payments
from rehab.services.errors import ServiceError
from tests.factories import NOW, make_patient, make_programme, make_user


@pytest.fixture
def own_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def committed(own_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """Two gestionnaires and six due lines, really committed; removed afterwards."""
    monkeypatch.setattr(payments.audit, "record", lambda *a, **k: None)
    with OrmSession(own_engine, expire_on_commit=False) as s:
        users = [make_user(s, Role.GESTIONNAIRE) for _ in range(2)]
        programme = make_programme(s, make_patient(s), status=Status.EN_COURS, d0=date(2026, 1, 5))
        pro = Professional(kind="infirmier", name="Inès Concurrence", preferred_channel="post", created_at=NOW,
                           updated_at=NOW)
        s.add(pro)
        s.flush()
        for i in range(6):
            s.add(ProfessionalSession(programme_id=programme.id, role="paramedical", professional_id=pro.id,
                                      session_date=programme.d0 + timedelta(weeks=i), recorded_at=NOW,
                                      client_submission_id=f"00000000-0000-4000-a000-{i:012d}"))
        s.flush()
        payments.compute_due(s, now=NOW, user=None, programme_ids=[programme.id])
        s.commit()
        ids = {"users": [u.id for u in users], "programme": programme.id, "patient": programme.patient_id,
               "pro": pro.id}
    yield ids
    with OrmSession(own_engine) as s:
        line_ids = select(PaymentLine.id).where(PaymentLine.programme_id == ids["programme"])
        batch_ids = set(s.scalars(select(PaymentLine.batch_id).where(PaymentLine.programme_id == ids["programme"])))
        s.execute(delete(PaymentLineSession).where(PaymentLineSession.line_id.in_(line_ids)))
        s.execute(delete(PaymentLine).where(PaymentLine.programme_id == ids["programme"]))
        s.execute(delete(PaymentBatch).where(PaymentBatch.id.in_(batch_ids - {None})))
        s.execute(delete(ProfessionalSession).where(ProfessionalSession.programme_id == ids["programme"]))
        s.execute(delete(ProgrammeTransition).where(ProgrammeTransition.programme_id == ids["programme"]))
        s.execute(delete(Programme).where(Programme.id == ids["programme"]))
        s.execute(delete(Patient).where(Patient.id == ids["patient"]))
        s.execute(delete(Professional).where(Professional.id == ids["pro"]))
        s.execute(delete(User).where(User.id.in_(ids["users"])))
        s.commit()


def _line_ids(engine: Engine, programme_id: int) -> list[int]:
    with OrmSession(engine) as s:
        return list(s.scalars(select(PaymentLine.id).where(PaymentLine.programme_id == programme_id)))


def test_two_gestionnaires_batching_the_same_lines_at_once_one_wins(own_engine, committed):
    line_ids = _line_ids(own_engine, committed["programme"])
    barrier, outcomes = threading.Barrier(2), []

    def gestionnaire(user_id: int) -> None:
        with OrmSession(own_engine, expire_on_commit=False) as s:
            user = s.get_one(User, user_id)
            s.rollback()  # as the web layer does: no read before the write lock
            barrier.wait()
            try:
                payments.create_batch(s, line_ids=line_ids, user=user, now=NOW)
                time.sleep(0.3)  # hold the lock while the other one tries
                s.commit()
                outcomes.append("batched")
            except ServiceError as exc:
                s.rollback()
                outcomes.append(str(exc))

    threads = [threading.Thread(target=gestionnaire, args=(uid,)) for uid in committed["users"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == sorted(["batched", payments.STALE])
    with OrmSession(own_engine) as s:
        batches = set(s.scalars(select(PaymentLine.batch_id).where(PaymentLine.id.in_(line_ids))))
        assert len(batches) == 1 and None not in batches


def test_two_gestionnaires_paying_the_same_batch_at_once_pay_it_once(own_engine, committed):
    line_ids = _line_ids(own_engine, committed["programme"])
    with OrmSession(own_engine) as s:
        batch_id = payments.create_batch(s, line_ids=line_ids, user=s.get_one(User, committed["users"][0]),
                                         now=NOW).id
        s.commit()
    barrier, outcomes = threading.Barrier(2), []

    def gestionnaire(user_id: int, reference: str) -> None:
        with OrmSession(own_engine, expire_on_commit=False) as s:
            user = s.get_one(User, user_id)
            s.rollback()
            barrier.wait()
            try:
                payments.mark_paid(s, batch_id=batch_id, paid_on=date(2026, 3, 1), reference=reference,
                                   user=user, now=NOW, today=date(2026, 3, 2))
                time.sleep(0.3)
                s.commit()
                outcomes.append(reference)
            except ServiceError as exc:
                s.rollback()
                outcomes.append(str(exc))

    threads = [threading.Thread(target=gestionnaire, args=(uid, f"VIR-{n}"))
               for n, uid in enumerate(committed["users"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert "Ce lot a déjà été payé." in outcomes and len(outcomes) == 2
    with OrmSession(own_engine) as s:
        batch = s.get_one(PaymentBatch, batch_id)
        assert batch.state == "paid" and batch.reference in outcomes


def test_sqlite_write_lock_makes_the_second_writer_wait(own_engine, committed):
    if own_engine.dialect.name != "sqlite":
        pytest.skip("SQLite-only: PostgreSQL locks rows with SELECT … FOR UPDATE (threaded tests above)")
    first, second = own_engine.connect(), own_engine.connect()
    try:
        first.info["write_lock"] = True  # BEGIN IMMEDIATE, as rehab.db does for a write-lock connection
        with OrmSession(bind=first) as s1:
            payments.take_write_lock(s1)  # begins IMMEDIATE: the writer lock is held
            second.exec_driver_sql("PRAGMA busy_timeout=200")
            with OrmSession(bind=second) as s2, pytest.raises(ServiceError, match="en cours"):
                payments.take_write_lock(s2)  # plain BEGIN, then the no-op write asks for the lock
            s1.rollback()
        with OrmSession(bind=second) as s2:
            payments.take_write_lock(s2)  # free again
            assert s2.execute(text("SELECT 1")).scalar() == 1
            s2.rollback()
    finally:
        first.info.pop("write_lock", None)
        second.exec_driver_sql("PRAGMA busy_timeout=30000")
        first.close()
        second.close()
