"""Forms of the intake steps, each one screen on a tablet."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from rehab.models.care_team import TEAM_ROLES
from rehab.models.consent import CALL_OUTCOMES
from rehab.web.forms import Between, FrenchDateField, choices, paris_today

NOT_FUTURE = Between(latest=paris_today, message="La date ne peut pas être dans le futur.")


class CallForm(FlaskForm):
    called_on = FrenchDateField("Appel du", validators=[InputRequired("La date de l'appel est obligatoire."),
                                                        NOT_FUTURE])
    called_time = StringField("à (HH:MM)", validators=[
        InputRequired("L'heure de l'appel est obligatoire."),
        Regexp(r"^([01]?\d|2[0-3])[:hH][0-5]\d$", message="Heure invalide : saisissez-la au format HH:MM.")])
    outcome = RadioField("Résultat", choices=choices(CALL_OUTCOMES.items()),
                         validators=[InputRequired("Choisissez le résultat de l'appel.")])
    callback_on = FrenchDateField("Rappeler le", validators=[
        Optional(), Between(earliest=paris_today, message="La date de rappel ne peut pas être passée.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])


class PracticalForm(FlaskForm):
    floor = IntegerField("Étage", validators=[Optional(), NumberRange(-2, 60, "Étage invraisemblable (-2 à 60).")])
    stairs = IntegerField("Marches à monter", validators=[
        Optional(), NumberRange(0, 500, "Nombre de marches invraisemblable (0 à 500).")])
    lift = BooleanField("Ascenseur")
    access_notes = TextAreaField("Accès (code, stationnement, gardien…)", validators=[Optional(), Length(max=2000)])
    electricity = BooleanField("Électricité au domicile", default=True)
    phone_line = BooleanField("Ligne téléphonique (fixe ou mobile)", default=True)
    version = HiddenField()


class ConsentForm(FlaskForm):
    sent_on = FrenchDateField("Acte d'adhésion envoyé le", validators=[Optional(), NOT_FUTURE])
    signed_on = FrenchDateField("Retourné signé le", validators=[Optional(), NOT_FUTURE])
    file = FileField("Copie signée numérisée (PDF, JPEG ou PNG, facultatif)")
    version = HiddenField()


class D0Form(FlaskForm):
    d0 = FrenchDateField("Date de début convenue avec le patient (J0, visite d'inclusion)", validators=[
        InputRequired("La date de début est obligatoire (JJ/MM/AAAA).")])


class MemberForm(FlaskForm):
    role = SelectField("Rôle", choices=choices([(k, v[0]) for k, v in TEAM_ROLES.items()]),
                       validators=[InputRequired("Choisissez le rôle.")])
    professional_id = SelectField("Professionnel (annuaire)", coerce=int, validate_choice=False,
                                  validators=[InputRequired("Choisissez le professionnel dans l'annuaire.")])
    answer = RadioField("Réponse", choices=choices([("", "En attente"), ("agreed", "Accord"),
                                                    ("refused", "Refus")]), default="", validate_choice=False)
    answered_on = FrenchDateField("Le", validators=[Optional(), NOT_FUTURE])
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class AnswerForm(FlaskForm):
    member_id = HiddenField()
    answer = RadioField("Réponse", choices=choices([("agreed", "Accord"), ("refused", "Refus")]),
                        validators=[InputRequired("Choisissez accord ou refus.")])
    answered_on = FrenchDateField("Le", validators=[InputRequired("La date de la réponse est obligatoire."),
                                                    NOT_FUTURE])
