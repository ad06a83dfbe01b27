"""Payment statement (« relevé de paiement ») sent to a liberal professional with the transfer.

It lists each paid forfait line — programme number and patient initials only (the professional knows the
patient; the statement may travel by post), the reason computed from the tariff, and the amount — so that
the professional can reconcile the transfer without calling the association.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from reports.base import PdfDocument
from reports.context import Letterhead
from reports.fr import euros, long_date, short_date
from reports.text import para


@dataclass(frozen=True)
class StatementRow:
    programme_number: int
    patient_initials: str
    reason: str
    amount: Decimal
    paid_on: date | None
    reference: str | None


@dataclass(frozen=True)
class StatementContext:
    letterhead: Letterhead
    professional_name: str
    professional_kind: str
    professional_address: tuple[str, ...]
    rpps: str | None
    today: date
    rows: Sequence[StatementRow]
    batch_reference: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))


class PaymentStatement(PdfDocument):
    TITLE = "Relevé de paiement des forfaits dérogatoires"

    def __init__(self, ctx: StatementContext) -> None:
        super().__init__(ctx.letterhead)
        self.ctx = ctx

    def _title(self) -> str:
        return f"{self.TITLE} — {self.ctx.professional_name}"

    def _story(self) -> list[Flowable]:
        ctx, body = self.ctx, self.styles["body"]
        story: list[Flowable] = [para(self.TITLE, self.styles["title"])]
        story += [para(line, body) for line in (ctx.professional_name, ctx.professional_kind,
                                                *ctx.professional_address) if line]
        if ctx.rpps:
            story.append(para(f"RPPS : {ctx.rpps}", body))
        story.append(Spacer(1, 4 * mm))
        story.append(para(f"Édité le {long_date(ctx.today)}.", body))
        if ctx.batch_reference:
            story.append(para(f"Référence du virement : {ctx.batch_reference}", body))
        story.append(self.heading(f"Lignes payées ({len(ctx.rows)})"))
        if not ctx.rows:
            story.append(para("Aucune ligne payée.", body))
            return story
        story.append(self._table())
        story += [Spacer(1, 4 * mm), para(f"Total : {euros(ctx.total)}", self.styles["h3"])]
        return story

    def _table(self) -> Table:
        cell, bold = self.styles["cell"], self.styles["cell_bold"]
        rows: list[list[object]] = [[para(h, bold) for h in ("Programme", "Motif", "Payé le", "Montant")]]
        for r in self.ctx.rows:
            rows.append([para(f"n° {r.programme_number} ({r.patient_initials})", cell), para(r.reason, cell),
                         para(short_date(r.paid_on) if r.paid_on else "—", cell), para(euros(r.amount), cell)])
        width = self.frame_width
        table = Table(rows, colWidths=[0.18 * width, 0.52 * width, 0.14 * width, 0.16 * width], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
        return table
