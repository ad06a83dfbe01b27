"""The layout engine: embedded fonts, metadata, letterhead with or without logo, « page n / N » footer."""

import io

import pypdf
from PIL import Image as PILImage

from reports.base import PdfDocument
from reports.context import Letterhead
from reports.text import paragraphs


class _Doc(PdfDocument):
    TITLE = "Document d'essai"

    def __init__(self, letterhead, text):
        super().__init__(letterhead)
        self.text = text

    def _story(self):
        return paragraphs(self.text, self.styles["body"])


def _fonts(pdf: bytes) -> list[dict]:
    """Every font dictionary used by the pages, with its descriptor resolved."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                if "/FontDescriptor" in desc:
                    found.append({"base": str(desc["/BaseFont"]), "descriptor": desc["/FontDescriptor"].get_object()})
    return found


def test_fonts_are_dejavu_truetype_subsets_embedded(letterhead):
    pdf = _Doc(letterhead, "Été « 2 300,00 € » <b>gras</b>").render()
    fonts = _fonts(pdf)
    assert fonts
    for font in fonts:
        assert "DejaVu" in font["base"]
        assert "/FontFile2" in font["descriptor"]
    assert b"/Helvetica" not in pdf


def test_metadata_title_author_and_french_language(letterhead):
    reader = pypdf.PdfReader(io.BytesIO(_Doc(letterhead, "Bonjour").render()))
    assert reader.metadata.title == "Document d'essai"
    assert reader.metadata.author == "Réhab Domicile Occitanie"
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"


def test_footer_counts_pages_on_every_page(letterhead, pdf_pages):
    long_text = " ".join(["Le réentraînement à l'effort se poursuit."] * 300)
    pages = pdf_pages(_Doc(letterhead, long_text).render())
    assert len(pages) >= 2
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} / {total}" in text
    assert "Réhab Domicile Occitanie" in pages[0]
    assert "Réhab Domicile Occitanie" not in pages[1]  # the letterhead is on the first page only


def test_missing_or_corrupt_logo_prints_the_name_only(letterhead, tmp_path, pdf_text):
    corrupt = tmp_path / "logo.png"
    corrupt.write_bytes(b"not an image")
    for path in (str(tmp_path / "absent.png"), str(corrupt), ""):
        head = Letterhead(letterhead.name, letterhead.address_lines, letterhead.phone, letterhead.email, path)
        text = pdf_text(_Doc(head, "Bonjour").render())
        assert "Réhab Domicile Occitanie" in text


def test_logo_is_drawn_when_the_file_exists(letterhead, tmp_path, pdf_text):
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (200, 100), (20, 80, 160)).save(logo)
    head = Letterhead(letterhead.name, letterhead.address_lines, letterhead.phone, letterhead.email, str(logo))
    pdf = _Doc(head, "Bonjour").render()
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert list(page.images)
    assert "Réhab Domicile Occitanie" in pdf_text(pdf)


def test_rendering_is_reproducible_byte_for_byte(letterhead):
    """A validated letter's stored context must give back the very PDF whose SHA-256 was recorded."""
    assert _Doc(letterhead, "Bonjour « Zoé »").render() == _Doc(letterhead, "Bonjour « Zoé »").render()
