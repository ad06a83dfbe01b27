"""The coordinateur reads the year's indicators, opens the programmes behind a figure, then downloads the
annual report: the button says the report is being made and comes back once the file has arrived."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rehab.domain.clock import PARIS
from tests.browser.conftest import log_in, open_menu_item

pytestmark = pytest.mark.browser


def test_coordinateur_reads_the_indicators_and_downloads_the_annual_report(page):
    year = datetime.now(PARIS).year
    log_in(page, "coordinateur")
    open_menu_item(page, "Pilotage", "Indicateurs")
    page.wait_for_url("**/indicateurs/")
    assert page.inner_text("h1") == f"Indicateurs — année {year}"
    page.click(".ind-tabs >> text=Résultats cliniques")
    page.wait_for_url("**/indicateurs/outcomes*")
    assert page.locator("svg.chart").count() >= 1  # the breakdowns are drawn, not only tabulated
    link = page.locator("a.ind-programmes").first
    expected = int(re.search(r"\d+", link.inner_text()).group())
    link.click()
    page.wait_for_url("**/programmes*")
    assert page.locator("main table tbody tr").count() == min(expected, 50)
    page.locator("main table tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/programmes/\d+$"))

    open_menu_item(page, "Pilotage", "Rapport annuel")
    page.wait_for_url("**/rapport-annuel/")
    page.fill("#comments", "Année de montée en charge dans l'Aude.")
    with page.expect_download() as download_info:
        page.click("button:has-text('Télécharger le classeur Excel')")
    download = download_info.value
    assert download.suggested_filename == f"rapport-activite-{year - 1}.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames[:2] == ["Rapport", "Activité"]
    page.wait_for_selector("[data-progress-status]:text('Rapport généré')")
    assert page.is_enabled("button:has-text('Télécharger le PDF')")  # the buttons are back for another file
