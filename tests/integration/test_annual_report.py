"""`rehab report annual` on the demo data: the PDF's text and the workbook's sheets say what was computed."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from rehab.demo import build_demo
from rehab.indicators.annual import SHEET_NAMES
from rehab.indicators.catalogue import FAMILIES
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import IndicatorFilters
from rehab.models import Association, AuditEvent
from reports.annual_report import format_value
from tests.factories import NOW

YEAR = NOW.year - 1  # the demo is built at NOW: its last complete year


@pytest.fixture
def demo(db):
    build_demo(db, now=NOW)
    db.flush()
    return compute_indicators(db, IndicatorFilters.for_year(YEAR), now=NOW)


def pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def plain(text: str) -> str:
    """pypdf reads the no-break spaces back as ordinary spaces."""
    return re.sub(r"\s+", " ", text)


def test_pdf_report_of_the_demo_year(runner, demo, tmp_path, db):
    comments = tmp_path / "commentaires.txt"
    comments.write_text("Montée en charge réussie.\n\nÀ suivre : <b>délais</b> & =SOMME(A1)", encoding="utf-8")
    out = tmp_path / "rapport.PDF"
    result = runner.invoke(args=["report", "annual", "--year", str(YEAR), "--out", str(out),
                                 "--comments", str(comments)])
    assert result.exit_code == 0, result.output
    assert f"Rapport d'activité {YEAR} écrit dans" in result.output
    text = pdf_text(out)
    assert f"Rapport d'activité {YEAR}" in text and "Toutes les associations" in text
    assert f"du 1er janvier {YEAR} au 31 décembre {YEAR}" in text
    assert "Édité le 2 mars 2026" in text
    for _key, label in FAMILIES:
        assert label in text
    started = demo.figure("programmes_started")
    assert started.value and started.value > 0  # the demo has programmes started in its last year
    assert plain(f"{started.label} {format_value(started.value, started.unit)}") in text
    for family in demo.families:
        for figure in family.figures:
            if figure.target is not None:
                assert plain(format_value(figure.target.value, figure.unit)) in text, figure.key
    assert "À suivre : <b>délais</b> & =SOMME(A1)" in text
    assert "Objectifs atteints :" in text
    event = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "annual_report")).one()
    assert event.action == "export" and event.detail["format"] == "pdf" and event.detail["year"] == YEAR


def test_workbook_of_the_demo_year_for_one_association(runner, demo, tmp_path, db):
    west = db.scalars(select(Association).where(Association.short_name == "ROO")).one()
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(args=["report", "annual", "--year", str(YEAR), "--out", str(out),
                                 "--association", str(west.id)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames[0] == "Rapport"
    assert book.sheetnames[1:] == [SHEET_NAMES.get(key, label) for key, label in FAMILIES]
    cover = book["Rapport"]
    assert cover["A1"].value == f"Rapport d'activité {YEAR}"
    assert cover["B3"].value == "Réhab Occitanie Ouest"
    mine = compute_indicators(db, IndicatorFilters.for_year(YEAR, association_id=west.id), now=NOW)
    activity = book["Activité"]
    rows = {r[0].value: r for r in activity.iter_rows(min_row=4) if r[0].value}
    started = mine.figure("programmes_started")
    assert rows[started.label][1].value == started.value
    assert started.value < demo.figure("programmes_started").value  # one association of two
    outcomes = book[SHEET_NAMES.get("outcomes", "Résultats cliniques")]
    assert outcomes["A3"].value == "Indicateur" and outcomes.freeze_panes == "B4"


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "rapport.docx"], "Format de fichier non pris en charge (« .docx »)"),
    (["--out", "rapport"], "Format de fichier non pris en charge (sans extension)"),
    (["--out", "rapport.pdf", "--association", "999999"], "Association inconnue (n° 999999)"),
    (["--out", "rapport.pdf", "--association", "9" * 25], "Association inconnue"),
    (["--out", "rapport.pdf", "--year", "2099"], "L'année doit être comprise entre 2015 et 2026"),
])
def test_refused_requests_say_why_in_french(runner, db, tmp_path, args, message):
    full = ["report", "annual", "--year", "2025", *args]
    full[full.index("--out") + 1] = str(tmp_path / full[full.index("--out") + 1])
    if full.count("--year") == 2:
        del full[2:4]
    result = runner.invoke(args=full)
    assert result.exit_code != 0
    assert message in result.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_unreadable_comments_file(runner, db, tmp_path):
    bad = tmp_path / "c.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    result = runner.invoke(args=["report", "annual", "--year", "2025", "--out", str(tmp_path / "r.pdf"),
                                 "--comments", str(bad)])
    assert result.exit_code != 0 and "n'est pas un texte UTF-8" in result.output
