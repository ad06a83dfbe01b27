"""The annual report page: the steering roles download the workbook and the PDF; the others are refused."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from rehab.demo import build_demo
from rehab.domain.roles import Role
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import IndicatorFilters
from rehab.models import Association, AuditEvent, Patient
from tests.factories import NOW, csrf_token, login, make_user

URL = "/rapport-annuel/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(client, fmt: str, **fields):
    data = {"year": "2025", "association_id": "0", "comments": "", "format": fmt,
            "csrf_token": csrf_token(client, URL), **fields}
    return client.post(URL, data=data)


def test_page_offers_last_complete_year_associations_and_both_buttons(client, db):
    db.add(Association(name="Souffle Méditerranée", short_name="SM"))
    login(client, make_user(db, Role.GESTIONNAIRE))
    page = client.get(URL).get_data(as_text=True)
    assert '<option selected value="2025">2025</option>' in page
    assert '<option value="2026">2026 (en cours)</option>' in page
    assert "Toutes les associations" in page and "Souffle Méditerranée" in page
    assert 'value="xlsx"' in page and 'value="pdf"' in page and "Génération en cours…" in page
    assert "js/download-progress.js" in page and "<script>" not in page  # CSP: no inline script
    assert 'href="/rapport-annuel/"' in client.get("/").get_data(as_text=True)  # the nav link


def test_coordinateur_and_medecin_download_the_demo_report(client, app, db):
    build_demo(db, now=NOW)
    db.flush()
    report = compute_indicators(db, IndicatorFilters.for_year(2025), now=NOW)
    login(client, make_user(db, Role.COORDINATEUR))
    response = _download(client, "xlsx", comments="=2+2 <b>&", download_token="abcDEF123456")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapport-activite-2025.xlsx"'
    assert "rapport_annuel_pret=abcDEF123456" in response.headers["Set-Cookie"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == ["Rapport", "Activité"]
    assert "'=2+2 <b>&" in [c.value for c in book["Rapport"]["B"]]
    figures = {r[0].value: r[1].value for r in book["Activité"].iter_rows(min_row=4) if r[0].value}
    started = report.figure("programmes_started")
    assert started.value and figures[started.label] == started.value

    medecin = app.test_client()
    login(medecin, make_user(db, Role.MEDECIN))
    response = _download(medecin, "pdf", comments="Très bonne année <i>")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapport-activite-2025.pdf"'
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Rapport d'activité 2025" in text and "Très bonne année <i>" in text
    assert not {name for name in db.scalars(select(Patient.nom_naissance)) if name in text}  # no patient name
    exports = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "annual_report")).all()
    assert sorted(e.detail["format"] for e in exports) == ["pdf", "xlsx"]


def test_a_bad_request_comes_back_in_french_with_the_comments_kept(client, db):
    login(client, make_user(db, Role.COORDINATEUR))
    response = _download(client, "docx", comments="Mon commentaire soigné")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choisissez Excel ou PDF." in page and "Mon commentaire soigné" in page
    response = _download(client, "pdf", year="1999")
    assert response.status_code == 400
    assert db.scalars(select(AuditEvent).where(AuditEvent.object_type == "annual_report")).first() is None


def test_an_unknown_association_is_refused(client, db):
    login(client, make_user(db, Role.GESTIONNAIRE))
    response = _download(client, "pdf", association_id="987654")
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.REFERENT, Role.ADMIN, Role.ASSISTANTE])
def test_other_roles_are_refused(client, db, role):
    login(client, make_user(db, role))
    assert client.get(URL).status_code == 403
    response = client.post(URL, data={"year": "2025", "association_id": "0", "format": "pdf",
                                      "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert 'href="/rapport-annuel/"' not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_the_gestionnaire_report_holds_only_what_her_dashboards_show(client, db):
    login(client, make_user(db, Role.GESTIONNAIRE))
    assert "Activité, Coûts" in client.get(URL).get_data(as_text=True)
    response = _download(client, "xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["Rapport", "Activité", "Coûts"]
    event = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "annual_report")).all()[-1]
    assert event.detail["families"] == ["activity", "costs"]
