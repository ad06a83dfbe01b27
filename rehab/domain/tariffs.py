"""Derogatory forfaits of the liberal professionals: which session earns what, under which tariff.

Tariffs are data (rehab/protocols/tariffs/tariffs.toml, apart from the protocol files) with effective dates,
because the amounts are negotiated and change over time while programmes already started must keep their
price: a programme is priced with the tariff in force at its D0. Each forfait is an ordered list of steps
(initial, follow-ups, final); the n-th session of that forfait in the programme earns the n-th step, and
sessions beyond the list earn nothing — that is the cap. Pricing is pure so that it is testable and
re-computable at will (idempotent).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

TARIFF_FILE = Path(__file__).resolve().parent.parent / "protocols" / "tariffs" / "tariffs.toml"
CENT = Decimal("0.01")


class TariffError(ValueError):
    """A tariff file that cannot be trusted, or a programme that cannot be priced (French message)."""


@dataclass(frozen=True)
class Step:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Forfait:
    code: str
    label: str
    roles: frozenset[str]
    steps: tuple[Step, ...]
    beyond: str

    @property
    def cap(self) -> Decimal:
        """The most one programme can cost for this forfait."""
        return sum((s.amount for s in self.steps), Decimal("0.00"))


@dataclass(frozen=True)
class Tariff:
    version: str
    effective_from: date
    lump_sum: Decimal
    forfaits: tuple[Forfait, ...]

    def forfait_for(self, role: str) -> Forfait | None:
        return next((f for f in self.forfaits if role in f.roles), None)

    @property
    def max_per_programme(self) -> Decimal:
        return sum((f.cap for f in self.forfaits), Decimal("0.00"))


@dataclass(frozen=True)
class SessionFact:
    """What pricing needs of a recorded professional session."""

    id: int
    role: str
    session_date: date
    professional_id: int | None


@dataclass(frozen=True)
class DueLine:
    session_id: int
    professional_id: int
    forfait_code: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Unpaid:
    session_id: int
    reason: str


def _money(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except ArithmeticError as exc:
        raise TariffError(f"Montant illisible dans {where} : {value!r}") from exc
    if amount < 0:
        raise TariffError(f"Montant négatif dans {where}.")
    return amount


def _forfait(raw: Mapping[str, Any], where: str) -> Forfait:
    steps = tuple(Step(str(s["label"]), _money(s["amount"], where)) for s in raw["steps"])
    if not steps:
        raise TariffError(f"Forfait sans séance dans {where}.")
    return Forfait(code=str(raw["code"]), label=str(raw["label"]), roles=frozenset(raw["roles"]), steps=steps,
                   beyond=str(raw["beyond"]))


def parse_tariffs(data: Mapping[str, Any]) -> tuple[Tariff, ...]:
    """Tariffs sorted by effective date; a role priced twice in one tariff is refused (ambiguous price)."""
    tariffs = []
    for raw in data.get("tariffs", []):
        where = f"le tarif {raw.get('version')}"
        forfaits = tuple(_forfait(f, where) for f in raw.get("forfaits", []))
        roles = [r for f in forfaits for r in f.roles]
        if len(roles) != len(set(roles)):
            raise TariffError(f"Un rôle a deux forfaits dans {where}.")
        if not isinstance(raw.get("effective_from"), date):
            raise TariffError(f"Date d'effet manquante dans {where}.")
        tariffs.append(Tariff(version=str(raw["version"]), effective_from=raw["effective_from"],
                              lump_sum=_money(raw["lump_sum"], where), forfaits=forfaits))
    tariffs.sort(key=lambda t: t.effective_from)
    if len({t.effective_from for t in tariffs}) != len(tariffs):
        raise TariffError("Deux tarifs ont la même date d'effet.")
    if not tariffs:
        raise TariffError("Aucun tarif défini.")
    return tuple(tariffs)


@cache
def load_tariffs(path: Path = TARIFF_FILE) -> tuple[Tariff, ...]:
    with path.open("rb") as fh:
        return parse_tariffs(tomllib.load(fh))


def tariff_for(d0: date | None, tariffs: tuple[Tariff, ...] | None = None) -> Tariff:
    """The tariff in force at D0 (the latest effective on or before it)."""
    tariffs = load_tariffs() if tariffs is None else tariffs
    if d0 is None:
        raise TariffError("Le J0 du programme n'est pas fixé : aucun tarif ne s'applique encore.")
    in_force = [t for t in tariffs if t.effective_from <= d0]
    if not in_force:
        raise TariffError(f"Aucun tarif en vigueur au {d0:%d/%m/%Y}.")
    return in_force[-1]


def tariff_by_version(version: str, tariffs: tuple[Tariff, ...] | None = None) -> Tariff | None:
    return next((t for t in (load_tariffs() if tariffs is None else tariffs) if t.version == version), None)


def price_programme(tariff: Tariff, sessions: Iterable[SessionFact], *, already_linked: frozenset[int],
                    withdrawn: frozenset[int] = frozenset()) -> tuple[list[DueLine], list[Unpaid]]:
    """Lines due for the sessions not yet linked to a payment line, and why the others earn nothing.

    Sessions are ranked per forfait by date (then id) so the n-th earns the n-th step; sessions already
    linked keep their rank so re-running never re-pays nor shifts them. `withdrawn` sessions (their line
    was cancelled) take no rank and are not proposed again.
    """
    due: list[DueLine] = []
    unpaid: list[Unpaid] = []
    ranks: dict[str, int] = {}
    for fact in sorted(sessions, key=lambda s: (s.session_date, s.id)):
        if fact.id in withdrawn:
            continue
        forfait = tariff.forfait_for(fact.role)
        if forfait is None:
            if fact.id not in already_linked:
                unpaid.append(Unpaid(fact.id, "Aucun forfait dérogatoire pour ce rôle."))
            continue
        rank = ranks.get(forfait.code, 0)
        ranks[forfait.code] = rank + 1
        if fact.id in already_linked:
            continue
        if rank >= len(forfait.steps):
            unpaid.append(Unpaid(fact.id, forfait.beyond))
        elif fact.professional_id is None:
            ranks[forfait.code] = rank  # the step stays available for a session whose professional is known
            unpaid.append(Unpaid(fact.id, "Professionnel non renseigné dans la séance : à compléter."))
        else:
            step = forfait.steps[rank]
            reason = (f"{forfait.label} — {step.label}, séance du {fact.session_date:%d/%m/%Y} "
                      f"(tarif {tariff.version})")
            due.append(DueLine(fact.id, fact.professional_id, forfait.code, step.amount, reason))
    return due, unpaid
