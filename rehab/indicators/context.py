"""What a family's computation receives (the programme frame, its own frame, the thresholds) and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from rehab.indicators.targets import Thresholds
from rehab.indicators.types import Breakdown, Figure

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    programmes: pd.DataFrame  # programme_frame(): one row per programme in scope
    data: pd.DataFrame  # the family's own query (may be empty)
    thresholds: Thresholds
    #: Frames derived once from `data` and reused by every window (the period and each trend year).
    memo: dict[str, Any] = field(default_factory=dict)

    def derived(self, key: str, build: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]  # type: ignore[no-any-return]


@dataclass
class Result:
    figures: list[Figure] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
