"""Derogatory forfaits of the liberal professionals: which session earns what, under which tariff.

Tariffs are data with effective dates, because the amounts are negotiated and change over time while
programmes already started must keep their price: a programme is priced with the tariff in force at its D0.
The versions live in the database (rehab.services.tariffs, table ``tariff_versions``), seeded from
rehab/protocols/tariffs/tariffs.toml; this module parses and checks them whatever their source. Each forfait
is an ordered list of steps (initial, follow-ups, final); the n-th session of that forfait in the programme
earns the n-th step (sessions already paid keep their ranks, a session reported late takes the next free
one), and sessions beyond the list earn nothing — that is the cap. A session of a salaried
professional (e.g. a hospital psychologist) takes its rank but earns nothing: the employer pays him. Pricing
is pure so that it is testable and re-computable at will (idempotent).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

TARIFF_FILE = Path(__file__).resolve().parent.parent / "protocols" / "tariffs" / "tariffs.toml"
CENT = Decimal("0.01")
SALARIED_REASON = ("Professionnel salarié (ex. hospitalier) : rémunéré par son employeur, pas de forfait "
                   "dérogatoire.")


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
    salaried: bool = False


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


def _tariff(raw: Mapping[str, Any]) -> Tariff:
    where = f"le tarif {raw.get('version')}"
    forfaits = tuple(_forfait(f, where) for f in raw.get("forfaits", []))
    roles = [r for f in forfaits for r in f.roles]
    if len(roles) != len(set(roles)):
        raise TariffError(f"Un rôle a deux forfaits dans {where}.")
    if not isinstance(raw.get("effective_from"), date):
        raise TariffError(f"Date d'effet manquante dans {where}.")
    return Tariff(version=str(raw["version"]), effective_from=raw["effective_from"],
                  lump_sum=_money(raw["lump_sum"], where), forfaits=forfaits)


def parse_tariffs(data: Mapping[str, Any]) -> tuple[Tariff, ...]:
    """Tariffs sorted by effective date; a role priced twice in one tariff is refused (ambiguous price)."""
    tariffs = sorted((_tariff(raw) for raw in data.get("tariffs", [])), key=lambda t: t.effective_from)
    if len({t.effective_from for t in tariffs}) != len(tariffs):
        raise TariffError("Deux tarifs ont la même date d'effet.")
    if not tariffs:
        raise TariffError("Aucun tarif défini.")
    return tuple(tariffs)


def forfaits_record(tariff: Tariff) -> list[dict[str, Any]]:
    """The forfaits as plain JSON-able data (amounts as decimal strings), the inverse of `_forfait`."""
    return [{"code": f.code, "label": f.label, "roles": sorted(f.roles), "beyond": f.beyond,
             "steps": [{"label": s.label, "amount": str(s.amount)} for s in f.steps]} for f in tariff.forfaits]


def _euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",").removesuffix(",00")


def _restate(text: str, old_cap: Decimal, new_cap: Decimal) -> str:
    """Labels quote the cap (« (180 € au plus) »): a new version quotes its own."""
    return re.sub(rf"(?<![\d,]){re.escape(_euros(old_cap))} €", f"{_euros(new_cap)} €", text)


def derive_tariff(base: Tariff, *, version: str, effective_from: date, lump_sum: str,
                  amounts: Mapping[str, Sequence[str]]) -> Tariff:
    """A new version with the structure of `base` (forfaits, steps, hence the number of paid sessions) and
    new amounts: `amounts[code]` lists one amount per step. Caps follow (they are the sum of the steps)."""
    forfaits = []
    for forfait in base.forfaits:
        typed = list(amounts.get(forfait.code, ()))
        if len(typed) != len(forfait.steps):
            raise TariffError(f"Indiquez un montant pour chaque séance du forfait « {forfait.label} ».")
        steps = tuple(Step(step.label, _amount(value, f"{forfait.label} — {step.label}"))
                      for step, value in zip(forfait.steps, typed, strict=True))
        new_cap = sum((s.amount for s in steps), Decimal("0.00"))
        forfaits.append(Forfait(code=forfait.code, label=_restate(forfait.label, forfait.cap, new_cap),
                                roles=forfait.roles, steps=steps,
                                beyond=_restate(forfait.beyond, forfait.cap, new_cap)))
    return Tariff(version=version, effective_from=effective_from,
                  lump_sum=_amount(lump_sum, "le forfait par patient"), forfaits=tuple(forfaits))


def _amount(typed: str, where: str) -> Decimal:
    """An amount typed the French way (« 26 », « 26,50 », « 1 200 »)."""
    text = typed.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
    if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", text):
        raise TariffError(f"Montant invalide pour {where} : « {typed} » (ex. 26 ou 26,50).")
    return _money(text, where)


def check_new_version(new: Tariff, existing: Sequence[Tariff], *, today: date) -> None:
    """A new version takes effect in the future (programmes already started keep theirs) on a date and under
    a name no other version has."""
    if not new.version.strip() or len(new.version) > 20:
        raise TariffError("Nommez la version (20 caractères au plus), ex. « 2027-01 ».")
    if new.effective_from <= today:
        raise TariffError("Une nouvelle version prend effet à une date future (après aujourd'hui).")
    if any(t.effective_from == new.effective_from for t in existing):
        raise TariffError(f"Une version prend déjà effet le {new.effective_from:%d/%m/%Y}.")
    if any(t.version == new.version for t in existing):
        raise TariffError(f"La version « {new.version} » existe déjà.")


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


def _ranks_taken(tariff: Tariff, linked: Iterable[SessionFact]) -> dict[str, int]:
    """How many ranks of each forfait the sessions already on a line hold (the first ones)."""
    ranks: dict[str, int] = {}
    for fact in linked:
        forfait = tariff.forfait_for(fact.role)
        if forfait is not None:
            ranks[forfait.code] = ranks.get(forfait.code, 0) + 1
    return ranks


def price_programme(tariff: Tariff, sessions: Iterable[SessionFact], *, already_linked: frozenset[int],
                    withdrawn: frozenset[int] = frozenset(),
                    committed: Mapping[str, Decimal] | None = None) -> tuple[list[DueLine], list[Unpaid]]:
    """Lines due for the sessions not yet linked to a payment line, and why the others earn nothing.

    The sessions already linked to a line keep their ranks: they hold the first ranks of their forfait,
    whatever their dates. The other sessions take the next free ranks in date (then id) order, so a session
    reported late never takes back the rank of a paid one (its step would be paid twice and the cap passed).
    The n-th rank earns the n-th step; a salaried professional's session takes its rank and earns nothing;
    a session without professional takes none (the step waits for a session whose professional is known).
    `withdrawn` sessions (their line was cancelled) take no rank and are not proposed again. `committed`
    (amounts of the live lines per forfait code) guards the cap in euros too, should cancellations have
    freed a cheap step while a dear one stays paid.
    """
    facts = [s for s in sessions if s.id not in withdrawn]
    ranks = _ranks_taken(tariff, [s for s in facts if s.id in already_linked])
    spent = dict(committed or {})
    due: list[DueLine] = []
    unpaid: list[Unpaid] = []
    for fact in sorted((s for s in facts if s.id not in already_linked), key=lambda s: (s.session_date, s.id)):
        forfait = tariff.forfait_for(fact.role)
        if forfait is None:
            unpaid.append(Unpaid(fact.id, "Aucun forfait dérogatoire pour ce rôle."))
            continue
        rank = ranks.get(forfait.code, 0)
        if fact.professional_id is None and not fact.salaried and rank < len(forfait.steps):
            unpaid.append(Unpaid(fact.id, "Professionnel non renseigné dans la séance : à compléter."))
            continue
        ranks[forfait.code] = rank + 1
        step = forfait.steps[rank] if rank < len(forfait.steps) else None
        if step is None or (not fact.salaried and spent.get(forfait.code, Decimal("0.00")) + step.amount
                            > forfait.cap):
            unpaid.append(Unpaid(fact.id, forfait.beyond))
        elif fact.salaried or fact.professional_id is None:
            unpaid.append(Unpaid(fact.id, SALARIED_REASON))
        else:
            spent[forfait.code] = spent.get(forfait.code, Decimal("0.00")) + step.amount
            reason = (f"{forfait.label} — {step.label}, séance du {fact.session_date:%d/%m/%Y} "
                      f"(tarif {tariff.version})")
            due.append(DueLine(fact.id, fact.professional_id, forfait.code, step.amount, reason))
    return due, unpaid
