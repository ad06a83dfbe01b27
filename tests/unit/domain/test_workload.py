"""Annex-5 hours spread over a plan's tasks: the phase always adds up to the standard."""

from __future__ import annotations

from datetime import date

import pytest

from rehab.domain import workload as wl
from rehab.domain.protocol import latest_protocol

PROTOCOL = latest_protocol("rehab_domicile")


def _slots(role: str, group: str) -> list[wl.Slot]:
    return [wl.Slot(t.code, t.kind.value) for t in PROTOCOL.templates()
            if t.role.value == role and wl.phase_group(t.phase) == group for _ in t.offsets]


@pytest.mark.parametrize(("group", "role", "standard"), [
    (wl.INTERVENTION, "referent", 24.0), (wl.INTERVENTION, "assistante", 6.0),
    (wl.INTERVENTION, "coordinateur", 3.0), (wl.INTERVENTION, "medecin_directeur", 2.0),
    (wl.INTERVENTION, "gestionnaire", 1.0), (wl.FOLLOW_UP, "referent", 7.0),
    (wl.FOLLOW_UP, "medecin_directeur", 0.75), (wl.FOLLOW_UP, "coordinateur", 0.75),
    (wl.FOLLOW_UP, "assistante", 0.75),
])
def test_the_protocol_plan_adds_up_to_the_annex_standard(group, role, standard):
    slots = _slots(role, group)
    assert slots, f"no {role} task in the {group} phase"
    assert wl.STANDARD_HOURS[group][role] == standard
    assert sum(wl.spread_hours(slots, standard)) == pytest.approx(standard)


def test_visits_keep_their_duration_and_calls_share_the_rest():
    slots = _slots("referent", wl.INTERVENTION)
    hours = dict(zip([s.code for s in slots], wl.spread_hours(slots, 24.0), strict=True))
    assert hours["inclusion_visit"] == 4.0
    assert hours["mid_programme_visit"] == 3.0
    assert hours["closing_visit"] == 4.0
    # 24 − 11 h of visits = 13 h over the calls and syntheses, in proportion to their annex weight
    assert hours["weekly_call"] == pytest.approx(0.65 * 13 / 13.5)
    assert hours["synthese_finale_draft"] == pytest.approx(2.5 * 13 / 13.5)
    assert hours["weekly_call"] < hours["mid_programme_visit"]


def test_a_plain_follow_up_drops_the_annex_half_visit_and_a_reinforcement_adds_a_whole_one():
    base = _slots("referent", wl.FOLLOW_UP)
    assert wl.phase_standard(wl.FOLLOW_UP, "referent", base) == pytest.approx(7.0 - 2.3)
    extra = [wl.Slot("reinforcement_visit", "visit"), *[wl.Slot("reinforcement_call", "call")] * 4]
    standard = wl.phase_standard(wl.FOLLOW_UP, "referent", [*base, *extra])
    assert standard == pytest.approx(7.0 - 2.3 + 4.6)
    hours = wl.spread_hours([*base, *extra], standard)
    assert sum(hours) == pytest.approx(standard)
    assert hours[len(base)] == 4.6
    plain = wl.spread_hours(base, wl.phase_standard(wl.FOLLOW_UP, "referent", base))
    assert hours[0] < plain[0]  # the reinforcement calls share the calls' hours
    # one programme in two reinforced: the annex's average again
    assert (sum(plain) + sum(hours)) / 2 == pytest.approx(7.0)
    assert wl.phase_standard(wl.INTERVENTION, "referent", base) == 24.0


def test_visits_alone_or_longer_than_the_standard_are_scaled_to_it():
    assert wl.spread_hours([wl.Slot("inclusion_visit", "visit"), wl.Slot("closing_visit", "visit")], 6.0) == [3.0, 3.0]
    assert wl.spread_hours([wl.Slot("x", "call")], 0.0) == [0.0]
    assert wl.spread_hours([], 24.0) == []


def test_weekly_loads_sum_by_monday_and_flag_overloads():
    mondays = [date(2026, 3, 2), date(2026, 3, 9)]
    loads = [wl.Load(1, date(2026, 3, 2), 20.0), wl.Load(1, date(2026, 3, 6), 16.0),
             wl.Load(1, date(2026, 3, 10), 4.0), wl.Load(2, date(2026, 3, 8), 1.5),
             wl.Load(1, date(2026, 3, 16), 99.0)]  # beyond the window: ignored
    out = wl.weekly_loads(loads, mondays, capacity=35.0)
    assert out[1].hours == (36.0, 4.0)
    assert out[1].overloaded_weeks == (0,)
    assert out[2].hours == (1.5, 0.0)
    assert out[2].overloaded_weeks == ()
    assert wl.weekly_loads(loads, mondays)[1].overloaded_weeks == ()  # no capacity: never overloaded
