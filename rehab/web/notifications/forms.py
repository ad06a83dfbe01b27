"""Forms of the inbox and the preferences page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, TimeField
from wtforms.validators import InputRequired


class HourField(TimeField):  # type: ignore[misc]
    """HH:MM with a French message that says how to write it."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Heure invalide : écrivez-la sous la forme 07:30.") from exc


class EmptyForm(FlaskForm):
    """Only the CSRF token: mark read, open, mark all read."""


class PreferencesForm(FlaskForm):
    inapp = BooleanField("Dans l'application (messagerie)")
    email = BooleanField("Par courriel")
    digest = BooleanField("Recevoir le récapitulatif du matin (jours ouvrés)")
    digest_time = HourField("Heure du récapitulatif", format="%H:%M",
                            validators=[InputRequired("Indiquez une heure, par exemple 07:30.")])
