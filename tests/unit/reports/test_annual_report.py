"""The annual activity report PDF, rendered from a hand-built context and read back through its text."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from reports.annual_report import (
    AnnualBreakdown,
    AnnualFamily,
    AnnualFigure,
    AnnualReportContext,
    format_target,
    format_value,
    met_label,
    render_annual_report,
)
from reports.context import Letterhead
from reports.fr import NBSP, NNBSP
from tests.unit.reports.conftest import unembedded_fonts

HEAD = Letterhead(name="Réhab Occitanie Ouest", address_lines=("3 allée des Platanes", "31000 Toulouse"),
                  phone="05 61 00 00 01", email="contact@rehab.invalid")

ACTIVITY = AnnualFamily("Activité", (
    AnnualFigure("Programmes terminés", "count", 1234, target=220, direction="min", met=True,
                 trend=((2023, 201), (2024, 215))),
    AnnualFigure("Professionnels impliqués", "count", 480, target=500, direction="min", met=False),
), (AnnualBreakdown("Demandes par origine", ("Programmes",),
                    (("Pneumologue", (12,)), ("Médecin traitant", (7,)), ("Structure de coordination", (None,)))),))
OUTCOMES = AnnualFamily("Résultats", (
    AnnualFigure("Amélioration cliniquement importante du CRQ", "percent", 85.25, numerator=17, denominator=20,
                 missing=3, target=80, direction="min", met=True, note="Questionnaires incomplets exclus."),
    AnnualFigure("Réorientations SSR", "percent", 22.0, numerator=11, denominator=50, target=20, direction="max",
                 met=False),
    AnnualFigure("Endurance", "percent", None, numerator=0, denominator=0, target=75, direction="min", met=None),
), (AnnualBreakdown("Hospitalisations", ("12 mois avant", "12 mois après"),
                    (("Séjours", (40, 22)), ("Journées", (310.5, 150))), chart="bar", unit="count"),
    AnnualBreakdown("Activité maintenue par trimestre", ("Part des patients",),
                    (("T1", (80.0,)), ("T2", (70.0,)), ("T3", (None,))), chart="line", unit="percent"),
    AnnualBreakdown("Incidents par gravité", ("Résolu", "Hospitalisation"),
                    (("Légère", (3, 0)), ("Sévère", (1, 2))), chart="stacked"),
    AnnualBreakdown("Délai dossier complet → J0", ("Programmes",), (), chart="histogram", unit="count"),
    AnnualBreakdown("Forfaits par type", ("Montant (€)", "Programmes"), (("Kinésithérapeute", (1250.5, 12)),),
                    unit="euros", column_units=("euros", "count"))))


@pytest.fixture
def ctx() -> AnnualReportContext:
    return AnnualReportContext(letterhead=HEAD, year=2025, period_start=date(2025, 1, 1),
                               period_end=date(2025, 12, 31), scope="Toutes les associations",
                               generated_on=date(2026, 3, 1), families=(ACTIVITY, OUTCOMES),
                               comments="Année de montée en charge.\n\nNote <b>gras</b> & R&D =1+1")


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)  # pypdf reads the no-break spaces back as plain spaces


def test_formats_are_french():
    assert format_value(1234, "count") == f"1{NNBSP}234"
    assert format_value(85.25, "percent") == f"85,3{NBSP}%"
    assert format_value(2300, "euros") == f"2{NNBSP}300,00{NBSP}€"
    assert format_value(None, "percent") == "—"
    figure = AnnualFigure("x", "percent", 22.0, target=20, direction="max", met=False)
    assert format_target(figure) == f"≤{NBSP}20,0{NBSP}%"
    assert met_label(figure) == "Non atteint"
    assert met_label(replace(figure, target=None)) == "—"
    assert met_label(replace(figure, value=None, met=None)) == "Non calculable"


def test_title_page_summary_and_sections(ctx):
    pdf = render_annual_report(ctx)
    reader = PdfReader(io.BytesIO(pdf))
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Rapport d'activité 2025" in first
    assert "Périmètre : Toutes les associations" in first
    assert "du 1er janvier 2025 au 31 décembre 2025" in first and "Édité le 1er mars 2026" in first
    assert reader.metadata.title == "Rapport d'activité 2025 — Toutes les associations"
    text = text_of(pdf)
    assert "Objectifs atteints : 2 sur 5." in text
    assert "1 234" in text and "≥ 220" in text
    assert "85,3 %" in text and "17 / 20" in text
    assert "≤ 20,0 %" in text and "Non atteint" in text and "Non calculable" in text
    assert "2023 : 201 · 2024 : 215" in text
    assert "Questionnaires incomplets exclus." in text
    assert "310,5" not in text  # a count breakdown prints whole numbers…
    assert "311" in text  # …rounded half up
    assert "Aucune donnée pour cette période." in text
    assert "page 1 / " in text


def test_every_breakdown_has_a_chart_and_its_table(ctx):
    text = text_of(render_annual_report(ctx))
    for label in ("Demandes par origine", "Hospitalisations", "Activité maintenue par trimestre",
                  "Incidents par gravité"):
        assert f"Graphique : {label}" in text
    assert "12 mois avant" in text and "12 mois après" in text
    assert "70,0 %" in text


def test_comments_are_printed_literally(ctx):
    text = text_of(render_annual_report(ctx))
    assert "Commentaires" in text
    assert "Note <b>gras</b> & R&D =1+1" in text
    assert "Année de montée en charge." in text


def test_no_comment_and_no_family_still_renders(ctx):
    text = text_of(render_annual_report(replace(ctx, comments="  ", families=(), letterhead=None)))
    assert "Aucun commentaire." in text
    assert "Objectifs atteints : 0 sur 0." in text


def test_a_table_mixing_amounts_and_counts_prints_each_in_its_unit(ctx):
    text = text_of(render_annual_report(ctx))
    assert "Kinésithérapeute 1 250,50 € 12 " in text
    columns, rows = OUTCOMES.breakdowns[-1].charted()
    assert columns == ("Montant (€)",) and rows == (("Kinésithérapeute", (1250.5,)),)  # no count on a € axis


def test_a_nationwide_breakdown_stays_readable(ctx):
    """About a hundred departments: the chart names every n-th one, the table all of them."""
    rows = tuple((f"Département {n:03d}", (float(n),)) for n in range(1, 102))
    family = AnnualFamily("Activité", (), (AnnualBreakdown("Programmes par département", ("Démarrés",), rows),))
    text = text_of(render_annual_report(replace(ctx, families=(family,))))
    assert "Département 101 101" in text  # the table row
    assert text.count("Département 001") == 2  # named under the axis and in the table
    assert text.count("Département 002") == 1  # table only


def test_every_font_is_embedded(ctx):
    assert unembedded_fonts(render_annual_report(ctx)) == set()
