"""The annual report form: year, association, comments; the clicked button says Excel or PDF."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp

from rehab.services.annual_report import MAX_COMMENTS


class AnnualReportForm(FlaskForm):
    year = SelectField("Année", coerce=int, validators=[InputRequired("Choisissez l'année du rapport.")],
                       validate_choice=True)
    association_id = SelectField("Association", coerce=int)
    comments = TextAreaField("Commentaires", render_kw={"rows": 8}, validators=[
        Optional(), Length(max=MAX_COMMENTS, message=f"{MAX_COMMENTS:_} caractères au plus.".replace("_", "\u202f"))])
    #: sent by the button clicked (« xlsx » or « pdf »), never rendered as a field of its own
    format = StringField("Format", validators=[AnyOf(("xlsx", "pdf"), message="Choisissez Excel ou PDF.")])
    #: set by static/js/download-progress.js, echoed in a cookie when the file is ready
    download_token = HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z0-9]{8,64}$")])

