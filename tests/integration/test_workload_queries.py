"""The workload forecast stays a fixed number of queries whatever the number of programmes (national scale)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.services import workload
from tests.factories import make_patient, make_programme, make_user
from tests.plan_factories import make_task

TODAY = date(2026, 3, 2)


def _statements(db, run):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, [s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def _programmes(db, referent, n, *, reinforced=False):
    for i in range(n):
        programme = make_programme(db, make_patient(db), status=Status.SUIVI, referent=referent, d0=date(2025, 12, 1))
        make_task(db, programme, due=date(2026, 3, 3 + i % 3), kind="call", code="follow_up_call", phase=2)
        if reinforced:
            programme.event_batches = 1  # as plans.add_triggered_tasks counts them
            make_task(db, programme, due=date(2026, 3, 10), kind="visit", code="reinforcement_visit", phase=2,
                      trigger="reinforcement", batch=1)


def test_query_count_does_not_grow_with_programmes(db):
    referent = make_user(db, Role.REFERENT)
    _programmes(db, referent, 1, reinforced=True)
    db.expire_all()
    _, few = _statements(db, lambda: workload.forecast(db, today=TODAY, capacity=35))
    _programmes(db, referent, 11, reinforced=True)
    _programmes(db, referent, 1)
    db.expire_all()
    result, many = _statements(db, lambda: workload.forecast(db, today=TODAY, capacity=35))
    assert len(many) == len(few) <= 3
    (row,) = result.referents
    # 13 follow-up calls in week 1. A plain follow-up is the annex's 7 h without its expected half reinforcement
    # (7 − 2.3 = 4.7 h); a reinforced one adds its 4.6 h visit (week 2): either way a call keeps its 0.8 h
    # (5 calls × 0.8 + synthesis 0.7 = 4.7 of weight).
    assert row.weeks.hours[0] == round(13 * 0.8, 2)
    assert row.weeks.hours[1] == round(12 * 4.6, 2)
