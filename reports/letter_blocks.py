"""Blocks of the programme letters beyond the core synthesis: the remote follow-up and the hospitalisations
before/after (12-month synthesis), the interruption notice (closing letter of an interrupted programme) and
what the programme expects of each professional (initial letter to the care team).

Kept apart from `syntheses` so that each file stays readable; the blocks receive the document (styles,
heading, frame width) and its frozen data, and return flowables. Unknown values print « non renseigné »:
a blank cell would let a reader believe there was nothing to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from reports.fr import NNBSP, long_date, number, short_date
from reports.text import markup, para, paragraphs

UNKNOWN = "non renseigné"
PERIODS = (("before", "12 mois avant le programme"), ("after", "12 mois après le programme"))


@dataclass(frozen=True)
class FollowUpEntry:
    """One remote follow-up call (E + 1 … 9 months), labels already in French."""

    day: date
    channel: str
    sessions_per_week: int | None
    project_per_week: int | None
    hospitalisations: int | None
    hospital_days: int | None
    adherence: str
    rupture: str


@dataclass(frozen=True)
class HospitalisationEntry:
    """Respiratory hospital stays over 12 months before (`before`) or after (`after`) the programme."""

    period: str
    stays: int
    days: int
    source: str


@dataclass(frozen=True)
class InterruptionInfo:
    """The médecin directeur's decision to end the programme early."""

    day: date | None
    reason: str
    decided_by: str


@dataclass(frozen=True)
class RoleExpectation:
    """What the programme asks of one role of the care team, and how it is paid."""

    role_label: str
    names: str
    expected: tuple[str, ...]
    forfait: str


class LetterDoc(Protocol):
    styles: dict[str, ParagraphStyle]

    @property
    def frame_width(self) -> float: ...

    def heading(self, text: str) -> Paragraph: ...


def grid(doc: LetterDoc, rows: list[list[Any]], widths: tuple[float, ...], *, header: bool = False) -> Table:
    """A ruled table spanning the frame; the header row repeats on a page break."""
    table = Table(rows, colWidths=[doc.frame_width * w for w in widths], splitByRow=True,
                  repeatRows=1 if header else 0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#aaaaaa"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    if header:
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), "#f2f4f7")]))
    return table


def _value(value: int | None, unit: str = "") -> str:
    return UNKNOWN if value is None else f"{number(value)}{unit}"


def _row(doc: LetterDoc, cells: list[str], *, bold: bool = False) -> list[Flowable]:
    style = doc.styles["cell_bold" if bold else "cell"]
    return [para(text, style) for text in cells]


# ------------------------------------------------------------------------------------ 12-month synthesis

def follow_up_block(doc: LetterDoc, calls: tuple[FollowUpEntry, ...]) -> list[Flowable]:
    title = doc.heading("Accompagnement à distance (appels de suivi)")
    if not calls:
        return [title, para(f"Appels de suivi{NNBSP}: {UNKNOWN}.", doc.styles["body"])]
    rows = [_row(doc, ["Date", "Canal", "Séances / semaine (projet)", "Hospitalisations", "Observance",
                       "Rupture"], bold=True)]
    for c in calls:
        sessions = _value(c.sessions_per_week)
        if c.project_per_week is not None:
            sessions += f" (projet{NNBSP}: {c.project_per_week})"
        stays = _value(c.hospitalisations)
        if c.hospitalisations and c.hospital_days is not None:
            stays += f" ({c.hospital_days} j)"
        rows.append(_row(doc, [short_date(c.day), c.channel or UNKNOWN, sessions, stays, c.adherence or UNKNOWN,
                               c.rupture or "Non"]))
    return [title, grid(doc, rows, (0.14, 0.18, 0.18, 0.18, 0.13, 0.19), header=True)]


def hospitalisations_block(doc: LetterDoc, entries: tuple[HospitalisationEntry, ...]) -> list[Flowable]:
    """Always both periods: a missing count says « non renseigné », never a silent zero."""
    by_period = {e.period: e for e in entries}
    rows = [_row(doc, ["Période", "Séjours", "Journées", "Source"], bold=True)]
    for key, label in PERIODS:
        entry = by_period.get(key)
        if entry is None:
            rows.append(_row(doc, [label, UNKNOWN, UNKNOWN, UNKNOWN]))
        else:
            rows.append(_row(doc, [label, number(entry.stays), number(entry.days), entry.source or UNKNOWN]))
    story: list[Flowable] = [doc.heading("Hospitalisations pour cause respiratoire"),
                             grid(doc, rows, (0.32, 0.14, 0.14, 0.40), header=True)]
    before, after = by_period.get("before"), by_period.get("after")
    if before is not None and after is not None:
        diff = after.stays - before.stays
        sign = "+" if diff > 0 else ""
        story.append(para(f"Évolution{NNBSP}: {sign}{number(diff)} séjour(s), "
                          f"{'+' if after.days > before.days else ''}{number(after.days - before.days)} journée(s).",
                          doc.styles["body"]))
    return story


# ----------------------------------------------------------------------------------- interruption letter

def interruption_block(doc: LetterDoc, info: InterruptionInfo | None) -> list[Flowable]:
    s = doc.styles
    if info is None:
        return [doc.heading("Interruption du programme"), para(f"Décision{NNBSP}: {UNKNOWN}.", s["body"])]
    day = f"le {long_date(info.day)}" if info.day else "à une date non renseignée"
    who = f" sur décision de {info.decided_by}" if info.decided_by else ""
    lines = [para(f"Le programme a été interrompu définitivement {day}{who}.", s["body"]),
             para(f"Motif{NNBSP}: {info.reason or UNKNOWN}", s["body"]),
             para("L'ergocycle est repris au domicile et le suivi à distance n'est pas engagé. Le patient reste "
                  "suivi par ses professionnels de santé habituels.", s["body"])]
    return [doc.heading("Interruption du programme"), *lines]


# ------------------------------------------------------------------------------ initial letter to the team

def programme_block(doc: LetterDoc, d0: date | None, referent: str | None, contact: str) -> list[Flowable]:
    s = doc.styles
    start = f"le {long_date(d0)}" if d0 else "à une date qui vous sera communiquée"
    texts = [
        f"Votre patient(e) débute {start} (J0) un programme de réhabilitation respiratoire coordonné à "
        "domicile : 12 semaines de réentraînement à l'effort sur ergocycle, 4 à 6 séances par semaine, avec "
        "un appel hebdomadaire et des visites du référent à l'inclusion, à la 6e et à la 12e semaine, puis "
        "40 semaines d'accompagnement à distance et un bilan à 12 mois.",
        "Ce programme repose sur ses professionnels de santé habituels : vous avez accepté d'y participer et "
        "nous vous en remercions. Voici ce que nous attendons de chacun et la rémunération prévue.",
    ]
    who = referent or "le référent de programme désigné par la cellule de coordination"
    story: list[Flowable] = [doc.heading("Le programme"), *[para(t, s["body"]) for t in texts],
                             doc.heading("Votre interlocuteur"),
                             para(f"Référent de programme{NNBSP}: {who}", s["body"])]
    if contact:
        story.append(para(contact, s["body"]))
    return story


def expectations_block(doc: LetterDoc, items: tuple[RoleExpectation, ...]) -> list[Flowable]:
    s = doc.styles
    if not items:
        return [doc.heading("Ce que nous attendons de vous"),
                para("Aucun professionnel n'est encore enregistré dans l'équipe de soins.", s["body"])]
    story: list[Flowable] = [doc.heading("Ce que nous attendons de vous")]
    bullet = s["bullet"]
    for item in items:
        story.append(para(f"{item.role_label} — {item.names}", s["h3"]))
        story += [Paragraph(markup(text, bullet.fontName), bullet, bulletText="•") for text in item.expected]
        story += paragraphs(f"Rémunération{NNBSP}: {item.forfait}", s["body"])
        story.append(Spacer(1, 3))
    return story
