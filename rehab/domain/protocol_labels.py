"""French labels of the protocol's vocabularies, for pages and letters."""

from __future__ import annotations

TASK_ROLE_LABELS: dict[str, str] = {
    "referent": "Référent", "assistante": "Assistante de coordination", "coordinateur": "Coordinateur",
    "medecin_directeur": "Médecin directeur", "gestionnaire": "Gestionnaire", "pneumologue": "Pneumologue",
    "medecin_traitant": "Médecin traitant", "paramedical": "Kinésithérapeute ou infirmier",
    "dieteticien": "Diététicien", "tabacologue": "Tabacologue", "psychologue": "Psychologue",
}
TRIGGER_LABELS: dict[str, str] = {
    "rupture": "rupture", "reinforcement": "renforcement", "second_rupture": "seconde rupture",
    "interruption": "interruption",
}
CONDITION_LABELS: dict[str, str] = {
    "bmi_out_of_range": "IMC hors des bornes du protocole", "smoker": "tabagisme actif ou récent",
    "psychology": "soutien psychologique indiqué", "paramedical": "kiné ou infirmier dans l'équipe",
}
PHASE_LABELS: dict[int, str] = {0: "Avant J0", 1: "Intervention (12 semaines)", 2: "Suivi à distance (40 semaines)"}
