"""Fleet forms: a unit's card, a status change, a maintenance entry, a reservation, provider orders."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from rehab.models.fleet import ORDER_CHANNELS, ORDER_KINDS
from rehab.services.fleet import status_choices
from rehab.web.forms import FrenchDateField, choices


class UnitForm(FlaskForm):
    serial_number = StringField("N° de série", validators=[
        InputRequired("Le numéro de série est obligatoire."), Length(max=60),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$", message="Lettres, chiffres, espaces et . _ / - seulement.")])
    model = StringField("Modèle (marque et référence)", validators=[
        InputRequired("Le modèle est obligatoire."), Length(max=100)])
    very_low_load = BooleanField("Permet les très faibles charges")
    association_id = SelectField("Association propriétaire", coerce=int,
                                 validators=[InputRequired("Choisissez l'association propriétaire.")])
    location = StringField("Localisation", validators=[Optional(), Length(max=200)])
    notes = TextAreaField("Remarques", validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def data_for_service(self) -> dict[str, object]:
        return {"serial_number": self.serial_number.data or "", "model": (self.model.data or "").strip(),
                "very_low_load": bool(self.very_low_load.data), "association_id": self.association_id.data,
                "location": (self.location.data or "").strip(), "notes": (self.notes.data or "").strip() or None}


class StatusForm(FlaskForm):
    status = SelectField("Nouveau statut", choices=choices(status_choices()))
    location = StringField("Localisation", validators=[Optional(), Length(max=200)])
    note = StringField("Motif", validators=[Optional(), Length(max=500)])
    confirm = BooleanField("Je confirme ce changement de statut")

    def validate_confirm(self, field: BooleanField) -> None:
        if self.status.data == "retired" and not field.data:
            raise ValidationError("Cochez la confirmation : un ergocycle réformé ne revient pas au parc.")


class MaintenanceForm(FlaskForm):
    performed_on = FrenchDateField("Date de l'intervention", validators=[InputRequired("Indiquez la date.")])
    description = TextAreaField("Intervention", validators=[
        InputRequired("Décrivez l'intervention de maintenance."), Length(max=2000)])


class ReserveForm(FlaskForm):
    unit_id = SelectField("Ergocycle disponible", coerce=int,
                          validators=[InputRequired("Choisissez un ergocycle.")])


class OrderForm(FlaskForm):
    kind = SelectField("Commande", choices=choices(ORDER_KINDS.items()))
    provider_id = SelectField("Prestataire", coerce=int, validators=[InputRequired("Choisissez le prestataire.")])
    planned_on = FrenchDateField("Date souhaitée", validators=[InputRequired("Indiquez la date souhaitée.")])


class SendForm(FlaskForm):
    channel = SelectField("Envoi", choices=choices(ORDER_CHANNELS.items()))


class DoneForm(FlaskForm):
    done_on = FrenchDateField("Réalisée le", validators=[InputRequired("Indiquez la date de passage.")])


class ConfirmForm(FlaskForm):
    """A bare POST (confirmation of the provider, cancellation with its checkbox)."""

    confirm = BooleanField("Je confirme")
    order_id = IntegerField(validators=[Optional()])
