"""The plan drawn as a timeline over weeks −3 to 53 (server-side SVG: no script, prints well).

Rows are task kinds; each task is a mark coloured by state, overdue ones in red, today as a line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rehab.domain.protocol import TaskKind

KIND_LABELS = {
    TaskKind.VISIT.value: "Visites",
    TaskKind.CALL.value: "Appels",
    TaskKind.CONSULTATION.value: "Consultations",
    TaskKind.LETTER.value: "Courriers",
    TaskKind.LOGISTICS.value: "Logistique",
    TaskKind.QUESTIONNAIRE.value: "Questionnaires",
    TaskKind.COMMITTEE.value: "Comité",
    TaskKind.PAYMENT.value: "Paiement",
    TaskKind.ADMIN.value: "Administratif",
}
FIRST_WEEK, LAST_WEEK = -3, 53
LEFT, TOP, WEEK_PX, ROW_PX = 128, 26, 15, 26


@dataclass(frozen=True)
class Item:
    due_date: date
    kind: str
    state: str
    label: str
    href: str | None = None


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    css: str
    title: str
    href: str | None


@dataclass
class Timeline:
    width: int
    height: int
    rows: list[tuple[str, float]] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    intervention: tuple[float, float] = (0.0, 0.0)
    today_x: float | None = None


def _x(d0: date, day: date) -> float:
    weeks = (day - d0).days / 7
    weeks = min(max(weeks, FIRST_WEEK), LAST_WEEK)
    return LEFT + (weeks - FIRST_WEEK) * WEEK_PX


def build(items: Iterable[Item], *, d0: date, today: date | None, intervention_weeks: int = 12) -> Timeline:
    """Positions every item; a task more than a week past its window end while open is 'overdue'."""
    items = list(items)
    kinds = [k for k in KIND_LABELS if any(i.kind == k for i in items)]
    row_y = {k: TOP + ROW_PX * (n + 0.5) for n, k in enumerate(kinds)}
    tl = Timeline(width=int(LEFT + (LAST_WEEK - FIRST_WEEK) * WEEK_PX + 10), height=TOP + ROW_PX * len(kinds) + 8)
    tl.rows = [(KIND_LABELS[k], row_y[k]) for k in kinds]
    tl.ticks = [(_x(d0, d0) + w * WEEK_PX, f"S{w}") for w in (0, 6, 12, 16, 20, 26, 32, 39, 45, 52)]
    tl.intervention = (_x(d0, d0), float(intervention_weeks * WEEK_PX))
    if today is not None and FIRST_WEEK <= (today - d0).days / 7 <= LAST_WEEK:
        tl.today_x = _x(d0, today)
    for item in items:
        css = item.state
        if item.state == "overdue":
            css = "overdue"
        tl.marks.append(Mark(x=_x(d0, item.due_date), y=row_y[item.kind], css=css,
                             title=f"{item.due_date.strftime('%d/%m/%Y')} – {item.label}", href=item.href))
    return tl
