"""What the programme expects of each professional of the care team, and how it pays them, for the initial
letter sent to the team when a programme starts.

The missions follow the cahier des charges (section « rôle de chacun des professionnels »); the amounts are
never written here: they come from the tariff version in force at the programme's D0 (the same versions the
payments use, `rehab.services.tariffs`), so a renegotiated forfait changes the letters of new programmes
without touching this wording.
"""

from __future__ import annotations

from datetime import date

from rehab.domain import tariffs
from rehab.models import CareTeamMember
from rehab.models.care_team import TEAM_ROLES
from reports.fr import euros
from reports.letter_blocks import RoleExpectation

MISSIONS: dict[str, tuple[str, ...]] = {
    "medecin_traitant": (
        "trois consultations pendant le programme (surveillance de l'état de santé, constantes, douleurs "
        "musculaires ou articulaires liées à la reprise de l'exercice), financées par le droit commun ;",
        "renseigner la fiche navette de coordination et conduire une action d'éducation thérapeutique selon "
        "les objectifs fixés avec le patient lors du bilan éducatif partagé ;",
        "renforcer la motivation du patient et participer à l'évaluation à distance (3 à 6 mois après la "
        "phase de réentraînement).",
    ),
    "pneumologue": (
        "consultations de suivi à la 6e semaine (bilan d'étape) et à la 12e semaine (bilan de l'impact du "
        "programme), financées par le droit commun ;",
        "participer au bilan éducatif partagé ;",
        "nous communiquer le relevé des hospitalisations pour cause respiratoire dans les 12 mois qui "
        "précèdent et les 12 mois qui suivent le programme, et le questionnaire de bénéfice à 12 mois.",
    ),
    "paramedical": (
        "six visites de 30 à 45 minutes, de préférence au domicile : une séance initiale d'évaluation puis "
        "jusqu'à cinq séances de suivi ;",
        "poursuivre un ou plusieurs des objectifs éducatifs contractualisés avec le patient et soutenir sa "
        "motivation tout au long du programme ;",
        "renseigner la fiche d'évaluation de l'éducation thérapeutique au terme du programme et participer à "
        "l'évaluation à distance.",
    ),
    "dieteticien": (
        "quatre consultations : évaluation initiale, deux consultations de suivi, évaluation finale avec "
        "bilan ;",
        "participer à l'évaluation à distance (3 à 6 mois après la phase de réentraînement).",
    ),
    "tabacologue": ("trois consultations : initiale, de suivi, finale avec bilan final.",),
    "psychologue": ("trois consultations : initiale, de suivi, finale avec bilan final.",),
}


def _forfait(role: str, d0: date | None, versions: tuple[tariffs.Tariff, ...]) -> str:
    """« 180,00 € au plus (séance initiale d'évaluation 50,00 €, …) » from the tariff in force at D0."""
    try:
        forfait = tariffs.tariff_for(d0, versions).forfait_for(role)
    except tariffs.TariffError:
        forfait = None
    if forfait is None:
        return "selon les modalités communiquées par la cellule de coordination."
    steps = ", ".join(f"{s.label.lower()} {euros(s.amount)}" for s in forfait.steps)
    if len(forfait.steps) == 1:
        return f"forfait dérogatoire de {euros(forfait.cap)} versé par l'association ({steps})."
    return (f"forfait dérogatoire de {euros(forfait.cap)} au plus, versé par l'association ({steps}). "
            "Merci de nous signaler chaque séance réalisée.")


def expectations(members: list[CareTeamMember], d0: date | None,
                 versions: tuple[tariffs.Tariff, ...]) -> tuple[RoleExpectation, ...]:
    """One entry per role present in the team (members of a role grouped), in the order of TEAM_ROLES."""
    names: dict[str, list[str]] = {}
    for member in members:
        names.setdefault(member.role, []).append(member.professional.name)
    order = [role for role in TEAM_ROLES if role in names] + sorted(set(names) - set(TEAM_ROLES))
    return tuple(RoleExpectation(role_label=TEAM_ROLES.get(role, (role,))[0], names=", ".join(names[role]),
                                 expected=MISSIONS.get(role, ()), forfait=_forfait(role, d0, versions))
                 for role in order)
