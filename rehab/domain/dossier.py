"""The referral dossier: which pieces it needs, when it is complete, and the délai to D0.

The source (and SPEC phase 0) start the « délai de prise en charge » clock on the date the last
required piece arrives; the protocol's target is four weeks between that date and D0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

#: Required pieces, in checklist order; the index (from 1) is the chase task's occurrence.
REQUIRED_PIECES: dict[str, str] = {
    "prescription": "Prescription et fiche navette",
    "efr": "EFR / spirométrie",
    "gazometrie": "Gazométrie",
    "epreuve_effort": "Épreuve d'effort",
}

CHANNELS: dict[str, str] = {"courrier": "Courrier", "fax": "Fax", "medimail": "Medimail (messagerie sécurisée)"}

#: Referrals from « dispositifs d'appui à la coordination ou structures d'exercice regroupé »: the source counts
#: them apart (indicator with targets 20 / 30 / 40 patients a year).
COORDINATION_ORIGINS: dict[str, str] = {
    "dac": "Dispositif d'appui à la coordination (DAC)",
    "exercice_coordonne": "Structure d'exercice coordonné (MSP, CPTS, centre de santé)",
}

ORIGINS: dict[str, str] = {
    "pneumologue": "Pneumologue",
    "pneumologue_hospitalisation": "Pneumologue — hospitalisation pour exacerbation",
    "medecin_traitant": "Médecin traitant",
    "ssr_evaluation": "SSR — séjour court d'évaluation",
    "ssr_apres_sejour": "SSR — après un séjour complet",
    **COORDINATION_ORIGINS,
}

#: Default of the protocol's `dossier_to_d0_target_days`.
DEFAULT_TARGET_DAYS = 28


def piece_index(code: str) -> int:
    """1-based position of a piece in the checklist (stable: used as the chase task's occurrence)."""
    return list(REQUIRED_PIECES).index(code) + 1


def missing_pieces(received: Mapping[str, date | None]) -> list[str]:
    return [code for code in REQUIRED_PIECES if received.get(code) is None]


def completeness_date(received: Mapping[str, date | None]) -> date | None:
    """The dossier is complete on the date its last required piece arrived; None while one is missing."""
    if missing_pieces(received):
        return None
    return max(d for code, d in received.items() if code in REQUIRED_PIECES and d is not None)


def missing_message(received: Mapping[str, date | None]) -> str:
    missing = missing_pieces(received)
    if not missing:
        return "Dossier complet."
    names = ", ".join(REQUIRED_PIECES[c] for c in missing)
    return f"{len(missing)} pièce(s) manquante(s) : {names}."


@dataclass(frozen=True)
class Delay:
    """Days from dossier complete to D0 (or to today while D0 is not fixed), against the target."""

    days: int
    target_days: int
    running: bool

    @property
    def over_target(self) -> bool:
        return self.days > self.target_days

    @property
    def message(self) -> str:
        weeks = self.target_days // 7
        target = f"objectif ≤ {self.target_days} jours ({weeks} semaines)"
        if self.running:
            head = f"Dossier complet depuis {self.days} jour(s), J0 non fixé"
        else:
            head = f"Délai dossier complet → J0 : {self.days} jour(s)"
        state = "objectif dépassé" if self.over_target else "dans l'objectif"
        return f"{head} — {target}, {state}."


def delay_to_d0(complete_on: date | None, *, d0: date | None, today: date,
                target_days: int = DEFAULT_TARGET_DAYS) -> Delay | None:
    """None while the dossier is incomplete; running (to today) until D0 is fixed."""
    if complete_on is None:
        return None
    end = d0 if d0 is not None else today
    return Delay(days=(end - complete_on).days, target_days=target_days, running=d0 is None)
