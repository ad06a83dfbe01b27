"""CSV and Excel exports of payment lines for the accounting software.

Names come from the directory and reasons from free text: a cell beginning with = + - @, a tab or a carriage
return would be run as a formula by a spreadsheet (CSV/formula injection), so such cells get a leading
apostrophe. Amounts stay numbers (Decimal) in Excel and use the decimal comma in the French CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = ("Ligne", "Professionnel", "RPPS", "Type", "Programme", "Initiales", "Motif", "Montant (€)", "Statut",
           "Lot", "Payé le", "Référence")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRow:
    line_id: int
    professional: str
    rpps: str
    kind: str
    programme_number: int
    initials: str
    reason: str
    amount: Decimal
    status: str
    batch_id: int | None
    paid_on: date | None
    reference: str

    def cells(self) -> list[str | int | Decimal | date | None]:
        return [self.line_id, safe(self.professional), safe(self.rpps), safe(self.kind), self.programme_number,
                safe(self.initials), safe(self.reason), self.amount, safe(self.status), self.batch_id,
                self.paid_on, safe(self.reference)]


def safe(text: str) -> str:
    """Neutralise a text cell a spreadsheet would evaluate."""
    return "'" + text if text.startswith(DANGEROUS) else text


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM (Excel in French opens it with accents and columns right)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row.cells()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: str | int | Decimal | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def to_xlsx(rows: Sequence[ExportRow]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Paiements"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row.cells())
        sheet.cell(row=sheet.max_row, column=8).number_format = "#,##0.00"
        sheet.cell(row=sheet.max_row, column=11).number_format = "DD/MM/YYYY"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
