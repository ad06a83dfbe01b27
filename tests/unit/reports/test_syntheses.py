"""The four syntheses rendered from realistic frozen contexts, checked through their extracted text."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from reports.context import Letterhead
from reports.syntheses import (
    KINDS,
    CrqRow,
    EventEntry,
    SynthesisContext,
    TeamEntry,
    context_from_json,
    context_to_json,
    render_cover_letter,
    render_synthesis,
)
from tests.unit.reports.conftest import unembedded_fonts

HEAD = Letterhead(name="Réhab Domicile Occitanie", address_lines=("3 allée des Platanes", "31000 Toulouse"),
                  phone="05 61 00 00 01", email="contact@rehab.invalid")


def sample(kind: str = "finale") -> SynthesisContext:
    return SynthesisContext(
        letterhead=HEAD, kind=kind, programme_number=412, patient_name="Josiane ROUQUETTE",
        patient_birth_date=date(1952, 4, 17), written_on=date(2026, 3, 9), d0=date(2025, 12, 1),
        referent_name="Camille Peyrot",
        care_team=(TeamEntry("Médecin traitant", "Dr Souleil"), TeamEntry("Pneumologue", "Dr Estrade"),
                   TeamEntry("Masseur-kinésithérapeute ou infirmier(e)", "M. Garrigues")),
        objectives="Monter les deux étages sans s'arrêter ; reprendre la marche quotidienne.",
        crq=(CrqRow("Dyspnée", 3.2, 4.4), CrqRow("Fatigue", 3.5, 3.75), CrqRow("Émotion", 4.0, 4.71),
             CrqRow("Maîtrise", 4.25, None)),
        endurance_before_s=420, endurance_after_s=765, sessions_done=57, sessions_target="55 à 60",
        weekly_volume=tuple((w, None if w == 6 else 60 + 10 * w) for w in range(1, 12)),
        events=(EventEntry(date(2026, 1, 14), "Respiratoire", "Élevée (hospitalisation)", "Suspension 10 jours"),),
        orientation="Groupe de maintien de l'association locale.",
        maintenance_project="Marche 3 fois par semaine, vélo 2 fois.",
        sections=(("bilan", "Patiente très investie."), ("commentaire", "R&D <b>gras</b>")),
    )


def text_of(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.mark.parametrize("kind", KINDS)
def test_each_synthesis_shows_identity_team_and_dates(kind: str) -> None:
    text, _ = text_of(render_synthesis(sample(kind)))
    t = flat(text)
    assert "Josiane ROUQUETTE" in t
    assert "17/04/1952" in t
    assert "9 mars 2026" in t
    assert "Dr Estrade" in t
    assert "programme n° 412" in t
    assert "Document de travail" in t


def test_final_synthesis_figures_and_mcid() -> None:
    t = flat(text_of(render_synthesis(sample("finale")))[0])
    assert "3,20" in t and "4,40" in t and "+1,20" in t
    assert "oui, cliniquement pertinent" in t  # dyspnée +1,20 and émotion +0,71
    assert "+0,25" in t  # fatigue: below the 0.5 threshold
    assert "7 min 00 s (420 s)" in t and "12 min 45 s (765 s)" in t
    assert "+345 s (+82,1 %)" in t
    assert "57 séances réalisées" in t and "55 à 60" in t
    assert "14/01/2026" in t and "Suspension 10 jours" in t
    assert "minutes / semaine" in t and "S11" in t  # the chart's axis is real text
    assert "Groupe de maintien" in t


def test_initial_synthesis_has_no_after_figures() -> None:
    t = flat(text_of(render_synthesis(sample("initiale")))[0])
    assert "Avant : 7 min 00 s" in t
    assert "Après" not in t.split("Test d'endurance")[1]


def test_final_synthesis_fits_three_pages_and_embeds_fonts() -> None:
    pdf = render_synthesis(sample("finale"))
    _, reader = text_of(pdf)
    assert len(reader.pages) <= 3
    assert unembedded_fonts(pdf) == set()  # not even the Helvetica ReportLab gives table cells and charts


def test_hostile_text_renders_safely() -> None:
    long = ("Très long paragraphe & co. " * 200)[:5000]
    ctx = replace(sample("finale"), patient_name="Zoé <b>O'Brien</b> & fils 😀",
                  sections=(("bilan", long), ("commentaire", "<script>alert(1)</script> 🫁 «\u202ftest\u202f»")))
    text, reader = text_of(render_synthesis(ctx))
    t = flat(text)
    assert "Zoé <b>O'Brien</b> & fils" in t
    assert "<script>alert(1)</script>" in t
    assert "Très long paragraphe" in t
    assert len(reader.pages) >= 2


def test_snapshot_round_trip_renders_identically() -> None:
    ctx = sample("douze_mois")
    again = context_from_json(context_to_json(ctx))
    assert again == ctx
    assert render_synthesis(again) == render_synthesis(ctx)


def test_unknown_kind_refused() -> None:
    with pytest.raises(ValueError, match="inconnu"):
        render_synthesis(replace(sample(), kind="autre"))


def test_cover_letter_for_a_professional_names_patient_and_validator() -> None:
    ctx = replace(sample("finale"), validated_by="Dr Anne Lafforgue", validated_on=date(2026, 3, 10))
    t = flat(text_of(render_cover_letter(ctx, recipient="Dr Souleil"))[0])
    assert "À l'attention de Dr Souleil" in t
    assert "Chère consœur, cher confrère" in t
    assert "Josiane ROUQUETTE, né(e) le 17/04/1952" in t
    assert "validée par Dr Anne Lafforgue, médecin directeur, le 10 mars 2026" in t
    assert "débuté le 1er décembre 2025" in t
