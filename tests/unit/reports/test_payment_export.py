"""Exports for the accounting software are safe against formula injection and keep amounts exact."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports.payment_export import ExportRow, safe, to_csv, to_xlsx


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_dangerous_first_character_is_neutralised(text):
    assert safe(text) == "'" + text


def test_ordinary_text_is_untouched():
    assert safe("Dr Martin-Durand") == "Dr Martin-Durand"


def _row(name: str) -> ExportRow:
    return ExportRow(1, name, "10001234567", "Infirmier(e)", 12, "BZ", "-motif", Decimal("26.00"), "Payée", 3,
                     date(2026, 2, 27), "=VIR")


def test_csv_and_xlsx_neutralise_text_but_keep_numbers():
    text = to_csv([_row("@evil")]).decode("utf-8-sig")
    assert "'@evil" in text and "'-motif" in text and "'=VIR" in text and ";26,00;" in text and "27/02/2026" in text
    sheet = load_workbook(io.BytesIO(to_xlsx([_row("+evil")])))["Paiements"]
    assert sheet.cell(row=2, column=2).value == "'+evil"
    assert sheet.cell(row=2, column=8).value == 26  # a number the accountant can add up
