from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from rehab.web.forms import Between, FrenchDateField, paris_today


class NewProgrammeForm(FlaskForm):
    referral_date = FrenchDateField("Date de réception de la demande", validators=[
        Optional(), Between(latest=paris_today, message="La date de la demande ne peut pas être dans le futur.")])
    association_id = SelectField("Association", coerce=int, validate_choice=False)


class TransitionForm(FlaskForm):
    target = HiddenField()
    version = HiddenField()
    reason = TextAreaField("Motif", validators=[Optional(), Length(max=2000)])


class AssignForm(FlaskForm):
    referent_id = SelectField("Référent de programme", coerce=int, validate_choice=False)
    association_id = SelectField("Association", coerce=int, validate_choice=False)
    notes = TextAreaField("Notes de coordination", validators=[Optional(), Length(max=5000)])
    version = HiddenField()


class FixD0Form(FlaskForm):
    d0 = FrenchDateField("Date de la visite d'inclusion (J0)", validators=[
        InputRequired("La date du J0 est obligatoire (JJ/MM/AAAA).")])
    bmi = DecimalField("IMC (kg/m²)", places=1, validators=[
        Optional(), NumberRange(min=10, max=70, message="IMC improbable : saisissez une valeur entre 10 et 70.")])
    smoker = BooleanField("Tabagisme actif ou sevrage récent fragile")
    psychology_support = BooleanField("Soutien psychologique indiqué (psychotropes, demande, retentissement)")
    paramedical_in_team = BooleanField("Un kinésithérapeute ou un infirmier participe")
    reason = TextAreaField("Motif (obligatoire pour déplacer un J0 déjà fixé)", validators=[
        Optional(), Length(max=2000)])
    version = HiddenField()


class SuspensionForm(FlaskForm):
    start = FrenchDateField("Début", validators=[InputRequired("La date de début est obligatoire.")])
    end = FrenchDateField("Fin (incluse)", validators=[InputRequired("La date de fin est obligatoire.")])
    reason = TextAreaField("Motif", validators=[InputRequired("Indiquez le motif."), Length(max=2000)])


class EventForm(FlaskForm):
    """Interruption, rupture or reinforcement: a date and the reason."""

    on = FrenchDateField("Date", validators=[InputRequired("La date est obligatoire.")])
    reason = TextAreaField("Motif", validators=[InputRequired("Indiquez le motif."), Length(max=2000)])


class RescheduleForm(FlaskForm):
    due = FrenchDateField("Nouvelle date", validators=[InputRequired("La nouvelle date est obligatoire.")])
    reason = TextAreaField("Motif", validators=[InputRequired("Indiquez le motif."), Length(max=2000)])
