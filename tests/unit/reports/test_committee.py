"""The minutes of the comité de concertation list every attendee and every dossier with its care project."""

import dataclasses
import re

from reports.committee import render_committee_minutes
from reports.context import MinutesItem


def test_minutes_list_attendees_dossiers_and_care_projects(minutes_ctx, pdf_text):
    text = pdf_text(render_committee_minutes(minutes_ctx))
    assert "Compte rendu du comité de concertation de réhabilitation du 4 mars 2026" in text
    assert "Siège, Montpellier" in text
    for attendee in minutes_ctx.attendees:
        assert f"{attendee.name} — {attendee.role_label}" in text
    for item in minutes_ctx.items:
        assert f"{item.patient_label} — programme n° {item.programme_number}" in text
        for value in (item.decision, item.objectives, item.exercise, item.safety, item.ergocycle_model):
            assert value in text
    assert "Participants (4)" in text and "Dossiers examinés (2)" in text
    assert "Référent Paul Martin" in text
    assert "Référent à désigner" in text  # the second dossier has no référent yet
    assert "Prochain comité : 18 mars 2026." in text


def test_minutes_without_items_or_next_meeting(minutes_ctx, pdf_text):
    ctx = dataclasses.replace(minutes_ctx, items=(), next_meeting=None)
    text = pdf_text(render_committee_minutes(ctx))
    assert "Aucun dossier n'a été examiné." in text
    assert "Date du prochain comité à fixer." in text


def test_hostile_notes_flow_across_pages(minutes_ctx, pdf_pages, pdf_text):
    notes = "<b>Attention</b> & suivi 😀🦠\n" + "Le patient décrit une dyspnée d'effort. " * 125  # ~5,000 chars
    item = MinutesItem("<script>X</script>", 99, "Validé & <i>", "", "", "", "", "Standard", None, notes)
    pdf = render_committee_minutes(dataclasses.replace(minutes_ctx, items=(item, *minutes_ctx.items)))
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    text = re.sub(r" ?page \d+ / \d+ ?", " ", pdf_text(pdf))  # a footer may fall in the middle of a sentence
    assert "<script>X</script> — programme n° 99" in text
    assert "<b>Attention</b> & suivi" in text
    assert "Validé & <i>" in text
    assert text.count("dyspnée d'effort") == 125
    assert "MARTINEZ Louis" in text
    assert f"page {len(pages)} / {len(pages)}" in pages[-1]
