"""The form of one returned satisfaction questionnaire."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from rehab.web.forms import Between, FrenchDateField, choices, paris_today


class SatisfactionForm(FlaskForm):
    professional_id = SelectField("Professionnel de l'équipe de soins", coerce=int, validate_choice=False,
                                  validators=[InputRequired("Choisissez le professionnel.")])
    received_on = FrenchDateField("Questionnaire reçu le", validators=[
        InputRequired("La date de réception est obligatoire (JJ/MM/AAAA)."),
        Between(latest=paris_today, message="La date de réception ne peut pas être dans le futur.")])
    satisfied = RadioField("Satisfait du programme ?", choices=choices([("yes", "Oui"), ("no", "Non")]),
                           validators=[InputRequired("Indiquez si le professionnel se déclare satisfait.")])
    score = IntegerField("Note globale (0 à 10, facultative)", validators=[
        Optional(), NumberRange(0, 10, "La note doit être comprise entre 0 et 10.")])
    comment = TextAreaField("Commentaire", validators=[Optional(), Length(max=4000)])
