"""Dossier forms: referral, a piece received (with its scan), a relance, eligibility, the doctor's decision."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from rehab.domain import dossier as rules
from rehab.domain.eligibility import CRITERIA
from rehab.models.dossier import DECISIONS, PATIENT_CHOICES
from rehab.web.forms import Between, FrenchDateField, choices, paris_today


class ReferralForm(FlaskForm):
    referral_date = FrenchDateField("Demande reçue le", validators=[
        InputRequired("La date de la demande est obligatoire (JJ/MM/AAAA)."),
        Between(latest=paris_today, message="La date de la demande ne peut pas être dans le futur.")])
    channel = SelectField("Reçue par", choices=choices([("", "—"), *rules.CHANNELS.items()]),
                          validators=[InputRequired("Choisissez le canal de la demande.")])
    origin = SelectField("Origine", choices=choices([("", "—"), *rules.ORIGINS.items()]),
                         validators=[InputRequired("Choisissez l'origine de la demande.")])
    prescriber_id = SelectField("Prescripteur (annuaire)", coerce=int, validate_choice=False)
    notes = TextAreaField("Remarques", validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class PieceForm(FlaskForm):
    code = HiddenField()
    received_on = FrenchDateField("Reçue le", validators=[
        InputRequired("La date de réception est obligatoire (JJ/MM/AAAA)."),
        Between(latest=paris_today, message="La date de réception ne peut pas être dans le futur.")])
    file = FileField("Document scanné (PDF, JPEG ou PNG)")


class PieceActionForm(FlaskForm):
    """A relance, or declaring the dossier complete again: only the piece code and the CSRF token."""

    code = HiddenField()


ANSWERS = [("oui", "Oui"), ("non", "Non")]


class EligibilityFormBase(FlaskForm):
    carer_name = StringField("Aidant à domicile (nom) — lève l'exclusion relative", validators=[
        Optional(), Length(max=200)])
    version = HiddenField()

    def answers(self) -> dict[str, bool | None]:
        out: dict[str, bool | None] = {}
        for criterion in CRITERIA:
            value = self[f"c_{criterion.id}"].data
            out[criterion.id] = None if value not in ("oui", "non") else value == "oui"
        return out


def eligibility_form(**kwargs: Any) -> EligibilityFormBase:
    """One oui/non radio per criterion of the source, in the source's order."""

    class EligibilityForm(EligibilityFormBase):
        pass

    for criterion in CRITERIA:
        setattr(EligibilityForm, f"c_{criterion.id}", RadioField(
            criterion.label, choices=choices(ANSWERS), validators=[Optional()], validate_choice=True))
    return EligibilityForm(**kwargs)


class DecisionForm(FlaskForm):
    decision = RadioField("Décision", choices=choices(DECISIONS.items()),
                          validators=[InputRequired("Choisissez une décision.")])
    patient_choice = SelectField("Choix du patient", choices=choices([("", "—"), *PATIENT_CHOICES.items()]))
    reason = TextAreaField("Motif / compléments attendus", validators=[Optional(), Length(max=2000)])
    pieces_to_redo = SelectMultipleField("Pièces à redemander", choices=choices(rules.REQUIRED_PIECES.items()),
                                         widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    version = HiddenField()
