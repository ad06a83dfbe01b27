"""Shared form pieces: French dates typed on a tablet or picked in a date input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from wtforms import Field, SelectChoice, StringField
from wtforms.validators import ValidationError

from rehab.domain.clock import local_date


def paris_today() -> date:
    """Dates of care are local dates: 'today' is Paris's, whatever the server's zone."""
    from rehab.web.common import now

    return local_date(now())


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


#: Dates of care outside these years are typing errors (and beyond what date arithmetic downstream accepts).
PLAUSIBLE_YEARS = range(1900, 2101)


def plausible_french_date(text: str) -> date | None:
    """A typed date within PLAUSIBLE_YEARS, or None: for optional inputs that must never break a page."""
    day = parse_french_date(text)
    return day if day is not None and day.year in PLAUSIBLE_YEARS else None


def parse_french_date(text: str) -> date | None:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no instant
        except ValueError:
            continue
    return None


class FrenchDateField(StringField):
    """Accepts 2026-03-05 (date input) or 05/03/2026 (typed); keeps the raw text on error."""

    widget_input_type = "date"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data: date | None = None  # type: ignore[assignment]

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        parsed = parse_french_date(str(valuelist[0]))
        if parsed is None:
            self.data = None
            raise ValueError("Date invalide : saisissez-la au format JJ/MM/AAAA.")
        if parsed.year not in PLAUSIBLE_YEARS:
            self.data = None
            raise ValueError("Date hors limites : vérifiez l'année.")
        self.data = parsed


class Between:
    """A date must fall within [earliest, latest], both callables so 'today' is evaluated per request."""

    def __init__(self, earliest: Any = None, latest: Any = None, message: str = "") -> None:
        self.earliest, self.latest, self.message = earliest, latest, message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data is None:
            return
        if self.earliest is not None and field.data < self.earliest():
            raise ValidationError(self.message)
        if self.latest is not None and field.data > self.latest():
            raise ValidationError(self.message)


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects; the code reads better with (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


def form_int(text: object, default: int = 0) -> int:
    """A version or id typed in a hidden field: tampered or absurd input becomes `default`, never a 500."""
    value = str(text or "").strip()
    return int(value) if value.isdecimal() and len(value) <= 9 else default
