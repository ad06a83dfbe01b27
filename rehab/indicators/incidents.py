"""Intercurrent events (≈ 30 % of programmes): counted by nature, severity and outcome.

Each event counts in the period of its date. Severity is high when the event led to a hospitalisation
(SPEC: « high = hospitalisation »); the outcome is the médecin directeur's decision (continue, suspend,
interrupt), « en attente » while he has not decided. *Programmes with an event*: among the programmes
running at some point of the period, the share with at least one event dated in the period.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.indicators.catalogue import NOT_RECORDED
from rehab.indicators.context import Context, Result
from rehab.indicators.frames import Window, days, ids, raw, read, rows, running, scoped, share
from rehab.indicators.types import Breakdown, Figure, IndicatorFilters
from rehab.models import IntercurrentEvent, Programme
from rehab.services.home_events import DECISIONS
from rehab.services.home_form_specs import NATURES

SEVERITIES = {"high": "Élevée (hospitalisation)", "low": "Sans hospitalisation"}
PENDING = "pending"


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    event = IntercurrentEvent
    stmt = (select(event.programme_id, raw(event.event_date).label("event_date"), event.nature,
                   event.hospitalisation, event.decision)
            .join(Programme, Programme.id == event.programme_id)
            .where(event.event_date >= span.start.date(), event.event_date <= span.end.date()))
    data = read(session, scoped(stmt, filters))
    data["event_date"] = days(data["event_date"])
    data["hospitalisation"] = data["hospitalisation"].astype(bool)
    return data


def compute(ctx: Context, window: Window) -> Result:
    events = ctx.data[window.holds(ctx.data["event_date"])]
    severity = events["hospitalisation"].map({True: "high", False: "low"})
    decision = events["decision"].fillna(PENDING)
    live = running(ctx.programmes, window)
    running_ids = live[live].index.to_series()
    result = Result(figures=[
        _events("incidents_total", "Événements intercurrents", events),
        _events("incidents_high", "Événements de sévérité élevée (hospitalisation)", events[severity == "high"]),
        _events("incidents_pending", "Événements en attente de décision", events[decision == PENDING]),
        share("programmes_with_incident", "Programmes ayant eu au moins un événement intercurrent",
              running_ids.isin(events["programme_id"])),
    ])
    if window.main:
        result.breakdowns += _breakdowns(events, severity, decision)
    return result


def _breakdowns(events: pd.DataFrame, severity: pd.Series, decision: pd.Series) -> list[Breakdown]:
    natures = dict(NATURES)
    by_nature = pd.DataFrame({"nature": events["nature"], "all": 1, "high": severity.eq("high").astype(int)})
    by_nature = by_nature.groupby("nature")[["all", "high"]].sum().reindex(
        [*natures, *sorted(set(events["nature"]) - set(natures))], fill_value=0)
    outcomes = {**DECISIONS, PENDING: "Décision en attente"}
    return [
        Breakdown(key="incidents_by_nature", label="Événements par nature", columns=("Événements",
                  "dont hospitalisation"), rows=rows(by_nature, natures), chart="stacked"),
        Breakdown(key="incidents_by_severity", label="Événements par sévérité", columns=("Événements",),
                  rows=rows(severity.value_counts().reindex(list(SEVERITIES), fill_value=0), SEVERITIES)),
        Breakdown(key="incidents_by_outcome", label="Événements par décision", columns=("Événements",),
                  rows=rows(decision.value_counts().reindex(list(outcomes), fill_value=0),
                            {**outcomes, "": NOT_RECORDED})),
    ]


def _events(key: str, label: str, events: pd.DataFrame) -> Figure:
    return Figure(key=key, label=label, unit="count", value=float(len(events)),
                  programme_ids=ids(events["programme_id"]))
