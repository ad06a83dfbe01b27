"""Eligibility for home rehabilitation: the criteria of the source, section IV « Population cible ».

The criteria are data so the checklist, the validation rule and the committee all read the same list.
An inclusion criterion must be met; an exclusion criterion must be absent, except a *relative* one
(visual or hearing deficiency) that a carer at home can lift; the médecin traitant's opposition
excludes only when he is not the prescriber.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class CriterionKind(StrEnum):
    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


@dataclass(frozen=True)
class Criterion:
    id: str
    kind: CriterionKind
    label: str
    #: A relative exclusion is lifted when a carer at home compensates (named in the dossier).
    relative: bool = False
    #: The GP's opposition only counts when the GP is not the prescriber.
    gp_opposition: bool = False


CRITERIA: tuple[Criterion, ...] = (
    Criterion("adulte_occitanie", CriterionKind.INCLUSION,
              "Personne adulte résidant en Occitanie, porteuse d'une maladie respiratoire chronique"),
    Criterion("incapacite", CriterionKind.INCLUSION,
              "Incapacité (dyspnée, intolérance à l'exercice) et/ou handicap d'origine respiratoire"),
    Criterion("etat_stable", CriterionKind.INCLUSION,
              "État stable ou au décours d'une hospitalisation pour exacerbation"),
    Criterion("bilan_pneumo", CriterionKind.INCLUSION,
              "Évaluation pneumologique préalable (EFR, gazométrie et test d'effort)"),
    Criterion("traitement_optimise", CriterionKind.INCLUSION, "Optimisation des traitements pharmacologiques"),
    Criterion("limitations", CriterionKind.INCLUSION,
              "Limitations d'activité et de participation en lien avec la dyspnée et la fatigue"),
    Criterion("age_mineur", CriterionKind.EXCLUSION, "Âge inférieur à 18 ans"),
    Criterion("instabilite", CriterionKind.EXCLUSION,
              "Instabilité sévère de l'état de santé au niveau pneumologique (ex. acidose respiratoire "
              "non compensée)"),
    Criterion("contre_indication_cv", CriterionKind.EXCLUSION,
              "Contre-indication cardio-vasculaire au réentraînement à l'exercice (angor instable, "
              "infarctus récent, troubles du rythme mal contrôlés)"),
    Criterion("osteo_articulaire", CriterionKind.EXCLUSION,
              "Pathologie ostéo-articulaire sévère interdisant le réentraînement sur ergocycle"),
    Criterion("psychiatrique", CriterionKind.EXCLUSION,
              "Troubles psychiatriques empêchant le réentraînement en autonomie ou le suivi à distance"),
    Criterion("pas_de_telephone", CriterionKind.EXCLUSION, "Absence de ligne téléphonique"),
    Criterion("pas_d_electricite", CriterionKind.EXCLUSION, "Absence d'accès à l'énergie électrique au domicile"),
    Criterion("deficience_sensorielle", CriterionKind.EXCLUSION,
              "Déficience visuelle ou auditive empêchant d'utiliser l'ergocycle, de relever les paramètres "
              "ou de téléphoner", relative=True),
    Criterion("opposition_medecin_traitant", CriterionKind.EXCLUSION,
              "Opposition du médecin traitant à la mise en œuvre du programme", gp_opposition=True),
)

CRITERIA_BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}
INCLUSIONS: tuple[Criterion, ...] = tuple(c for c in CRITERIA if c.kind == CriterionKind.INCLUSION)
EXCLUSIONS: tuple[Criterion, ...] = tuple(c for c in CRITERIA if c.kind == CriterionKind.EXCLUSION)


@dataclass(frozen=True)
class EligibilityResult:
    """`blockers` are French sentences; empty means the médecin directeur may validate."""

    blockers: tuple[str, ...]
    lifted: tuple[str, ...]
    unanswered: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.blockers


def evaluate(answers: Mapping[str, bool | None], *, carer_name: str | None,
             gp_is_prescriber: bool) -> EligibilityResult:
    """`answers[id]` is True when an inclusion is met / an exclusion is present, None when unanswered.

    An unanswered criterion blocks too: validation needs the whole checklist filled in.
    """
    blockers: list[str] = []
    lifted: list[str] = []
    unanswered: list[str] = []
    carer = (carer_name or "").strip()
    for criterion in CRITERIA:
        value = answers.get(criterion.id)
        if value is None:
            unanswered.append(criterion.label)
            blockers.append(f"Critère non renseigné : {criterion.label}.")
        elif criterion.kind == CriterionKind.INCLUSION and not value:
            blockers.append(f"Critère d'inclusion non rempli : {criterion.label}.")
        elif criterion.kind == CriterionKind.EXCLUSION and value:
            if criterion.relative and carer:
                lifted.append(f"{criterion.label} — levé par la présence de l'aidant {carer}.")
            elif criterion.gp_opposition and gp_is_prescriber:
                lifted.append(f"{criterion.label} — sans effet : le médecin traitant est le prescripteur.")
            elif criterion.relative:
                blockers.append(f"Critère d'exclusion relatif présent : {criterion.label}. "
                                "Il ne peut être levé que par la présence d'un aidant à domicile (nommez-le).")
            else:
                blockers.append(f"Critère d'exclusion présent : {criterion.label}.")
    return EligibilityResult(tuple(blockers), tuple(lifted), tuple(unanswered))
