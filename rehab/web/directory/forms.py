"""Directory forms: the professional's card and the merge confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from rehab.domain.departments import DEPARTMENTS
from rehab.models.directory import CHANNELS, KINDS
from rehab.web.forms import choices


class ProfessionalForm(FlaskForm):
    kind = SelectField("Profession ou type", choices=choices([("", "—"), *KINDS.items()]),
                       validators=[InputRequired("Choisissez la profession ou le type d'établissement.")])
    name = StringField("Nom affiché", validators=[InputRequired("Le nom affiché est obligatoire."),
                                                  Length(max=200)])
    first_name = StringField("Prénom", validators=[Optional(), Length(max=100)])
    last_name = StringField("Nom", validators=[Optional(), Length(max=100)])
    organisation = StringField("Établissement / cabinet", validators=[Optional(), Length(max=200)])
    rpps = StringField("N° RPPS (11 chiffres)", validators=[Optional(), Length(max=20)])
    finess = StringField("N° FINESS (établissements)", validators=[Optional(), Length(max=12)])
    address = StringField("Adresse", validators=[Optional(), Length(max=300)])
    postal_code = StringField("Code postal", validators=[Optional(), Length(max=10)])
    city = StringField("Ville", validators=[Optional(), Length(max=120)])
    department = SelectField("Département", choices=choices(
        [("", "—"), *((k, f"{k} – {v}") for k, v in DEPARTMENTS.items())]))
    phone = StringField("Téléphone", validators=[Optional(), Length(max=30)])
    email = StringField("Courriel", validators=[Optional(), Length(max=254)])
    mssante = StringField("Adresse MSSanté / Medimail", validators=[Optional(), Length(max=254)])
    preferred_channel = SelectField("Canal de contact préféré", choices=choices(CHANNELS.items()))
    notes = TextAreaField("Remarques", validators=[Optional(), Length(max=2000)])
    salaried = BooleanField("Salarié (ex. psychologue ou tabacologue hospitalier) : ne perçoit pas les forfaits "
                            "dérogatoires")
    version = HiddenField()

    def data_for_service(self) -> dict[str, object]:
        return {name: self[name].data for name in (
            "kind", "name", "first_name", "last_name", "organisation", "rpps", "finess", "address",
            "postal_code", "city", "department", "phone", "email", "mssante", "preferred_channel", "notes", "salaried")}


class MergeForm(FlaskForm):
    duplicate_id = IntegerField("N° de la fiche en double", validators=[
        InputRequired("Indiquez le numéro de la fiche en double.")])
    confirm = BooleanField("Je confirme : la fiche en double sera retirée et tous ses liens reportés ici")
