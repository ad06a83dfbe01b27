"""Outcomes measured at home: CRQ scoring, the endurance test, BMI-driven supports, the rupture
proposal and the physiological ranges every form checks.

Pure functions: the forms, the syntheses and the indicators all read the same rules.
The CRQ's wording is licensed by its authors (McMaster University): only item numbers and domain
names live in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rehab.domain.plan import bmi, bmi_out_of_range
from rehab.domain.protocol import ProtocolParameters

__all__ = [
    "CRQ_DOMAINS",
    "CRQ_DOMAIN_LABELS",
    "CRQ_ITEMS",
    "CRQ_MCID",
    "ENDURANCE_LOAD_RATIO",
    "RANGES",
    "CrqScores",
    "EnduranceChange",
    "Supports",
    "crq_change",
    "crq_scores",
    "decide_supports",
    "endurance_change",
    "endurance_load",
    "format_duration",
    "odometer_check",
    "parse_duration",
    "propose_rupture",
    "range_error",
]

CRQ_ITEMS = 20
#: Items of each domain (numbers 1–20), in the questionnaire's order.
CRQ_DOMAINS: dict[str, tuple[int, ...]] = {
    "dyspnee": (1, 2, 3, 4, 5),
    "fatigue": (6, 7, 8, 9),
    "emotion": (10, 11, 12, 13, 14, 15, 16),
    "maitrise": (17, 18, 19, 20),
}
CRQ_DOMAIN_LABELS = {"dyspnee": "Dyspnée", "fatigue": "Fatigue", "emotion": "Émotion", "maitrise": "Maîtrise"}
#: Minimal clinically important difference, per item mean (Jaeschke 1989): a protocol-like constant.
CRQ_MCID = Decimal("0.5")
#: The endurance test is run at a constant load of 80 % of the maximal power (PMT).
ENDURANCE_LOAD_RATIO = Decimal("0.8")

#: (minimum, maximum, unit, French noun) of every measurement the forms take.
RANGES: dict[str, tuple[float, float, str, str]] = {
    "heart_rate": (30, 220, "bpm", "La fréquence cardiaque"),
    "spo2": (50, 100, "%", "La SpO2"),
    "load": (0, 400, "W", "La puissance"),
    "minutes": (0, 60, "min", "La durée"),
    "borg": (0, 10, "", "Le score de Borg"),
    "eva": (0, 10, "", "L'EVA"),
    "crq_item": (1, 7, "", "Un item du CRQ"),
    "weight": (25, 250, "kg", "Le poids"),
    "height": (100, 230, "cm", "La taille"),
    "sessions_week": (0, 14, "", "Le nombre de séances par semaine"),
    "mmrc": (0, 4, "", "Le grade mMRC"),
    "days": (0, 366, "j", "Le nombre de jours"),
    "count": (0, 99, "", "Le nombre"),
    "km": (0, 100000, "km", "Le compteur"),
}
MAX_TEST_SECONDS = 60 * 60


def range_error(kind: str, value: float) -> str | None:
    """The French message for a value outside its physiological range, or None when plausible."""
    low, high, unit, noun = RANGES[kind]
    if low <= value <= high:
        return None
    suffix = f" {unit}" if unit else ""
    return f"{noun} doit se situer entre {_num(low)} et {_num(high)}{suffix} (saisi : {_num(value)})."


def _num(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


# ------------------------------------------------------------------------------------------------ CRQ


@dataclass(frozen=True)
class CrqScores:
    """Domain means (None when a domain has a missing item) and the overall mean of the scored domains' items."""

    domains: dict[str, Decimal | None]

    @property
    def complete(self) -> bool:
        return all(v is not None for v in self.domains.values())


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def crq_scores(items: dict[int, int | None]) -> CrqScores:
    """Domain score = mean of its items; a domain with one missing item is not scored (no imputation).

    Raises ValueError for an item number outside 1–20 or a score outside 1–7.
    """
    for number, score in items.items():
        if not 1 <= number <= CRQ_ITEMS:
            raise ValueError(f"Le CRQ compte 20 items (item {number} inconnu).")
        if score is not None and not 1 <= score <= 7:
            raise ValueError(f"L'item {number} du CRQ se cote de 1 à 7 (saisi : {score}).")
    domains: dict[str, Decimal | None] = {}
    for name, numbers in CRQ_DOMAINS.items():
        values = [items.get(n) for n in numbers]
        domains[name] = None if any(v is None for v in values) else _mean([v for v in values if v is not None])
    return CrqScores(domains)


def crq_change(before: CrqScores, after: CrqScores) -> dict[str, tuple[Decimal, bool] | None]:
    """Per domain: (after − before, clinically important) — important when the change is ≥ 0.5 point."""
    result: dict[str, tuple[Decimal, bool] | None] = {}
    for name in CRQ_DOMAINS:
        b, a = before.domains.get(name), after.domains.get(name)
        if a is None or b is None:
            result[name] = None
        else:
            delta = a - b
            result[name] = (delta, delta >= CRQ_MCID)
    return result


# ----------------------------------------------------------------------------------------- endurance

_DURATION = re.compile(r"^\s*(\d{1,3})\s*[:'’h]\s*(\d{1,2})\s*(?:\"|'')?\s*$")


def endurance_load(max_power_w: int) -> int:
    """Constant load of the test: 80 % of the maximal power, rounded to the watt."""
    if not 0 < max_power_w <= 400:
        raise ValueError("La puissance maximale doit être comprise entre 1 et 400 W.")
    return int((Decimal(max_power_w) * ENDURANCE_LOAD_RATIO).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def parse_duration(text: str) -> int:
    """'mm:ss' (also 12'30 or a bare number of minutes) into seconds; at most 60 minutes."""
    text = text.strip()
    if text.isdigit():
        seconds = int(text) * 60
    else:
        match = _DURATION.match(text)
        if not match:
            raise ValueError(f"Durée illisible « {text} » : saisissez minutes:secondes, par exemple 08:30.")
        minutes, secs = int(match.group(1)), int(match.group(2))
        if secs >= 60:
            raise ValueError(f"Durée « {text} » : les secondes vont de 00 à 59.")
        seconds = minutes * 60 + secs
    if seconds > MAX_TEST_SECONDS:
        raise ValueError(f"La durée ne peut pas dépasser 60 minutes (saisi : {text}).")
    return seconds


def format_duration(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class EnduranceChange:
    seconds: int
    percent: Decimal | None  # None when the first test lasted 0 s


def endurance_change(before_s: int, after_s: int) -> EnduranceChange:
    """Change in time to exhaustion, in seconds and in percent of the first test (one decimal)."""
    percent = None if before_s == 0 else (Decimal(after_s - before_s) * 100 / before_s).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
    return EnduranceChange(after_s - before_s, percent)


# ------------------------------------------------------------------------------------------ supports


@dataclass(frozen=True)
class Supports:
    """Non-drug supports decided at the inclusion visit from computed criteria."""

    bmi: float
    dietitian: bool
    tobacco: bool
    psychology: bool


def decide_supports(*, weight_kg: float, height_cm: float, smoker: bool, psychotropic: bool,
                    patient_request: bool, params: ProtocolParameters) -> Supports:
    """Dietitian when the BMI is outside the protocol's bounds; tobacco for an active or recent fragile
    smoker; psychologist on a psychotropic treatment or at the patient's request."""
    value = bmi(weight_kg, height_cm)
    return Supports(bmi=value, dietitian=bmi_out_of_range(value, params), tobacco=smoker,
                    psychology=psychotropic or patient_request)


# ---------------------------------------------------------------------------------------- odometer

#: Plausible distance per ergocycle session (km): 20–40 min at 10–25 km/h, with margin. Beyond it, the
#: declared sessions and the odometer disagree and the référent talks it through with the patient.
KM_PER_SESSION = (3.0, 20.0)


def odometer_check(km: int | None, sessions: int | None) -> str | None:
    """The consistency check of the visits: odometer reading against the sessions declared so far."""
    if km is None or sessions is None:
        return None
    if sessions == 0:
        return None if km < KM_PER_SESSION[1] else f"{km} km au compteur pour aucune séance déclarée."
    per_session = km / sessions
    low, high = KM_PER_SESSION
    shown = f"{km} km pour {sessions} séances déclarées ({per_session:.1f} km par séance)".replace(".", ",")
    if per_session < low:
        return f"{shown} : moins que prévu, des séances ont-elles été surestimées ?"
    if per_session > high:
        return f"{shown} : plus que prévu, des séances n'ont-elles pas été déclarées ?"
    return None


# ------------------------------------------------------------------------------------------- rupture


def propose_rupture(sessions_per_week: int | None, project_per_week: int | None) -> bool:
    """A rupture is proposed (the référent confirms) when activity falls below the agreed project."""
    if sessions_per_week is None or project_per_week is None:
        return False
    return sessions_per_week < project_per_week
