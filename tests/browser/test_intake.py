"""The assistante's first journey, in a real Chromium on a tablet-sized screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, log_out

pytestmark = pytest.mark.browser


def test_assistante_creates_a_patient_and_opens_it(page, tmp_path):
    log_in(page, "assistante")
    assert "Bonjour Claire Martin" in page.content()
    page.click("text=Patients")
    page.click("text=Nouveau patient")
    page.fill("#nom_naissance", "Falguière")
    page.fill("#prenoms", "Noëlle")
    page.fill("#date_naissance", "1950-06-14")
    page.fill("#adresse", "4 allée des Platanes")
    page.fill("#code_postal", "12000")
    page.fill("#ville", "Rodez")
    page.fill("#telephone", "05 65 00 00 00")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Patient enregistré.")
    heading = page.inner_text("h1")
    assert heading == "FALGUIÈRE Noëlle"
    assert "12 – Aveyron" in page.content()
    page.screenshot(path=str(tmp_path / "patient.png"), full_page=True)
    # Back to the list, search without accents, open the record from the result.
    page.click("nav >> text=Patients")
    page.fill("#q", "falguiere")
    page.click("button:has-text('Rechercher')")
    page.click("tr:has-text('FALGUIÈRE Noëlle') >> text=Ouvrir")
    assert page.inner_text("h1") == "FALGUIÈRE Noëlle"


def test_touch_targets_are_at_least_44_px(page):
    log_in(page, "assistante")
    page.goto(page.base_url + "/patients/nouveau")
    small = page.evaluate("""() => [...document.querySelectorAll('a.btn, button, input:not([type=hidden]), select')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert small == []


def test_logout_then_back_button_shows_no_patient_data(page):
    log_in(page, "assistante")
    page.goto(page.base_url + "/patients/")
    log_out(page)
    page.wait_for_selector("text=Vous êtes déconnecté.")
    page.go_back()
    page.reload()
    assert "/connexion" in page.url
