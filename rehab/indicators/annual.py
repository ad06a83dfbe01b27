"""The annual activity report for the financers, from an `IndicatorReport`: an Excel workbook and the PDF context.

The workbook has a cover sheet (title, year, scope, date of edition, the coordination's comments) and one sheet
per indicator family: the figures table (value, unit, numerator, denominator, missing, target, met, then the
values of the previous years), then each breakdown as its own small table. Every text cell goes through
`reports.payment_export.safe` (labels come from the directory and the comments are typed by people: a leading
« = » must never become a formula); numbers stay numbers with French-looking formats (percentages as real
Excel percentages). The PDF renderer lives in `reports/` and cannot import this package, hence
`annual_context()` which freezes the report into plain data.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rehab.indicators.types import Breakdown, Family, Figure, IndicatorReport
from reports.annual_report import (
    UNIT_LABELS,
    AnnualBreakdown,
    AnnualFamily,
    AnnualFigure,
    AnnualReportContext,
    met_label,
)
from reports.context import Letterhead
from reports.fr import long_date
from reports.payment_export import safe

PARIS = ZoneInfo("Europe/Paris")
TITLE = "Rapport d'activité"
ALL_ASSOCIATIONS = "Toutes les associations"
#: Excel number formats per unit; Excel shows them with the reader's separators (« 1 234,5 » in French).
FORMATS = {"count": "#,##0", "percent": "0.0 %", "weeks": '#,##0.0 "sem."', "days": '#,##0.0 "j"',
           "euros": '#,##0.00 "€"', "hours": '#,##0.0 "h"', "score": "0.00"}
FIGURE_HEADERS = ("Indicateur", "Valeur", "Unité", "Numérateur", "Dénominateur", "Manquants", "Objectif",
                  "Sens de l'objectif", "Objectif atteint", "Note")
DIRECTIONS = {"min": "au moins", "max": "au plus"}
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
MAX_WIDTH = 70
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?]")
#: sheet names for the families whose label exceeds Excel's 31 characters
SHEET_NAMES = {"follow_up": "Suivi et hospitalisations"}


def generated_on(report: IndicatorReport) -> date:
    """The day the figures were computed, in France (what the cover page says)."""
    return report.computed_at.astimezone(PARIS).date()


# --- the PDF's frozen context ------------------------------------------------------------------------------
def _annual_figure(figure: Figure) -> AnnualFigure:
    target = figure.target
    return AnnualFigure(label=figure.label, unit=figure.unit, value=figure.value, numerator=figure.numerator,
                        denominator=figure.denominator, missing=figure.missing,
                        target=target.value if target else None, direction=target.direction if target else None,
                        met=figure.met, trend=figure.trend, note=figure.note)


def _annual_breakdown(breakdown: Breakdown) -> AnnualBreakdown:
    return AnnualBreakdown(label=breakdown.label, columns=breakdown.columns, rows=breakdown.rows,
                           chart=breakdown.chart, unit=breakdown.unit, column_units=breakdown.units())


def annual_context(report: IndicatorReport, *, comments: str | None, association_label: str | None,
                   letterhead: Letterhead | None) -> AnnualReportContext:
    """The plain frozen data `reports.annual_report.render_annual_report` draws (no model, no pandas)."""
    families = tuple(AnnualFamily(label=f.label, figures=tuple(_annual_figure(x) for x in f.figures),
                                  breakdowns=tuple(_annual_breakdown(b) for b in f.breakdowns))
                     for f in report.families)
    return AnnualReportContext(letterhead=letterhead, year=report.filters.year, period_start=report.filters.start,
                               period_end=report.filters.end, scope=association_label or ALL_ASSOCIATIONS,
                               generated_on=generated_on(report), families=families,
                               comments=comments.strip() if comments and comments.strip() else None)


# --- the workbook -------------------------------------------------------------------------------------------
def excel_value(value: float | None, unit: str) -> float | None:
    """Percentages are stored as fractions so that Excel's « 0.0 % » format shows « 85,0 % »."""
    if value is None:
        return None
    return value / 100 if unit == "percent" else value


def sheet_title(label: str, taken: set[str]) -> str:
    """A valid, unique sheet name: ≤ 31 characters cut at a word, none of « [ ] : * ? / \\ », no quote at
    either end (Excel refuses them)."""
    text = " ".join(BAD_SHEET_CHARS.sub(" ", label.replace("/", "-").replace("\\", "-")).split()).strip("'")
    if len(text) > 31:
        cut = text.rfind(" ", 0, 32)
        text = text[: cut if cut > 10 else 31].strip()
    base = text or "Feuille"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def _header(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, 1):
        cell = sheet.cell(row=row, column=column, value=safe(text))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _figure_row(sheet: Worksheet, row: int, figure: Figure, years: Sequence[int]) -> None:
    """One figure; then, after the note, its value in each of the previous `years` (the trend)."""
    target = figure.target
    fmt = FORMATS.get(figure.unit, "General")
    cells: list[str | float | int | None] = [
        safe(figure.label), excel_value(figure.value, figure.unit), UNIT_LABELS.get(figure.unit, figure.unit),
        figure.numerator, figure.denominator, figure.missing,
        excel_value(target.value, figure.unit) if target else None,
        DIRECTIONS[target.direction] if target else None, met_label(_annual_figure(figure)),
        safe(figure.note) if figure.note else None]
    for column, value in enumerate(cells, 1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.alignment = Alignment(wrap_text=column in (1, 10), vertical="top")
    for column in (2, 7):
        sheet.cell(row=row, column=column).number_format = fmt
    for column in (4, 5, 6):
        sheet.cell(row=row, column=column).number_format = FORMATS["count"]
    trend = dict(figure.trend)
    for column, year in enumerate(years, len(FIGURE_HEADERS) + 1):
        cell = sheet.cell(row=row, column=column, value=excel_value(trend.get(year), figure.unit))
        cell.number_format = fmt


def _breakdown_table(sheet: Worksheet, row: int, breakdown: Breakdown) -> int:
    """Write a breakdown from `row` (title, header, rows); return the next free row."""
    units = breakdown.units()
    mixed = len(set(units)) > 1  # then each count column says so; a single unit goes in the title
    headers = [f"{c} ({UNIT_LABELS.get(u, u)})" if mixed and u not in ("percent", "euros") else c
               for c, u in zip(breakdown.columns, units, strict=True)]
    title = breakdown.label if mixed else f"{breakdown.label} ({UNIT_LABELS.get(breakdown.unit, breakdown.unit)})"
    sheet.cell(row=row, column=1, value=safe(title)).font = Font(bold=True, size=12)
    _header(sheet, row + 1, ["", *headers])
    row += 2
    if not breakdown.rows:
        sheet.cell(row=row, column=1, value="Aucune donnée pour cette période.")
        return row + 2
    for label, values in breakdown.rows:
        sheet.cell(row=row, column=1, value=safe(label))
        for column, (value, unit) in enumerate(zip(values, units, strict=False), 2):
            cell = sheet.cell(row=row, column=column, value=excel_value(value, unit))
            cell.number_format = FORMATS.get(unit, "General")
        row += 1
    return row + 1


def _family_sheet(book: Workbook, family: Family, taken: set[str]) -> None:
    sheet = book.create_sheet(sheet_title(SHEET_NAMES.get(family.key, family.label), taken))
    sheet.cell(row=1, column=1, value=safe(family.label)).font = Font(bold=True, size=14)
    years = sorted({year for figure in family.figures for year, _value in figure.trend})
    _header(sheet, 3, [*FIGURE_HEADERS, *(f"Valeur {year}" for year in years)])
    sheet.freeze_panes = "B4"  # the title, the headers and the indicator names stay in view
    row = 4
    for figure in family.figures:
        _figure_row(sheet, row, figure, years)
        row += 1
    row += 1
    for breakdown in family.breakdowns:
        row = _breakdown_table(sheet, row, breakdown)
    _fit_columns(sheet)


def _fit_columns(sheet: Worksheet) -> None:
    """Column widths from the longest text shown (numbers count as about 12 characters), capped."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.value is None:
                continue
            length = len(str(cell.value)) if isinstance(cell.value, str) else 12
            widths[cell.column] = max(widths.get(cell.column, 8), min(length + 2, MAX_WIDTH))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _cover_sheet(book: Workbook, report: IndicatorReport, *, comments: str | None, scope: str) -> None:
    sheet = book.worksheets[0]  # a new Workbook has exactly one sheet
    sheet.title = "Rapport"
    filters = report.filters
    sheet["A1"] = f"{TITLE} {filters.year}"
    sheet["A1"].font = Font(bold=True, size=16)
    lines = [("Périmètre", scope),
             ("Période", f"du {long_date(filters.start)} au {long_date(filters.end)}"),
             ("Édité le", long_date(generated_on(report))),
             ("Feuilles", " · ".join(f.label for f in report.families))]
    for row, (label, value) in enumerate(lines, 3):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=safe(value))
    row = len(lines) + 4
    sheet.cell(row=row, column=1, value="Commentaires").font = Font(bold=True, size=12)
    text_lines = (comments or "").strip().splitlines() or ["Aucun commentaire."]
    for offset, line in enumerate(text_lines, 1):  # one cell per line: no 32 767-character cell limit
        sheet.cell(row=row + offset, column=2, value=safe(line)).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 90


def build_workbook(report: IndicatorReport, *, comments: str | None, association_label: str | None) -> bytes:
    """The annual report as an .xlsx: a cover sheet, then one sheet per family in the catalogue's order."""
    book = Workbook()
    scope = association_label or ALL_ASSOCIATIONS
    _cover_sheet(book, report, comments=comments, scope=scope)
    taken = {"rapport"}
    for family in report.families:
        _family_sheet(book, family, taken)
    book.properties.title = f"{TITLE} {report.filters.year} — {scope}"
    book.properties.creator = "Réhab Domicile"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
