"""Minutes of the comité de concertation de réhabilitation.

Closing a meeting produces this document: who attended (the quorum is checked upstream), then one block per
dossier with the care project decided (objectives, competences, exercise, safety, ergocycle) and the référent,
so that the team and the archive share the same record of what was decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from reports.base import PdfDocument
from reports.context import CommitteeMinutesContext, MinutesItem
from reports.fr import long_date
from reports.text import para, paragraphs


class CommitteeMinutes(PdfDocument):
    TITLE = "Compte rendu du comité de concertation de réhabilitation"

    def __init__(self, ctx: CommitteeMinutesContext) -> None:
        super().__init__(ctx.letterhead)
        self.ctx = ctx

    def _title(self) -> str:
        return f"{self.TITLE} du {long_date(self.ctx.meeting_date)}"

    def _story(self) -> list[Flowable]:
        ctx = self.ctx
        story: list[Flowable] = [para(self._title(), self.styles["title"])]
        where = f" — {ctx.location}" if (ctx.location or "").strip() else ""
        story.append(para(f"Réunion du {long_date(ctx.meeting_date)}{where}", self.styles["body"]))
        story.append(self.heading(f"Participants ({len(ctx.attendees)})"))
        story += [para(f"• {a.name} — {a.role_label}", self.styles["body"]) for a in ctx.attendees]
        story.append(self.heading(f"Dossiers examinés ({len(ctx.items)})"))
        if not ctx.items:
            story.append(para("Aucun dossier n'a été examiné.", self.styles["body"]))
        for item in ctx.items:
            story += self._item(item)
        nxt = f"Prochain comité : {long_date(ctx.next_meeting)}." if ctx.next_meeting else (
            "Date du prochain comité à fixer.")
        story += [Spacer(1, 4 * mm), para(nxt, self.styles["body"])]
        return story

    def _item(self, item: MinutesItem) -> list[Flowable]:
        """One dossier: a header kept with the first rows, then the care project as label/value rows."""
        label, value = self.styles["cell_bold"], self.styles["cell"]
        title = para(f"{item.patient_label} — programme n° {item.programme_number}", self.styles["h3"])
        fields = [
            ("Décision", item.decision), ("Objectifs", item.objectives),
            ("Compétences recommandées", item.competences), ("Réentraînement à l'effort", item.exercise),
            ("Consignes de sécurité", item.safety), ("Ergocycle", item.ergocycle_model),
            ("Référent", item.referent_name or "à désigner"), ("Observations", item.notes),
        ]
        rows = [[para(name, label), paragraphs(text, value) or para("—", value)] for name, text in fields]
        head, rest = self._table(rows[:2]), self._table(rows[2:])
        return [KeepTogether([title, head]), rest, Spacer(1, 3 * mm)]

    def _table(self, rows: Sequence[list[Any]]) -> Table:
        """Label/value rows; long values split inside their row so that a huge note flows across pages."""
        width = self.frame_width
        table = Table(rows, colWidths=[width * 0.28, width * 0.72], splitByRow=True, splitInRow=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#aaaaaa"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (0, -1), "#f2f4f7")]))
        return table


def render_committee_minutes(ctx: CommitteeMinutesContext) -> bytes:
    """The minutes PDF of one committee meeting (attendees with roles, one block per dossier)."""
    return CommitteeMinutes(ctx).render()
