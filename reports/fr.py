"""French typography for printed documents.

Letters go to patients and physicians: dates are written in words (« 1er mars 2026 »), numbers use the narrow
no-break space U+202F between thousands and a decimal comma, as the Imprimerie nationale rules ask.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # espace fine insécable: thousands separator, before « ; : ! ? » and inside « »
NBSP = "\u00a0"  # espace insécable: between a number and its unit (2 300,00 €)

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def long_date(day: date) -> str:
    """« 25 novembre 2026 »; the first of the month is an ordinal in French: « 1er mars 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def weekday_date(day: date) -> str:
    """« lundi 9 mars 2026 »: schedules need the weekday so that a patient can plan the visit."""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


def short_date(day: date) -> str:
    """« 09/03/2026 » for tables and identity lines."""
    return day.strftime("%d/%m/%Y")


def number(value: float | int | Decimal, decimals: int = 0) -> str:
    """« 12 345,6 »: half-up rounding (as people do by hand), U+202F thousands, decimal comma."""
    exact = Decimal(str(value))
    if not exact.is_finite():
        return "—"  # a missing measurement (NaN) must print as a dash, not crash the letter
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + NNBSP.join(groups)
    return f"{result},{fraction}" if fraction else result


def euros(amount: float | int | Decimal) -> str:
    """« 2 300,00 € » (no-break space before the euro sign so that it never wraps alone)."""
    return f"{number(amount, 2)}{NBSP}€"


def quote(text: str) -> str:
    """« texte » with the narrow no-break spaces inside the guillemets."""
    return f"«{NNBSP}{text}{NNBSP}»"


def typography(text: str) -> str:
    """Narrow no-break space before « ; : ! ? » so that the sign never starts a line (for our own texts)."""
    for sign in ";:!?":
        text = text.replace(f" {sign}", f"{NNBSP}{sign}")
    return text
