from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from rehab.domain.departments import DEPARTMENTS, department_from_postal_code
from rehab.models.patient import INS_STATUSES, SEXES
from rehab.web.directory.pickers import directory_select, fill_choices
from rehab.web.forms import FrenchDateField, choices, paris_today

PHONE_RE = re.compile(r"^\+?[0-9 .()-]{10,20}$")


def _phone(_form: FlaskForm, field: StringField) -> None:
    if field.data and not PHONE_RE.match(field.data.strip()):
        raise ValidationError("Numéro de téléphone invalide (10 chiffres, ex. 05 61 00 00 00).")


class PatientForm(FlaskForm):
    nom_naissance = StringField("Nom de naissance", validators=[
        DataRequired("Le nom de naissance est obligatoire."), Length(max=100)])
    nom_usage = StringField("Nom d'usage", validators=[Optional(), Length(max=100)])
    prenoms = StringField("Prénom(s)", validators=[DataRequired("Le prénom est obligatoire."), Length(max=150)])
    date_naissance = FrenchDateField("Date de naissance", validators=[
        InputRequired("La date de naissance est obligatoire (JJ/MM/AAAA).")])
    sexe = SelectField("Sexe", choices=choices(SEXES.items()))
    ins_matricule = StringField("Matricule INS", validators=[Optional()])
    ins_status = SelectField("Statut de l'identité", choices=choices([("", "—"), *INS_STATUSES.items()]))
    adresse = StringField("Adresse", validators=[Optional(), Length(max=300)])
    code_postal = StringField("Code postal", validators=[Optional(), Length(max=10)])
    ville = StringField("Ville", validators=[Optional(), Length(max=120)])
    department = SelectField("Département", choices=choices(
        [("", "—"), *((k, f"{k} – {v}") for k, v in DEPARTMENTS.items())]))
    telephone = StringField("Téléphone", validators=[Optional(), _phone])
    telephone2 = StringField("Autre téléphone", validators=[Optional(), _phone])
    email = StringField("Courriel", validators=[Optional(), Email("Adresse de courriel invalide.")])
    aidant_nom = StringField("Aidant : nom", validators=[Optional(), Length(max=200)])
    aidant_lien = StringField("Aidant : lien", validators=[Optional(), Length(max=100)])
    aidant_telephone = StringField("Aidant : téléphone", validators=[Optional(), _phone])
    medecin_traitant = TextAreaField("Médecin traitant", validators=[Optional(), Length(max=1000)])
    pneumologue = TextAreaField("Pneumologue", validators=[Optional(), Length(max=1000)])
    medecin_traitant_id = directory_select("Médecin traitant (fiche de l'annuaire)")
    pneumologue_id = directory_select("Pneumologue (fiche de l'annuaire)")
    version = HiddenField()
    confirm_duplicate = BooleanField("Il s'agit bien d'une autre personne : créer quand même")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_choices(self.medecin_traitant_id, "medecin_traitant")
        fill_choices(self.pneumologue_id, "pneumologue")

    def validate_date_naissance(self, field: FrenchDateField) -> None:
        if field.data and field.data > paris_today():
            raise ValidationError("La date de naissance ne peut pas être dans le futur.")
        if field.data and field.data.year < 1900:
            raise ValidationError("Date de naissance improbable : vérifiez l'année.")

    def validate_ins_matricule(self, field: StringField) -> None:
        value = (field.data or "").replace(" ", "")
        if value and not re.fullmatch(r"[12][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])[0-9AB]{2}[0-9]{6}([0-9]{2})?", value):
            raise ValidationError("Le matricule INS comporte 13 ou 15 caractères (NIR).")
        field.data = value or None

    def validate_code_postal(self, field: StringField) -> None:
        if field.data and department_from_postal_code(field.data) is None:
            raise ValidationError("Code postal invalide (5 chiffres).")
        if field.data and not self.department.data:
            self.department.data = department_from_postal_code(field.data) or ""

    def patient_data(self) -> dict[str, object]:
        return {name: field.data for name, field in self._fields.items()
                if name not in {"csrf_token", "version", "confirm_duplicate"}}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Nom ou prénom")
    born = FrenchDateField("Date de naissance")
