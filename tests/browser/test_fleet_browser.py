"""The assistante on the tablet: the fleet list, a unit at a patient's home, the occupancy forecast."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, open_menu_item

pytestmark = pytest.mark.browser


def test_assistante_checks_the_fleet_and_its_forecast(page):
    log_in(page, "assistante")
    open_menu_item(page, "Coordination", "Ergocycles")
    page.wait_for_url("**/parc/")
    assert page.inner_text("h1") == "Parc d'ergocycles"
    page.select_option("#statut", "at_patient")
    page.click("button:has-text('Filtrer')")
    page.wait_for_url("**statut=at_patient**")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0 and "n° " in rows.first.inner_text()
    rows.first.locator("a").first.click()
    page.wait_for_url("**/parc/*")
    assert "Au domicile d'un patient" in page.inner_text("main")
    page.click("a:has-text('réservation et commandes')")
    page.wait_for_url("**/parc/programmes/*")
    assert "Commandes au prestataire" in page.inner_text("main")
    page.goto(page.url.split("/parc/")[0] + "/parc/occupation")
    assert page.locator("table.fleet-forecast tbody tr").count() == 16
