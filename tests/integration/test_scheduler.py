"""The scheduler process: concurrent sweeps claim each row once, one process at a time, `--once`,
triggers in Paris time, runs recorded. Concurrency tests commit on their own engine and clean up."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.orm import Session as OrmSession

from rehab.cli import upgrade_database
from rehab.db import make_engine
from rehab.domain.clock import PARIS
from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Notification, Patient, Programme, Reminder, SchedulerLock, SchedulerRun, User
from rehab.services.reminder_delivery import Delivery, claim_due, sweep
from scheduler.lock import ADVISORY_KEY, ProcessLock
from scheduler.runner import Context, build_scheduler, run_once, scheduler_engine
from tests.factories import NOW, make_patient, make_programme, make_user
from tests.plan_factories import make_task

DUE = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # Monday 08:00 Paris


@pytest.fixture
def own_engine(database_url: str) -> Iterator[Engine]:
    """The scheduler's engine (BEGIN IMMEDIATE on SQLite) on the test database."""
    engine = scheduler_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def committed(own_engine: Engine) -> Iterator[dict[str, int]]:
    """Forty visits on Tuesdays to come (80 reminder rows), really committed; removed afterwards."""
    with OrmSession(own_engine, info={"now": NOW}) as s:
        referent = make_user(s, Role.REFERENT, sectors=("31",))
        referent.email = "referent@example.org"
        programme = make_programme(s, make_patient(s), status=Status.EN_COURS, referent=referent, d0=date(2026, 2, 2))
        for n in range(40):
            make_task(s, programme, due=date(2026, 3, 10), kind="visit", code=f"sched_{n}")
        s.commit()
        ids = {"user": referent.id, "programme": programme.id, "patient": programme.patient_id}
    yield ids
    with OrmSession(own_engine) as s:
        s.execute(delete(Programme).where(Programme.id == ids["programme"]))
        s.execute(delete(Patient).where(Patient.id == ids["patient"]))
        s.execute(delete(User).where(User.id == ids["user"]))
        s.execute(delete(SchedulerRun))
        s.execute(delete(SchedulerLock))
        s.commit()


def sent_count(engine: Engine) -> tuple[int, int]:
    with OrmSession(engine) as s:
        return (s.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "sent")) or 0,
                s.scalar(select(func.count()).select_from(Notification)) or 0)


def test_two_sweeps_in_threads_send_each_reminder_exactly_once(own_engine, committed, tmp_path):
    if own_engine.dialect.name != "postgresql":
        pytest.skip("threads racing on FOR UPDATE SKIP LOCKED need PostgreSQL (SQLite: see the two-connection test)")
    barrier, results = threading.Barrier(2), []

    def run() -> None:
        with OrmSession(own_engine, expire_on_commit=False) as s:
            barrier.wait()
            results.append(sweep(s, now=DUE, delivery=Delivery(outbox=tmp_path), limit=7))
            while (more := sweep(s, now=DUE, delivery=Delivery(outbox=tmp_path), limit=7)).claimed:
                results.append(more)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.claimed for r in results) == 80 and sum(r.sent for r in results) == 80
    assert sent_count(own_engine) == (80, 40)
    assert len(list(tmp_path.glob("*.eml"))) == 40  # one e-mail per visit, none doubled


def test_sqlite_claim_is_safe_between_two_connections(own_engine, committed):
    with OrmSession(own_engine) as a, OrmSession(own_engine) as b:
        first = claim_due(a, now=DUE, limit=30)
        second = claim_due(b, now=DUE, limit=100)
        third = claim_due(a, now=DUE, limit=100)
    assert len(first) == 30 and len(second) == 50 and third == []
    assert not set(first) & set(second)


def test_a_held_write_lock_makes_the_other_claim_wait_then_take_the_rest(own_engine, committed):
    if own_engine.dialect.name != "sqlite":
        pytest.skip("the BEGIN IMMEDIATE write lock is SQLite's claim mechanism")
    a = OrmSession(own_engine)
    first = set(claim_due(a, now=DUE, limit=10))
    a.execute(text("SELECT 1"))  # a new write transaction (BEGIN IMMEDIATE): b must wait for it
    got: list[int] = []
    other = threading.Thread(target=lambda: got.extend(claim_due(OrmSession(own_engine), now=DUE, limit=100)))
    other.start()
    other.join(timeout=0.3)
    assert other.is_alive() and got == []  # blocked behind the write lock, not reading stale rows
    a.commit()
    other.join()
    a.close()
    assert len(got) == 70 and not first & set(got)


def test_a_second_scheduler_does_nothing_while_the_first_holds_the_lock(own_engine, committed, tmp_path):
    first = ProcessLock(own_engine, holder="first")
    second_ctx = Context(bind=own_engine, delivery=Delivery(outbox=tmp_path),
                         lock=ProcessLock(own_engine, holder="second"))
    assert first.acquire(DUE)
    try:
        assert run_once(second_ctx, DUE) is None
        assert sent_count(own_engine) == (0, 0)
        with OrmSession(own_engine) as s:
            assert s.scalar(select(func.count()).select_from(SchedulerRun)) == 0
    finally:
        first.release()
    runs = run_once(second_ctx, DUE)
    second_ctx.lock.release()
    assert runs is not None and [r.job for r in runs] == ["digests", "nonevents", "sweep"]
    assert {r.outcome for r in runs} == {"ok"}
    assert sent_count(own_engine)[1] == 41  # 40 visit eves + the référent's morning digest


def test_a_stale_sqlite_lock_is_taken_over(own_engine, committed):
    if own_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL advisory locks die with their connection")
    assert ProcessLock(own_engine, holder="crashed").acquire(DUE)
    late = ProcessLock(own_engine, holder="new")
    assert not late.acquire(DUE + timedelta(minutes=1))
    assert late.acquire(DUE + timedelta(minutes=4))
    late.release()


def test_rehab_scheduler_once_runs_every_job_and_records_it(app, runner, db, tmp_path):
    db.info["now"] = NOW
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, referent=referent, d0=date(2026, 2, 2))
    make_task(db, programme, due=date(2026, 3, 2), kind="call")
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "sweep" in result.output and "digests" in result.output
    db.expire_all()
    assert {r.job for r in db.scalars(select(SchedulerRun))} == {"sweep", "digests", "nonevents"}
    titles = set(db.scalars(select(Notification.title).where(Notification.user_id == referent.id)))
    assert f"Appel à passer aujourd'hui — programme n° {programme.id}" in titles


def test_rehab_scheduler_once_exits_when_another_holds_the_lock(app, runner, db, engine):
    if engine.dialect.name == "postgresql":
        with engine.connect() as other:
            other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_KEY})
            result = runner.invoke(args=["scheduler", "--once"])
            other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
    else:
        db.add(SchedulerLock(name="scheduler", holder="other-host:1", heartbeat_at=datetime.now(UTC)))
        db.flush()
        result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0
    assert "Un autre planificateur est déjà actif" in result.output
    assert db.scalar(select(func.count()).select_from(SchedulerRun)) == 0


def test_jobs_fire_at_paris_wall_time_across_dst(tmp_path, engine):
    ctx = Context(bind=engine, delivery=Delivery(outbox=tmp_path), lock=ProcessLock(engine))
    sched = build_scheduler(ctx)
    nightly = sched.get_job("nonevents") or next(j for j in sched.get_jobs() if j.id == "nonevents")
    trigger = nightly.trigger
    for day in ("2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25"):
        start = datetime.fromisoformat(day + "T12:00").replace(tzinfo=PARIS)
        fire = trigger.get_next_fire_time(None, start)
        assert (fire.hour, fire.minute) == (2, 0) and fire.tzinfo is not None
    assert {j.id for j in sched.get_jobs()} == {"sweep", "digests", "nonevents"}


def test_python_m_scheduler_runs_in_its_own_process_and_a_second_one_exits(tmp_path):
    """Real processes on a fresh SQLite file: one pass, then a second process finds the lock taken."""
    url = "sqlite:///" + str(tmp_path / "sched.sqlite3")
    upgrade_database(url)
    env = {**os.environ, "DATABASE_URL": url, "REHAB_INSTANCE_PATH": str(tmp_path)}
    root = Path(__file__).resolve().parents[2]
    first = subprocess.run([sys.executable, "-m", "scheduler", "--once"], cwd=root, env=env, capture_output=True,
                           text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    assert "sweep" in first.stdout and "ok" in first.stdout
    engine = make_engine(url)
    with engine.begin() as conn:  # another scheduler is alive (fresh heartbeat)
        conn.execute(insert(SchedulerLock).values(name="scheduler", holder="other:1", heartbeat_at=datetime.now(UTC)))
    second = subprocess.run([sys.executable, "-m", "scheduler", "--once"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert second.returncode == 0 and "Un autre planificateur est déjà actif" in second.stdout
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SchedulerRun)) == 3  # the first pass only
    engine.dispose()
