"""Plans at national scale: how long generating one plan takes, and how fast a référent's « Ma journée »
page answers, on a database holding ten years of programmes (30,000 by default) with all their tasks.

    python benchmarks/plans.py [--database-url URL] [--programmes N] [--reuse]

Without --database-url it runs on a SQLite file under benchmarks/out/ and on the PostgreSQL database
`rehab_bench` when it answers.  --reuse keeps a database already built with the same number of
programmes.  Targets: one plan ≤ 20 ms (median), « Ma journée » ≤ 100 ms (median server time).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.dataset import (  # noqa: E402
    BENCH_PASSWORD,
    DatasetSummary,
    backend_urls,
    prepare,
)
from rehab import create_app  # noqa: E402
from rehab.db import make_engine  # noqa: E402
from rehab.domain.plan import PatientFacts, compute_plan  # noqa: E402
from rehab.domain.programme_states import Status  # noqa: E402
from rehab.domain.protocol import latest_protocol  # noqa: E402
from rehab.domain.workdays import is_working_day, next_working_day  # noqa: E402
from rehab.models import Patient, Programme, Task, User  # noqa: E402
from rehab.services.plans import PROTOCOL_CODE, fix_d0  # noqa: E402

SQLITE_URL = "sqlite:///" + str(ROOT / "benchmarks" / "out" / "plans.sqlite3")
POSTGRES_URL = "postgresql+psycopg:///rehab_bench?host=/var/run/postgresql"
PLAN_TARGET_MS = 20.0
PAGE_TARGET_MS = 100.0
PAGE_RUNS, PAGE_WARMUPS = 30, 3
PLAN_RUNS = 50
DESK_USER = "assistante01"


@dataclass(frozen=True)
class Figure:
    label: str
    samples: list[float]  # milliseconds
    target: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def passed(self) -> bool:
        return self.target is None or (bool(self.samples) and self.median <= self.target)

    def row(self) -> str:
        if not self.samples:
            return f"  {self.label:<52} {'—':>9} {'—':>9}   {'':<9} NOT TIMED"
        verdict = "" if self.target is None else ("PASS" if self.median <= self.target else "FAIL")
        target = "" if self.target is None else f"≤ {self.target:.0f} ms"
        return f"  {self.label:<52} {self.median:>9.2f} {self.p95:>9.2f}   {target:<9} {verdict}"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def working_days_after(today: date, department: str, count: int) -> list[date]:
    days, day = [], today
    while len(days) < count:
        day = next_working_day(day, department)
        days.append(day)
    return days


def bench_compute_plan(today: date) -> Figure:
    """Pure compute_plan, for a different D0 and facts each time (no cache in the way)."""
    protocol = latest_protocol(PROTOCOL_CODE)
    departments = ["31", "57", "75", "974", "2A"]
    samples = []
    for i, d0 in enumerate(working_days_after(today, "31", 200 + 5)):
        facts = PatientFacts(bmi=18.0 + (i % 15), smoker=i % 3 == 0, psychology=i % 4 == 0, paramedical=i % 5 == 0,
                             department=departments[i % len(departments)])
        if not is_working_day(d0, facts.department):
            continue
        elapsed = timed(lambda d0=d0, facts=facts: compute_plan(protocol, d0=d0, facts=facts))
        if i >= 5:  # the first ones warm the holiday tables
            samples.append(elapsed)
    return Figure("compute_plan (pure domain)", samples, PLAN_TARGET_MS)


def bench_fix_d0(url: str, summary: DatasetSummary) -> Figure:
    """The whole service for a fresh validated programme: plan, ~65 task rows flushed, status, history,
    audit; rolled back after each run so the database does not grow."""
    engine = make_engine(url)
    samples: list[float] = []
    tasks = 0
    with Session(engine, expire_on_commit=False) as db:
        desk = db.scalars(select(User).where(User.username == DESK_USER)).one()
        referent = db.get(User, summary.busy_referent_id)
        assert referent is not None
        department = sorted(referent.sectors)[0]
        for i, d0 in enumerate(working_days_after(summary.today, department, PLAN_RUNS + 3)):
            # The patient is set-up, not measured: a Core insert naming only the columns it needs.
            patient_id = db.scalar(insert(Patient).values(
                nom_naissance="BENCH", prenoms="Plan", date_naissance=date(1950, 1, 1), sexe="F",
                department=department, search_key="BENCH PLAN", created_at=summary.now, updated_at=summary.now,
                version=1).returning(Patient.id))
            programme = Programme(patient_id=patient_id, status=Status.VALIDE.value, department=department,
                                  referent_id=referent.id, bmi=19.0 + i % 12, smoker=i % 2 == 0,
                                  psychology_support=i % 3 == 0, paramedical_in_team=i % 4 == 0,
                                  created_at=summary.now, updated_at=summary.now)
            db.add(programme)
            db.flush()
            _ = desk.roles  # a request has its user (and roles) loaded at authentication, before the service
            started = time.perf_counter()
            created = fix_d0(db, programme=programme, d0=d0, user=desk, now=summary.now, today=summary.today)
            db.flush()  # the plan event and audit rows the route's commit would write
            elapsed = (time.perf_counter() - started) * 1000
            tasks = len(created)
            db.rollback()
            if i >= 3:
                samples.append(elapsed)
    engine.dispose()
    return Figure(f"fix_d0 service ({tasks} tasks inserted, rolled back)", samples, PLAN_TARGET_MS)


def _app(url: str, summary: DatasetSummary) -> Flask:
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
                       "WTF_CSRF_ENABLED": False, "FROZEN_NOW": summary.now})


def _page(client: FlaskClient, path: str) -> list[float] | None:
    """PAGE_RUNS timings after PAGE_WARMUPS warm-ups; None (and a message) when the page fails."""
    for _ in range(PAGE_WARMUPS):
        response = client.get(path)
        if response.status_code != 200:
            print(f"  GET {path} answered {response.status_code}: not timed")
            return None
    return [timed(lambda: client.get(path)) for _ in range(PAGE_RUNS)]


def bench_pages(url: str, summary: DatasetSummary) -> list[Figure]:
    """Server time of GET /ma-journee and GET /programmes/<id>, logged in as the busiest référent."""
    app = _app(url, summary)
    engine = make_engine(url)
    with Session(engine) as db:
        programme_id = db.scalar(
            select(Programme.id).join(Task, Task.programme_id == Programme.id)
            .where(Programme.referent_id == summary.busy_referent_id, Programme.status == Status.EN_COURS.value)
            .group_by(Programme.id).order_by(func.count().desc(), Programme.id).limit(1))
        open_due = db.scalar(select(func.count()).select_from(Task).where(
            Task.assignee_id == summary.busy_referent_id, Task.state == "planned",
            Task.due_date <= summary.today + timedelta(days=7)))
    engine.dispose()
    figures = []
    with app.test_client() as client:
        response = client.post("/connexion", data={"username": summary.busy_referent, "password": BENCH_PASSWORD})
        assert response.status_code == 302, f"login failed: {response.status_code}"
        pages = [(f"GET /ma-journee ({summary.busy_referent}, {open_due} open tasks ≤ J+7)", "/ma-journee",
                  PAGE_TARGET_MS)]
        if programme_id is not None:
            pages.append((f"GET /programmes/{programme_id} (en cours, with its plan)", f"/programmes/{programme_id}",
                          None))
        routes = {rule.rule for rule in app.url_map.iter_rules()}
        for label, path, target in pages:
            if path == "/ma-journee" and path not in routes:
                print(f"  no {path} route yet: not timed")
                figures.append(Figure(label, [], target))
                continue
            figures.append(Figure(label, _page(client, path) or [], target))
    # Extra: the desk's « Ma journée » is its role queue over the whole file (no target in the issue).
    with app.test_client() as client:
        response = client.post("/connexion", data={"username": DESK_USER, "password": BENCH_PASSWORD})
        if response.status_code == 302 and "/ma-journee" in routes:
            figures.append(Figure(f"GET /ma-journee ({DESK_USER}: national queue)", _page(client, "/ma-journee") or []))
    app.extensions["rehab_db_bind"].dispose()
    return figures


def run(url: str, programmes: int, reuse: bool) -> bool:
    backend = url.split(":", 1)[0].split("+", 1)[0]
    print(f"\n== {backend}: {url}")
    summary = prepare(url, programmes, reuse)
    figures = [bench_compute_plan(summary.today), bench_fix_d0(url, summary), *bench_pages(url, summary)]
    build = f"{summary.build_seconds:.1f} s" if summary.build_seconds is not None else "reused"
    print(f"\n  {backend}: {summary.programmes} programmes, {summary.tasks} tasks, {summary.rows} rows, "
          f"build {build}, today = {summary.today.isoformat()}")
    print(f"  {'measure':<52} {'median ms':>9} {'p95 ms':>9}   {'target':<9} result")
    for figure in figures:
        print(figure.row())
    return all(f.passed for f in figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", help="one database only (default: SQLite file, then rehab_bench)")
    parser.add_argument("--programmes", type=int, default=30_000)
    parser.add_argument("--reuse", action="store_true", help="keep a database already built at that size")
    args = parser.parse_args()
    urls = backend_urls(args.database_url, SQLITE_URL, POSTGRES_URL)
    results = [run(url, args.programmes, args.reuse) for url in urls]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
