"""Address sheets put the recipient in the window of a DL envelope, one sheet per page."""

import io

import pypdf
from reportlab.lib.units import mm

from reports.context import Addressee, EnvelopeSheet
from reports.envelope import render_address_sheets

SENDER = Addressee("Réhab Domicile Occitanie", ("12 rue des Lilas", "34000 Montpellier"))
DOCTOR = Addressee("Dr Alain Fabre", ("Cabinet médical", "5 avenue Foch", "30000 Nîmes"))
PATIENT = Addressee("Mme Jeanne Dupont-Léger", ("3 chemin du Moulin", "30100 Alès"))


def _positions(page) -> dict[str, tuple[float, float]]:
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = tm[4], tm[5]  # text space to user space through the current transformation matrix
            found.setdefault(text.strip(), (cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_one_page_per_sheet_with_recipient_in_the_window():
    pdf = render_address_sheets([EnvelopeSheet(SENDER, DOCTOR), EnvelopeSheet(SENDER, PATIENT)])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert "Dr Alain Fabre" in reader.pages[0].extract_text()
    assert "Mme Jeanne Dupont-Léger" in reader.pages[1].extract_text()
    page_height = float(reader.pages[0].mediabox.height)
    x, y = _positions(reader.pages[0])["Dr Alain Fabre"]
    from_top = (page_height - y) / mm
    assert 100 <= x / mm <= 120  # the DL window starts 100 mm from the left edge
    assert 50 <= from_top <= 65  # and about 50 mm from the top of the folded sheet
    _sx, sy = _positions(reader.pages[0])["Réhab Domicile Occitanie"]
    assert (page_height - sy) / mm < 45  # the sender stays above the window


def test_hostile_and_overlong_addresses(pdf_text):
    hostile = Addressee("<b>M. & Mme</b> 🦠", tuple(f"ligne {i}" for i in range(10)))
    text = pdf_text(render_address_sheets([EnvelopeSheet(SENDER, hostile)]))
    assert "<b>M. & Mme</b>" in text
    assert "ligne 4" in text and "ligne 5" not in text  # at most 6 lines, as La Poste requires


def test_no_sheet_gives_a_valid_document(pdf_text):
    assert "Aucune adresse." in pdf_text(render_address_sheets([]))
