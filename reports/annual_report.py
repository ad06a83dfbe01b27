"""The annual activity report for the financers (PDF): what the programme achieved in a year, against its targets.

It receives a frozen `AnnualReportContext` (plain numbers and labels, built from the indicator computation by
`rehab.indicators.annual`) and never looks at the database. Layout: a title page (year, scope, date of edition),
a summary of every figure against its target, then one section per indicator family (figures table, then each
breakdown as a chart followed by the same numbers in a table), and the comments typed by the coordination.
Whether a target is met is always written out (« Atteint » / « Non atteint »), never shown by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table, TableStyle

from reports.annual_charts import breakdown_chart
from reports.base import PdfDocument
from reports.context import Letterhead
from reports.fr import NBSP, long_date, number
from reports.text import para, paragraphs

#: decimals and suffix per indicator unit (percent figures are 0–100).
UNIT_DECIMALS = {"count": 0, "percent": 1, "weeks": 1, "days": 1, "euros": 2, "hours": 1, "score": 2}
UNIT_SUFFIX = {"count": "", "percent": "%", "weeks": "sem.", "days": "j", "euros": "€", "hours": "h", "score": ""}
UNIT_LABELS = {"count": "nombre", "percent": "%", "weeks": "semaines", "days": "jours", "euros": "euros",
               "hours": "heures", "score": "score"}
MET_LABELS = {True: "Atteint", False: "Non atteint"}
DASH = "—"


@dataclass(frozen=True)
class AnnualFigure:
    """One indicator as printed: value, its fraction, what is missing, the target and the previous years."""

    label: str
    unit: str
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    missing: int = 0
    target: float | None = None
    direction: str | None = None  # "min": must reach the target; "max": must stay at or below it
    met: bool | None = None
    trend: tuple[tuple[int, float | None], ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class AnnualBreakdown:
    """A table drawn as a chart. `unit` is the table's own; `column_units` (when given) the unit of each
    column, for tables that print the counts behind a share next to it: only the columns in `unit` are
    charted, so that counts and percentages never share an axis."""

    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]
    chart: str = "bar"
    unit: str = "count"
    column_units: tuple[str, ...] = ()

    def unit_of(self, column: int) -> str:
        return self.column_units[column] if column < len(self.column_units) else self.unit

    def charted(self) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[float | None, ...]], ...]]:
        """The columns (and the rows restricted to them) that the chart draws."""
        everything = range(len(self.columns))
        keep = [j for j in everything if self.unit_of(j) == self.unit] or list(everything)
        rows = tuple((label, tuple(values[j] if j < len(values) else None for j in keep))
                     for label, values in self.rows)
        return tuple(self.columns[j] for j in keep), rows


@dataclass(frozen=True)
class AnnualFamily:
    label: str
    figures: tuple[AnnualFigure, ...]
    breakdowns: tuple[AnnualBreakdown, ...] = ()


@dataclass(frozen=True)
class AnnualReportContext:
    letterhead: Letterhead | None
    year: int
    period_start: date
    period_end: date
    scope: str  # « Toutes les associations », or the association's name
    generated_on: date
    families: tuple[AnnualFamily, ...]
    comments: str | None = None


def format_value(value: float | None, unit: str) -> str:
    """« 1 234 », « 85,3 % », « 4,2 sem. », « 2 300,00 € »; a value that could not be computed is a dash."""
    if value is None:
        return DASH
    text = number(value, UNIT_DECIMALS.get(unit, 1))
    suffix = UNIT_SUFFIX.get(unit, "")
    return f"{text}{NBSP}{suffix}" if suffix and text != DASH else text


def format_target(figure: AnnualFigure) -> str:
    """« ≥ 85,0 % » (to reach) or « ≤ 20,0 % » (not to exceed)."""
    if figure.target is None:
        return DASH
    sign = "≤" if figure.direction == "max" else "≥"
    return f"{sign}{NBSP}{format_value(figure.target, figure.unit)}"


def met_label(figure: AnnualFigure) -> str:
    if figure.target is None:
        return DASH
    return MET_LABELS[figure.met] if figure.met is not None else "Non calculable"


def fraction_label(figure: AnnualFigure) -> str:
    """« 17 / 20 » when the figure is a share, the dash otherwise."""
    if figure.numerator is None or figure.denominator is None:
        return DASH
    return f"{number(figure.numerator)} / {number(figure.denominator)}"


def trend_label(figure: AnnualFigure) -> str:
    return " · ".join(f"{year} : {format_value(value, figure.unit)}" for year, value in figure.trend) or DASH


class AnnualReport(PdfDocument):
    TITLE = "Rapport d'activité"
    GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                       ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
    CHART_HEIGHT = 62 * mm

    def __init__(self, ctx: AnnualReportContext) -> None:
        super().__init__(ctx.letterhead)
        self.ctx = ctx
        # the seven-column figures table needs a smaller face than the letters' tables
        self.styles["cell"] = ParagraphStyle("annual_cell", parent=self.styles["cell"], fontSize=8, leading=10)
        self.styles["cell_bold"] = ParagraphStyle("annual_bold", parent=self.styles["cell_bold"], fontSize=8,
                                                  leading=10)

    def _title(self) -> str:
        return f"{self.TITLE} {self.ctx.year} — {self.ctx.scope}"

    def _story(self) -> list[Flowable]:
        story = self._title_page()
        story += [PageBreak(), *self._summary()]
        for family in self.ctx.families:
            story += [PageBreak(), *self._family(family)]
        story += [CondPageBreak(40 * mm), *self._comments()]
        return story

    def _title_page(self) -> list[Flowable]:
        ctx, body = self.ctx, self.styles["body"]
        story: list[Flowable] = [Spacer(1, 30 * mm), para(f"{self.TITLE} {ctx.year}", self.styles["title"]),
                                 para("Réhabilitation respiratoire à domicile", self.styles["h2"]),
                                 Spacer(1, 8 * mm), para(f"Périmètre : {ctx.scope}", body),
                                 para(f"Période : du {long_date(ctx.period_start)} au {long_date(ctx.period_end)}",
                                      body),
                                 para(f"Édité le {long_date(ctx.generated_on)}", body), Spacer(1, 8 * mm),
                                 para("Sommaire", self.styles["h3"])]
        sections = ["Synthèse des indicateurs et des objectifs", *(f.label for f in ctx.families), "Commentaires"]
        story += [para(f"{i}. {label}", self.styles["bullet"]) for i, label in enumerate(sections, 1)]
        return story

    def _summary(self) -> list[Flowable]:
        """Every figure of every family against its target, the family as a spanning row."""
        cell, bold = self.styles["cell"], self.styles["cell_bold"]
        rows: list[list[object]] = [[para(h, bold) for h in ("Indicateur", "Valeur", "Objectif", "Résultat")]]
        spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        for family in self.ctx.families:
            spans.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            rows.append([para(family.label, bold), "", "", ""])
            rows += [[para(f.label, cell), para(format_value(f.value, f.unit), cell), para(format_target(f), cell),
                      para(met_label(f), bold if f.met is False else cell)] for f in family.figures]
        width = self.frame_width
        table = Table(rows, colWidths=[0.52 * width, 0.16 * width, 0.16 * width, 0.16 * width], repeatRows=1)
        table.setStyle(self.GRID)
        table.setStyle(TableStyle([*spans, *(("BACKGROUND", start, end, colors.HexColor("#eef3f7"))
                                             for _, start, end in spans)]))
        targets = sum(1 for family in self.ctx.families for f in family.figures if f.target is not None)
        met = sum(1 for family in self.ctx.families for f in family.figures if f.met is True)
        return [para("Synthèse des indicateurs et des objectifs", self.styles["title"]),
                para(f"Objectifs atteints : {met} sur {targets}.", self.styles["body"]), table]

    def _family(self, family: AnnualFamily) -> list[Flowable]:
        story: list[Flowable] = [para(family.label, self.styles["title"])]
        story.append(self._figures_table(family.figures) if family.figures
                     else para("Aucun indicateur pour cette famille.", self.styles["body"]))
        notes = [f"{f.label} : {f.note}" for f in family.figures if f.note]
        story += [Spacer(1, 2 * mm), *(para(note, self.styles["small"]) for note in notes)]
        for breakdown in family.breakdowns:
            story += self._breakdown(breakdown)
        return story

    def _figures_table(self, figures: Sequence[AnnualFigure]) -> Table:
        cell, bold = self.styles["cell"], self.styles["cell_bold"]
        headers = ("Indicateur", "Valeur", "Numérateur / dénominateur", "Manquants", "Objectif", "Résultat",
                   "Années précédentes")
        rows: list[list[object]] = [[para(h, bold) for h in headers]]
        for f in figures:
            rows.append([para(f.label, cell), para(format_value(f.value, f.unit), cell), para(fraction_label(f), cell),
                         para(number(f.missing), cell), para(format_target(f), cell), para(met_label(f), cell),
                         para(trend_label(f), cell)])
        width = self.frame_width
        shares = (0.23, 0.1, 0.16, 0.12, 0.11, 0.12, 0.16)
        table = Table(rows, colWidths=[s * width for s in shares], repeatRows=1)
        table.setStyle(self.GRID)
        return table

    def _breakdown(self, breakdown: AnnualBreakdown) -> list[Flowable]:
        story: list[Flowable] = [CondPageBreak(self.CHART_HEIGHT + 30 * mm), para(breakdown.label, self.styles["h2"])]
        if not breakdown.rows:
            return [*story, para("Aucune donnée pour cette période.", self.styles["body"])]
        unit = breakdown.unit
        columns, rows = breakdown.charted()
        story.append(breakdown_chart(columns, rows, kind=breakdown.chart, unit_label=UNIT_LABELS.get(unit, unit),
                                     tick=lambda v: number(v, 0 if float(v).is_integer() else 1),
                                     width=self.frame_width, height=self.CHART_HEIGHT))
        story.append(para(f"Graphique : {breakdown.label} — les valeurs sont reprises dans le tableau ci-dessous.",
                          self.styles["small"]))
        story.append(self._breakdown_table(breakdown))
        return story

    def _breakdown_table(self, breakdown: AnnualBreakdown) -> Table:
        cell, bold = self.styles["cell"], self.styles["cell_bold"]
        rows: list[list[object]] = [[para("", bold), *(para(c, bold) for c in breakdown.columns)]]
        for label, values in breakdown.rows:
            rows.append([para(label, cell), *(para(format_value(v, breakdown.unit_of(j)), cell)
                                              for j, v in enumerate(values))])
        width = self.frame_width
        first = 0.4 * width if breakdown.columns else width
        others = [(width - first) / len(breakdown.columns)] * len(breakdown.columns) if breakdown.columns else []
        table = Table(rows, colWidths=[first, *others], repeatRows=1)
        table.setStyle(self.GRID)
        return table

    def _comments(self) -> list[Flowable]:
        body = paragraphs(self.ctx.comments, self.styles["body"])
        return [para("Commentaires", self.styles["title"]),
                *(body or [para("Aucun commentaire.", self.styles["body"])])]


def render_annual_report(ctx: AnnualReportContext) -> bytes:
    """The PDF bytes of the annual activity report."""
    return AnnualReport(ctx).render()
