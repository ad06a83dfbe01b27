from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from rehab.domain.departments import DEPARTMENTS
from rehab.domain.roles import ROLE_LABELS
from rehab.web.forms import FrenchDateField, choices


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(FlaskForm):
    username = StringField("Identifiant", validators=[
        DataRequired("L'identifiant est obligatoire."), Length(max=80),
        Regexp(r"^[a-zA-Z0-9._-]+$", message="Lettres, chiffres, point, tiret ou souligné uniquement.")])
    full_name = StringField("Nom complet", validators=[DataRequired("Le nom est obligatoire."), Length(max=200)])
    email = StringField("Courriel", validators=[Optional(), Email("Adresse de courriel invalide.")])
    roles = CheckboxesField("Rôles", choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
                            validators=[DataRequired("Choisissez au moins un rôle.")])
    sectors = CheckboxesField("Secteurs (départements)",
                              choices=choices((k, f"{k} – {v}") for k, v in DEPARTMENTS.items()))
    association_id = SelectField("Association", coerce=int, validate_choice=False)
    password = PasswordField("Mot de passe initial", validators=[Optional(), Length(
        min=10, message="Au moins 10 caractères.")])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Nouveau mot de passe", validators=[
        DataRequired("Saisissez un mot de passe."), Length(min=10, message="Au moins 10 caractères.")])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user_id = SelectField("Utilisateur", coerce=int, validate_choice=False)
    action = SelectField("Action", choices=choices([("", "Toutes"), ("view", "Consultation"), ("create", "Création"),
                                            ("update", "Modification"), ("login", "Connexion"),
                                            ("login_failed", "Échec de connexion"), ("logout", "Déconnexion"),
                                            ("export", "Export")]))
    object_type = SelectField("Objet", choices=choices([
        ("", "Tous"), ("patient", "Patient"), ("programme", "Programme"), ("user", "Utilisateur")]))
    patient_id = StringField("N° patient")
    start = FrenchDateField("Du")
    end = FrenchDateField("Au")
