"""Satisfaction: the professionals' questionnaires three months after the programme, the patients' EVA.

*Professional satisfaction* (> 70 / 80 / 85 %): among the questionnaires received in the period (one per
professional and programme), the share where the professional declared himself satisfied; the source's
« > » is read as « at least » (a target met exactly counts as met). *Patient EVA at closing*: mean of the
EVA (0–10) recorded at the closing visits of the period; a visit without it is counted as missing.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, union_all
from sqlalchemy.orm import Session

from rehab.indicators.context import Context, Result
from rehab.indicators.frames import Window, categorical, days, mean, measures, read, rows, scoped, share
from rehab.indicators.types import Breakdown, IndicatorFilters
from rehab.models import ProfessionalSatisfaction, Programme, VisitRecord
from rehab.models.care_team import TEAM_ROLES


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    """Questionnaires received and closing visits in the span (one UNION ALL query)."""
    answer, visit = ProfessionalSatisfaction, VisitRecord
    answers = (measures(answer.programme_id, "professional", answer.role, answer.received_on,
                        case((answer.satisfied, 1), else_=0),  # PostgreSQL casts no boolean to float
                        answer.score)
               .join(Programme, Programme.id == answer.programme_id)
               .where(answer.received_on >= span.start.date(), answer.received_on <= span.end.date()))
    closings = (measures(visit.programme_id, "eva", visit.form, visit.visited_on, visit.eva)
                .join(Programme, Programme.id == visit.programme_id)
                .where(visit.form == "closing_visit", visit.visited_on >= span.start.date(),
                       visit.visited_on <= span.end.date()))
    data = read(session, union_all(scoped(answers, filters), scoped(closings, filters)))
    data["on"] = days(data["on"])
    return categorical(data, "kind")


def compute(ctx: Context, window: Window) -> Result:
    data = ctx.data[window.holds(ctx.data["on"])]
    answers = data[data["kind"] == "professional"].set_index("programme_id")
    closings = data[data["kind"] == "eva"].set_index("programme_id")
    satisfied = answers["a"].astype(bool)
    result = Result(figures=[
        share("professional_satisfaction", "Professionnels de santé satisfaits", satisfied,
              note="Questionnaires de satisfaction reçus dans la période (un par professionnel et programme)."),
        mean("professional_score", "Note moyenne des professionnels (0–10)", answers["b"], "score",
             missing=int(answers["b"].isna().sum())),
        mean("eva_closing", "EVA patient à la clôture (moyenne, 0–10)", closings["a"], "score",
             missing=int(closings["a"].isna().sum())),
    ])
    if window.main:
        result.breakdowns.append(_by_role(answers, satisfied))
    return result


def _by_role(answers: pd.DataFrame, satisfied: pd.Series) -> Breakdown:
    by_role = answers.assign(satisfied=satisfied).groupby("label").agg(
        received=("satisfied", "size"), satisfied=("satisfied", "sum"))
    by_role["percent"] = (100.0 * by_role["satisfied"] / by_role["received"]).round(1)
    labels = {role: label for role, (label, _kinds) in TEAM_ROLES.items()}
    return Breakdown(key="satisfaction_by_role", label="Satisfaction des professionnels par métier",
                     columns=("Questionnaires", "Satisfaits", "%"), rows=rows(by_role, labels),
                     column_units=("count", "count", "percent"))
