"""Directory pickers for other areas' forms (patient's doctors, prescriber, care team): a select of
directory entries, enhanced by the search-as-you-type script and usable without it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from wtforms import Field, SelectField
from wtforms.validators import ValidationError

from rehab.db import Session
from rehab.models import Professional
from rehab.services.directory import active_or_none
from rehab.web.forms import choices

#: Without JavaScript the select lists this many entries of the kind (most recently updated first).
FALLBACK_ENTRIES = 200


def optional_int(value: Any) -> int | None:
    """'' and '0' mean no link; anything else must be an integer id."""
    if value in (None, "", "0", 0, "None"):
        return None
    return int(value)


class DirectoryEntry:
    """The picked id must be a live entry; a merged one is replaced by the record it was merged into."""

    def __call__(self, _form: Any, field: Field) -> None:
        if field.data is None:
            return
        pro = active_or_none(Session(), field.data)
        if pro is None:
            raise ValidationError("Cette fiche n'existe pas dans l'annuaire : choisissez-en une autre.")
        field.data = pro.id


def directory_select(label: str) -> SelectField:
    return SelectField(label, coerce=optional_int, validate_choice=False, validators=[DirectoryEntry()])


def fill_choices(field: SelectField, kind: str) -> None:
    """The current entry first, then entries of `kind`; the script replaces them as the user types."""
    db = Session()
    rows = list(db.scalars(select(Professional).where(
        Professional.kind == kind, Professional.merged_into_id.is_(None), Professional.active)
        .order_by(Professional.name).limit(FALLBACK_ENTRIES)))
    current = db.get(Professional, field.data) if isinstance(field.data, int) else None
    if current is not None and current not in rows:
        rows.insert(0, current)
    field.choices = choices([("", "— aucun lien à l'annuaire —"), *((p.id, p.label) for p in rows)])
