"""The indicator families, in the order dashboards and the annual report show them, with French labels.

The keys are stable (URLs, workbook sheets, the evaluator's export use them); the labels are what people read.
"""

from __future__ import annotations

from rehab.domain import dossier

FAMILIES: tuple[tuple[str, str], ...] = (
    ("activity", "Activité"),
    ("intervention", "Phase d'intervention"),
    ("outcomes", "Résultats cliniques"),
    ("follow_up", "Suivi à distance et hospitalisations"),
    ("satisfaction", "Satisfaction"),
    ("incidents", "Événements intercurrents"),
    ("costs", "Coûts"),
)

FAMILY_LABELS: dict[str, str] = dict(FAMILIES)

#: Referral origins counted as coordination schemes or group practices (defined with the dossier's origins).
COORDINATION_ORIGINS = dossier.COORDINATION_ORIGINS

NOT_RECORDED = "Non renseigné"
