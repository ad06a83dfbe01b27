"""The common frame of the letters posted to a patient (DL window envelope layout).

The addressee block sits where a DL window shows it (right column, about 45 mm from the top of the sheet);
then the place and date, the subject line, the salutation, the body supplied by each document, the signature.
"""

from __future__ import annotations

from typing import ClassVar

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from reports.base import PdfDocument
from reports.context import Addressee, PatientDocumentContext
from reports.fr import NNBSP, long_date, short_date, typography
from reports.text import markup, para, paragraphs


def address_lines(addressee: Addressee) -> list[str]:
    """Name then address lines, blanks removed."""
    return [line for line in (addressee.name, *addressee.address_lines) if line and line.strip()]


class PatientLetter(PdfDocument):
    """A letter to the patient: override `SUBJECT`, `TITLE` and `_body()`."""

    SUBJECT: ClassVar[str] = ""
    SALUTATION: ClassVar[str] = "Madame, Monsieur,"

    def __init__(self, ctx: PatientDocumentContext) -> None:
        super().__init__(ctx.letterhead)
        self.ctx = ctx

    def _body(self) -> list[Flowable]:
        raise NotImplementedError

    def _story(self) -> list[Flowable]:
        ctx = self.ctx
        story: list[Flowable] = [self._addressee_block(), Spacer(1, 6 * mm)]
        story.append(Paragraph(f"Le {long_date(ctx.today)}", self.styles["right"]))
        story.append(para(f"Objet{NNBSP}: {self.SUBJECT}", self.styles["h2"]))
        story.append(para(self.identity_line(), self.styles["small"]))
        story.append(Spacer(1, 4 * mm))
        if self.SALUTATION:
            story.append(Paragraph(self.SALUTATION, self.styles["body"]))
        story += self._body()
        story += self._signature()
        return story

    def identity_line(self) -> str:
        """Who the document is about, so that a loose page is still identifiable."""
        ctx = self.ctx
        return (f"Patient{NNBSP}: {ctx.patient_name}, né(e) le {short_date(ctx.patient_birth_date)} — "
                f"programme n° {ctx.programme_number}")

    def _addressee_block(self) -> Flowable:
        lines = [para(line, self.styles["address"]) for line in address_lines(self.ctx.addressee)]
        table = Table([["", lines]], colWidths=[self.frame_width - 85 * mm, 85 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def _signature(self) -> list[Flowable]:
        who = self.ctx.referent_name or "La cellule de coordination"
        name = self.ctx.letterhead.name
        return [KeepTogether([Spacer(1, 6 * mm), para(who, self.styles["right"]),
                              para(name, self.styles["right"])])]

    def p(self, text: str) -> list[Flowable]:
        """Body paragraphs from plain (escaped) text."""
        return paragraphs(typography(text), self.styles["body"])

    def bullets(self, items: list[str]) -> list[Flowable]:
        """A bulleted list of plain texts."""
        style = self.styles["bullet"]
        flowables: list[Flowable] = [Paragraph(markup(typography(item), style.fontName), style, bulletText="•")
                                     for item in items]
        if flowables:
            flowables.append(Spacer(1, 3))
        return flowables
