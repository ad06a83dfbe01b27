"""Indicators at national scale: every indicator for one year, the dashboard page, the annual report, on a
database holding ten years of programmes (30,000 by default) with what they recorded (dossiers, care teams,
CRQ, endurance tests, EVAs, follow-up calls, hospitalisation counts, questionnaires, events, payments).

    python benchmarks/indicators.py [--database-url URL] [--programmes N] [--reuse] [--year YYYY]

Without --database-url it runs on a SQLite file under benchmarks/out/ and on the PostgreSQL database
`rehab_bench_indicators` when it answers.  --reuse keeps a database already built with the same number of
programmes (and its indicator rows).  Targets: every indicator for one year ≤ 3 s, the dashboard page
≤ 1 s server time, the annual report ≤ 10 s (medians).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.dataset import (  # noqa: E402
    BENCH_PASSWORD,
    DatasetSummary,
    backend_urls,
    build_dataset,
    describe_dataset,
)
from rehab import create_app  # noqa: E402
from rehab.db import make_engine  # noqa: E402
from rehab.indicators.catalogue import FAMILIES  # noqa: E402
from rehab.indicators.compute import compute_indicators  # noqa: E402
from rehab.indicators.types import IndicatorFilters, IndicatorReport  # noqa: E402
from rehab.models import ProfessionalSatisfaction  # noqa: E402

SQLITE_URL = "sqlite:///" + str(ROOT / "benchmarks" / "out" / "indicators.sqlite3")
POSTGRES_URL = "postgresql+psycopg:///rehab_bench_indicators?host=/var/run/postgresql"
COMPUTE_TARGET_S, PAGE_TARGET_S, REPORT_TARGET_S = 3.0, 1.0, 10.0
RUNS = 5
DESK_USER = "coordinateur01"


@dataclass(frozen=True)
class Timing:
    label: str
    samples: list[float]  # seconds
    target: float | None = None
    skipped: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def passed(self) -> bool:
        return self.skipped is not None or self.target is None or self.median <= self.target

    def row(self) -> str:
        if self.skipped is not None or not self.samples:
            return f"  {self.label:<58} {'—':>8} {'—':>8}   {'':<8} SKIPPED ({self.skipped})"
        verdict = "" if self.target is None else ("PASS" if self.median <= self.target else "FAIL")
        target = "" if self.target is None else f"≤ {self.target:g} s"
        return f"  {self.label:<58} {self.median:>8.3f} {max(self.samples):>8.3f}   {target:<8} {verdict}"


def timed(action: Callable[[], Any], runs: int = RUNS, warmups: int = 1) -> list[float]:
    for _ in range(warmups):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def prepare(url: str, programmes: int, reuse: bool) -> DatasetSummary:
    """Reuse a dataset of the right size that already holds the indicator rows; otherwise build it."""
    if reuse:
        summary = describe_dataset(url)
        if summary is not None and summary.programmes == programmes and _has_indicator_rows(url):
            print(f"  reusing {summary.programmes} programmes, {summary.tasks} tasks ({summary.rows} rows)")
            return summary
    print(f"  building {programmes} programmes with their indicator rows…", flush=True)
    summary = build_dataset(url, programmes=programmes, progress=lambda m: print(f"    {m}", end="\r", flush=True))
    print(f"\n  built {summary.rows} rows ({summary.tasks} tasks) in {summary.build_seconds:.1f} s")
    return summary


def _has_indicator_rows(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(select(func.count()).select_from(ProfessionalSatisfaction)))
    finally:
        engine.dispose()


def bench_compute(url: str, summary: DatasetSummary, year: int) -> tuple[list[Timing], IndicatorReport]:
    engine = make_engine(url)
    filters = IndicatorFilters.for_year(year)
    with Session(engine) as db:
        report = compute_indicators(db, filters, now=summary.now)
        timings = [Timing(f"every indicator, {year}, whole country ({len(FAMILIES)} families, trend 2 y)",
                          timed(lambda: compute_indicators(db, filters, now=summary.now)), COMPUTE_TARGET_S)]
        association = IndicatorFilters.for_year(year, association_id=1)
        timings.append(Timing(f"every indicator, {year}, one association",
                              timed(lambda: compute_indicators(db, association, now=summary.now)), None))
        for key, _label in FAMILIES:
            timings.append(Timing(f"  family {key}", timed(
                lambda key=key: compute_indicators(db, filters, now=summary.now, families=[key]), runs=3), None))
    engine.dispose()
    return timings, report


def bench_dashboard(url: str, summary: DatasetSummary, year: int) -> list[Timing]:
    """The overview (every family: the target) and, for information, one family's page."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
                      "WTF_CSRF_ENABLED": False, "FROZEN_NOW": summary.now})
    pages = [(f"GET /indicateurs/ ({DESK_USER}, {year}, every family)", f"/indicateurs/?annee={year}",
              PAGE_TARGET_S),
             (f"GET /indicateurs/outcomes ({year}, one family)", f"/indicateurs/outcomes?annee={year}", None)]
    try:
        with app.test_client() as client:
            response = client.post("/connexion", data={"username": DESK_USER, "password": BENCH_PASSWORD})
            if response.status_code != 302:
                return [Timing(pages[0][0], [], PAGE_TARGET_S, skipped=f"login answered {response.status_code}")]
            return [_page(client, label, path, target) for label, path, target in pages]
    finally:
        bind = app.extensions.get("rehab_db_bind")
        if bind is not None:
            bind.dispose()


def _page(client: FlaskClient, label: str, path: str, target: float | None) -> Timing:
    status = client.get(path).status_code
    if status != 200:
        return Timing(label, [], target, skipped=f"the page answered {status}")
    return Timing(label, timed(lambda: client.get(path)), target)


def bench_annual_report(url: str, summary: DatasetSummary, year: int) -> list[Timing]:
    """The export as the UI and the CLI run it: compute the year, then render (rolled back: it audits)."""
    try:
        from rehab.services.annual_report import export_annual_report
    except ImportError as exc:
        return [Timing("annual report", [], REPORT_TARGET_S, skipped=f"not available: {exc}")]
    engine = make_engine(url)
    timings = []
    with Session(engine) as db:
        for fmt, name in (("xlsx", "Excel workbook"), ("pdf", "PDF")):
            def export(fmt: str = fmt) -> None:
                export_annual_report(db, year=year, fmt=fmt, association_id=None, comments="Banc d'essai",
                                     letterhead=None, now=summary.now, user_id=None, ip=None)
                db.rollback()
            timings.append(Timing(f"annual report {year}, {name} (compute + render)", timed(export, runs=3),
                                  REPORT_TARGET_S))
    engine.dispose()
    return timings


def headline(report: IndicatorReport) -> None:
    """A few figures, so that a reader sees the benchmark computed something real."""
    for key in ("programmes_started", "programmes_completed", "professionals_involved", "completion_rate",
                "delay_weeks", "crq_improved", "endurance_improved", "follow_up_completion_rate",
                "hospital_days_reduction", "professional_satisfaction", "incidents_total", "cost_per_programme"):
        figure = report.figure(key)
        value = "—" if figure.value is None else f"{figure.value:g}"
        extra = f" (n = {figure.denominator}, missing {figure.missing})" if figure.denominator is not None else ""
        print(f"    {figure.label[:64]:<64} {value:>10}{extra}")


def run(url: str, programmes: int, reuse: bool, year: int | None) -> bool:
    backend = url.split(":", 1)[0].split("+", 1)[0]
    print(f"\n== {backend}: {url}")
    summary = prepare(url, programmes, reuse)
    year = year or summary.today.year - 1
    timings, report = bench_compute(url, summary, year)
    timings += [*bench_dashboard(url, summary, year), *bench_annual_report(url, summary, year)]
    print(f"\n  {backend}: {summary.programmes} programmes, {summary.rows} rows, year {year}, "
          f"today = {summary.today.isoformat()}")
    headline(report)
    print(f"\n  {'measure':<58} {'median s':>8} {'max s':>8}   {'target':<8} result")
    for timing in timings:
        print(timing.row())
    return all(t.passed for t in timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", help="one database only (default: SQLite file, then PostgreSQL)")
    parser.add_argument("--programmes", type=int, default=30_000)
    parser.add_argument("--reuse", action="store_true", help="keep a database already built at that size")
    parser.add_argument("--year", type=int, help="the year computed (default: the last complete one)")
    args = parser.parse_args()
    urls = backend_urls(args.database_url, SQLITE_URL, POSTGRES_URL)
    Path(ROOT / "benchmarks" / "out").mkdir(exist_ok=True)
    results = [run(url, args.programmes, args.reuse, args.year) for url in urls]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
