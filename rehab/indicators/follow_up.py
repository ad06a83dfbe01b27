"""The 40-week remote follow-up and the hospitalisations in the 12 months before vs after.

*Follow-up patients* (« ayant bénéficié du parcours, phase d'accompagnement », 220 / 240 / 260) are the
programmes with at least one follow-up call in the period; *phone* (150 / 120 / 100) and *video*
(70 / 120 / 160) count those with at least one call by that channel (a patient may count in both).
*Activity maintained*: per quarter of follow-up (months since E — the passage to follow-up — rounded, 1–3,
4–6, 7–9, 10–12), the share of patients whose latest call of that quarter in the period reports at least
3 sessions a week; a call without the number is missing. *Follow-up completion* (« taux de validation du
parcours accompagnement », 65 / 75 / 85 %): among the programmes whose follow-up ended in the period,
the share closed normally (not interrupted). *Hospitalisations*: the programmes whose D0 + 12 months falls
in the period (when the pneumologist's one-year questionnaire is due); the reduction of hospital days
(40 / 45 / 50 %) is (days before − days after) / days before over the patients for whom both periods are
known — the others are counted as missing, as the source insists (637 of 1,145 in its cohort).
*Ruptures, reinforcements, reorientations*: programmes where the plan recorded, in the period, a rupture
(activity not maintained, sent to the comité), a reinforcement visit decided, or a second rupture — which
leads to a reorientation (physiotherapy sessions or an SSR stay) organised by the médecin directeur. The
*reorientation rate* (< 20 / 15 / 10 %) is the source's: reoriented patients over the follow-up's patients.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Date, cast, null, union_all
from sqlalchemy.orm import Session

from rehab.indicators.context import Context, Result
from rehab.indicators.frames import (
    Window,
    categorical,
    count,
    days,
    ids,
    local_days,
    measures,
    read,
    rows,
    scoped,
    share,
    shift_years,
)
from rehab.indicators.types import Breakdown, Figure, IndicatorFilters
from rehab.models import FollowUpCallRecord, HospitalisationCount, PlanEvent, Programme

CHANNELS = {"phone": "Téléphone", "video": "Visioconsultation"}
QUARTERS = (1, 2, 3, 4)
#: Plan events of the follow-up (rehab.services.plans), with the figure each one feeds.
PLAN_EVENTS = {
    "rupture": ("ruptures", "Programmes avec une rupture constatée (activité non maintenue)"),
    "reinforcement": ("reinforcements", "Programmes avec une visite de renforcement décidée"),
    "second_rupture": ("follow_up_reorientations", "Réorientations après une seconde rupture "
                                                   "(kinésithérapie ou séjour en SSR)"),
}
DAYS_PER_MONTH = 30.4375


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    """Follow-up calls and plan events of the span, the before/after hospitalisation counts (one UNION ALL)."""
    call, hosp, event = FollowUpCallRecord, HospitalisationCount, PlanEvent
    calls = (measures(call.programme_id, "call", call.channel, call.called_on, call.sessions_per_week,
                      call.hospitalisations, call.hospital_days)
             .join(Programme, Programme.id == call.programme_id)
             .where(call.called_on >= span.start.date(), call.called_on <= span.end.date()))
    counts = (measures(hosp.programme_id, "hospitalisation", hosp.period, cast(null(), Date), hosp.stays, hosp.days)
              .join(Programme, Programme.id == hosp.programme_id)
              .where(Programme.d0 >= shift_years(span.start.date(), -1),
                     Programme.d0 <= shift_years(span.end.date(), -1)))  # their one-year point is in the span
    # An instant: a day of margin each side in UTC, the exact Paris dates are kept in pandas.
    low, high = (datetime.combine(d, time(), tzinfo=UTC) for d in (span.start.date() - timedelta(days=1),
                                                                  span.end.date() + timedelta(days=2)))
    events = (measures(event.programme_id, "event", event.kind, event.at).join(Programme, Programme.id ==
                                                                               event.programme_id)
              .where(event.kind.in_(list(PLAN_EVENTS)), event.at >= low, event.at < high))
    data = read(session, union_all(*(scoped(b, filters) for b in (calls, counts, events))))
    instants = (data["kind"] == "event").to_numpy()
    on = pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns]")
    on[~instants] = days(data.loc[~instants, "on"])
    on[instants] = local_days(data.loc[instants, "on"])
    data["on"] = on
    return categorical(data, "kind")


def compute(ctx: Context, window: Window) -> Result:
    frame, data = ctx.programmes, ctx.data
    all_calls = ctx.derived("calls", lambda: _with_quarters(frame, data[data["kind"] == "call"]))
    calls = all_calls[window.holds(all_calls["on"])]
    result = Result(figures=[
        count("follow_up_patients", "Patients ayant bénéficié du télésuivi", frame.index.to_series().isin(
            calls["programme_id"])),
        *(count(f"follow_up_{channel}_patients", f"Patients suivis par {label.lower()}",
                frame.index.to_series().isin(calls.loc[calls["label"] == channel, "programme_id"]))
          for channel, label in CHANNELS.items()),
        _completion(frame, window),
        *_plan_events(frame, data, window),
        _reorientation_rate(frame, data, calls, window),
    ])
    sessions = ctx.thresholds.activity_sessions_per_week
    quarters = _quarters(frame, calls, sessions)
    result.figures += quarters[:3]
    pairs, cohort = _hospital_pairs(ctx, window)
    result.figures += _hospital_figures(pairs, cohort)
    if window.main:
        per_channel = calls.groupby("label").agg(calls=("programme_id", "size"),
                                                 patients=("programme_id", "nunique"))
        result.breakdowns += [
            Breakdown(key="calls_by_channel", label="Appels de suivi par mode", columns=("Appels", "Patients"),
                      rows=rows(per_channel.reindex(list(CHANNELS), fill_value=0), CHANNELS)),
            Breakdown(key="activity_by_quarter", label=f"Activité physique maintenue (≥ {sessions} séances par "
                      "semaine) par trimestre de suivi", columns=("Patients", "Activité maintenue", "%"),
                      rows=tuple((f"Trimestre {q}", (float(f.denominator or 0), float(f.numerator or 0), f.value))
                                 for q, f in zip(QUARTERS, quarters, strict=True)), unit="percent",
                      column_units=("count", "count", "percent")),
            _hospital_table(pairs),
        ]
    return result


def _plan_events(frame: pd.DataFrame, data: pd.DataFrame, window: Window) -> list[Figure]:
    events = data[(data["kind"] == "event") & window.holds(data["on"])]
    programmes = frame.index.to_series()
    return [count(key, label, programmes.isin(events.loc[events["label"] == kind, "programme_id"]))
            for kind, (key, label) in PLAN_EVENTS.items()]


def _reorientation_rate(frame: pd.DataFrame, data: pd.DataFrame, calls: pd.DataFrame, window: Window) -> Figure:
    """The source's « taux de réorientation en SSR » (< 20 / 15 / 10 %): patients reoriented (after a second
    rupture) over the patients of the follow-up phase in the period — those with a follow-up call, plus any
    reoriented one (his reorientation is part of his follow-up even without a call in the period)."""
    events = data[(data["kind"] == "event") & (data["label"] == "second_rupture") & window.holds(data["on"])]
    programmes = frame.index.to_series()
    followed = programmes.isin(calls["programme_id"]) | programmes.isin(events["programme_id"])
    return share("ssr_reorientation_rate", "Taux de réorientation des patients du télésuivi (SSR ou "
                 "kinésithérapie, après une seconde rupture)", programmes[followed].isin(events["programme_id"]),
                 note="Patients réorientés après une seconde rupture parmi les patients suivis à distance dans la "
                      "période (définition de la source).")


def _completion(frame: pd.DataFrame, window: Window) -> Figure:
    closed = window.holds(frame["finished_on"])
    interrupted = frame["interrupted_in_follow_up"] & window.holds(frame["interrupted_on"])
    return share("follow_up_completion_rate", "Taux de réalisation du suivi à distance", closed[closed | interrupted])


def _with_quarters(frame: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """Each call's quarter of follow-up: months since E (the passage to follow-up), rounded, by threes."""
    since = calls["on"] - frame["completed_on"].reindex(calls["programme_id"]).to_numpy()
    months = np.round(since.dt.days / DAYS_PER_MONTH)
    return calls.assign(quarter=((months - 1) // 3 + 1).clip(1, 4))


def _quarters(frame: pd.DataFrame, calls: pd.DataFrame, sessions: int) -> list[Figure]:
    calls = calls.dropna(subset=["quarter"])
    latest = calls.dropna(subset=["a"]).sort_values("on").drop_duplicates(["programme_id", "quarter"], keep="last")
    figures = []
    for quarter in QUARTERS:
        of_quarter = latest[latest["quarter"] == quarter].set_index("programme_id")["a"]
        asked = calls.loc[calls["quarter"] == quarter, "programme_id"].nunique()
        figures.append(share(f"activity_maintained_q{quarter}", f"Activité physique maintenue (≥ {sessions} "
                             f"séances par semaine) — trimestre {quarter} du suivi", of_quarter >= sessions,
                             missing=int(asked - len(of_quarter))))
    return figures


def _hospital_pairs(ctx: Context, window: Window) -> tuple[pd.DataFrame, int]:
    """Stays (a) and days (b) before/after of the cohort's patients for whom both periods are known."""
    one_year = ctx.derived("one_year", lambda: ctx.programmes["started_on"] + pd.DateOffset(years=1))
    cohort = ctx.programmes.index[window.holds(one_year)]
    table = ctx.derived("hospital", lambda: _hospital_table_of(ctx.data))
    return table.reindex(cohort).dropna(), len(cohort)


def _hospital_table_of(data: pd.DataFrame) -> pd.DataFrame:
    """One row per programme: stays (a) and days (b), before and after (NaN when not known)."""
    counts = data[data["kind"] == "hospitalisation"]
    table = counts.pivot_table(index="programme_id", columns="label", values=["a", "b"], aggfunc="last")
    return table.reindex(columns=pd.MultiIndex.from_product([["a", "b"], ["before", "after"]]))


def _hospital_figures(pairs: pd.DataFrame, cohort: int) -> list[Figure]:
    def reduction(column: str) -> float | None:
        before, after = float(pairs[(column, "before")].sum()), float(pairs[(column, "after")].sum())
        return round(100.0 * (before - after) / before, 1) if before else None

    known, missing, pair_ids = len(pairs), cohort - len(pairs), ids(pairs.index)
    return [
        Figure(key="hospital_days_reduction", label="Diminution du nombre de journées d'hospitalisation "
               "(12 mois avant / après)", unit="percent", value=reduction("b"), denominator=known, missing=missing,
               programme_ids=pair_ids),
        Figure(key="hospital_stays_reduction", label="Diminution du nombre d'hospitalisations (12 mois avant / "
               "après)", unit="percent", value=reduction("a"), denominator=known, missing=missing,
               programme_ids=pair_ids),
        Figure(key="hospital_pairs", label="Patients dont les hospitalisations avant et après sont connues",
               unit="count", value=float(known), numerator=known, denominator=cohort, missing=missing,
               programme_ids=pair_ids),
    ]


def _hospital_table(pairs: pd.DataFrame) -> Breakdown:
    stays, days_, hospitalised = (pairs["a"].sum(), pairs["b"].sum(), (pairs["a"] > 0).sum())
    table = pd.DataFrame([stays, days_, hospitalised], index=["Hospitalisations", "Journées d'hospitalisation",
                                                              "Patients hospitalisés"])
    return Breakdown(key="hospitalisations", label="Hospitalisations des patients, 12 mois avant et après",
                     columns=("12 mois avant", "12 mois après"), rows=rows(table[["before", "after"]]))
