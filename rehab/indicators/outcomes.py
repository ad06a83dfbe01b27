"""Clinical outcomes of the intervention: quality of life (CRQ), endurance, mid-programme EVA.

The cohort is the programmes whose intervention reached week 12 in the period (activity's « réalisés »),
measured at the inclusion visit and at the closing visit. *CRQ per domain*: closing mean − inclusion mean
≥ the MCID (0.5 per item; thresholds in the targets file); a domain mean is None when one of its items is
missing: that programme is then out of the domain's denominator and counted as missing, like a programme
without one of the two questionnaires. *CRQ overall* (« amélioration significative de la QdV »,
80 / 85 / 90 %): an improvement ≥ MCID on at least one domain; known when a domain shows it, or when all
four domains are known on both questionnaires. *Endurance* (75 / 80 / 85 %): time to exhaustion at
constant load (80 % PMT) longer at closing by at least `endurance_percent` % of the inclusion time — the
source gives no threshold; 33 % is the published minimal important difference of constant-load tests
(Laviolette 2008), stated in the figure's note. When a visit was recorded twice, the latest one counts.
*EVA*: mean patient EVA (0–10) at the mid-programme visits of the period.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import union_all
from sqlalchemy.orm import Session

from rehab.domain.outcomes import CRQ_DOMAIN_LABELS, CRQ_DOMAINS
from rehab.indicators.context import Context, Result
from rehab.indicators.frames import (
    Window,
    categorical,
    days,
    intervention_d0_floor,
    mean,
    measures,
    read,
    scoped,
    share,
)
from rehab.indicators.types import Breakdown, Figure, IndicatorFilters
from rehab.models import CrqAdministration, EnduranceTest, Programme, VisitRecord

DOMAINS = tuple(CRQ_DOMAINS)
MOMENTS = ("inclusion", "closing")  # only the inclusion and closing visits carry a CRQ and an endurance test


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    """CRQ, endurance tests and mid-programme EVAs of the programmes whose intervention may end in the span
    (one UNION ALL query)."""
    earliest = intervention_d0_floor(span)
    crq, test, visit = CrqAdministration, EnduranceTest, VisitRecord
    branches = [
        measures(crq.programme_id, "crq", crq.moment, crq.administered_on, *(getattr(crq, d) for d in DOMAINS))
        .join(Programme, Programme.id == crq.programme_id).where(crq.moment.in_(MOMENTS)),
        measures(test.programme_id, "endurance", test.moment, test.tested_on, test.duration_s)
        .join(Programme, Programme.id == test.programme_id).where(test.moment.in_(MOMENTS)),
        measures(visit.programme_id, "eva", visit.form, visit.visited_on, visit.eva)
        .join(Programme, Programme.id == visit.programme_id).where(visit.form == "mid_programme_visit"),
    ]
    span_filter = (Programme.d0 >= earliest, Programme.d0 <= span.end.date())
    data = read(session, union_all(*(scoped(b.where(*span_filter), filters) for b in branches)))
    data["on"] = days(data["on"])
    return categorical(data, "kind")


def _by_moment(data: pd.DataFrame, kind: str, columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(inclusion, closing) measures per programme, the latest record of each moment."""
    rows = data[data["kind"] == kind].sort_values(["on"]).drop_duplicates(["programme_id", "label"], keep="last")
    rows = rows.set_index("programme_id")
    inclusion, closing = (rows.loc[rows["label"] == moment, columns] for moment in MOMENTS)
    return inclusion, closing


def compute(ctx: Context, window: Window) -> Result:
    frame = ctx.programmes
    cohort = frame.index[window.holds(frame["completed_on"])]
    letters = ["a", "b", "c", "d"]
    before, after = (part.rename(columns=dict(zip(letters, DOMAINS, strict=True))).reindex(cohort)
                     for part in ctx.derived("crq", lambda: _by_moment(ctx.data, "crq", letters)))
    result = Result(figures=_crq_figures(before, after, ctx.thresholds.crq_mcid, len(cohort)))
    result.figures.append(_endurance(ctx, cohort))
    mid = ctx.data[(ctx.data["kind"] == "eva") & window.holds(ctx.data["on"])]
    result.figures.append(mean("eva_mid", "EVA patient à mi-programme (moyenne, 0–10)", mid.set_index(
        "programme_id")["a"], "score", missing=int(mid["a"].isna().sum())))
    if window.main:
        result.breakdowns.append(_crq_means(before, after))
    return result


def _crq_means(before: pd.DataFrame, after: pd.DataFrame) -> Breakdown:
    both = before.notna() & after.notna()
    means = pd.DataFrame({"Avant": before.where(both).mean(), "Après": after.where(both).mean()}).round(2)
    return Breakdown(
        key="crq_means", label="CRQ moyen par domaine, avant et après le programme", columns=("Avant", "Après"),
        rows=tuple((CRQ_DOMAIN_LABELS[d], tuple(None if pd.isna(v) else float(v) for v in means.loc[d]))
                   for d in DOMAINS), unit="score")


def _crq_figures(before: pd.DataFrame, after: pd.DataFrame, mcid: float, cohort: int) -> list[Figure]:
    change = (after - before).round(2)
    improved = change >= mcid
    any_improved = improved.any(axis=1)
    known = any_improved | change.notna().all(axis=1)
    mcid_text = f"{mcid:.1f}".replace(".", ",")
    figures = [share("crq_improved", f"Amélioration cliniquement importante de la qualité de vie (CRQ ≥ "
                     f"{mcid_text} sur au moins un domaine)", any_improved[known], missing=int(cohort - known.sum()),
                     note="Programmes ayant achevé l'intervention dans la période ; questionnaire manquant ou "
                          "incomplet : hors dénominateur, compté comme manquant.")]
    for domain in DOMAINS:
        domain_known = change[domain].notna()
        figures.append(share(f"crq_improved_{domain}", f"Amélioration du CRQ ≥ {mcid_text} — "
                             f"{CRQ_DOMAIN_LABELS[domain]}", improved.loc[domain_known, domain],
                             missing=int(cohort - domain_known.sum())))
    return figures


def _endurance(ctx: Context, cohort: pd.Index) -> Figure:
    before, after = (part["a"].reindex(cohort)
                     for part in ctx.derived("endurance", lambda: _by_moment(ctx.data, "endurance", ["a"])))
    gain = after - before
    known = gain.notna()
    threshold = ctx.thresholds.endurance_percent
    hits = (gain > 0) & (gain * 100 >= threshold * before)
    return share("endurance_improved", "Amélioration significative de l'endurance (test à charge constante)",
                 hits[known], missing=int(len(cohort) - known.sum()),
                 note=f"Seuil retenu : temps d'endurance allongé d'au moins {threshold:g} % du temps initial "
                      "(différence minimale importante publiée ; la source n'en fixe pas).")
