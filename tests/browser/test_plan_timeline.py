"""The plan in a real browser: fixing D0 draws the timeline; a mark leads to its task."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rehab.domain.clock import PARIS
from rehab.domain.workdays import next_working_day
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _open_first_programme(page, status_label: str) -> None:
    page.goto(page.base_url + "/patients/")
    page.click(f"tr:has(.badge:text-is('{status_label}')) >> text=Ouvrir")
    page.click("section:has(h2:text('Programmes')) >> text=Ouvrir")


def test_fixing_d0_draws_the_timeline(page, tmp_path):
    log_in(page, "assistante")
    _open_first_programme(page, "Validé")
    assert page.locator("#plan svg").count() == 0
    d0 = next_working_day(datetime.now(PARIS).date() + timedelta(days=7), "31")
    page.fill("#d0", d0.isoformat())
    page.fill("#bmi", "33")
    page.click("button:has-text('Fixer le J0')")
    page.wait_for_selector("text=J0 fixé : plan généré.")
    marks = page.locator("#plan svg circle.tl-mark")
    assert marks.count() >= 50
    assert page.locator("tr:has-text('Consultation diététique')").count() == 4
    page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)


def test_running_programme_shows_done_marks_and_a_mark_leads_to_its_task(page):
    log_in(page, "coordinateur")
    _open_first_programme(page, "En cours")
    assert page.locator("#plan svg circle.tl-done").count() >= 1
    assert page.locator("#plan svg line.tl-today").count() == 1
    page.locator("#plan svg a").first.click()
    assert "#tache-" in page.url
