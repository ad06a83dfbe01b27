"""The indicators' yearly targets and counting thresholds, read from data.

The source sets its targets for years N, N+1 and N+2 of the experiment; which calendar year is N is a fact
the financers decide, so it lives in the TOML file next to the values (rehab/protocols/targets/, a sub-folder
because the files directly in rehab/protocols/ are parsed as protocols). A year before N uses N's target,
a year after N+2 keeps N+2's: the innovation status of 2024 published no new targets.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast, get_args

from rehab.indicators.types import Direction, Target, Unit

TARGETS_FILE = Path(__file__).resolve().parent.parent / "protocols" / "targets" / "indicator_targets.toml"


class TargetError(ValueError):
    """A targets file that cannot be trusted (French message)."""


@dataclass(frozen=True)
class Thresholds:
    """What counts as an improvement or as maintained activity (data, so the evaluator can change them)."""

    crq_mcid: float = 0.5
    endurance_percent: float = 33.0
    activity_sessions_per_week: int = 3


@dataclass(frozen=True)
class TargetSpec:
    values: tuple[float, ...]
    direction: Direction
    unit: Unit


@dataclass(frozen=True)
class TargetBook:
    first_year: int
    thresholds: Thresholds
    specs: Mapping[str, TargetSpec]

    def target(self, key: str, year: int) -> Target | None:
        """The target of figure `key` for `year` (None when the source sets none)."""
        spec = self.specs.get(key)
        if spec is None:
            return None
        index = min(max(year - self.first_year, 0), len(spec.values) - 1)
        return Target(value=spec.values[index], direction=spec.direction, unit=spec.unit)


def _spec(key: str, raw: Mapping[str, Any]) -> TargetSpec:
    values = raw.get("values")
    if not isinstance(values, list) or not values or not all(isinstance(v, int | float) for v in values):
        raise TargetError(f"Objectif « {key} » : « values » doit être une liste de nombres (N, N+1, N+2).")
    direction, unit = raw.get("direction"), raw.get("unit")
    if direction not in get_args(Direction):
        raise TargetError(f"Objectif « {key} » : « direction » doit valoir « min » ou « max ».")
    if unit not in get_args(Unit):
        raise TargetError(f"Objectif « {key} » : unité inconnue « {unit} ».")
    return TargetSpec(values=tuple(float(v) for v in values), direction=cast(Direction, direction),
                      unit=cast(Unit, unit))


def parse_targets(data: Mapping[str, Any]) -> TargetBook:
    first_year = data.get("first_year")
    if not isinstance(first_year, int):
        raise TargetError("L'année N des objectifs (« first_year ») est manquante.")
    raw_thresholds = data.get("thresholds", {})
    known = set(Thresholds.__dataclass_fields__)
    unknown = set(raw_thresholds) - known
    if unknown:
        raise TargetError(f"Seuil(s) inconnu(s) : {', '.join(sorted(unknown))}.")
    specs = {key: _spec(key, raw) for key, raw in data.get("targets", {}).items()}
    return TargetBook(first_year=first_year, thresholds=Thresholds(**raw_thresholds), specs=specs)


@cache
def load_targets(path: Path = TARGETS_FILE) -> TargetBook:
    with path.open("rb") as fh:
        return parse_targets(tomllib.load(fh))
