"""The four synthesis letters (initiale, mi-programme, finale, à 12 mois) sent to the care team, and the two
other programme letters that share their workflow and dispatch: the closing letter of an interrupted
programme and the initial letter that tells each professional of the care team what the programme expects.

One renderer draws them all from a frozen `SynthesisContext`; each kind shows the blocks that make sense at
its moment (the initial synthesis has no « after » figures, the final one has all of them). The context
round-trips through JSON (`context_to_json` / `context_from_json`) so that a validated letter keeps the exact
data it was drawn from and can be re-rendered byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from reports.base import PdfDocument
from reports.charts import weekly_volume_chart
from reports.context import Letterhead
from reports.fr import NNBSP, long_date, number, short_date
from reports.letter_blocks import (
    FollowUpEntry,
    HospitalisationEntry,
    InterruptionInfo,
    RoleExpectation,
    expectations_block,
    follow_up_block,
    grid,
    hospitalisations_block,
    interruption_block,
    programme_block,
)
from reports.text import para, paragraphs

KINDS = ("initiale", "mi_programme", "finale", "douze_mois")  # the four syntheses
ALL_KINDS = (*KINDS, "interruption", "initial_pros")
KIND_LABELS = {"initiale": "Synthèse initiale", "mi_programme": "Synthèse mi-programme",
               "finale": "Synthèse finale", "douze_mois": "Synthèse à 12 mois",
               "interruption": "Courrier de fin de programme (interruption)",
               "initial_pros": "Courrier initial aux professionnels de l'équipe de soins"}
#: How a sentence names each document (« veuillez trouver ci-joint … »).
KIND_NAMES = {"initiale": "la synthèse initiale", "mi_programme": "la synthèse mi-programme",
              "finale": "la synthèse finale", "douze_mois": "la synthèse à 12 mois",
              "interruption": "le courrier de fin de programme (interruption)",
              "initial_pros": "le courrier de présentation du programme"}
#: Letters the assistante issues without the médecin directeur's validation (cahier des charges: « envois
#: courriers initiaux soignants », a desk task).
ISSUED_KINDS = frozenset({"initial_pros"})
#: Free-text sections written by the référent, per kind: (key, printed title).
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "initiale": (("bilan", "Bilan éducatif partagé"), ("supports", "Accompagnements proposés"),
                 ("commentaire", "Commentaire du référent")),
    "mi_programme": (("evolution", "Évolution depuis l'inclusion"), ("adaptations", "Adaptations proposées"),
                     ("commentaire", "Commentaire du référent")),
    "finale": (("bilan", "Bilan global"), ("projet", "Projet d'activité physique au long cours"),
               ("commentaire", "Commentaire du référent")),
    "douze_mois": (("suivi", "Accompagnement à distance"), ("maintien", "Maintien de l'activité physique"),
                   ("commentaire", "Commentaire du référent")),
    "interruption": (("bilan", "Bilan du programme réalisé"), ("suite", "Suite de la prise en charge proposée"),
                     ("commentaire", "Commentaire du référent")),
    "initial_pros": (),
}
#: Blocks printed per kind.
BLOCKS: dict[str, frozenset[str]] = {
    "initiale": frozenset({"objectives", "crq", "endurance"}),
    "mi_programme": frozenset({"objectives", "sessions", "chart", "events"}),
    "finale": frozenset({"objectives", "crq", "endurance", "sessions", "chart", "events", "orientation"}),
    "douze_mois": frozenset({"objectives", "crq", "endurance", "sessions", "events", "orientation", "follow_up",
                             "hospitalisations"}),
    "interruption": frozenset({"interruption", "objectives", "endurance", "sessions", "events"}),
    "initial_pros": frozenset({"programme", "expectations"}),
}
BLOCK_ORDER = ("programme", "interruption", "objectives", "crq", "endurance", "sessions", "chart", "events",
               "follow_up", "hospitalisations", "orientation", "expectations")
MCID = 0.5


@dataclass(frozen=True)
class TeamEntry:
    role_label: str
    name: str


@dataclass(frozen=True)
class CrqRow:
    label: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class EventEntry:
    day: date
    nature: str
    severity: str
    outcome: str


@dataclass(frozen=True)
class SynthesisContext:
    """Everything a synthesis prints, frozen at rendering time."""

    letterhead: Letterhead
    kind: str
    programme_number: int
    patient_name: str
    patient_birth_date: date
    written_on: date
    d0: date | None
    referent_name: str | None
    care_team: tuple[TeamEntry, ...] = ()
    objectives: str = ""
    crq: tuple[CrqRow, ...] = ()
    endurance_before_s: int | None = None
    endurance_after_s: int | None = None
    sessions_done: int | None = None
    sessions_target: str = ""
    weekly_volume: tuple[tuple[int, int | None], ...] = ()
    events: tuple[EventEntry, ...] = ()
    orientation: str = ""
    maintenance_project: str = ""
    sections: tuple[tuple[str, str], ...] = ()  # (key, text) of the référent's free texts
    version_number: int = 1
    replaces_version: int | None = None
    validated_by: str | None = None
    validated_on: date | None = None
    follow_up_calls: tuple[FollowUpEntry, ...] = ()
    hospitalisations: tuple[HospitalisationEntry, ...] = ()
    interruption: InterruptionInfo | None = None
    expectations: tuple[RoleExpectation, ...] = ()
    referent_contact: str = ""


# ------------------------------------------------------------------------------------------- JSON snapshot

def context_to_json(ctx: SynthesisContext) -> dict[str, Any]:
    """A JSON-safe dict (dates as ISO strings) that `context_from_json` turns back into the same context."""
    data: dict[str, Any] = json.loads(json.dumps(asdict(ctx), default=_iso))
    return data


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def context_from_json(data: dict[str, Any]) -> SynthesisContext:
    """The inverse of `context_to_json`."""
    d = dict(data)
    head = d.pop("letterhead")
    d["letterhead"] = Letterhead(**{**head, "address_lines": tuple(head["address_lines"])})
    d["care_team"] = tuple(TeamEntry(**t) for t in d.get("care_team", ()))
    d["crq"] = tuple(CrqRow(**r) for r in d.get("crq", ()))
    d["events"] = tuple(EventEntry(**{**e, "day": _day(e["day"])}) for e in d.get("events", ()))
    d["weekly_volume"] = tuple((int(w), m) for w, m in d.get("weekly_volume", ()))
    d["sections"] = tuple((k, t) for k, t in d.get("sections", ()))
    d["follow_up_calls"] = tuple(FollowUpEntry(**{**c, "day": _day(c["day"])}) for c in d.get("follow_up_calls", ()))
    d["hospitalisations"] = tuple(HospitalisationEntry(**h) for h in d.get("hospitalisations", ()))
    stop = d.get("interruption")
    d["interruption"] = InterruptionInfo(**{**stop, "day": _day(stop["day"])}) if stop else None
    d["expectations"] = tuple(RoleExpectation(**{**e, "expected": tuple(e["expected"])})
                              for e in d.get("expectations", ()))
    for key in ("patient_birth_date", "written_on", "d0", "validated_on"):
        d[key] = _day(d.get(key))
    return SynthesisContext(**d)


# ------------------------------------------------------------------------------------------------ renderer

def seconds_label(seconds: int | None) -> str:
    """« 8 min 30 s (510 s) » — physicians read minutes, the forms store seconds."""
    if seconds is None:
        return "non mesuré"
    return f"{seconds // 60} min {seconds % 60:02d} s ({number(seconds)}{NNBSP}s)"


class SynthesisLetter(PdfDocument):
    TITLE = "Synthèse"

    def __init__(self, ctx: SynthesisContext) -> None:
        if ctx.kind not in ALL_KINDS:
            raise ValueError(f"Type de synthèse inconnu : {ctx.kind}")
        super().__init__(ctx.letterhead)
        self.ctx = ctx
        self.blocks = BLOCKS[ctx.kind]

    def _title(self) -> str:
        return f"{KIND_LABELS[self.ctx.kind]} — programme n° {self.ctx.programme_number}"

    def _story(self) -> list[Flowable]:
        story = self._head()
        story += self._team()
        for name in BLOCK_ORDER:
            if name in self.blocks:
                story += getattr(self, f"_{name}")()
        story += self._free_texts()
        story += self._signature()
        return story

    def _head(self) -> list[Flowable]:
        ctx = self.ctx
        version = f" — version {ctx.version_number}" if ctx.version_number > 1 else ""
        replaces = (f" (remplace la version {ctx.replaces_version})" if ctx.replaces_version else "")
        start = f", J0 le {long_date(ctx.d0)}" if ctx.d0 else ""
        return [
            para(f"{KIND_LABELS[ctx.kind]}{version}{replaces}", self.styles["title"]),
            para(f"Le {long_date(ctx.written_on)}", self.styles["right"]),
            para(f"Patient{NNBSP}: {ctx.patient_name}, né(e) le {short_date(ctx.patient_birth_date)} — "
                 f"programme n° {ctx.programme_number}{start}", self.styles["body"]),
            para(f"Référent de programme{NNBSP}: {ctx.referent_name or 'non désigné'}", self.styles["body"]),
        ]

    def _team(self) -> list[Flowable]:
        if not self.ctx.care_team:
            return [self.heading("Équipe de soins"), para("Aucun professionnel enregistré.", self.styles["body"])]
        rows = [[para(t.role_label, self.styles["cell_bold"]), para(t.name, self.styles["cell"])]
                for t in self.ctx.care_team]
        return [self.heading("Équipe de soins"), self._grid(rows, (0.4, 0.6))]

    def _objectives(self) -> list[Flowable]:
        return self._text_block("Objectifs du projet de soins", self.ctx.objectives)

    def _follow_up(self) -> list[Flowable]:
        return follow_up_block(self, self.ctx.follow_up_calls)

    def _hospitalisations(self) -> list[Flowable]:
        return hospitalisations_block(self, self.ctx.hospitalisations)

    def _interruption(self) -> list[Flowable]:
        return interruption_block(self, self.ctx.interruption)

    def _programme(self) -> list[Flowable]:
        return programme_block(self, self.ctx.d0, self.ctx.referent_name, self.ctx.referent_contact)

    def _expectations(self) -> list[Flowable]:
        return expectations_block(self, self.ctx.expectations)

    def _text_block(self, title: str, text: str) -> list[Flowable]:
        body = paragraphs(text, self.styles["body"]) or [para("Non renseigné.", self.styles["body"])]
        return [self.heading(title), *body]

    def _crq(self) -> list[Flowable]:
        s = self.styles
        header = [para(x, s["cell_bold"]) for x in ("Domaine", "Avant", "Après", "Différence", "≥ 0,5 point")]
        rows: list[list[Any]] = [header]
        for row in self.ctx.crq:
            rows.append([para(row.label, s["cell"]), *self._crq_cells(row)])
        if len(rows) == 1:
            return [self.heading("Qualité de vie (CRQ)"), para("CRQ non renseigné.", s["body"])]
        return [self.heading("Qualité de vie (CRQ, score moyen par item de 1 à 7)"),
                self._grid(rows, (0.28, 0.16, 0.16, 0.18, 0.22), header=True)]

    def _crq_cells(self, row: CrqRow) -> list[Any]:
        s = self.styles["cell"]
        before = number(row.before, 2) if row.before is not None else "—"
        after = number(row.after, 2) if row.after is not None else "—"
        if row.before is None or row.after is None:
            return [para(before, s), para(after, s), para("—", s), para("—", s)]
        delta = round(row.after - row.before, 2)
        sign = "+" if delta > 0 else ""
        mark = "oui, cliniquement pertinent" if delta >= MCID else "non"
        return [para(before, s), para(after, s), para(f"{sign}{number(delta, 2)}", s), para(mark, s)]

    def _endurance(self) -> list[Flowable]:
        ctx, s = self.ctx, self.styles
        lines = [f"Avant{NNBSP}: {seconds_label(ctx.endurance_before_s)}"]
        if ctx.kind != "initiale" and (ctx.kind != "interruption" or ctx.endurance_after_s is not None):
            lines.append(f"Après{NNBSP}: {seconds_label(ctx.endurance_after_s)}")
            if ctx.endurance_before_s and ctx.endurance_after_s is not None:
                diff = ctx.endurance_after_s - ctx.endurance_before_s
                pct = diff * 100 / ctx.endurance_before_s
                sign = "+" if diff > 0 else ""
                lines.append(f"Évolution{NNBSP}: {sign}{number(diff)}{NNBSP}s ({sign}{number(pct, 1)}{NNBSP}%)")
        return [self.heading("Test d'endurance à charge constante"), *[para(x, s["body"]) for x in lines]]

    def _sessions(self) -> list[Flowable]:
        ctx = self.ctx
        done = "non renseigné" if ctx.sessions_done is None else f"{ctx.sessions_done} séances réalisées"
        target = f" (objectif{NNBSP}: {ctx.sessions_target} séances)" if ctx.sessions_target else ""
        return [self.heading("Réentraînement à l'effort"), para(done + target, self.styles["body"])]

    def _chart(self) -> list[Flowable]:
        if not self.ctx.weekly_volume:
            return []
        drawing = weekly_volume_chart(self.ctx.weekly_volume, width=self.frame_width, height=55 * mm)
        return [KeepTogether([self.heading("Volume d'entraînement hebdomadaire"), drawing])]

    def _events(self) -> list[Flowable]:
        s = self.styles
        if not self.ctx.events:
            return [self.heading("Événements intercurrents"), para("Aucun événement intercurrent.", s["body"])]
        rows = [[para(x, s["cell_bold"]) for x in ("Date", "Nature", "Gravité", "Issue")]]
        rows += [[para(short_date(e.day), s["cell"]), para(e.nature, s["cell"]), para(e.severity, s["cell"]),
                  para(e.outcome, s["cell"])] for e in self.ctx.events]
        return [self.heading("Événements intercurrents"), self._grid(rows, (0.14, 0.28, 0.24, 0.34), header=True)]

    def _orientation(self) -> list[Flowable]:
        ctx = self.ctx
        return [*self._text_block("Orientation", ctx.orientation),
                *self._text_block("Projet de maintien de l'activité physique", ctx.maintenance_project)]

    def _free_texts(self) -> list[Flowable]:
        texts = dict(self.ctx.sections)
        story: list[Flowable] = []
        for key, title in SECTIONS[self.ctx.kind]:
            body = paragraphs(texts.get(key) or "", self.styles["body"])
            if body:
                story += [self.heading(title), *body]
        return story

    def _signature(self) -> list[Flowable]:
        ctx = self.ctx
        if ctx.kind in ISSUED_KINDS:
            who = f"{ctx.validated_by}, pour la cellule de coordination" if ctx.validated_by else (
                "La cellule de coordination")
            return [KeepTogether([Spacer(1, 5 * mm), para(who, self.styles["right"]),
                                  para(ctx.letterhead.name, self.styles["right"])])]
        if ctx.validated_by and ctx.validated_on:
            line = f"Validé par {ctx.validated_by}, médecin directeur, le {long_date(ctx.validated_on)}"
        else:
            line = "Document de travail — non validé par le médecin directeur"
        return [KeepTogether([Spacer(1, 5 * mm), para(line, self.styles["right"]),
                              para(ctx.letterhead.name, self.styles["right"])])]

    def _grid(self, rows: list[list[Any]], widths: tuple[float, ...], *, header: bool = False) -> Table:
        return grid(self, rows, widths, header=header)


def render_synthesis(ctx: SynthesisContext) -> bytes:
    """The synthesis PDF (A4, embedded fonts, « page n / N »)."""
    return SynthesisLetter(ctx).render()


class CoverLetter(PdfDocument):
    """The short letter that goes with a posted synthesis: whom it is for, what it is, who validated it.

    The address itself is on the window-envelope sheet printed just before; this page names the recipient so
    that a letter separated from its envelope still reaches the right desk.
    """

    TITLE = "Courrier d'accompagnement d'une synthèse"

    def __init__(self, ctx: SynthesisContext, *, recipient: str, to_patient: bool) -> None:
        super().__init__(ctx.letterhead)
        self.ctx, self.recipient, self.to_patient = ctx, recipient, to_patient

    def _story(self) -> list[Flowable]:
        ctx, s = self.ctx, self.styles
        label = KIND_NAMES[ctx.kind]
        day = ctx.validated_on or ctx.written_on
        start = f", débuté le {long_date(ctx.d0)}" if ctx.d0 else ""
        if self.to_patient:
            opening = "Madame, Monsieur,"
            body = (f"Veuillez trouver ci-joint {label} de votre programme de réhabilitation respiratoire à "
                    f"domicile{start}. Votre référent reste à votre disposition pour en parler avec vous.")
        else:
            opening = "Chère consœur, cher confrère,"
            body = (f"Veuillez trouver ci-joint {label} de votre patient(e) {ctx.patient_name}, né(e) le "
                    f"{short_date(ctx.patient_birth_date)}, suivi(e) dans le programme de réhabilitation "
                    f"respiratoire à domicile n° {ctx.programme_number}{start}.")
        done = "Elle a été validée" if label.startswith("la ") else "Il a été validé"
        validated = (f" {done} par {ctx.validated_by}, médecin directeur, le {long_date(day)}."
                     if ctx.validated_by and ctx.kind not in ISSUED_KINDS else "")
        return [para(f"À l'attention de {self.recipient}", s["h2"]),
                para(f"Le {long_date(day)}", s["right"]),
                para(f"Objet{NNBSP}: {KIND_LABELS[ctx.kind]} — programme n° {ctx.programme_number}", s["h2"]),
                para(opening, s["body"]), para(body + validated, s["body"]),
                para("Nous restons à votre disposition pour tout complément.", s["body"]),
                *self._signature()]

    def _signature(self) -> list[Flowable]:
        return [Spacer(1, 6 * mm), para(self.ctx.referent_name or "La cellule de coordination", self.styles["right"]),
                para(self.ctx.letterhead.name, self.styles["right"])]


def render_cover_letter(ctx: SynthesisContext, *, recipient: str, to_patient: bool = False) -> bytes:
    """One page to slip with a posted synthesis (professional or patient wording)."""
    return CoverLetter(ctx, recipient=recipient, to_patient=to_patient).render()

