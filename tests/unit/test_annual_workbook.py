"""The annual report workbook and the PDF context, built from a hand-made IndicatorReport (no database)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from rehab.indicators.annual import annual_context, build_workbook, sheet_title
from rehab.indicators.types import Breakdown, Family, Figure, IndicatorFilters, IndicatorReport, Target

REPORT = IndicatorReport(
    filters=IndicatorFilters.for_year(2025, association_id=3),
    computed_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # already 1 January in Paris
    families=(
        Family("activity", "Activité", (
            Figure("programmes_completed", "Programmes réalisés", "count", 231.0,
                   target=Target(220, "min", "count"), trend=((2023, 180.0), (2024, 205.0)),
                   programme_ids=(1, 2)),
            Figure("referrals", "=HYPERLINK(\"http://evil\")", "count", 12.0),
        ), (Breakdown("origins", "Demandes par origine", ("Demandes",),
                      (("@pneumologue", (7.0,)), ("Médecin traitant", (None,)))),)),
        Family("outcomes", "Résultats cliniques : CRQ/endurance", (
            Figure("crq_improved", "Amélioration du CRQ", "percent", 82.5, numerator=33, denominator=40,
                   missing=4, target=Target(85, "min", "percent"), note="-exclus : questionnaires incomplets"),
            Figure("delay_weeks", "Délai moyen", "weeks", None, target=Target(4, "max", "weeks")),
        ), (Breakdown("quarters", "Activité maintenue", ("T1", "T2"), (("Patients", (80.0, 75.0)),),
                      chart="line", unit="percent"),
            Breakdown("empty", "Incidents", ("Nombre",), ()))),
        Family("costs", "Coûts", (), (
            Breakdown("by_forfait", "Forfaits par type", ("Montant (€)", "Programmes"),
                      (("Kinésithérapeute", (1250.5, 12.0)),), unit="euros", column_units=("euros", "count")),
            Breakdown("by_role", "Satisfaction", ("Questionnaires", "Satisfaits", "%"),
                      (("Infirmier", (3.0, 2.0, 66.7)),), column_units=("count", "count", "percent")))),
    ),
)


def _book(comments: str | None = "Bonne année.\n=1+1 & <b>") -> object:
    return load_workbook(io.BytesIO(build_workbook(REPORT, comments=comments, association_label="Souffle Sud")))


def test_cover_sheet_says_year_scope_date_and_comments_safely():
    book = _book()
    assert book.sheetnames == ["Rapport", "Activité", "Résultats cliniques", "Coûts"]
    cover = book["Rapport"]
    assert cover["A1"].value == "Rapport d'activité 2025"
    values = {cover.cell(row=r, column=1).value: cover.cell(row=r, column=2).value for r in range(3, 7)}
    assert values["Périmètre"] == "Souffle Sud"
    assert values["Période"] == "du 1er janvier 2025 au 31 décembre 2025"
    assert values["Édité le"] == "1er janvier 2026"
    texts = [cover.cell(row=r, column=2).value for r in range(8, 12)]
    assert "Bonne année." in texts and "'=1+1 & <b>" in texts  # a text, never a formula


def test_family_sheet_figures_keep_numbers_and_neutralise_text():
    sheet = _book()["Activité"]
    assert sheet.freeze_panes == "B4"
    assert [c.value for c in sheet[3]][:9] == ["Indicateur", "Valeur", "Unité", "Numérateur", "Dénominateur",
                                               "Manquants", "Objectif", "Sens de l'objectif", "Objectif atteint"]
    assert [c.value for c in sheet[4]][:9] == ["Programmes réalisés", 231, "nombre", None, None, 0, 220, "au moins",
                                               "Atteint"]
    assert sheet["B4"].number_format == "#,##0"
    assert [sheet["K3"].value, sheet["L3"].value, sheet["K4"].value, sheet["L4"].value] == [
        "Valeur 2023", "Valeur 2024", 180, 205]  # the trend, one column per previous year
    assert sheet["K5"].value is None
    assert sheet["A5"].value == "'=HYPERLINK(\"http://evil\")" and sheet["A5"].data_type == "s"
    assert sheet["A7"].value == "Demandes par origine (nombre)"
    assert sheet["A9"].value == "'@pneumologue" and sheet["B9"].value == 7
    assert sheet["B10"].value is None
    assert sheet.column_dimensions["A"].width >= len("Programmes réalisés")


def test_percentages_are_excel_percentages_and_missing_values_are_blank():
    sheet = _book(None)["Résultats cliniques"]
    row = [c.value for c in sheet[4]]
    assert row[:9] == ["Amélioration du CRQ", 0.825, "%", 33, 40, 4, 0.85, "au moins", "Non atteint"]
    assert row[9] == "'-exclus : questionnaires incomplets"
    assert sheet["B4"].number_format == "0.0 %"
    assert [c.value for c in sheet[5]][:9] == ["Délai moyen", None, "semaines", None, None, 0, 4, "au plus",
                                               "Non calculable"]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=7)]
    assert [v for v in values[0] if v is not None] == ["Activité maintenue (%)"]
    assert values[2][:3] == ["Patients", 0.8, 0.75]
    assert any(r[0] == "Aucune donnée pour cette période." for r in values)


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("Suivi : appels/visio", taken) == "Suivi appels-visio"
    assert sheet_title("Suivi : appels/visio", taken) == "Suivi appels-visio (2)"
    assert sheet_title("Phase d'intervention", taken) == "Phase d'intervention"
    assert sheet_title("Suivi à distance et hospitalisations", taken) == "Suivi à distance et"
    assert len(sheet_title("x" * 40, taken)) == 31


def test_pdf_context_is_plain_frozen_data():
    ctx = annual_context(REPORT, comments="  ", association_label=None, letterhead=None)
    assert ctx.year == 2025 and ctx.scope == "Toutes les associations" and ctx.comments is None
    assert ctx.generated_on == date(2026, 1, 1)
    figure = ctx.families[1].figures[0]
    assert (figure.value, figure.target, figure.direction, figure.met, figure.missing) == (82.5, 85, "min", False, 4)
    assert ctx.families[0].figures[0].trend == ((2023, 180.0), (2024, 205.0))
    assert ctx.families[1].breakdowns[0].chart == "line"


def test_tables_mixing_amounts_or_shares_with_counts_keep_each_column_in_its_unit():
    sheet = _book()["Coûts"]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert values[0][:3] == ["Forfaits par type", None, None]
    assert values[1][:3] == [None, "Montant (€)", "Programmes (nombre)"]
    assert values[2][:3] == ["Kinésithérapeute", 1250.5, 12]
    assert sheet["B7"].number_format == '#,##0.00 "€"' and sheet["C7"].number_format == "#,##0"
    assert values[6][:4] == ["Infirmier", 3, 2, 0.667]
    assert sheet["D11"].number_format == "0.0 %"
    ctx = annual_context(REPORT, comments=None, association_label=None, letterhead=None)
    assert ctx.families[2].breakdowns[1].column_units == ("count", "count", "percent")
