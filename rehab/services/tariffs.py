"""The versioned tariff table: read the versions in force, add a version effective from a future date.

Design choice — the versions live in the database (table ``tariff_versions``), not in the TOML file:
the gestionnaire must be able to add a version from a screen, on every installation, without a deployment,
and the app must be able to tell which versions were already used by payment lines. The TOML file stays the
reviewed seed (the source's forfaits, with comments on how they were derived): migration 0011 copies it into
the table, and if the table is ever empty the file's versions are used and written first when a version is
added, so pricing never depends on where a version came from.

Rows are immutable: a correction is a new version. A version takes effect strictly after today, so no
programme already started changes price (a programme is priced with the tariff in force at its D0) and no
payment line can have used it yet; a future version nobody used may be withdrawn before it takes effect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rehab.domain import tariffs as rules
from rehab.domain.roles import Role
from rehab.models import PaymentLine, User
from rehab.models.payments import TariffVersion
from rehab.services import audit
from rehab.services.errors import ServiceError

#: Who maintains the tariffs: the gestionnaire (payments) and the administrateur (reference data).
EDITORS = (Role.GESTIONNAIRE, Role.ADMIN)


def _domain(row: TariffVersion) -> rules.Tariff:
    return rules.parse_tariffs({"tariffs": [{"version": row.version, "effective_from": row.effective_from,
                                             "lump_sum": str(row.lump_sum), "forfaits": row.forfaits}]})[0]


def rows(session: Session) -> list[TariffVersion]:
    return list(session.scalars(select(TariffVersion).order_by(TariffVersion.effective_from)))


def all_tariffs(session: Session) -> tuple[rules.Tariff, ...]:
    """Every version, oldest first: the table's, or the seed file's while the table is empty."""
    found = rows(session)
    if not found:
        return rules.load_tariffs()
    return tuple(_domain(row) for row in found)


def used_versions(session: Session) -> set[str]:
    """Versions that priced at least one payment line (even cancelled: the line says what was computed)."""
    return set(session.scalars(select(PaymentLine.tariff_version).distinct()))


def _seed(session: Session, now: datetime) -> None:
    if session.scalar(select(TariffVersion.id).limit(1)) is None:
        for tariff in rules.load_tariffs():
            session.add(TariffVersion(version=tariff.version, effective_from=tariff.effective_from,
                                      lump_sum=tariff.lump_sum, forfaits=rules.forfaits_record(tariff),
                                      note="Reprise du fichier des tarifs", created_at=now))


class TariffConflict(ServiceError):
    """Another gestionnaire saved a version with the same name or date meanwhile (409, not a typing error)."""


def add_version(session: Session, *, version: str, effective_from: date, lump_sum: str,
                amounts: Mapping[str, Sequence[str]], note: str, user: User, now: datetime,
                today: date) -> TariffVersion:
    """A new version with the forfaits of the latest one and the amounts typed; effective after today."""
    if not user.has_role(*EDITORS):
        raise ServiceError("Seuls le gestionnaire et l'administrateur modifient les tarifs.")
    existing = all_tariffs(session)
    try:
        new = rules.derive_tariff(existing[-1], version=version.strip(), effective_from=effective_from,
                                  lump_sum=lump_sum, amounts=amounts)
        rules.check_new_version(new, existing, today=today)
    except rules.TariffError as exc:
        raise ServiceError(str(exc)) from exc
    _seed(session, now)
    row = TariffVersion(version=new.version, effective_from=new.effective_from, lump_sum=new.lump_sum,
                        forfaits=rules.forfaits_record(new), note=note.strip() or None, created_at=now,
                        created_by_id=user.id)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:  # another gestionnaire added the same date or name meanwhile
        raise TariffConflict("Une version de même nom ou de même date d'effet vient d'être enregistrée : "
                           "rechargez la page.") from exc
    audit.record(session, now=now, user_id=user.id, action="create", object_type="tariff_version",
                 object_id=row.id, detail={"version": row.version, "effective_from": effective_from.isoformat()})
    return row


def withdraw_version(session: Session, *, version_id: int, user: User, now: datetime, today: date) -> str:
    """A version not yet in force and never used is withdrawn (a typo before it applies); returns its name."""
    if not user.has_role(*EDITORS):
        raise ServiceError("Seuls le gestionnaire et l'administrateur modifient les tarifs.")
    row = session.get(TariffVersion, version_id)
    if row is None:
        raise ServiceError("Version de tarif introuvable.")
    if row.effective_from <= today:
        raise ServiceError("Cette version est déjà en vigueur : elle ne peut plus être retirée. "
                           "Ajoutez une nouvelle version.")
    if row.version in used_versions(session):
        raise ServiceError("Cette version a servi à calculer des paiements : elle ne peut pas être retirée.")
    name = row.version
    session.delete(row)
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="delete", object_type="tariff_version",
                 object_id=version_id, detail={"version": name})
    return name
