"""Workload forecast (issue #9): each référent's planned hours per week for the coming 12 weeks.

The desk (assistante, coordinateur, médecin directeur) sees every référent, the team roles' hours and the
ergocycle forecast beside them, to decide before promising a start date; a référent sees only his own
weeks.  No patient is named on the page: hours per person and week only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.protocol_labels import TASK_ROLE_LABELS
from rehab.domain.roles import SEES_ALL_CLINICAL, Role
from rehab.models.fleet import CATEGORIES
from rehab.services import fleet
from rehab.services import workload as service
from rehab.web.common import roles_required, user
from rehab.web.forms import paris_today

bp = Blueprint("workload", __name__, url_prefix="/charge")

FLEET_VIEWERS = (Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN)
CHART_W, CHART_H, BAR_GAP = 360, 120, 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    hours: float
    overloaded: bool
    label: str


@dataclass(frozen=True)
class Chart:
    """A référent's 12 bars, scaled so that the capacity line sits at the same place for everyone."""

    bars: tuple[Bar, ...]
    capacity_y: float
    top: float


def chart(row: service.ReferentRow, forecast: service.WorkloadForecast) -> Chart:
    top = max([forecast.capacity * 1.25, *row.weeks.hours]) or 1.0
    width = CHART_W / len(forecast.mondays)
    bars = []
    for i, (monday, hours) in enumerate(zip(forecast.mondays, row.weeks.hours, strict=True)):
        height = CHART_H * hours / top
        bars.append(Bar(i * width + BAR_GAP / 2, CHART_H - height, width - BAR_GAP, height, hours,
                        row.weeks.overloaded(i), f"{monday:%d/%m}"))
    return Chart(tuple(bars), CHART_H - CHART_H * forecast.capacity / top, top)


@bp.get("/")
@roles_required(Role.REFERENT, *SEES_ALL_CLINICAL)
def index() -> ResponseReturnValue:
    me = user()
    sees_all = me.has_role(*SEES_ALL_CLINICAL)
    today = paris_today()
    capacity = float(current_app.config.get("REFERENT_WEEKLY_HOURS", 35))
    forecast = service.forecast(Session(), today=today, capacity=capacity, referent=None if sees_all else me)
    fleet_rows = fleet.weekly_forecast(Session(), today=today, weeks=len(forecast.mondays)) \
        if me.has_role(*FLEET_VIEWERS) else None
    return render_template("workload/index.html", forecast=forecast, sees_all=sees_all,
                           charts={row.user_id: chart(row, forecast) for row in forecast.referents},
                           chart_size=(CHART_W, CHART_H), fleet_rows=fleet_rows, categories=CATEGORIES,
                           role_labels=TASK_ROLE_LABELS)
