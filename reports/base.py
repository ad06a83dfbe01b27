"""The layout engine shared by every printed document.

Each document is a subclass of `PdfDocument` that overrides `_story()` (and, when needed, the layout constants
or hooks such as `_letterhead()` / `_draw_footer()`); `render()` returns the PDF bytes. The letterhead is made
of real text flowables on the first page; the footer « page n / N » is drawn by a canvas that defers its pages
until the total is known.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.context import Letterhead
from reports.fonts import SANS, SANS_BOLD, SERIF, register_fonts
from reports.text import para


class NumberedCanvas(Canvas):
    """A canvas that keeps its pages until `save()` so each footer can say « page n / N »."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._page_width = float(kwargs.get("pagesize", A4)[0])

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # ReportLab's documented NumberedCanvas recipe

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.draw_page_number(total)
            super().showPage()
        super().save()

    def draw_page_number(self, total: int) -> None:
        """Right-aligned footer on every page (accessible text, not an image)."""
        self.saveState()
        self.setFont(SANS, 8)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawRightString(self._page_width - PdfDocument.MARGINS[1], 10 * mm,
                             f"page {self.getPageNumber()} / {total}")
        self.restoreState()


def _styles() -> dict[str, ParagraphStyle]:
    """The documents' paragraph styles (fonts registered first)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=SERIF, fontSize=10, leading=13.5, spaceAfter=5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontName=SANS, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=body, fontName=SANS, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", fontName=SANS_BOLD, fontSize=9, leading=11.5),
        "title": ParagraphStyle("title", fontName=SANS_BOLD, fontSize=14, leading=18, spaceBefore=6,
                                spaceAfter=10),
        "h2": ParagraphStyle("h2", fontName=SANS_BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4,
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", fontName=SANS_BOLD, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3),
        "org": ParagraphStyle("org", fontName=SANS_BOLD, fontSize=12, leading=15),
        "org_small": ParagraphStyle("org_small", fontName=SANS, fontSize=8.5, leading=11),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "address": ParagraphStyle("address", fontName=SANS, fontSize=10.5, leading=13.5),
    }


def logo_flowable(path: str | None, height: float) -> Image | None:
    """The logo scaled to `height`, or None when there is no usable file (never fail on a missing logo)."""
    if not path:
        return None
    try:
        width, native_height = ImageReader(path).getSize()
    except Exception:
        return None
    if not native_height:
        return None
    return Image(path, width=height * width / native_height, height=height)


class PdfDocument:
    """Base of every document: A4, margins, metadata, letterhead on page 1, « page n / N » footer."""

    PAGE_SIZE: ClassVar[tuple[float, float]] = A4
    MARGINS: ClassVar[tuple[float, float, float, float]] = (18 * mm, 20 * mm, 20 * mm, 20 * mm)  # t r b l
    LOGO_HEIGHT: ClassVar[float] = 18 * mm
    LANG: ClassVar[str] = "fr-FR"
    TITLE: ClassVar[str] = "Document"

    def __init__(self, letterhead: Letterhead | None) -> None:
        self.letterhead = letterhead
        self.styles = _styles()

    # --- hooks -------------------------------------------------------------------------------------------
    def _story(self) -> list[Flowable]:
        """The document's content after the letterhead; each document overrides it."""
        raise NotImplementedError

    def _title(self) -> str:
        """PDF metadata title (readers and screen readers announce it)."""
        return self.TITLE

    def _letterhead(self) -> list[Flowable]:
        """The association's name, address and contacts, with its logo when the file exists."""
        head = self.letterhead
        if head is None:
            return []
        lines = [para(head.name, self.styles["org"])]
        details = [*head.address_lines, " · ".join(x for x in (f"Tél. {head.phone}" if head.phone else "",
                                                                  head.email) if x)]
        lines += [para(line, self.styles["org_small"]) for line in details if line]
        logo = logo_flowable(head.logo_path, self.LOGO_HEIGHT)
        if logo is None:
            return [*lines, Spacer(1, 8 * mm)]
        table = Table([[logo, lines]], colWidths=[logo.drawWidth + 5 * mm, None], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [table, Spacer(1, 8 * mm)]

    # --- engine ------------------------------------------------------------------------------------------
    def render(self) -> bytes:
        """Build the PDF (fonts embedded as TrueType subsets) and return its bytes."""
        buffer = io.BytesIO()
        top, right, bottom, left = self.MARGINS
        author = self.letterhead.name if self.letterhead else ""
        doc = SimpleDocTemplate(
            buffer, pagesize=self.PAGE_SIZE, topMargin=top, rightMargin=right, bottomMargin=bottom,
            leftMargin=left, title=self._title(), author=author, subject=self._title(), creator=author,
            lang=self.LANG, initialFontName=SANS, initialFontSize=10,
            invariant=True,  # no wall-clock timestamp nor random /ID: a stored context re-renders byte for byte
        )
        doc.build([*self._letterhead(), *self._story()], canvasmaker=NumberedCanvas)
        return buffer.getvalue()

    @property
    def frame_width(self) -> float:
        """Usable width between the margins."""
        return self.PAGE_SIZE[0] - self.MARGINS[1] - self.MARGINS[3]

    def heading(self, text: str) -> Paragraph:
        """A section heading (escaped)."""
        return para(text, self.styles["h2"])
