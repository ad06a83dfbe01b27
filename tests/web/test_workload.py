"""The workload forecast page through HTTP, on a hand-built plan with known hours (annex 5)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from tests.factories import login, make_patient, make_programme, make_user
from tests.fleet_factories import make_unit
from tests.plan_factories import make_task

# FROZEN_NOW is Monday 2 March 2026: the forecast's weeks start on 02/03, 09/03, …
WEEK1, WEEK2 = date(2026, 3, 3), date(2026, 3, 10)
CALL_HOURS = 0.65 * 13 / 13.5  # 24 h − 11 h of visits, shared in proportion to the annex weights


def _programme(db, referent, status=Status.EN_COURS):
    return make_programme(db, make_patient(db), status=status, referent=referent, d0=date(2026, 3, 3))


def _row(body: str, name: str) -> list[str]:
    """The cells of a référent's row in the hours table."""
    match = re.search(rf'<th scope="row">{name}</th>(.*?)</tr>', body, re.S)
    assert match, f"no row for {name}"
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.fixture
def plan(db):
    """Marie: two inclusion visits in week 1 (8 h) and a weekly call in week 2; Paul: one call in week 2."""
    marie = make_user(db, Role.REFERENT, full_name="Marie Aubrac")
    paul = make_user(db, Role.REFERENT, full_name="Paul Cantal")
    for _ in range(2):
        make_task(db, _programme(db, marie), due=WEEK1, kind="visit", code="inclusion_visit", label="Visite")
    make_task(db, _programme(db, marie), due=WEEK2, kind="call", code="weekly_call")
    make_task(db, _programme(db, paul), due=WEEK2, kind="call", code="weekly_call")
    dispatch = _programme(db, paul)
    make_task(db, dispatch, due=WEEK2, role="assistante", kind="letter", code="synthese_initiale_dispatch")
    # not counted: a done task, a cancelled one, and a programme already finished
    make_task(db, _programme(db, marie), due=WEEK1, kind="visit", code="inclusion_visit", state="done")
    make_task(db, _programme(db, marie), due=WEEK1, kind="visit", code="closing_visit", state="cancelled")
    make_task(db, _programme(db, marie, Status.TERMINE), due=WEEK1, kind="visit", code="closing_visit")
    return marie, paul


def test_desk_sees_every_referent_hours_team_roles_and_fleet(app, client, db, plan):
    make_unit(db)
    app.config["REFERENT_WEEKLY_HOURS"] = 6
    login(client, make_user(db, Role.COORDINATEUR))
    response = client.get("/charge/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    cells = _row(body, "Marie Aubrac")
    assert cells[0] == "8,0 h — surcharge"  # 2 × 4 h of inclusion visit against 6 h of capacity
    assert cells[1] == f"{CALL_HOURS:.1f} h".replace(".", ",")
    assert "surcharge" not in cells[1]
    assert cells[-1] == f"{8 + CALL_HOURS:.1f} h".replace(".", ",")
    assert _row(body, "Paul Cantal")[:2] == ["0,0 h", "0,6 h"]
    assert "Marie Aubrac — semaine du 02/03/2026 : 8,0 h pour 6,0 h" in body
    # the overloaded week is the chart's « surcharge » series (drawn red), against the capacity line
    assert re.search(r'<rect class="chart-bar series-1"[^>]*><title>02/03 – Semaine en surcharge : 8,0 h</title>',
                     body)
    assert "capacité 6,0 h" in body and 'class="chart-reference"' in body
    assert _row(body, "Assistante de coordination")[1] == "0,8 h"  # 6 h over 8 assistante tasks = 0,75 h
    assert "Ergocycles : besoin / disponibles" in body


def test_no_overload_under_the_default_capacity(client, db, plan):
    login(client, make_user(db, Role.ASSISTANTE))
    body = client.get("/charge/").get_data(as_text=True)
    assert "Aucune surcharge prévue." in body and "— surcharge" not in body
    assert "35,0 h par semaine" in body


def test_a_referent_sees_only_his_own_weeks(client, db, plan):
    marie, _paul = plan
    login(client, marie)
    body = client.get("/charge/").get_data(as_text=True)
    assert _row(body, "Marie Aubrac")[0] == "8,0 h"
    assert "Paul Cantal" not in body
    assert "Assistante de coordination" not in body and "Ergocycles : besoin" not in body


def test_roles_without_clinical_planning_are_refused(client, db, plan):
    for role in (Role.GESTIONNAIRE, Role.ADMIN):
        login(client, make_user(db, role))
        assert client.get("/charge/").status_code == 403
