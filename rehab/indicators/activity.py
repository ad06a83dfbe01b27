"""Activity: how many programmes started and were done, with how many professionals, referred by whom.

Each programme counts in the period of its natural date: *started* on its D0 (a programme that really
started: status reached « en cours », D0 not in the future); *done* (« programmes réalisés », source
220 / 240 / 260) when its intervention reached week 12, on the date it passed to remote follow-up;
*referred* on the referral date. *Professionals involved* (500 / 550 / 600) are the distinct
professionals who agreed to join the care team (CareTeamMember agreed, not refused) of a programme
running at some point of the period (between its D0 and its closing or interruption).
*Coordination-referred patients* (20 / 30 / 40) are programmes started in the period whose dossier
origin is a coordination support scheme or a group practice (catalogue.COORDINATION_ORIGINS).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.departments import DEPARTMENTS
from rehab.domain.dossier import ORIGINS
from rehab.indicators.catalogue import COORDINATION_ORIGINS, NOT_RECORDED
from rehab.indicators.context import Context, Result
from rehab.indicators.frames import Window, count, earliest_d0, ids, read, rows, running, scoped
from rehab.indicators.types import Breakdown, Figure, IndicatorFilters
from rehab.models import CareTeamMember, Programme

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def load(session: Session, filters: IndicatorFilters, span: Window) -> pd.DataFrame:
    """The agreed care-team members of the programmes the programme frame holds (one query)."""
    member = CareTeamMember
    stmt = (select(member.programme_id, member.professional_id)
            .join(Programme, Programme.id == member.programme_id)
            .where(member.agreed_on.is_not(None), member.refused_on.is_(None),
                   Programme.d0 >= earliest_d0(span), Programme.d0 <= span.end.date()))
    return read(session, scoped(stmt, filters))


def compute(ctx: Context, window: Window) -> Result:
    frame = ctx.programmes
    started = window.holds(frame["started_on"])
    completed = window.holds(frame["completed_on"])
    coordination = started & frame["origin"].isin(list(COORDINATION_ORIGINS))
    referred = window.holds(frame["referred_on"])
    result = Result(figures=[
        count("programmes_started", "Programmes démarrés (J0 dans la période)", started),
        count("programmes_completed", "Programmes réalisés (phase d'intervention de 12 semaines achevée)",
              completed),
        _professionals(ctx, window),
        count("coordination_referred", "Patients orientés par un dispositif d'appui à la coordination ou une "
              "structure d'exercice regroupé", coordination,
              note="Programmes démarrés dans la période dont le dossier a pour origine : "
                   + ", ".join(COORDINATION_ORIGINS.values()) + "."),
        count("referrals_received", "Demandes reçues", referred),
    ])
    if window.main:
        result.breakdowns += [_origins(frame[referred]), _months(frame[started], window),
                              _departments(frame, started, completed)]
    return result


def _professionals(ctx: Context, window: Window) -> Figure:
    live = running(ctx.programmes, window)
    members = ctx.data[ctx.data["programme_id"].isin(live[live].index)]
    return Figure(key="professionals_involved", label="Professionnels de santé impliqués dans un programme",
                  unit="count", value=float(members["professional_id"].nunique()),
                  denominator=int(members["programme_id"].nunique()),
                  programme_ids=ids(members["programme_id"].unique()),
                  note="Professionnels distincts ayant accepté de faire partie de l'équipe de soins d'un "
                       "programme en cours pendant la période.")


def _origins(referred: pd.DataFrame) -> Breakdown:
    labels = {**ORIGINS, **COORDINATION_ORIGINS, "": NOT_RECORDED}
    counts = referred["origin"].fillna("").value_counts().reindex([*labels], fill_value=0)
    counts = counts[(counts > 0) | counts.index.isin(list(ORIGINS))]
    return Breakdown(key="referrals_by_origin", label="Demandes reçues par origine", columns=("Demandes",),
                     rows=rows(counts, labels))


def _months(started: pd.DataFrame, window: Window) -> Breakdown:
    months = pd.period_range(window.start, window.end, freq="M")
    counts = started["started_on"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
    labels = {str(p): f"{MONTHS[p.month - 1]} {p.year}" for p in months}
    counts.index = counts.index.astype(str)
    return Breakdown(key="started_by_month", label="Programmes démarrés par mois", columns=("Démarrés",),
                     rows=rows(counts, labels), chart="line")


def _departments(frame: pd.DataFrame, started: pd.Series, completed: pd.Series) -> Breakdown:
    table = pd.DataFrame({"started": started, "completed": completed, "department": frame["department"]})
    table = table[table["started"] | table["completed"]]
    by_department = table.groupby(table["department"].fillna("")).sum(numeric_only=True).sort_index()
    labels = {code: f"{code} — {name}" for code, name in DEPARTMENTS.items()} | {"": NOT_RECORDED}
    return Breakdown(key="by_department", label="Programmes par département", columns=("Démarrés", "Réalisés"),
                     rows=rows(by_department[["started", "completed"]], labels))
