"""What every family shares: the scope pushed into SQL, the programme frame, windows and figure builders.

Dates are compared in pandas, never computed in SQL: SQLite and PostgreSQL disagree on date arithmetic,
and a status change is an instant (UTC) whose *local* date (Europe/Paris) is the one a coordinator means.
The span queried is the period plus the trend years before it, so the trend comes from the same frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Float, Select, String, and_, case, cast, func, literal, null, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from rehab.indicators.types import Figure, IndicatorFilters, Unit
from rehab.models import Dossier, Programme, ProgrammeTransition

PARIS = "Europe/Paris"
INTERVENTION_DAYS = 84  # 12 weeks: D0 → E
STARTED_STATUSES = ("en_cours", "suivi", "termine")
#: Status changes whose first date the indicators need (column t_<status> of the programme frame).
MILESTONES = ("dossier_complet", "valide", "reoriente", "en_cours", "suivi", "termine", "interrompu")

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class Window:
    """One period the figures are computed for (the asked one, or a previous year for the trend)."""

    start: pd.Timestamp
    end: pd.Timestamp
    #: False for a trend year: only the figures' values are kept, so the breakdowns are not built.
    main: bool = True

    @classmethod
    def of(cls, start: date, end: date, *, main: bool = True) -> Window:
        return cls(pd.Timestamp(start), pd.Timestamp(end), main)

    def holds(self, days: pd.Series) -> pd.Series:
        """True where the (naive, midnight) date falls in the window; NaT is never in it."""
        return days.notna() & (days >= self.start) & (days <= self.end)


def shift_years(day: date, years: int) -> date:
    """The same calendar day `years` earlier or later (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def earliest_d0(span: Window) -> date:
    """The earliest D0 that can matter to the span: a programme lasts about a year (12 weeks, then 40 weeks
    of follow-up); six more months cover suspensions and a late closing. Older ones are not read."""
    return shift_years(span.start.date(), -1) - timedelta(days=183)


def intervention_d0_floor(span: Window) -> date:
    """The earliest D0 whose intervention can end in the span: 12 weeks, plus up to six months of suspensions."""
    return span.start.date() - timedelta(days=INTERVENTION_DAYS + 183)


def scoped(stmt: S, filters: IndicatorFilters) -> S:
    """Association, department and référent filters, on a statement that already involves Programme."""
    if filters.association_id is not None:
        stmt = stmt.where(Programme.association_id == filters.association_id)
    if filters.department is not None:
        stmt = stmt.where(Programme.department == filters.department)
    if filters.referent_id is not None:
        stmt = stmt.where(Programme.referent_id == filters.referent_id)
    return stmt


def read(session: Session, stmt: Executable) -> pd.DataFrame:
    """The statement's rows as a DataFrame, taken from the DBAPI cursor in one `fetchall`.

    Same result as `pd.read_sql(stmt, connection)` for the columns we select (dates are read raw, see `raw`),
    without building one SQLAlchemy Row per record: on a national year it halves the reading time.
    """
    result = session.connection().execute(stmt)
    try:
        columns = list(result.keys())
        return pd.DataFrame.from_records(result.cursor.fetchall(), columns=columns)  # type: ignore[attr-defined]
    finally:
        result.close()


def categorical(data: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Low-cardinality text columns (kind, label) as categories: the families compare them many times."""
    for column in columns:
        data[column] = data[column].astype("category")
    return data


def raw(column: Any) -> Any:
    """A date or instant read as ISO text (SQLite stores it so; PostgreSQL renders it with its UTC offset),
    never converted value by value by SQLAlchemy or the driver: pandas parses the whole column at once."""
    return type_coerce(cast(column, String()), String())


MEASURE_NUMBERS = ("a", "b", "c", "d")


def measures(programme_id: Any, kind: str, label: Any, on: Any, *numbers: Any) -> Select[Any]:
    """One branch of a family's UNION ALL: (programme_id, kind, label, on, a, b, c, d) whatever the table,
    so that a family reads all its tables in one round trip. Numbers are cast to float (Numeric → float)."""
    padded = [*numbers, *[None] * (len(MEASURE_NUMBERS) - len(numbers))]
    values = [cast(null() if n is None else n, Float).label(name) for n, name in zip(padded, MEASURE_NUMBERS,
                                                                                        strict=True)]
    label_value = cast(null() if label is None else label, String)
    return select(programme_id.label("programme_id"), literal(kind, String).label("kind"),
                  label_value.label("label"), raw(on).label("on"), *values)


def local_days(values: pd.Series) -> pd.Series:
    """Instants (aware, or naive UTC) → their Europe/Paris date as naive midnight timestamps."""
    instants = pd.to_datetime(values, utc=True, format="ISO8601")  # SQLite's naive text is UTC
    return instants.dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def days(values: pd.Series) -> pd.Series:
    """Dates (date objects or ISO strings) → naive midnight timestamps (NaT for None)."""
    return pd.to_datetime(values, format="ISO8601").astype("datetime64[ns]")


# ------------------------------------------------------------------------------- the programme frame


def programme_statement(filters: IndicatorFilters, span: Window) -> Select[*tuple[Any, ...]]:
    """One row per programme in scope with the first date of each milestone and the dossier's facts.

    Transitions are aggregated in SQL (conditional MIN per status: portable), the rest is done in pandas.
    Only programmes that may matter to the span are read: started since `earliest_d0`, or not started and
    referred since then.
    """
    t = ProgrammeTransition
    firsts = [func.min(case((t.to_status == status, t.at))).label(f"t_{status}") for status in MILESTONES]
    # Aggregating only the transitions of the programmes read halves the query on ten years of history.
    transitions = scoped(_relevant(select(t.programme_id, *firsts).join(Programme, Programme.id == t.programme_id),
                                   span), filters).group_by(t.programme_id).subquery()
    stmt = (
        select(Programme.id, Programme.association_id, Programme.department, Programme.referent_id,
               Programme.status, raw(Programme.d0).label("d0"),
               raw(Programme.referral_date).label("programme_referral"),
               raw(Dossier.referral_date).label("dossier_referral"), raw(Dossier.complete_on).label("complete_on"),
               Dossier.origin, *(raw(transitions.c[f"t_{status}"]).label(f"t_{status}") for status in MILESTONES))
        .outerjoin(transitions, transitions.c.programme_id == Programme.id)
        .outerjoin(Dossier, Dossier.programme_id == Programme.id)
    )
    return scoped(_relevant(stmt, span), filters)


def _relevant(stmt: S, span: Window) -> S:
    """Programmes started since `earliest_d0` and by the span's end, or not started and referred then."""
    lowest, highest = earliest_d0(span), span.end.date()
    return (stmt.where(or_(Programme.d0 >= lowest, and_(Programme.d0.is_(None), or_(
        Programme.referral_date.is_(None), Programme.referral_date >= lowest))))
        .where(or_(Programme.d0 <= highest, Programme.referral_date <= highest,
                   and_(Programme.d0.is_(None), Programme.referral_date.is_(None)))))


def programme_frame(session: Session, filters: IndicatorFilters, today: date, span: Window) -> pd.DataFrame:
    """The programmes in scope (every period), indexed by id, with the dates the families attribute by.

    started_on: D0 of a programme that really started (status reached en cours, D0 not in the future).
    completed_on: intervention reached week 12 (passage to remote follow-up; D0 + 12 weeks for a legacy
    programme in follow-up without that transition). interrupted_on: interruption date, split into
    during the intervention (no follow-up yet) or during the follow-up. finished_on: follow-up closed.
    complete_on: dossier complete (last piece received; else the « dossier complet » status change).
    """
    frame = read(session, programme_statement(filters, span)).set_index("id")
    for status in MILESTONES:
        frame[f"t_{status}"] = local_days(frame[f"t_{status}"])
    frame["d0"] = days(frame["d0"])
    started = (frame["status"].isin(STARTED_STATUSES) | frame["t_en_cours"].notna()) & (
        frame["d0"] <= pd.Timestamp(today))
    frame["started_on"] = frame["d0"].where(started)
    in_follow_up = frame["status"].isin(("suivi", "termine")) | frame["t_suivi"].notna()
    frame["completed_on"] = frame["t_suivi"].fillna(frame["d0"] + pd.Timedelta(days=INTERVENTION_DAYS)).where(
        in_follow_up & started)
    interrupted = frame["status"].eq("interrompu") & frame["t_interrompu"].notna()
    frame["interrupted_on"] = frame["t_interrompu"].where(interrupted)
    frame["interrupted_in_intervention"] = interrupted & started & frame["t_suivi"].isna()
    frame["interrupted_in_follow_up"] = interrupted & frame["t_suivi"].notna()
    frame["finished_on"] = frame["t_termine"].where(frame["status"].eq("termine"))
    frame["ended_on"] = frame["finished_on"].fillna(frame["interrupted_on"])
    frame["complete_on"] = days(frame["complete_on"]).fillna(frame["t_dossier_complet"])
    frame["referred_on"] = days(frame["dossier_referral"]).fillna(days(frame["programme_referral"]))
    return frame


def running(frame: pd.DataFrame, window: Window) -> pd.Series:
    """Programmes between D0 and their end (closing or interruption) at some point of the window."""
    return frame["started_on"].le(window.end) & (frame["ended_on"].isna() | frame["ended_on"].ge(window.start))


# ------------------------------------------------------------------------------------ figure builders


#: False while the trend years are computed: only their values are kept, so their id lists are not built.
WANT_IDS: ContextVar[bool] = ContextVar("WANT_IDS", default=True)


def ids(index: Iterable[Any]) -> tuple[int, ...]:
    """Programme ids, sorted and unique (a programme counted through several rows is listed once)."""
    if not WANT_IDS.get():
        return ()
    array = index if isinstance(index, pd.Index | pd.Series | np.ndarray) else list(index)
    return tuple(np.unique(np.asarray(array, dtype=np.int64)).tolist())


def count(key: str, label: str, mask: pd.Series, *, note: str | None = None) -> Figure:
    """A count of programmes: the rows where `mask` holds (their ids go with the figure)."""
    chosen = mask[mask].index
    return Figure(key=key, label=label, unit="count", value=float(len(chosen)), programme_ids=ids(chosen),
                  note=note)


def share(key: str, label: str, hits: pd.Series, *, missing: int = 0, note: str | None = None) -> Figure:
    """A percentage: `hits` is a boolean Series over the denominator's programmes (index = programme id)."""
    denominator = len(hits)
    numerator = int(hits.sum())
    value = round(100.0 * numerator / denominator, 1) if denominator else None
    return Figure(key=key, label=label, unit="percent", value=value, numerator=numerator, denominator=denominator,
                  missing=missing, programme_ids=ids(hits.index), note=note)


def mean(key: str, label: str, values: pd.Series, unit: Unit, *, missing: int = 0, digits: int = 1,
         note: str | None = None, programme_ids: Iterable[Any] | None = None) -> Figure:
    """A mean over the known values (NaN left out and counted by the caller as missing)."""
    known = values.dropna()
    value = round(float(known.mean()), digits) if len(known) else None
    return Figure(key=key, label=label, unit=unit, value=value, denominator=len(known), missing=missing,
                  programme_ids=ids(known.index if programme_ids is None else programme_ids), note=note)


def amount(key: str, label: str, value: float | None, unit: Unit, *, programme_ids: Iterable[Any] = (),
           note: str | None = None, denominator: int | None = None, missing: int = 0) -> Figure:
    return Figure(key=key, label=label, unit=unit, value=value, denominator=denominator, missing=missing,
                  programme_ids=ids(programme_ids), note=note)


def rows(counts: pd.Series | pd.DataFrame, labels: dict[str, str] | None = None
         ) -> tuple[tuple[str, tuple[float | None, ...]], ...]:
    """Breakdown rows from a Series (one column) or a DataFrame (its columns), labels translated."""
    table = counts.to_frame() if isinstance(counts, pd.Series) else counts
    names = [(labels or {}).get(str(name), str(name)) for name in table.index]
    values = table.to_numpy(dtype=float, na_value=np.nan)
    return tuple((name, tuple(None if np.isnan(v) else float(v) for v in row))
                 for name, row in zip(names, values, strict=True))
