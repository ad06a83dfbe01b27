"""The 12-week intervention: completion, délai de prise en charge, SSR reorientations, interruptions.

*Completion rate* (« taux de validation du parcours intervention », 85 %): among the programmes whose
intervention ended in the period, the share that reached week 12 (ended = passed to follow-up, or was
interrupted before); the source writes the ratio upside down (« initiés / terminés »), we read it as
completed / ended. *Délai* (≤ 4 weeks): from the dossier complete date (last piece received) to D0, for
the programmes started in the period; a started programme without a dossier complete date, or completed after
D0 (inconsistent dates), is missing.
*Reorientation at the decision* (no target): among the médecin directeur's decisions on a dossier in the
period, the share « réorienté vers un SSR ». The source's targeted rate (< 20 / 15 / 10 %) divides the
reorientations by the patients of the follow-up phase: it is computed in the follow-up family.
*Interruptions by week*: week of the intervention (1–12) in which the programmes interrupted during the period stopped.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from rehab.indicators.context import Context, Result
from rehab.indicators.frames import Window, count, mean, share
from rehab.indicators.types import Breakdown, IndicatorFilters

DELAY_BINS = (-10_000, 14, 28, 42, 56, 10_000)
DELAY_LABELS = ("≤ 2 semaines", "2 à 4 semaines", "4 à 6 semaines", "6 à 8 semaines", "> 8 semaines")
TARGET_DELAY_DAYS = 28


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    """Nothing beyond the programme frame: every date this family needs is a programme milestone."""
    return pd.DataFrame()


def compute(ctx: Context, window: Window) -> Result:
    frame = ctx.programmes
    completed = window.holds(frame["completed_on"])
    interrupted = frame["interrupted_in_intervention"] & window.holds(frame["interrupted_on"])
    ended = completed | interrupted
    started = frame[window.holds(frame["started_on"])]
    delay = (started["started_on"] - started["complete_on"]).dt.days
    delay = delay.where(delay >= 0)  # complete after D0: inconsistent dates, counted as missing
    known = delay.dropna()
    decided = frame[window.holds(frame["t_valide"]) | window.holds(frame["t_reoriente"])]
    result = Result(figures=[
        share("completion_rate", "Taux de réalisation de la phase d'intervention", completed[ended]),
        count("interrupted_in_intervention", "Programmes interrompus pendant l'intervention", interrupted),
        mean("delay_weeks", "Délai moyen dossier complet → J0", delay / 7, "weeks",
             missing=int(delay.isna().sum()), note="Programmes démarrés dans la période ; ceux sans date de "
             "dossier complet (ou complet après J0) sont comptés comme manquants."),
        share("delay_within_target", "Programmes démarrés dans les 4 semaines suivant le dossier complet",
              known <= TARGET_DELAY_DAYS, missing=int(delay.isna().sum())),
        share("decision_reorientation_rate", "Dossiers réorientés vers un SSR à la décision médicale",
              decided["t_reoriente"].notna(),
              note="Dossiers réorientés vers un SSR parmi les décisions du médecin directeur de la période. "
                   "L'objectif de la source (< 20 / 15 / 10 %) porte sur les réorientations du télésuivi "
                   "(famille « Suivi à distance »)."),
    ])
    if window.main:
        result.breakdowns += _breakdowns(frame, known, interrupted)
    return result


def _breakdowns(frame: pd.DataFrame, known: pd.Series, interrupted: pd.Series) -> list[Breakdown]:
    histogram = pd.cut(known, bins=list(DELAY_BINS), labels=list(DELAY_LABELS)).value_counts().reindex(
        list(DELAY_LABELS), fill_value=0)
    weeks = ((frame.loc[interrupted, "interrupted_on"] - frame.loc[interrupted, "started_on"]).dt.days // 7 + 1)
    by_week = weeks.clip(1, 12).value_counts().reindex(range(1, 13), fill_value=0)
    by_week.index = [f"Semaine {w}" for w in by_week.index]
    return [
        Breakdown(key="delay_histogram", label="Délai dossier complet → J0", columns=("Programmes",),
                  rows=_rows(histogram), chart="histogram"),
        Breakdown(key="interruptions_by_week", label="Interruptions par semaine d'intervention",
                  columns=("Interruptions",), rows=_rows(by_week)),
    ]


def _rows(series: pd.Series) -> tuple[tuple[str, tuple[float | None, ...]], ...]:
    return tuple((str(label), (float(value),)) for label, value in series.items())
