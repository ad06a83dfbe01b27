"""Forms of the payments pages (CSRF on every POST; typed values are kept on error)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from rehab.web.forms import FrenchDateField


class ActionForm(FlaskForm):
    """A button-only form (compute, build a batch from the ticked lines): CSRF only."""


class PayForm(FlaskForm):
    paid_on = FrenchDateField("Date du virement", validators=[InputRequired("Indiquez la date du virement.")])
    reference = StringField("Référence du virement", validators=[
        InputRequired("Indiquez la référence du virement."), Length(max=100, message="100 caractères au plus.")])


class CancelForm(FlaskForm):
    reason = TextAreaField("Motif de l'annulation", validators=[
        InputRequired("Indiquez le motif de l'annulation."), Length(max=1000, message="1000 caractères au plus.")])
