"""The programme's life cycle: which step may follow which, and who may take it.

demande → dossier complet → validé (or réorienté) → planifié → en cours (D0)
→ suivi à distance (after week 12) → terminé; interrompu from any active state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rehab.domain.roles import Role


class Status(StrEnum):
    DEMANDE = "demande"
    DOSSIER_COMPLET = "dossier_complet"
    VALIDE = "valide"
    REORIENTE = "reoriente"
    PLANIFIE = "planifie"
    EN_COURS = "en_cours"
    SUIVI = "suivi"
    TERMINE = "termine"
    INTERROMPU = "interrompu"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_active(self) -> bool:
        return self not in FINAL_STATUSES


STATUS_LABELS: dict[Status, str] = {
    Status.DEMANDE: "Demande",
    Status.DOSSIER_COMPLET: "Dossier complet",
    Status.VALIDE: "Validé",
    Status.REORIENTE: "Réorienté",
    Status.PLANIFIE: "Planifié",
    Status.EN_COURS: "En cours",
    Status.SUIVI: "Suivi à distance",
    Status.TERMINE: "Terminé",
    Status.INTERROMPU: "Interrompu",
}

FINAL_STATUSES: frozenset[Status] = frozenset({Status.REORIENTE, Status.TERMINE, Status.INTERROMPU})

_DESK = frozenset({Role.ASSISTANTE, Role.COORDINATEUR})
_DOCTOR = frozenset({Role.MEDECIN})


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    label: str
    roles: frozenset[Role]
    reason_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.DEMANDE, Status.DOSSIER_COMPLET, "Déclarer le dossier complet", _DESK),
    Transition(Status.DOSSIER_COMPLET, Status.DEMANDE, "Demander des compléments", _DOCTOR | _DESK, True),
    Transition(Status.DOSSIER_COMPLET, Status.VALIDE, "Valider le dossier", _DOCTOR),
    Transition(Status.DOSSIER_COMPLET, Status.REORIENTE, "Réorienter vers un SSR", _DOCTOR, True),
    Transition(Status.VALIDE, Status.PLANIFIE, "Planifier (date de début fixée)", _DESK),
    Transition(Status.PLANIFIE, Status.EN_COURS, "Démarrer (visite d'inclusion faite)", _DESK | {Role.REFERENT}),
    Transition(Status.EN_COURS, Status.SUIVI, "Passer au suivi à distance", _DESK | {Role.REFERENT}),
    Transition(Status.SUIVI, Status.TERMINE, "Clore le programme", _DESK | _DOCTOR),
    *(
        Transition(s, Status.INTERROMPU, "Interrompre le programme", _DOCTOR | {Role.COORDINATEUR}, True)
        for s in (Status.DEMANDE, Status.DOSSIER_COMPLET, Status.VALIDE, Status.PLANIFIE,
                  Status.EN_COURS, Status.SUIVI)
    ),
)


class TransitionError(ValueError):
    """A refused change of status; the message is shown to the user as is (French)."""


def find_transition(source: Status, target: Status) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def allowed_transitions(source: Status, roles: set[Role]) -> list[Transition]:
    """Transitions offered to a user: those from the current status their roles may take."""
    return [t for t in TRANSITIONS if t.source == source and t.roles & roles]


def check_transition(source: Status, target: Status, roles: set[Role], reason: str) -> Transition:
    """Every refusal names the two statuses so the user understands what is wrong."""
    transition = find_transition(source, target)
    if transition is None:
        if source in FINAL_STATUSES:
            raise TransitionError(
                f"Le programme est « {source.label} » : c'est un état définitif, il ne peut plus changer."
            )
        raise TransitionError(
            f"Passage impossible de « {source.label} » à « {target.label} » : "
            "cette étape ne suit pas l'étape actuelle du parcours."
        )
    if not transition.roles & roles:
        allowed = ", ".join(sorted(r.label for r in transition.roles))
        raise TransitionError(f"« {transition.label} » est réservé à : {allowed}.")
    if transition.reason_required and not reason.strip():
        raise TransitionError(f"Un motif est obligatoire pour « {transition.label} ».")
    return transition
