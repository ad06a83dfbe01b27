"""Forms of the worklist: one-tap state changes, the team filters, the calendar feed buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from rehab.services.plans import TASK_ACTIONS
from rehab.web.forms import choices

STATE_LABELS = {"done": "Fait", "cancelled": "Annuler", "skipped": "Sans objet"}


class TaskStateForm(FlaskForm):
    """« Fait » in one tap; cancelling or « sans objet » needs a reason (the service enforces it)."""

    state = SelectField("Action", choices=choices((s, STATE_LABELS[s]) for s in TASK_ACTIONS),
                        validators=[InputRequired("Choisissez une action.")])
    reason = StringField("Motif", validators=[Optional(), Length(max=2000, message="Motif trop long.")])
    next = HiddenField()


class TeamFilterForm(FlaskForm):
    """GET filters of the team view (no CSRF: reading only). Choices are filled per request."""

    class Meta:
        csrf = False

    referent = SelectField("Référent", coerce=int, default=0)
    department = SelectField("Département", default="")
    kind = SelectField("Type de tâche", default="")
    role = SelectField("Responsable", default="")


class FeedForm(FlaskForm):
    """Create or revoke the private calendar URL: a POST with its CSRF token, nothing else."""
