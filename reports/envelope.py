"""A4 address sheets for DL window envelopes (110 × 220 mm, window 45 × 100 mm, 20 mm from the right edge
and 15 mm from the bottom).

Once the sheet is folded in three and slipped in a DL envelope, the recipient block falls in the window: it
starts 105 mm from the left edge and 55 mm from the top of the sheet, with a small allowance for the sheet
moving inside the envelope. One sheet per page, so that a print batch interleaves them with the letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from reports.base import PdfDocument
from reports.context import Addressee, EnvelopeSheet
from reports.letters import address_lines
from reports.text import para

MAX_LINES = 6  # La Poste: an address has at most 6 lines


class AddressSheets(PdfDocument):
    TITLE = "Feuilles d'adresse pour enveloppes à fenêtre"
    MARGINS = (15 * mm, 15 * mm, 20 * mm, 20 * mm)
    SENDER_HEIGHT: ClassVar[float] = 40 * mm  # from 15 mm to 55 mm: above the window
    WINDOW_LEFT: ClassVar[float] = 105 * mm
    WINDOW_HEIGHT: ClassVar[float] = 40 * mm

    def __init__(self, sheets: Sequence[EnvelopeSheet]) -> None:
        super().__init__(None)
        self.sheets = tuple(sheets)

    def _block(self, addressee: Addressee, style: str) -> list[Flowable]:
        return [para(line, self.styles[style]) for line in address_lines(addressee)[:MAX_LINES]]

    def _sheet(self, sheet: EnvelopeSheet) -> Table:
        left = self.WINDOW_LEFT - self.MARGINS[3]
        rows = [[self._block(sheet.sender, "org_small"), ""], ["", self._block(sheet.recipient, "address")]]
        table = Table(rows, colWidths=[left, self.frame_width - left],
                      rowHeights=[self.SENDER_HEIGHT, self.WINDOW_HEIGHT], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def _story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for index, sheet in enumerate(self.sheets):
            if index:
                story.append(PageBreak())
            story.append(self._sheet(sheet))
        if not story:
            story.append(para("Aucune adresse.", self.styles["body"]))
        return story


def render_address_sheets(sheets: Sequence[EnvelopeSheet]) -> bytes:
    """One A4 page per sheet, the recipient placed in the DL window, the sender above it."""
    return AddressSheets(sheets).render()
