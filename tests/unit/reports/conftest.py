"""Realistic contexts for the renderers and a helper that reads a PDF back as text."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pypdf
import pytest

from reports.context import (
    Addressee,
    CommitteeMinutesContext,
    Letterhead,
    MinutesAttendee,
    MinutesItem,
    PatientDocumentContext,
)


@pytest.fixture
def letterhead() -> Letterhead:
    return Letterhead(name="Réhab Domicile Occitanie", address_lines=("12 rue des Lilas", "34000 Montpellier"),
                      phone="04 67 00 00 00", email="coordination@rehab-domicile.fr", logo_path=None)


@pytest.fixture
def patient_ctx(letterhead: Letterhead) -> PatientDocumentContext:
    return PatientDocumentContext(
        letterhead=letterhead, patient_name="Jeanne Dupont-Léger", patient_birth_date=date(1950, 5, 12),
        addressee=Addressee("Mme Jeanne Dupont-Léger", ("3 chemin du Moulin", "30100 Alès")),
        today=date(2026, 3, 2), programme_number=17, d0=date(2026, 3, 9), referent_name="Paul Martin",
        coordination_phone="04 67 11 22 33",
    )


@pytest.fixture
def minutes_ctx(letterhead: Letterhead) -> CommitteeMinutesContext:
    attendees = (MinutesAttendee("Dr Hélène Roux", "Médecin directeur"),
                 MinutesAttendee("Marc Blanc", "Coordinateur"),
                 MinutesAttendee("Sophie Garcia", "Assistante de coordination"),
                 MinutesAttendee("Paul Martin", "Référent de programme"))
    items = (
        MinutesItem("DUPONT-LÉGER Jeanne", 17, "Programme validé, D0 à fixer avec la patiente",
                    "Monter un étage sans s'arrêter", "Gestion de l'essoufflement; techniques de ventilation",
                    "Continu, charge initiale 20 W, 15 min", "Arrêt si SpO2 < 88 %", "Standard",
                    "Paul Martin", "Escalier de 12 marches au domicile."),
        MinutesItem("MARTINEZ Louis", 18, "Programme validé", "Reprendre la marche quotidienne",
                    "Observance des traitements inhalés", "Intermittent, 10 W", "Oxygène pendant l'effort",
                    "Très faible charge", None, ""),
    )
    return CommitteeMinutesContext(letterhead=letterhead, meeting_date=date(2026, 3, 4),
                                   location="Siège, Montpellier", attendees=attendees, items=items,
                                   next_meeting=date(2026, 3, 18))


def _pdf_pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def pdf_pages() -> Callable[[bytes], list[str]]:
    """The extracted text of each page."""
    return _pdf_pages


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """The extracted text of the whole document, lines joined by spaces (wrapping is layout, not content)."""
    return lambda pdf: " ".join(" ".join(_pdf_pages(pdf)).split())


def unembedded_fonts(pdf: bytes) -> set[str]:
    """The fonts a PDF uses without carrying them (a standard face like Helvetica has no font file at all)."""
    missing = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                missing.add(str(font["/BaseFont"]))
    return missing
