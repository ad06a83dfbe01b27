"""Letter forms: the référent's free-text sections, the coordinateur's review, plain action buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from rehab.models.letters import ISSUED_KINDS, LETTER_KINDS
from rehab.web.forms import choices
from reports.syntheses import SECTIONS

MAX_SECTION = 20_000


class EmptyForm(FlaskForm):
    """A button that only needs its CSRF token."""


class IssueForm(FlaskForm):
    """Establish the initial letters: from the version number the page showed (0: none yet), and a new version
    only when asked for explicitly."""

    expected_version = HiddenField(validators=[InputRequired("Formulaire périmé : rechargez la page.")])
    new_version = BooleanField("Établir une nouvelle version")

    def expected_number(self) -> int | None:
        """The version number the page showed; None when the hidden field was tampered with."""
        value = (self.expected_version.data or "").strip()
        return int(value) if value.isdigit() else None


class StartForm(FlaskForm):
    kind = SelectField("Synthèse", choices=choices([(k, v) for k, v in LETTER_KINDS.items() if k not in ISSUED_KINDS]),
                       validators=[InputRequired("Choisissez la synthèse.")])


def draft_form(kind: str, data: dict[str, str] | None = None, revision: int = 1) -> FlaskForm:
    """A form with one text area per free-text section of this kind (built per kind, as they differ)."""

    class DraftForm(FlaskForm):
        revision_seen = HiddenField()

    for key, title in SECTIONS[kind]:
        setattr(DraftForm, key, TextAreaField(title, validators=[Length(
            max=MAX_SECTION, message=f"{MAX_SECTION} caractères au plus par rubrique.")]))
    form = DraftForm(data={**(data or {}), "revision_seen": str(revision)})
    return form


class ReviewForm(FlaskForm):
    outcome = RadioField("Décision", choices=choices([("passed", "Transmettre au médecin directeur"),
                                                      ("sent_back", "Renvoyer au référent")]),
                         validators=[InputRequired("Choisissez : transmettre ou renvoyer.")])
    comments = TextAreaField("Commentaires", validators=[Length(max=5000)])
