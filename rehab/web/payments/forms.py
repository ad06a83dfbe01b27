"""Forms of the payments pages (CSRF on every POST; typed values are kept on error)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

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


class TariffForm(FlaskForm):
    """A new tariff version. The amounts per step are read by name (``montant-<forfait>-<n>``) because the
    forfaits and their steps come from the latest version, not from code."""

    version = StringField("Nom de la version", validators=[
        InputRequired("Nommez la version, ex. « 2027-01 »."), Length(max=20, message="20 caractères au plus."),
        # the name is printed on statements and exports: letters, digits, spaces, dots and dashes only
        Regexp(r"^[\w][\w .\-]*$", message="Lettres, chiffres, espaces, points et tirets seulement.")])
    effective_from = FrenchDateField("En vigueur à partir du", validators=[
        InputRequired("Indiquez la date d'effet.")])
    lump_sum = StringField("Forfait par patient (€)", validators=[InputRequired("Indiquez le forfait par patient.")])
    note = TextAreaField("Motif / référence (avenant, arrêté…)", validators=[
        Length(max=1000, message="1000 caractères au plus.")])


class WithdrawForm(FlaskForm):
    tariff_id = StringField()
    confirm = BooleanField("Je confirme le retrait de cette version (elle n'a encore servi à aucun paiement)")
