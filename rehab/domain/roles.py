"""Roles of the coordination team and what each may do.

The permission table lives here, in one place, so that routes, templates and the
role × route matrix test all read the same rules.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REFERENT = "referent"
    ASSISTANTE = "assistante"
    COORDINATEUR = "coordinateur"
    MEDECIN = "medecin_directeur"
    GESTIONNAIRE = "gestionnaire"
    ADMIN = "administrateur"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.REFERENT: "Référent de programme",
    Role.ASSISTANTE: "Assistante de coordination",
    Role.COORDINATEUR: "Coordinateur",
    Role.MEDECIN: "Médecin directeur",
    Role.GESTIONNAIRE: "Gestionnaire administrative",
    Role.ADMIN: "Administrateur",
}

#: Roles that see every patient and programme (SPEC: "assistante, coordinateur and médecin directeur see all").
SEES_ALL_CLINICAL: frozenset[Role] = frozenset({Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN})

#: Roles that may read clinical content at all; gestionnaire and administrateur never do.
CLINICAL_ROLES: frozenset[Role] = SEES_ALL_CLINICAL | {Role.REFERENT}

#: Roles that may register a new patient or open a programme (referrals arrive at the coordination desk).
INTAKE_ROLES: frozenset[Role] = frozenset({Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN})

#: Roles that may assign a référent or change a programme's association.
ASSIGNING_ROLES: frozenset[Role] = frozenset({Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN})


def parse_roles(values: list[str] | tuple[str, ...]) -> set[Role]:
    """Unknown role codes are ignored rather than trusted."""
    known = {r.value for r in Role}
    return {Role(v) for v in values if v in known}
