"""The dashboards' filters: a GET form, so that a filtered dashboard is a URL one can share or bookmark.

A bad value never fails the page: the field shows a French message and its default applies (the current year
in Paris, every association, department, référent). The applied filters are written back as the canonical
query string the page's links carry, so a link never propagates a value that was refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectField
from wtforms.validators import ValidationError

from rehab.domain.departments import DEPARTMENTS
from rehab.domain.roles import Role
from rehab.indicators.types import IndicatorFilters
from rehab.models import Association, User, UserRole
from rehab.web.forms import FrenchDateField, choices

YEARS_BACK = 10  # the year selector offers ten years of history
MAX_SPAN_DAYS = 3660  # a custom period of at most ten years keeps the page within its time budget


class IndicatorFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET form

    annee = SelectField("Année", validate_choice=False)
    debut = FrenchDateField("Du")
    fin = FrenchDateField("Au")
    association = SelectField("Association", validate_choice=False)
    departement = SelectField("Département", validate_choice=False)
    referent = SelectField("Référent", validate_choice=False)
    referents_offered = True

    def fill(self, session: Session, *, today: date, with_referents: bool) -> None:
        """Options from the database: two small queries (associations, référents), no per-row lookup.

        Without référents (a référent's own dashboards) the référent filter is ignored, not refused."""
        self.referents_offered = with_referents
        years = range(today.year, today.year - YEARS_BACK - 1, -1)
        self.annee.choices = choices((str(y), str(y)) for y in years)
        associations = session.execute(select(Association.id, Association.name).order_by(Association.name)).all()
        self.association.choices = choices([("", "Toutes"), *((str(i), name) for i, name in associations)])
        self.departement.choices = choices([("", "Tous"), *((k, f"{k} – {v}") for k, v in DEPARTMENTS.items())])
        referents = session.execute(
            select(User.id, User.full_name).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.REFERENT.value).order_by(User.full_name)).all() if with_referents else []
        self.referent.choices = choices([("", "Tous"), *((str(i), name) for i, name in referents)])

    def _known(self, select_field: SelectField, message: str) -> None:
        if select_field.data and select_field.data not in {str(c[0]) for c in select_field.iter_choices()}:
            raise ValidationError(message)

    def validate_annee(self, select_field: SelectField) -> None:
        self._known(select_field, "Année non disponible : l'année en cours est affichée.")

    def validate_association(self, select_field: SelectField) -> None:
        self._known(select_field, "Association inconnue : toutes les associations sont prises en compte.")

    def validate_departement(self, select_field: SelectField) -> None:
        self._known(select_field, "Département inconnu : tous les départements sont pris en compte.")

    def validate_referent(self, select_field: SelectField) -> None:
        if not self.referents_offered:
            return
        self._known(select_field, "Référent inconnu : tous les référents sont pris en compte.")

    def validate_fin(self, date_field: FrenchDateField) -> None:
        """Cross-field rules of the custom period (each date's own format is checked by FrenchDateField)."""
        start, end = self.debut.data, date_field.data
        if self.debut.errors or date_field.errors:
            return
        if (start is None) != (end is None):
            raise ValidationError("Indiquez les deux dates de la période, ou choisissez une année.")
        if start and end and end < start:
            raise ValidationError("La fin de la période précède son début.")
        if start and end and (end - start).days > MAX_SPAN_DAYS:
            raise ValidationError("Période trop longue : dix ans au plus.")


PROBLEM_LABELS = {"annee": "Année", "debut": "Début de la période", "fin": "Fin de la période",
                  "association": "Association", "departement": "Département", "referent": "Référent"}


@dataclass
class AppliedFilters:
    """What the page computes with, its French description, and the query string its links carry."""

    filters: IndicatorFilters
    period_label: str
    query: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _choice_id(select_field: SelectField) -> int | None:
    return int(select_field.data) if select_field.data and not select_field.errors else None


def apply_filters(form: IndicatorFilterForm, *, today: date, forced_referent: int | None) -> AppliedFilters:
    """Validates the form and turns what passed into IndicatorFilters; refused values fall back to defaults."""
    form.validate()
    problems = [f"{PROBLEM_LABELS[name]} : {error}" for name, errors in form.errors.items() for error in errors]
    query: dict[str, str] = {}
    period_ok = not (form.debut.errors or form.fin.errors)
    if period_ok and form.debut.data and form.fin.data:
        start, end = form.debut.data, form.fin.data
        query |= {"debut": start.isoformat(), "fin": end.isoformat()}
        label = f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    else:
        year = int(form.annee.data) if form.annee.data and not form.annee.errors else today.year
        start, end = date(year, 1, 1), date(year, 12, 31)
        query["annee"] = str(year)
        label = f"année {year}"
        if not period_ok:
            problems.append(f"Période ignorée : l'année {year} est affichée.")
    association_id = _choice_id(form.association)
    department = form.departement.data if form.departement.data and not form.departement.errors else None
    referent_id = forced_referent if forced_referent is not None else _choice_id(form.referent)
    for key, value in (("association", association_id), ("departement", department),
                       ("referent", None if forced_referent is not None else referent_id)):
        if value is not None:
            query[key] = str(value)
    filters = IndicatorFilters(start, end, association_id=association_id, department=department,
                               referent_id=referent_id)
    return AppliedFilters(filters, label, query, problems)
