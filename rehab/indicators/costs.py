"""Cost per programme: the professionals' forfaits paid or due, against the per-patient lump sum.

The cohort is the programmes whose intervention ended in the period (reached week 12 or was interrupted):
the forfaits are paid at the end of phase 1, so by then a programme's lines are known. A programme's cost
is the sum of its payment lines that are not cancelled; a programme of the cohort without any line is
counted as missing (not yet priced), not as free. The lump sum (FISS, 2 300 €) is the one of the tariff in
force at the programme's D0 — the versioned tariff table the gestionnaire maintains (rehab.services.tariffs,
seeded from rehab/protocols/tariffs/tariffs.toml) — never a constant of the code; the mean cost's target
is the lump sum in force at the end of the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rehab.domain.tariffs import Tariff, load_tariffs
from rehab.indicators.context import Context, Result
from rehab.indicators.frames import Window, amount, count, intervention_d0_floor, read, rows, scoped
from rehab.indicators.types import Breakdown, Figure, IndicatorFilters, Target
from rehab.models import PaymentLine, Programme
from rehab.services import tariffs as tariff_versions


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    """Non-cancelled payment totals per programme and forfait (one grouped query), with the tariff versions
    (a few rows) in `attrs["tariffs"]`."""
    line = PaymentLine
    stmt = (select(line.programme_id, line.forfait_code, func.sum(line.amount).label("amount"))
            .join(Programme, Programme.id == line.programme_id)
            .where(line.status != "cancelled", Programme.d0 >= intervention_d0_floor(span),
                   Programme.d0 <= span.end.date())
            .group_by(line.programme_id, line.forfait_code))
    data = read(session, scoped(stmt, filters))
    data["amount"] = data["amount"].astype(float)
    data.attrs["tariffs"] = tariff_versions.all_tariffs(session)
    return data


def lump_sums(d0: pd.Series, tariffs: tuple[Tariff, ...]) -> pd.Series:
    """The lump sum in force at each D0 (NaN before the first tariff): vectorised over the tariffs."""
    starts = np.array([np.datetime64(t.effective_from, "ns") for t in tariffs])
    sums = np.array([float(t.lump_sum) for t in tariffs] + [np.nan])
    position = np.searchsorted(starts, d0.to_numpy(dtype="datetime64[ns]"), side="right") - 1
    return pd.Series(np.where(position >= 0, sums[position], np.nan), index=d0.index)


def compute(ctx: Context, window: Window) -> Result:
    frame = ctx.programmes
    ended = window.holds(frame["completed_on"]) | (frame["interrupted_in_intervention"]
                                                    & window.holds(frame["interrupted_on"]))
    cohort = frame.index[ended]
    tariffs: tuple[Tariff, ...] = ctx.data.attrs.get("tariffs") or load_tariffs()
    lines = ctx.data[ctx.data["programme_id"].isin(cohort)]
    per_programme = lines.groupby("programme_id")["amount"].sum()
    lump = lump_sums(frame.loc[per_programme.index, "d0"], tariffs)
    over = (per_programme > lump).reindex(frame.index, fill_value=False)
    missing = len(cohort) - len(per_programme)
    in_force = lump_sums(pd.Series([window.end]), tariffs).iloc[0]  # the target: the period end's lump sum
    reference = float(tariffs[-1].lump_sum if pd.isna(in_force) else in_force)
    mean_cost = round(float(per_programme.mean()), 2) if len(per_programme) else None
    result = Result(figures=[
        Figure(key="cost_per_programme", label="Coût moyen des forfaits par programme", unit="euros",
               value=mean_cost, denominator=len(per_programme), missing=missing,
               target=Target(value=reference, direction="max", unit="euros"),
               programme_ids=tuple(sorted(int(i) for i in per_programme.index)),
               note=f"Forfaits des professionnels (lignes non annulées) ; forfait par patient : {reference:.0f} €."),
        amount("cost_total", "Total des forfaits des programmes achevés", round(float(per_programme.sum()), 2),
               "euros", programme_ids=per_programme.index, denominator=len(per_programme), missing=missing),
        count("programmes_over_lump_sum", "Programmes dépassant le forfait par patient", over),
    ])
    if window.main:
        result.breakdowns.append(_by_forfait(lines, tariffs))
    return result


def _by_forfait(lines: pd.DataFrame, tariffs: tuple[Tariff, ...]) -> Breakdown:
    by_forfait = lines.groupby("forfait_code").agg(total=("amount", "sum"), programmes=("programme_id", "nunique"))
    return Breakdown(key="cost_by_forfait", label="Forfaits par type", columns=("Montant (€)", "Programmes"),
                     rows=rows(by_forfait.round(2), _forfait_labels(tariffs)), unit="euros",
                     column_units=("euros", "count"))


def _forfait_labels(tariffs: tuple[Tariff, ...]) -> dict[str, str]:
    return {f.code: f.label for tariff in tariffs for f in tariff.forfaits}
