"""Exporting the annual activity report (Excel or PDF) for one year and optionally one association.

One use case behind both the web page and `rehab report annual`: check the request (year, format, association,
length of the comments), compute the year's indicators, render the file, and record the export in the audit
trail (the report holds no patient name, but what left the system, when and for whom must be traceable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.indicators.annual import annual_context, build_workbook
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import IndicatorFilters
from rehab.models import Association
from rehab.services import audit
from rehab.services.errors import ServiceError
from reports.annual_report import render_annual_report
from reports.context import Letterhead

PARIS = ZoneInfo("Europe/Paris")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf"}
FIRST_YEAR = 2015  # before the experiment: nothing to report, and it keeps a typo like « 202 » out
MAX_COMMENTS = 20_000


@dataclass(frozen=True)
class AnnualExport:
    content: bytes
    filename: str
    mimetype: str


def filename(year: int, fmt: str) -> str:
    """« rapport-activite-2025.xlsx »: the name the financers receive."""
    return f"rapport-activite-{year}.{fmt}"


def format_of(path: str) -> str:
    """The format a file name asks for, from its extension (« .xlsx » or « .pdf », any case)."""
    suffix = PurePath(path).suffix.lower().lstrip(".")
    if suffix not in MIMETYPES:
        shown = f"« .{suffix} »" if suffix else "sans extension"
        raise ServiceError(f"Format de fichier non pris en charge ({shown}) : le nom doit se terminer par "
                           ".xlsx (classeur Excel) ou .pdf.")
    return suffix


def associations(session: Session) -> list[tuple[int, str]]:
    """The associations a report can be restricted to, by name."""
    return [(a.id, a.name) for a in session.scalars(select(Association).order_by(Association.name))]


def default_year(now: datetime) -> int:
    """The last complete calendar year: the report is written for the financers once the year is over."""
    return now.astimezone(PARIS).year - 1


def _check(session: Session, *, year: int, fmt: str, association_id: int | None, comments: str | None,
           now: datetime) -> Association | None:
    current = now.astimezone(PARIS).year
    if not FIRST_YEAR <= year <= current:
        raise ServiceError(f"L'année doit être comprise entre {FIRST_YEAR} et {current}.")
    if fmt not in MIMETYPES:
        raise ServiceError("Format non pris en charge : choisissez Excel (.xlsx) ou PDF (.pdf).")
    if comments and len(comments) > MAX_COMMENTS:
        raise ServiceError(f"Les commentaires dépassent {MAX_COMMENTS:,} caractères.".replace(",", "\u202f"))
    if association_id is None:
        return None
    # an id the database cannot even hold (a typo in the CLI) is as unknown as a missing one
    association = session.get(Association, association_id) if 0 < association_id < 2**31 else None
    if association is None:
        raise ServiceError(f"Association inconnue (n° {association_id}).")
    return association


def export_annual_report(session: Session, *, year: int, fmt: str, association_id: int | None,
                         comments: str | None, letterhead: Letterhead | None, now: datetime,
                         user_id: int | None, ip: str | None,
                         families: tuple[str, ...] | None = None) -> AnnualExport:
    """Compute the year's indicators and render them as `fmt` (« xlsx » or « pdf »); audited.

    `families` narrows the report to what the requester may read on the dashboards (the gestionnaire: activity
    and costs), so that a download never shows more than the screens do; None is the whole report."""
    association = _check(session, year=year, fmt=fmt, association_id=association_id, comments=comments, now=now)
    label = association.name if association else None
    report = compute_indicators(session, IndicatorFilters.for_year(year, association_id=association_id), now=now,
                                families=families)
    if fmt == "xlsx":
        content = build_workbook(report, comments=comments, association_label=label)
    else:
        content = render_annual_report(annual_context(report, comments=comments, association_label=label,
                                                      letterhead=letterhead))
    audit.record(session, now=now, user_id=user_id, action="export", object_type="annual_report", ip=ip,
                 detail={"year": year, "association_id": association_id, "format": fmt, "bytes": len(content),
                         "families": list(families) if families is not None else "all"})
    session.flush()
    return AnnualExport(content=content, filename=filename(year, fmt), mimetype=MIMETYPES[fmt])
