"""The order sent to the equipment provider: deliver or pick up an ergocycle at a patient's home.

It prints only the data frozen on the order (address, floor, stairs, lift, access notes, phone), so the
PDF re-rendered later says exactly what was asked, whatever changed in the dossier since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from reports.base import PdfDocument
from reports.context import Letterhead
from reports.fr import long_date
from reports.text import para, paragraphs


@dataclass(frozen=True)
class ProviderOrderContext:
    """Everything the order prints; built by the fleet service from the order's snapshot."""

    letterhead: Letterhead | None
    order_number: int
    kind_label: str  # « Livraison » or « Récupération »
    provider_name: str
    provider_lines: tuple[str, ...]
    programme_number: int
    patient_name: str
    address_lines: tuple[str, ...]
    phones: tuple[str, ...]
    floor: int | None
    stairs: int | None
    lift: bool
    access_notes: str
    unit_label: str  # serial number and model, or « à préciser »
    category_label: str
    planned_on: date
    window_end: date
    issued_on: date
    contact: str


class ProviderOrderDocument(PdfDocument):
    TITLE = "Bon de commande au prestataire"

    def __init__(self, ctx: ProviderOrderContext) -> None:
        super().__init__(ctx.letterhead)
        self.ctx = ctx

    def _title(self) -> str:
        return f"{self.ctx.kind_label} d'ergocycle — commande n° {self.ctx.order_number}"

    def _rows(self) -> list[tuple[str, str]]:
        ctx = self.ctx
        floor = "rez-de-chaussée" if ctx.floor == 0 else (f"{ctx.floor}e étage" if ctx.floor else "non précisé")
        stairs = f"{ctx.stairs} marche(s)" if ctx.stairs is not None else "non précisé"
        return [
            ("Programme", f"n° {ctx.programme_number}"),
            ("Patient", ctx.patient_name),
            ("Adresse", "\n".join(ctx.address_lines) or "non renseignée"),
            ("Téléphone", " / ".join(p for p in ctx.phones if p) or "non renseigné"),
            ("Étage", floor),
            ("Escaliers", stairs),
            ("Ascenseur", "oui" if ctx.lift else "non"),
            ("Accès", ctx.access_notes or "—"),
            ("Ergocycle", f"{ctx.unit_label} ({ctx.category_label})"),
            ("Date souhaitée", f"{long_date(ctx.planned_on)} (au plus tard le {long_date(ctx.window_end)})"),
        ]

    def _story(self) -> list[Flowable]:
        ctx = self.ctx
        story: list[Flowable] = [para("\n".join((ctx.provider_name, *ctx.provider_lines)), self.styles["address"]),
                                 Spacer(1, 6 * mm), para(self._title(), self.styles["title"]),
                                 para(f"Émis le {long_date(ctx.issued_on)}", self.styles["body"])]
        cells = [[para(k, self.styles["cell_bold"]), paragraphs(v, self.styles["cell"])] for k, v in self._rows()]
        table = Table(cells, colWidths=[40 * mm, self.frame_width - 40 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.4, "#999999"),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story += [table, Spacer(1, 6 * mm),
                  para("Merci de nous confirmer la date d'intervention et de nous signaler toute difficulté "
                       f"d'accès. Contact : {ctx.contact}.", self.styles["body"])]
        return story
