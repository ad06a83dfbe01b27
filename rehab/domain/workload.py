"""Workload forecast, pure: the hours each task of a plan stands for, and the hours per person per week.

Annex 5 of the source quantifies the work of each member of the team per programme (intervention phase:
référent 24 h, assistante 6 h, coordinateur 3 h, médecin 2 h, gestionnaire 1 h; follow-up phase: référent
7 h, médecin, coordinateur and assistante 0.75 h each).  A plan says *when* the work falls; this module
says *how much* each dated task weighs, so that the week a task is due carries its share of the standard.

Home visits are long and fixed (inclusion ~4 h, mid-programme ~3 h, closing ~4 h, reinforcement 4.6 h in
the annex); the rest of the phase's standard is shared by the role's other tasks in proportion to their
nominal weight in the annex (a weekly call ≈ 0.65 h, writing a synthesis ≈ 2 h…), so the hours of a phase
always add up to the standard, whatever the plan's shape (an added reinforcement, a skipped call).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "FOLLOW_UP",
    "INTERVENTION",
    "STANDARD_HOURS",
    "VISIT_HOURS",
    "Load",
    "PersonWeeks",
    "Slot",
    "phase_group",
    "phase_standard",
    "spread_hours",
    "weekly_loads",
]

INTERVENTION = "intervention"
FOLLOW_UP = "follow_up"

#: Annex 5 « Intervenants et temps de travail cumulé », per programme and phase, by task role.
STANDARD_HOURS: dict[str, dict[str, float]] = {
    INTERVENTION: {"referent": 24.0, "assistante": 6.0, "coordinateur": 3.0, "medecin_directeur": 2.0,
                   "gestionnaire": 1.0},
    FOLLOW_UP: {"referent": 7.0, "medecin_directeur": 0.75, "coordinateur": 0.75, "assistante": 0.75},
}

#: Home visits: fixed durations (SPEC, and annex 5: « 1ère visite 4 H », « 2ème visite 3 H », « 3ème 4 H »,
#: follow-up visit « 4,6 H »).  A visit template not listed here counts 3 h.
VISIT_HOURS: dict[str, float] = {
    "inclusion_visit": 4.0, "mid_programme_visit": 3.0, "closing_visit": 4.0, "reinforcement_visit": 4.6,
}
DEFAULT_VISIT_HOURS = 3.0

#: The annex's follow-up figure for the référent (7 h) already counts a reinforcement visit for one patient in
#: two (« 4,6 H » × 0.5). A programme's own standard drops that expected half-visit and adds each visit it
#: really has, so a plain follow-up is not loaded with a visit that never happens.
REINFORCEMENT_VISIT = "reinforcement_visit"
EXPECTED_REINFORCEMENTS = 0.5

#: Nominal weights of the other tasks (annex 5), used only as proportions of the phase's remainder.
NOMINAL_HOURS: dict[str, float] = {
    "care_team_contact": 1.0,  # « prise de contact avec patient, recherche paramédicaux 1 H »
    "weekly_call": 0.65,  # « appels hebdomadaires 3,5 H + 3 H » over 10 calls
    "synthese_initiale_draft": 1.8,  # « rédaction 1,3 H + finalisation 0,5 H »
    "synthese_mi_programme_draft": 1.7,  # « 1,2 H + 0,5 H »
    "synthese_finale_draft": 2.5,  # « 2 H + 0,5 H »
    "follow_up_call": 0.8,  # « appel, entretien motivationnel 0,8 H »
    "reinforcement_call": 0.8,
    "synthese_12_mois_draft": 0.7,  # « rédaction de la synthèse 0,7 H »
}
DEFAULT_NOMINAL_HOURS = 1.0
VISIT = "visit"


def phase_standard(group: str, role: str, slots: Sequence[Slot]) -> float:
    """The annex-5 hours of `role` in the phase group for a programme whose tasks are `slots`: the annex's
    average, with the référent's follow-up corrected for the reinforcement visits this programme really has."""
    standard = STANDARD_HOURS[group].get(role, 0.0)
    if group == FOLLOW_UP and role == "referent":
        visits = sum(1 for slot in slots if slot.code == REINFORCEMENT_VISIT)
        standard += (visits - EXPECTED_REINFORCEMENTS) * VISIT_HOURS[REINFORCEMENT_VISIT]
    return standard


def phase_group(phase: int) -> str:
    """Protocol phases 0 (before D0) and 1 make the annex's intervention phase; 2 is the follow-up."""
    return FOLLOW_UP if phase >= 2 else INTERVENTION


@dataclass(frozen=True)
class Slot:
    """One task of a role's share of a phase: its template code and kind (visits are fixed-length)."""

    code: str
    kind: str


def spread_hours(slots: Sequence[Slot], standard: float) -> list[float]:
    """Hours of each slot, in order, summing to `standard` (0 when there is no slot).

    Visits keep their fixed duration and the other slots share what is left in proportion to their
    nominal weight; visits alone (or visits longer than the standard) are scaled to fill it exactly."""
    if not slots or standard <= 0:
        return [0.0 for _ in slots]
    fixed = [VISIT_HOURS.get(s.code, DEFAULT_VISIT_HOURS) if s.kind == VISIT else 0.0 for s in slots]
    weights = [0.0 if s.kind == VISIT else NOMINAL_HOURS.get(s.code, DEFAULT_NOMINAL_HOURS) for s in slots]
    fixed_total, weight_total = sum(fixed), sum(weights)
    if weight_total == 0 or fixed_total >= standard:
        return [f * standard / fixed_total for f in fixed]
    remainder = standard - fixed_total
    return [f if f else remainder * w / weight_total for f, w in zip(fixed, weights, strict=True)]


@dataclass(frozen=True)
class Load:
    """Hours of one task falling on `due` for `person` (a user id, a team role, or None: not assigned)."""

    person: int | str | None
    due: date
    hours: float


@dataclass(frozen=True)
class PersonWeeks:
    """One person's hours per week (same order as the forecast's Mondays) against a weekly capacity."""

    person: int | str | None
    hours: tuple[float, ...]
    capacity: float | None

    @property
    def total(self) -> float:
        return sum(self.hours)

    def overloaded(self, index: int) -> bool:
        return self.capacity is not None and self.hours[index] > self.capacity + 1e-9

    @property
    def overloaded_weeks(self) -> tuple[int, ...]:
        return tuple(i for i in range(len(self.hours)) if self.overloaded(i))


def weekly_loads(loads: Iterable[Load], mondays: Sequence[date], *,
                 capacity: float | None = None) -> dict[int | str | None, PersonWeeks]:
    """Sums each person's hours per week (a task counts in the week it is due); outside weeks are ignored."""
    index = {monday: i for i, monday in enumerate(mondays)}
    sums: dict[int | str | None, list[float]] = defaultdict(lambda: [0.0] * len(mondays))
    for load in loads:
        i = index.get(load.due - timedelta(days=load.due.weekday()))
        if i is not None:
            sums[load.person][i] += load.hours
    return {person: PersonWeeks(person, tuple(round(h, 2) for h in hours), capacity)
            for person, hours in sums.items()}
