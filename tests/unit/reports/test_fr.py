"""French typography helpers used by every printed document."""

from datetime import date
from decimal import Decimal

import pytest

from reports.fr import euros, long_date, number, quote, short_date, typography, weekday_date

NNBSP = "\u202f"


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 11, 25), "25 novembre 2026"),
    (date(2026, 3, 1), "1er mars 2026"),
    (date(2026, 3, 9), "9 mars 2026"),
    (date(2027, 8, 15), "15 août 2027"),
    (date(2026, 2, 1), "1er février 2026"),
])
def test_long_date(day, expected):
    assert long_date(day) == expected


def test_weekday_and_short_dates():
    assert weekday_date(date(2026, 3, 9)) == "lundi 9 mars 2026"
    assert weekday_date(date(2026, 3, 1)) == "dimanche 1er mars 2026"
    assert short_date(date(2026, 3, 9)) == "09/03/2026"


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (0, 0, "0"),
    (999, 0, "999"),
    (1000, 0, f"1{NNBSP}000"),
    (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89"),
    (12.5, 1, "12,5"),
    (2.675, 2, "2,68"),  # half-up on the decimal value, not on the binary float
    (0.5, 0, "1"),
    (-1234.5, 1, f"-1{NNBSP}234,5"),
    (Decimal("2300"), 2, f"2{NNBSP}300,00"),
])
def test_number(value, decimals, expected):
    assert number(value, decimals) == expected


def test_non_finite_numbers_print_as_a_dash():
    assert number(float("nan"), 1) == "—"
    assert number(float("inf")) == "—"


def test_euros_uses_comma_and_no_break_space_before_the_sign():
    assert euros(2300) == f"2{NNBSP}300,00\u00a0€"
    assert euros(Decimal("281")) == "281,00\u00a0€"


def test_quotes_and_typography():
    assert quote("bonne santé") == f"«{NNBSP}bonne santé{NNBSP}»"
    assert typography("Objet : séances ; prêt ? oui !") == f"Objet{NNBSP}: séances{NNBSP}; prêt{NNBSP}? oui{NNBSP}!"
