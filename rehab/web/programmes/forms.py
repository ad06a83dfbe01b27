from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

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
