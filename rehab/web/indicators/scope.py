"""Who sees which indicator dashboards, over which programmes, and who may list the programmes behind a figure.

Figures are aggregates, but the list behind a figure names patients: it follows the clinical access rules.
- assistante, coordinateur, médecin directeur: every family, every programme, the lists;
- référent: every family, but computed over his own programmes only (the référent filter is forced to him),
  and the lists of his own programmes;
- gestionnaire: the activity and cost families (what the financers' reports need), counts only, no list;
- administrateur: nothing (he runs the system, not the programme).
A user holding several roles gets the widest of them; a référent who is also gestionnaire stays scoped to his
own programmes, because the référent scope is the only one that restricts figures he could see otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehab.domain.roles import SEES_ALL_CLINICAL, Role
from rehab.indicators.catalogue import FAMILIES
from rehab.models import User

#: Roles that may open the dashboards at all (the administrateur may not).
DASHBOARD_ROLES: tuple[Role, ...] = (Role.REFERENT, Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN,
                                     Role.GESTIONNAIRE)
MANAGER_FAMILIES = frozenset({"activity", "costs"})
ALL_FAMILIES: tuple[str, ...] = tuple(key for key, _ in FAMILIES)


@dataclass(frozen=True)
class Scope:
    families: tuple[str, ...]  # in catalogue order
    referent_id: int | None  # forced référent filter, None when the user may choose
    lists_programmes: bool


def scope_for(user: User) -> Scope:
    """The dashboards `user` may open (call only behind roles_required(*DASHBOARD_ROLES))."""
    roles = user.roles
    if roles & SEES_ALL_CLINICAL:
        return Scope(ALL_FAMILIES, None, lists_programmes=True)
    if Role.REFERENT in roles:
        return Scope(ALL_FAMILIES, user.id, lists_programmes=True)
    if Role.GESTIONNAIRE in roles:
        return Scope(tuple(k for k in ALL_FAMILIES if k in MANAGER_FAMILIES), None, lists_programmes=False)
    return Scope((), None, lists_programmes=False)
