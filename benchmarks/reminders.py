"""Reminders at national scale: one sweep and the nightly non-event pass over ten years of programmes.

    python benchmarks/reminders.py [--database-url URL] [--programmes N] [--reuse]

Builds (or with --reuse keeps) the synthetic national database of `benchmarks/dataset.py` (30,000
programmes and their tasks), replaces its reminder rows with 100,000 pending reminders of which 1,000
are due now (in-app and e-mail to the development outbox, on open tasks still to come), then times:
- one sweep draining the 1,000 due rows (claim, compose, deliver, mark sent) — target ≤ 1 s;
- the non-event pass (open tasks whose window closed in the last two weeks) — target ≤ 10 s.
Without --database-url it runs on a SQLite file under benchmarks/out/ and on PostgreSQL `rehab_bench`
when it answers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.dataset import DatasetSummary, backend_urls, prepare  # noqa: E402
from rehab.db import make_engine  # noqa: E402
from rehab.models import Notification, Reminder, SchedulerRun, Task  # noqa: E402
from rehab.services import reminder_delivery, reminders  # noqa: E402
from scheduler.lock import ProcessLock  # noqa: E402
from scheduler.runner import Context, run_job, scheduler_engine, sweep_job  # noqa: E402

SQLITE_URL = "sqlite:///" + str(ROOT / "benchmarks" / "out" / "reminders.sqlite3")
POSTGRES_URL = "postgresql+psycopg:///rehab_bench?host=/var/run/postgresql"
PENDING, DUE = 100_000, 1_000
SWEEP_TARGET_S, NONEVENT_TARGET_S = 1.0, 10.0


def load_reminders(url: str, summary: DatasetSummary) -> None:
    """100,000 pending rows on real tasks; the 1,000 due ones on open tasks from today on."""
    engine = make_engine(url)
    now = summary.now
    with Session(engine) as db:
        for table in (Notification, Reminder, SchedulerRun):
            db.execute(delete(table))
        upcoming = db.execute(select(Task.id, Task.assignee_id).where(
            Task.state == "planned", Task.assignee_id.is_not(None), Task.due_date >= summary.today)
            .order_by(Task.due_date, Task.id).limit(DUE)).all()
        others = db.execute(select(Task.id, Task.assignee_id).where(Task.assignee_id.is_not(None))
                            .order_by(Task.id).limit(PENDING - DUE)).all()
        rows = []
        for n, (task_id, user_id) in enumerate(upcoming):
            rows.append(_row(f"bench-due-{n}", task_id, user_id, "visit_eve", "email" if n % 10 == 0 else "inapp",
                             now - timedelta(minutes=1 + n % 30)))
        for n, (task_id, user_id) in enumerate(others):
            rows.append(_row(f"bench-later-{n}", task_id, user_id, "visit_eve", "inapp",
                             now + timedelta(hours=1 + n % 2000)))
        for start in range(0, len(rows), 10_000):
            db.execute(insert(Reminder), rows[start:start + 10_000])
        db.commit()
        pending = db.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "pending"))
        due = db.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.status == "pending", Reminder.next_attempt_at <= now))
    engine.dispose()
    print(f"  {pending} pending reminders, {due} due now")


def _row(key: str, task_id: int, user_id: int, rule: str, channel: str, at: object) -> dict[str, object]:
    return {"key": key, "task_id": task_id, "rule": rule, "channel": channel, "recipient_id": user_id,
            "due_at": at, "next_attempt_at": at, "status": "pending", "attempts": 0, "created_at": at}


def run(url: str, programmes: int, reuse: bool) -> bool:
    backend = url.split(":", 1)[0].split("+", 1)[0]
    print(f"\n== {backend}: {url}")
    summary = prepare(url, programmes, reuse)
    load_reminders(url, summary)
    engine = scheduler_engine(url)
    with tempfile.TemporaryDirectory() as outbox:
        ctx = Context(bind=engine, delivery=reminder_delivery.Delivery(outbox=outbox), lock=ProcessLock(engine))
        started = time.perf_counter()
        sweep = run_job(ctx, "sweep", sweep_job(ctx), summary.now)
        sweep_s = time.perf_counter() - started
        mails = len(list(Path(outbox).glob("*.eml")))
    with Session(engine) as db:
        started = time.perf_counter()
        result = reminders.nonevent_pass(db, now=summary.now)
        db.commit()
        nonevent_s = time.perf_counter() - started
    engine.dispose()
    ok_sweep, ok_nonevent = sweep_s <= SWEEP_TARGET_S, nonevent_s <= NONEVENT_TARGET_S
    print(f"  one sweep: {sweep_s:.3f} s for {sweep.detail} ({mails} e-mails in the outbox) "
          f"— target ≤ {SWEEP_TARGET_S:.0f} s {'✓' if ok_sweep else '✗'}")
    print(f"  non-event pass: {nonevent_s:.3f} s for {result} — target ≤ {NONEVENT_TARGET_S:.0f} s "
          f"{'✓' if ok_nonevent else '✗'}")
    return ok_sweep and ok_nonevent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--programmes", type=int, default=30_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    urls = backend_urls(args.database_url, SQLITE_URL, POSTGRES_URL)
    results = [run(url, args.programmes, args.reuse) for url in urls]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
