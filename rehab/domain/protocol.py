"""The protocol: the programme's path as data, parsed from TOML into frozen dataclasses.

A protocol lists task templates.  Each template says what is done (code, French label, kind), by whom
(role), when (an anchor — J0 « D0 », the end of the intervention « E » = D0 + 12 weeks, the date of an
event « EVENT », or another template — plus one offset per occurrence and a window), for whom
(an optional condition on the patient) and in reaction to what (an optional trigger: rupture,
reinforcement, second rupture, interruption).  A programme keeps the protocol version it started with,
so a published version is never edited: a change is a new version.

Loading checks everything an author can get wrong and reports every error at once, in French, so the
administrator fixes a file in one pass.
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

from rehab.domain.workdays import add_working_days

__all__ = [
    "ANCHOR_D0",
    "ANCHOR_E",
    "ANCHOR_EVENT",
    "Condition",
    "Offset",
    "OnInterruption",
    "Protocol",
    "ProtocolError",
    "ProtocolParameters",
    "TaskKind",
    "TaskRole",
    "TaskTemplate",
    "Trigger",
    "Window",
    "bundled_protocols",
    "check_protocol",
    "get_protocol",
    "latest_protocol",
    "load_protocol",
]

ANCHOR_D0 = "D0"
ANCHOR_E = "E"
ANCHOR_EVENT = "EVENT"
_FIXED_ANCHORS = (ANCHOR_D0, ANCHOR_E, ANCHOR_EVENT)

#: A working-day task needs this many days of window around a calendar date: the longest run of
#: non-working days is 4 (Good Friday → Easter Monday in Alsace-Moselle), so a 5-day window always
#: holds a working day and a valid protocol can never fail to place a task.
MIN_WORKING_WINDOW_DAYS = 4


class TaskKind(StrEnum):
    VISIT = "visit"
    CALL = "call"
    CONSULTATION = "consultation"
    COMMITTEE = "committee"
    LOGISTICS = "logistics"
    LETTER = "letter"
    QUESTIONNAIRE = "questionnaire"
    PAYMENT = "payment"
    ADMIN = "admin"


class TaskRole(StrEnum):
    """Who does the task: a member of the coordination team, or an outside professional (no login)."""

    REFERENT = "referent"
    ASSISTANTE = "assistante"
    COORDINATEUR = "coordinateur"
    MEDECIN_DIRECTEUR = "medecin_directeur"
    GESTIONNAIRE = "gestionnaire"
    PNEUMOLOGUE = "pneumologue"
    MEDECIN_TRAITANT = "medecin_traitant"
    PARAMEDICAL = "paramedical"
    DIETETICIEN = "dieteticien"
    TABACOLOGUE = "tabacologue"
    PSYCHOLOGUE = "psychologue"

    @property
    def is_internal(self) -> bool:
        """Internal roles have users and worklists; external ones only have their participation recorded."""
        return self in _INTERNAL_ROLES


_INTERNAL_ROLES = frozenset({
    TaskRole.REFERENT, TaskRole.ASSISTANTE, TaskRole.COORDINATEUR, TaskRole.MEDECIN_DIRECTEUR,
    TaskRole.GESTIONNAIRE,
})


class Condition(StrEnum):
    """Facts about the patient that decide whether a conditional template applies."""

    BMI_OUT_OF_RANGE = "bmi_out_of_range"
    SMOKER = "smoker"
    PSYCHOLOGY = "psychology"
    PARAMEDICAL = "paramedical"


class Trigger(StrEnum):
    """Events that add tasks to a running plan (templates without a trigger are planned when D0 is fixed)."""

    RUPTURE = "rupture"
    REINFORCEMENT = "reinforcement"
    SECOND_RUPTURE = "second_rupture"
    INTERRUPTION = "interruption"


class OnInterruption(StrEnum):
    CANCEL = "cancel"
    KEEP = "keep"


_E = TypeVar("_E", bound=StrEnum)


class ProtocolError(ValueError):
    """A protocol that cannot be used; `errors` lists every problem found, each a French sentence."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Offset:
    """Distance from the anchor: calendar months first, then weeks and days, then working days.

    Months are calendar months (E + 1 mois from 31 August is 30 September); working days make the
    result a working day by construction (back-office steps: « relue 1 jour ouvré après »).
    """

    months: int = 0
    weeks: int = 0
    days: int = 0
    working_days: int = 0

    def apply(self, anchor: date, department: str | None = None) -> date:
        day = _add_months(anchor, self.months) if self.months else anchor
        day += timedelta(days=7 * self.weeks + self.days)
        return add_working_days(day, self.working_days, department) if self.working_days else day


def _add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31/01 + 1 mois = 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Window:
    """Days before and after the due date within which the task may be done (or shifted)."""

    before: int = 0
    after: int = 0


@dataclass(frozen=True)
class TaskTemplate:
    code: str
    label: str
    kind: TaskKind
    phase: int
    role: TaskRole
    anchor: str
    offsets: tuple[Offset, ...]
    window: Window = Window()
    anchor_occurrence: int | None = None
    condition: Condition | None = None
    trigger: Trigger | None = None
    working_days: bool = True
    form: str | None = None
    letter: str | None = None
    on_interruption: OnInterruption = OnInterruption.CANCEL

    @property
    def occurrences(self) -> int:
        return len(self.offsets)


@dataclass(frozen=True)
class ProtocolParameters:
    """Numbers of the programme that are not dates of tasks; every one may be overridden in the TOML.

    The source gives the dietitian's BMI bounds as < 21 or > 29 in the professionals' description and
    < 21 or > 27 in the resources table: the bounds are parameters, not code.
    """

    intervention_weeks: int = 12
    follow_up_weeks: int = 40
    bmi_low: float = 21.0
    bmi_high: float = 29.0
    weekly_sessions_min: int = 4
    weekly_sessions_max: int = 6
    total_sessions_min: int = 55
    total_sessions_max: int = 60
    d0_past_tolerance_days: int = 7
    dossier_to_d0_target_days: int = 28
    synthese_initiale_max_days: int = 7
    synthese_mi_programme_max_days: int = 7
    synthese_finale_max_days: int = 14
    paramedical_max_follow_ups: int = 5
    reinforcement_weekly_calls: int = 4


@dataclass(frozen=True)
class Protocol:
    code: str
    version: int
    label: str
    effective_date: date
    parameters: ProtocolParameters
    tasks: tuple[TaskTemplate, ...]
    #: Template codes in anchor-dependency order (every template after its anchor), computed once.
    order: tuple[str, ...] = field(default=(), compare=False, repr=False)
    _by_code: dict[str, TaskTemplate] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_code = {t.code: t for t in self.tasks}
        object.__setattr__(self, "_by_code", by_code)
        if not self.order:
            errors: list[str] = []
            object.__setattr__(self, "order", _dependency_order(self.tasks, errors))
            if errors:
                raise ProtocolError(errors)

    def task(self, code: str) -> TaskTemplate:
        try:
            return self._by_code[code]
        except KeyError:
            message = f"Le protocole {self.code} v{self.version} n'a pas de tâche « {code} »."
            raise ProtocolError([message]) from None

    def templates(self, trigger: Trigger | None = None) -> list[TaskTemplate]:
        """Templates planned together (no trigger: when D0 is fixed), in dependency order."""
        return [self._by_code[c] for c in self.order if self._by_code[c].trigger == trigger]


# --------------------------------------------------------------------------------------------- parsing

_TASK_KEYS = {
    "code", "label", "kind", "phase", "role", "anchor", "offset", "offsets", "window", "condition",
    "trigger", "working_days", "form", "letter", "on_interruption",
}
_OFFSET_KEYS = {f.name for f in fields(Offset)}
_WINDOW_KEYS = {f.name for f in fields(Window)}


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(m.value for m in enum)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class _TaskParser:
    """Reads one [[tasks]] table; appends a French message to `errors` for each problem."""

    def __init__(self, raw: dict[str, Any], index: int, errors: list[str]) -> None:
        self.raw = raw
        self.errors = errors
        code = raw.get("code")
        self.code = code if isinstance(code, str) and code else f"n° {index}"
        self.name = f"La tâche « {self.code} »"

    def error(self, message: str) -> None:
        self.errors.append(f"{self.name} {message}")

    def required_str(self, key: str) -> str:
        value = self.raw.get(key)
        if value is None:
            self.error(f"n'a pas de champ « {key} » (obligatoire).")
        elif not isinstance(value, str) or not value.strip():
            self.error(f"a un champ « {key} » qui doit être un texte non vide.")
        else:
            return value.strip()
        return ""

    def optional_str(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(f"a un champ « {key} » qui doit être un texte non vide.")
            return None
        return value.strip()

    def choice(self, key: str, enum: type[_E], noun: str, *, required: bool) -> _E | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.error(f"n'a pas de champ « {key} » (obligatoire).")
            return None
        try:
            return enum(value)
        except ValueError:
            self.error(f"a {noun} : « {value} » (valeurs possibles : {_choices(enum)}).")
            return None

    def offset(self, raw: object, where: str) -> Offset | None:
        if not isinstance(raw, dict):
            self.error(f"a {where} qui doit être une table, par exemple {{ weeks = 6 }}.")
            return None
        unknown = sorted(set(raw) - _OFFSET_KEYS)
        bad = sorted(k for k in _OFFSET_KEYS & set(raw) if not _is_int(raw[k]))
        if unknown:
            self.error(f"a {where} avec une clé inconnue « {unknown[0]} » (clés possibles : "
                       "months, weeks, days, working_days).")
        if bad:
            self.error(f"a {where} dont « {bad[0]} » doit être un nombre entier.")
        return None if unknown or bad else Offset(**raw)

    def offsets(self) -> tuple[Offset, ...]:
        single, many = self.raw.get("offset"), self.raw.get("offsets")
        if single is not None and many is not None:
            self.error("a à la fois « offset » et « offsets » : gardez l'un des deux.")
            return ()
        if single is None and many is None:
            self.error("n'a pas de champ « offset » (ou « offsets » pour une tâche répétée).")
            return ()
        if single is not None:
            parsed = self.offset(single, "un décalage « offset »")
            return (parsed,) if parsed else ()
        if not isinstance(many, list) or not many:
            self.error("a un champ « offsets » qui doit être une liste non vide de décalages.")
            return ()
        items = [self.offset(item, f"un décalage n° {i} de « offsets »") for i, item in enumerate(many, 1)]
        return tuple(o for o in items if o is not None) if all(items) else ()

    def window(self) -> Window:
        raw = self.raw.get("window", {})
        if not isinstance(raw, dict) or set(raw) - _WINDOW_KEYS or not all(_is_int(v) for v in raw.values()):
            self.error("a une fenêtre « window » invalide : attendu { before = <jours>, after = <jours> }.")
            return Window()
        window = Window(**raw)
        if window.before < 0 or window.after < 0:
            self.error(f"a une fenêtre qui ne contient pas sa date prévue (before = {window.before}, "
                       f"after = {window.after}) : les deux bornes doivent être positives ou nulles.")
        return window

    def parse(self) -> TaskTemplate | None:
        for key in sorted(set(self.raw) - _TASK_KEYS):
            self.error(f"a un champ inconnu « {key} ».")
        before = len(self.errors)
        code, label = self.required_str("code"), self.required_str("label")
        kind = self.choice("kind", TaskKind, "un type (kind) inconnu", required=True)
        role = self.choice("role", TaskRole, "un rôle (role) inconnu", required=True)
        condition = self.choice("condition", Condition, "une condition inconnue", required=False)
        trigger = self.choice("trigger", Trigger, "un déclencheur (trigger) inconnu", required=False)
        on_interruption = self.choice("on_interruption", OnInterruption, "une règle on_interruption inconnue",
                                      required=False) or OnInterruption.CANCEL
        phase = self.raw.get("phase")
        if phase is None:
            self.error("n'a pas de champ « phase » (obligatoire).")
        elif phase not in (0, 1, 2) or not _is_int(phase):
            self.error(f"a une phase « {phase} » invalide (0, 1 ou 2).")
        anchor, occurrence = self.anchor()
        offsets, window = self.offsets(), self.window()
        working_days = self.raw.get("working_days", True)
        if not isinstance(working_days, bool):
            self.error("a un champ « working_days » qui doit valoir true ou false.")
        form, letter = self.optional_str("form"), self.optional_str("letter")
        if len(self.errors) > before or kind is None or role is None:
            return None
        if working_days and any(not o.working_days for o in offsets) and (
            window.before + window.after < MIN_WORKING_WINDOW_DAYS
        ):
            width = window.before + window.after
            self.error(f"doit tomber un jour ouvré mais sa fenêtre ne fait que {width} "
                       f"jour(s) : il en faut au moins {MIN_WORKING_WINDOW_DAYS} (un pont de 4 jours chômés "
                       "existe en Alsace-Moselle), ou un décalage en « working_days ».")
            return None
        return TaskTemplate(
            code=code, label=label, kind=kind, phase=int(phase or 0), role=role, anchor=anchor,
            anchor_occurrence=occurrence, offsets=offsets, window=window, condition=condition,
            trigger=trigger, working_days=bool(working_days), form=form, letter=letter,
            on_interruption=on_interruption,
        )

    def anchor(self) -> tuple[str, int | None]:
        anchor = self.required_str("anchor")
        if "#" not in anchor:
            return anchor, None
        base, _, number = anchor.partition("#")
        if not number.isdigit() or int(number) < 1:
            self.error(f"a une ancre « {anchor} » invalide : écrivez « code#n » avec n ≥ 1.")
            return base, None
        return base, int(number)


def _check_anchors(tasks: list[TaskTemplate], broken: set[str], errors: list[str]) -> None:
    """Anchors must exist and stay within one planning moment (D0, or one trigger's event)."""
    by_code = {t.code: t for t in tasks}
    for t in tasks:
        name = f"La tâche « {t.code} »"
        if t.anchor == ANCHOR_EVENT:
            if t.trigger is None:
                errors.append(f"{name} est ancrée sur « EVENT » mais n'a pas de déclencheur « trigger ».")
            continue
        if t.anchor in (ANCHOR_D0, ANCHOR_E):
            if t.trigger is not None:
                errors.append(f"{name} a un déclencheur : elle doit être ancrée sur « EVENT » ou sur une "
                              f"tâche du même déclencheur, pas sur « {t.anchor} ».")
            continue
        target = by_code.get(t.anchor)
        if target is None and t.anchor in broken:
            continue
        if target is None:
            errors.append(f"{name} est ancrée sur « {t.anchor} », qui n'existe pas.")
        elif target.trigger != t.trigger:
            errors.append(f"{name} est ancrée sur « {t.anchor} », qui n'est pas planifiée au même moment "
                          "(déclencheurs différents).")
        elif t.anchor_occurrence is None and target.occurrences > 1:
            errors.append(f"{name} est ancrée sur « {t.anchor} », qui se répète {target.occurrences} fois : "
                          f"précisez l'occurrence (« {t.anchor}#1 »).")
        elif t.anchor_occurrence is not None and t.anchor_occurrence > target.occurrences:
            errors.append(f"{name} est ancrée sur l'occurrence {t.anchor_occurrence} de « {t.anchor} », "
                          f"qui n'en a que {target.occurrences}.")


def _dependency_order(tasks: Sequence[TaskTemplate], errors: list[str]) -> tuple[str, ...]:
    """Codes ordered so that each template comes after its anchor (file order otherwise); cycles reported."""
    by_code = {t.code: t for t in tasks}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    for start in by_code:
        path: list[str] = []
        code: str | None = start
        while code is not None and code in by_code and state.get(code) != 2:
            if state.get(code) == 1:
                members = path[path.index(code):]
                chain = " → ".join([*members, code])
                names = ", ".join(f"« {m} »" for m in members)
                errors.append(f"Les tâches {names} forment un cycle d'ancrage ({chain}).")
                break
            state[code] = 1
            path.append(code)
            code = by_code[code].anchor
        for member in reversed(path):
            state[member] = 2
            order.append(member)
    return tuple(order)


def _parse_parameters(raw: object, errors: list[str]) -> ProtocolParameters:
    if raw is None:
        return ProtocolParameters()
    if not isinstance(raw, dict):
        errors.append("La section [parameters] doit être une table.")
        return ProtocolParameters()
    defaults = ProtocolParameters()
    values: dict[str, int | float] = {}
    for key, value in raw.items():
        if not hasattr(defaults, key):
            errors.append(f"Le paramètre « {key} » est inconnu.")
        elif isinstance(getattr(defaults, key), float) and (_is_int(value) or isinstance(value, float)):
            values[key] = float(value)
        elif _is_int(value) and value >= 0:
            values[key] = value
        else:
            errors.append(f"Le paramètre « {key} » doit être un nombre positif (reçu : {value!r}).")
    params = ProtocolParameters(**values)  # type: ignore[arg-type]
    for low, high in (("bmi_low", "bmi_high"), ("weekly_sessions_min", "weekly_sessions_max"),
                      ("total_sessions_min", "total_sessions_max")):
        if getattr(params, low) > getattr(params, high):
            errors.append(f"Le paramètre « {low} » dépasse « {high} ».")
    return params


def _parse_header(data: dict[str, Any], errors: list[str]) -> tuple[str, int, str, date]:
    raw_code, raw_version, raw_label, raw_effective = (
        data.get(k) for k in ("code", "version", "label", "effective_date")
    )
    code = raw_code.strip() if isinstance(raw_code, str) else ""
    label = raw_label.strip() if isinstance(raw_label, str) else ""
    version = raw_version if _is_int(raw_version) and raw_version >= 1 else 0
    effective: date | None = None
    if isinstance(raw_effective, date) and not isinstance(raw_effective, datetime):
        effective = raw_effective
    for key, ok in (("code", bool(code)), ("version", bool(version)), ("label", bool(label)),
                    ("effective_date", effective is not None)):
        if not ok:
            errors.append(f"Le protocole n'a pas de champ « {key} » valide (obligatoire).")
    return code, version, label, effective or date.min


def _parse(data: dict[str, Any]) -> Protocol:
    errors: list[str] = []
    code, version, label, effective = _parse_header(data, errors)
    for key in sorted(set(data) - {"code", "version", "label", "effective_date", "parameters", "tasks"}):
        errors.append(f"Le protocole a un champ inconnu « {key} ».")
    parameters = _parse_parameters(data.get("parameters"), errors)
    raw_tasks = data.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        errors.append("Le protocole ne décrit aucune tâche ([[tasks]]).")
        raw_tasks = []
    tasks: list[TaskTemplate] = []
    seen: set[str] = set()
    broken: set[str] = set()  # templates already reported: no second error for tasks anchored on them
    for index, raw in enumerate(raw_tasks, 1):
        if not isinstance(raw, dict):
            errors.append(f"La tâche n° {index} doit être une table [[tasks]].")
            continue
        parser = _TaskParser(raw, index, errors)
        template = parser.parse()
        if template is None:
            broken.add(parser.code)
            continue
        if template.code in _FIXED_ANCHORS:
            errors.append(f"Le code de tâche « {template.code} » est réservé aux ancres (D0, E, EVENT).")
            continue
        if template.code in seen:
            errors.append(f"Le code de tâche « {template.code} » est utilisé par plusieurs tâches.")
            continue
        seen.add(template.code)
        tasks.append(template)
    _check_anchors(tasks, broken, errors)
    order = _dependency_order(tasks, errors) if not errors else ()
    if errors:
        raise ProtocolError(errors)
    return Protocol(code=code, version=version, label=label, effective_date=effective,
                    parameters=parameters, tasks=tuple(tasks), order=order)


def load_protocol(source: str | Path) -> Protocol:
    """Parse a protocol from a Path, or from a str: TOML text, or a path if it is one line ending in .toml.

    Raises ProtocolError listing every problem (French) when the protocol cannot be used.
    """
    if isinstance(source, str) and "\n" not in source and source.strip().endswith(".toml"):
        source = Path(source.strip())
    try:
        text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    except OSError as exc:
        raise ProtocolError([f"Impossible de lire le fichier « {source} » : {exc.strerror}."]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError([f"Le protocole n'est pas un fichier TOML valide : {exc}."]) from exc
    return _parse(data)


def check_protocol(path: str | Path) -> list[str]:
    """Every problem of a protocol file, in French; an empty list means it can be published."""
    try:
        load_protocol(Path(path))
    except ProtocolError as exc:
        return exc.errors
    return []


@lru_cache(maxsize=1)
def _bundled() -> tuple[Protocol, ...]:
    files = resources.files("rehab.protocols")
    found = [load_protocol(f.read_text(encoding="utf-8"))
             for f in files.iterdir() if f.name.endswith(".toml")]
    return tuple(sorted(found, key=lambda p: (p.code, p.version)))


def bundled_protocols() -> list[Protocol]:
    """The protocols shipped in rehab/protocols/*.toml, sorted by code then version (parsed once)."""
    return list(_bundled())


def get_protocol(code: str, version: int) -> Protocol:
    """A bundled protocol by code and version: a programme always runs on the version it started with."""
    for protocol in _bundled():
        if protocol.code == code and protocol.version == version:
            return protocol
    raise ProtocolError([f"Le protocole « {code} » en version {version} est introuvable."])


def latest_protocol(code: str) -> Protocol:
    """The highest bundled version of a protocol: the one a new programme starts on."""
    versions = [p for p in _bundled() if p.code == code]
    if not versions:
        raise ProtocolError([f"Le protocole « {code} » est introuvable."])
    return versions[-1]
