"""The gestionnaire pays a batch of forfaits and downloads a professional's statement (tablet, Chromium)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SMALL_TARGETS = """() => [...document.querySelectorAll('main a.btn, main button, main label.check')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect().height])
    .filter(([, h]) => h < 44)"""


def test_gestionnaire_pays_a_batch_and_downloads_the_statement(page, tmp_path):
    log_in(page, "gestionnaire")
    page.click(".mainnav >> text=Paiements")
    page.wait_for_url("**/paiements/")
    page.click("button:has-text('Calculer les sommes dues')")
    page.wait_for_selector(".flash-success")
    assert page.locator("#du input[name=line_id]").count() > 0, page.content()
    assert page.evaluate(SMALL_TARGETS) == []
    # Pay only the first professional's lines: untick every other one.
    first_table = page.locator("#du table").first
    keep = first_table.locator("input[name=line_id]").count()
    boxes = page.locator("#du input[name=line_id]")
    for i in range(keep, boxes.count()):
        boxes.nth(i).uncheck()
    page.click("button:has-text('Préparer un lot')")
    page.wait_for_selector("text=Confirmer la création du lot")
    assert f"regrouper {keep} ligne(s)" in page.inner_text("main")
    page.click("button:has-text('Confirmer la création du lot')")
    page.wait_for_url("**/paiements/lots/*")
    page.fill("input[name=reference]", "VIR-NAVIGATEUR-01")
    page.click("button:has-text('Marquer le lot comme payé')")
    page.wait_for_selector(".flash-success")
    assert "Payé" in page.inner_text(".page-head")
    page.screenshot(path=str(tmp_path / "lot-paye.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("a:has-text('Télécharger le relevé')").first.click()
    download = info.value
    assert download.suggested_filename.startswith("releve-paiement-lot-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Relevé de paiement" in text and "VIR-NAVIGATEUR-01" in text and "Total" in text
