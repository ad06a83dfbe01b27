"""Workload forecast (issue #9): each référent's planned hours per week for the coming 12 weeks.

The desk (assistante, coordinateur, médecin directeur) sees every référent, the team roles' hours and the
ergocycle forecast beside them, to decide before promising a start date; a référent sees only his own
weeks.  No patient is named on the page: hours per person and week only.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain import svg_charts
from rehab.domain.protocol_labels import TASK_ROLE_LABELS
from rehab.domain.roles import SEES_ALL_CLINICAL, Role
from rehab.models.fleet import CATEGORIES
from rehab.services import fleet
from rehab.services import workload as service
from rehab.web.common import roles_required, user
from rehab.web.forms import paris_today
from reports.fr import number

bp = Blueprint("workload", __name__, url_prefix="/charge")

FLEET_VIEWERS = (Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN)
CHART_SERIES = ("Heures prévues", "Semaine en surcharge")


def _hours(value: float) -> str:
    return f"{number(value, 1)} h"


def chart(row: service.ReferentRow, forecast: service.WorkloadForecast) -> svg_charts.Chart:
    """A référent's weeks as bars against the capacity line; an overloaded week is its own (red) series, so the
    colour is not the only sign: its bar's title and the legend say « surcharge »."""
    values = [(None, hours) if row.weeks.overloaded(i) else (hours, None) for i, hours in enumerate(row.weeks.hours)]
    return svg_charts.bar_chart([f"{monday:%d/%m}" for monday in forecast.mondays], CHART_SERIES, values,
                                title=f"Heures prévues par semaine — {row.name}", fmt=_hours, stacked=True,
                                width=420, height=200, reference=forecast.capacity,
                                reference_label=f"capacité {_hours(forecast.capacity)}")


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
                           chart_series=CHART_SERIES, fleet_rows=fleet_rows, categories=CATEGORIES,
                           role_labels=TASK_ROLE_LABELS)
