"""The benchmark's synthetic database feeds every indicator (a benchmark timing empty frames proves nothing)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from benchmarks.dataset import bench_now, build_dataset
from rehab.db import make_engine
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import IndicatorFilters


def test_small_benchmark_dataset_gives_every_family_figures(tmp_path: Path):
    url = "sqlite:///" + str(tmp_path / "bench.sqlite3")
    summary = build_dataset(url, programmes=400, years=3)
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            report = compute_indicators(db, IndicatorFilters.for_year(2025), now=bench_now(summary.today))
    finally:
        engine.dispose()
    for key in ("programmes_started", "programmes_completed", "professionals_involved", "referrals_received",
                "incidents_total", "follow_up_patients", "cost_total"):
        assert report.figure(key).value, key
    for key in ("completion_rate", "delay_weeks", "crq_improved", "endurance_improved", "eva_mid",
                "follow_up_completion_rate", "activity_maintained_q1", "hospital_days_reduction",
                "professional_satisfaction", "eva_closing", "cost_per_programme"):
        figure = report.figure(key)
        assert figure.value is not None and figure.denominator, key
    assert report.figure("crq_improved").missing > 0  # some questionnaires are left unfilled on purpose
