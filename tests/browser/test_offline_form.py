"""The inclusion visit on a tablet whose network drops: the draft lives in the browser, survives a
reload, the submit made offline waits for the network and is sent exactly once."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from rehab.domain.clock import PARIS
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
INCLUSION_ROW = "tr:has-text(\"Visite d'inclusion\")"


def _open_planned_inclusion(page) -> str:
    """Log in as the first demo référent with a « Planifié » programme whose inclusion visit is open;
    return the form's URL (reached through the programme page's « Remplir » link)."""
    for username in ("referent1", "referent2", "referent3", "referent4"):
        page.context.clear_cookies()
        log_in(page, username)
        page.goto(page.base_url + "/patients/")
        for index in range(page.locator("tr:has(.badge:text-is('Planifié'))").count()):
            page.goto(page.base_url + "/patients/")
            page.locator("tr:has(.badge:text-is('Planifié'))").nth(index).locator("text=Ouvrir").click()
            page.locator("section:has(h2:text('Programmes')) >> text=Ouvrir").first.click()
            link = page.locator(f"{INCLUSION_ROW} a.task-fill:has-text('Remplir')")
            if link.count():
                link.first.click()
                page.wait_for_selector("form.offline-form")
                return page.url
    pytest.fail("no demo référent has an open inclusion visit in a « Planifié » programme")


def test_inclusion_visit_survives_offline_and_submits_once(page):
    form_url = _open_planned_inclusion(page)
    today = datetime.now(PARIS).date().strftime("%d/%m/%Y")
    assert page.get_attribute("#f-weight", "inputmode") == "decimal"
    assert page.get_attribute("#f-height", "inputmode") == "numeric"
    page.fill("#f-consent_date", today)
    page.fill("#f-weight", "72,5")
    page.fill("#f-height", "170")

    page.context.set_offline(True)
    page.fill("#f-mmrc", "2")
    page.fill("#f-crq_1", "4")
    page.fill("#f-notes", "Saisi hors ligne chez le patient")
    assert page.is_visible("[data-sync-badge]")
    # The server stays out of reach for drafts, so what comes back after the reload is the browser's copy.
    page.route("**/brouillon", lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    page.wait_for_selector("form.offline-form")
    assert page.input_value("#f-notes") == "Saisi hors ligne chez le patient"
    assert page.input_value("#f-weight") == "72,5" and page.input_value("#f-crq_1") == "4"
    assert page.is_visible("[data-sync-badge]")
    page.unroute("**/brouillon")
    client_id = page.input_value("input[name=client_submission_id]")
    csrf = page.input_value("input[name=csrf_token]")
    stamp = page.input_value("input[name=task_stamp]")

    page.context.set_offline(True)
    page.click("[data-submit]")
    page.wait_for_timeout(500)
    assert page.url == form_url and page.is_visible("[data-sync-badge]")
    page.context.set_offline(False)  # the queued submit leaves on its own, once
    page.wait_for_url(re.compile(r"/formulaires/\d+$"))
    saved_url = page.url
    assert "Visite d'inclusion du" in page.inner_text("h1")
    assert "Saisi hors ligne chez le patient" in page.inner_text("main")

    page.locator("a:has-text('← Programme')").click()
    row = page.locator(INCLUSION_ROW).first
    assert "Faite" in row.inner_text() and row.locator("a:has-text('Voir la saisie')").count() == 1

    # The same draft sent again (a resend after a timeout) lands on the same record and adds nothing.
    again = page.request.post(form_url, form={
        "csrf_token": csrf, "client_submission_id": client_id, "task_stamp": stamp, "performed_on": today,
        "consent_date": today, "weight": "72,5", "height": "170"})
    assert again.ok and again.url == saved_url
    page.goto(form_url)  # the form of a done task shows its one record
    assert page.url == saved_url
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('rehab-draft-')).length") == 0
