"""The scheduler process: APScheduler 3.x `BlockingScheduler`, a few fixed jobs in Europe/Paris.

Each job is a thin call to a service that takes `now`; the rows hold the state (reminders are rows,
never pickled jobs, so nothing is lost when the process restarts: the backlog is simply due).  Every run
is recorded in `scheduler_runs` for the administrateur's status page, and every tick first renews the
process lock, so a second scheduler started by mistake only idles.
"""

from __future__ import annotations

import logging
import signal
import time as monotonic
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session as OrmSession

from rehab.db import make_engine, utcnow
from rehab.domain.clock import PARIS
from rehab.models import SchedulerRun
from rehab.services import reminder_delivery, reminders
from scheduler.lock import ProcessLock

log = logging.getLogger("rehab.scheduler")
JobFn = Callable[[OrmSession, datetime], dict[str, Any]]
JOB_LABELS = {"sweep": "Envoi des rappels dus", "digests": "Préparation des récapitulatifs du matin",
              "nonevents": "Non-événements et relances (nuit)"}


@dataclass
class Context:
    """What the jobs need: a database bind (own engine in production), delivery settings, the lock."""

    bind: Engine | Connection
    delivery: reminder_delivery.Delivery
    lock: ProcessLock

    def session(self) -> OrmSession:
        if isinstance(self.bind, Connection):
            return OrmSession(bind=self.bind, join_transaction_mode="create_savepoint", expire_on_commit=False)
        return OrmSession(bind=self.bind, expire_on_commit=False)


def scheduler_engine(url: str) -> Engine:
    """The scheduler's own engine; on SQLite every transaction takes the write lock up front
    (BEGIN IMMEDIATE), which is what makes the claim safe between concurrent sweeps."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "engine_connect")
        def _write_lock(conn: Connection) -> None:
            conn.info["write_lock"] = True
    return engine


def context_for(app: Flask) -> Context:
    bind = app.extensions["rehab_db_bind"]
    if isinstance(bind, Engine):
        bind = scheduler_engine(app.config["DATABASE_URL"])
    folder = Path(app.config.get("INSTANCE_FILES") or app.instance_path) / "outbox"
    delivery = reminder_delivery.Delivery(mail=dict(app.config), outbox=folder,
                                          base_url=str(app.config.get("BASE_URL", "")).rstrip("/"))
    return Context(bind=bind, delivery=delivery, lock=ProcessLock(bind))


# ------------------------------------------------------------------------------------------- jobs


def sweep_job(ctx: Context) -> JobFn:
    def run(session: OrmSession, now: datetime) -> dict[str, Any]:
        total = reminder_delivery.SweepResult()
        while True:  # drain the due backlog in batches, each claim its own short transaction
            batch = reminder_delivery.sweep(session, now=now, delivery=ctx.delivery)
            for name, value in batch.as_dict().items():
                setattr(total, name, getattr(total, name) + value)
            if batch.claimed < reminder_delivery.BATCH:
                return total.as_dict()

    return run


def digests_job(session: OrmSession, now: datetime) -> dict[str, Any]:
    created = reminders.ensure_digests(session, now=now)
    session.commit()
    return {"créés": created}


def nonevents_job(session: OrmSession, now: datetime) -> dict[str, Any]:
    result = reminders.nonevent_pass(session, now=now)
    session.commit()
    return result


def jobs(ctx: Context) -> dict[str, JobFn]:
    """In `--once` order: today's digests and the night's alerts first, then one sweep sends them."""
    return {"digests": digests_job, "nonevents": nonevents_job, "sweep": sweep_job(ctx)}


def run_job(ctx: Context, name: str, fn: JobFn, now: datetime) -> SchedulerRun:
    """Run one job and record the run (outcome ok / error with its message)."""
    session = ctx.session()
    started = monotonic.perf_counter()
    try:
        detail, outcome = fn(session, now), "ok"
    except Exception as exc:  # a failing job is recorded and retried at its next tick; the process lives on
        log.exception("job %s failed", name)
        session.rollback()
        detail, outcome = {"erreur": f"{type(exc).__name__}: {exc}"[:500]}, "error"
    elapsed = monotonic.perf_counter() - started
    run = SchedulerRun(job=name, started_at=now, finished_at=now + timedelta(seconds=elapsed),
                       duration_ms=int(elapsed * 1000), outcome=outcome, detail=detail)
    session.add(run)
    session.commit()
    session.close()
    return run


def run_once(ctx: Context, now: datetime) -> list[SchedulerRun] | None:
    """One pass of every job; None when another scheduler holds the lock (nothing is done)."""
    if not ctx.lock.acquire(now):
        return None
    return [run_job(ctx, name, fn, now) for name, fn in jobs(ctx).items()]


def _tick(ctx: Context, name: str, fn: JobFn) -> None:
    now = utcnow()
    if not ctx.lock.acquire(now):
        log.info("another scheduler holds the lock: %s skipped", name)
        return
    run_job(ctx, name, fn, now)


def build_scheduler(ctx: Context, *, digest_minute: int = 5) -> BlockingScheduler:
    """Fixed jobs, all in Europe/Paris: sweep every minute, digest rows every hour (so a changed
    digest time is honoured the same day), non-events at 02:00."""
    sched = BlockingScheduler(timezone=PARIS, job_defaults={"coalesce": True, "max_instances": 1,
                                                            "misfire_grace_time": 300})
    table = jobs(ctx)
    triggers = {"sweep": CronTrigger(minute="*", timezone=PARIS),
                "digests": CronTrigger(minute=digest_minute, timezone=PARIS),
                "nonevents": CronTrigger(hour=2, minute=0, timezone=PARIS)}
    for name, trigger in triggers.items():
        sched.add_job(_tick, trigger, args=(ctx, name, table[name]), id=name, name=JOB_LABELS[name])
    return sched


def _stop_on_sigterm() -> None:
    """`kill` (as `make run` does when the server stops) ends the process cleanly: lock released."""
    def handler(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)


def serve(ctx: Context) -> None:
    """Blocking: catch up once at start (the restart backlog), then follow the triggers; the lock is
    released however the process stops (Ctrl+C, SIGTERM)."""
    _stop_on_sigterm()
    try:
        if ctx.lock.acquire(utcnow()):
            for name, fn in jobs(ctx).items():
                run_job(ctx, name, fn, utcnow())
        else:
            log.warning("another scheduler is running: idling until its lock is released")
        build_scheduler(ctx).start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
    finally:
        ctx.lock.release()
