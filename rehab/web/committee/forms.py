"""Committee forms: a meeting (date, place, attendees) and one dossier's care project."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from rehab.models.committee import ERGOCYCLES, MODALITIES
from rehab.web.forms import FrenchDateField, choices


class MeetingForm(FlaskForm):
    meeting_date = FrenchDateField("Date de la réunion", validators=[
        InputRequired("La date de la réunion est obligatoire (JJ/MM/AAAA).")])
    location = StringField("Lieu", validators=[InputRequired("Indiquez le lieu de la réunion."), Length(max=200)])
    attendees = SelectMultipleField("Présents", coerce=int, validate_choice=False,
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    next_meeting = FrenchDateField("Prochaine réunion", validators=[Optional()])


class ItemForm(FlaskForm):
    decision = StringField("Décision", validators=[Optional(), Length(max=500)])
    objectives = TextAreaField("Objectifs du projet de soins", validators=[Optional(), Length(max=4000)])
    competences = TextAreaField("Compétences à travailler (éducation thérapeutique)",
                                validators=[Optional(), Length(max=4000)])
    exercise_modality = SelectField("Modalité de l'exercice",
                                    choices=choices([("", "—"), *MODALITIES.items()]))
    initial_load_w = IntegerField("Charge initiale (W)", validators=[
        Optional(), NumberRange(0, 300, "Charge initiale invraisemblable : entre 0 et 300 W.")])
    exercise_notes = TextAreaField("Particularités de l'exercice", validators=[Optional(), Length(max=2000)])
    safety = TextAreaField("Consignes de sécurité", validators=[Optional(), Length(max=4000)])
    ergocycle_model = SelectField("Ergocycle", choices=choices([("", "—"), *ERGOCYCLES.items()]))
    referent_id = SelectField("Référent", coerce=int, validate_choice=False)
    notes = TextAreaField("Remarques", validators=[Optional(), Length(max=4000)])


class CloseForm(FlaskForm):
    confirm = BooleanField("Je confirme : la réunion sera figée et son compte rendu produit.", validators=[
        InputRequired("Cochez la confirmation pour clôturer la réunion.")])


class EmptyForm(FlaskForm):
    """A POST button: only the CSRF token."""

    version = HiddenField()
