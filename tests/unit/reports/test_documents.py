"""The patient documents render from realistic data, in French, and survive hostile text."""

import dataclasses
from datetime import date

import pytest

from reports.context import Addressee, PersonalScheduleContext, ScheduleEntry
from reports.documents import (
    render_acte_adhesion,
    render_attestation_fin_programme,
    render_information_letter,
    render_personal_schedule,
    render_qol_cover_letter,
)
from reports.text import PLACEHOLDER

HOSTILE = "Mme <b>Zoé</b> & fils </para> 🦠"


def test_information_letter_explains_the_programme(patient_ctx, pdf_text):
    text = pdf_text(render_information_letter(patient_ctx))
    for expected in ("Mme Jeanne Dupont-Léger", "30100 Alès", "Le 2 mars 2026", "lundi 9 mars 2026",
                     "Paul Martin", "12 semaines", "40 semaines", "ergocycle", "04 67 11 22 33",
                     "du lundi au vendredi de 9 h à 19 h", "programme n° 17", "12/05/1950",
                     "Réhab Domicile Occitanie"):
        assert expected in text, expected


def test_information_letter_without_d0_or_referent(patient_ctx, pdf_text):
    ctx = dataclasses.replace(patient_ctx, d0=None, referent_name=None)
    text = pdf_text(render_information_letter(ctx))
    assert "à la date convenue avec vous" in text
    assert "La cellule de coordination" in text


def test_acte_adhesion_has_commitments_data_notice_and_two_signature_blocks(patient_ctx, pdf_text):
    text = pdf_text(render_acte_adhesion(patient_ctx))
    for expected in ("Je soussigné(e) Jeanne Dupont-Léger", "12 mai 1950", "Mes engagements",
                     "Les engagements de l'équipe", "Protection de mes données", "droit d'accès",
                     "Le patient : Jeanne Dupont-Léger", "Le référent : Paul Martin"):
        assert expected in text, expected
    assert text.count("Signature") == 2


def test_qol_cover_letter_asks_to_return_the_questionnaire_at_inclusion(patient_ctx, pdf_text):
    text = pdf_text(render_qol_cover_letter(patient_ctx))
    assert "questionnaire de qualité de vie" in text
    assert "visite d'inclusion, le lundi 9 mars 2026" in text


def test_attestation_fin_programme(patient_ctx, pdf_text):
    ctx = dataclasses.replace(patient_ctx, today=date(2026, 6, 1))
    text = pdf_text(render_attestation_fin_programme(ctx))
    assert "Le 1er juin 2026" in text
    assert "atteste que Jeanne Dupont-Léger" in text
    assert "commencé le 9 mars 2026" in text


def test_personal_schedule_lists_entries_in_date_order(patient_ctx, pdf_text):
    entries = (ScheduleEntry(date(2026, 4, 20), "Visite de mi-programme", "Paul Martin"),
               ScheduleEntry(date(2026, 3, 9), "Visite d'inclusion", "Paul Martin"),
               ScheduleEntry(date(2026, 3, 16), "Appel hebdomadaire", "Paul Martin"))
    text = pdf_text(render_personal_schedule(PersonalScheduleContext(patient_ctx, entries)))
    first, second, third = (text.index(s) for s in ("lundi 9 mars 2026", "lundi 16 mars 2026",
                                                    "lundi 20 avril 2026"))
    assert first < second < third
    assert "Visite de mi-programme" in text


def test_long_schedule_repeats_its_header_and_numbers_pages(patient_ctx, pdf_pages):
    entries = tuple(ScheduleEntry(date(2026, 3, 9 + i % 20), f"Appel n° {i}", "Paul Martin") for i in range(60))
    pages = pdf_pages(render_personal_schedule(PersonalScheduleContext(patient_ctx, entries)))
    assert len(pages) == 2
    assert "page 1 / 2" in pages[0] and "page 2 / 2" in pages[1]
    assert "Rendez-vous" in pages[1]


def test_empty_schedule_says_so(patient_ctx, pdf_text):
    text = pdf_text(render_personal_schedule(PersonalScheduleContext(patient_ctx, ())))
    assert "Aucun rendez-vous n'est encore planifié." in text


@pytest.mark.parametrize("render", [render_information_letter, render_acte_adhesion, render_qol_cover_letter,
                                    render_attestation_fin_programme])
def test_hostile_names_render_escaped(patient_ctx, pdf_text, render):
    ctx = dataclasses.replace(patient_ctx, patient_name=HOSTILE, referent_name="R&D <i>",
                              addressee=Addressee(HOSTILE, ("1 rue <br/> & Cie", "x" * 300)))
    text = pdf_text(render(ctx))
    assert "Mme <b>Zoé</b> & fils </para>" in text
    assert PLACEHOLDER in text
    assert "🦠" not in text


def test_hostile_schedule_labels(patient_ctx, pdf_text):
    entries = (ScheduleEntry(date(2026, 3, 9), "<b>Visite</b> & " + "bla " * 1250 + "😀", "<i>"),)
    text = pdf_text(render_personal_schedule(PersonalScheduleContext(patient_ctx, entries)))
    assert "<b>Visite</b> &" in text
    assert "<i>" in text


def test_acte_adhesion_and_information_letter_fit_on_one_page(patient_ctx, pdf_pages):
    """Posted with the questionnaire: one sheet each, signatures on the same page as the commitments."""
    assert len(pdf_pages(render_acte_adhesion(patient_ctx))) == 1
    assert len(pdf_pages(render_information_letter(patient_ctx))) == 1
