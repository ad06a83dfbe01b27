"""A synthesis through its whole workflow in the browser, on the demo: the référent drafts and submits it,
the coordinateur passes it on, the médecin directeur validates it from his queue (just logged in), and the
assistante sends it; the dispatch log shows each recipient's result."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_synthesis_from_draft_to_dispatch(page):
    log_in(page, "referent1")
    page.goto(page.base_url + "/ma-journee")
    # Every programme of « Ma journée » has a plan, hence a D0 and a care team in the demo.
    number = re.search(r"Programme n° (\d+)", page.inner_text("main"))
    assert number, page.content()
    programme_id = number.group(1)
    page.goto(f"{page.base_url}/programmes/{programme_id}/courriers")
    page.select_option("#kind", "finale")
    page.click("button:has-text('Ouvrir le brouillon')")
    page.wait_for_url(re.compile(r".*/courriers/\d+$"))
    letter_url = page.url
    page.fill("#bilan", "Programme mené à son terme, 56 séances ; marche quotidienne reprise.")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Synthèse enregistrée.")
    page.click("button:has-text('Soumettre au coordinateur')")
    page.wait_for_selector("text=Synthèse soumise au coordinateur.")

    log_in(page, "coordinateur")
    page.goto(letter_url)
    page.check("input[name=outcome][value=passed]")
    page.fill("#comments", "Relu, rien à reprendre.")
    page.click("button:has-text('Enregistrer la relecture')")
    page.wait_for_selector("text=Relecture enregistrée.")

    log_in(page, "medecin")  # a fresh login: validation is allowed without asking again
    page.click(".mainnav >> text=À valider")
    page.wait_for_url("**/courriers/a-valider")
    version_id = letter_url.rsplit("/", 1)[1]
    page.click(f"a[href='/courriers/{version_id}/validation']")
    page.click("button:has-text('Je valide ce document')")
    page.wait_for_selector("text=Validation enregistrée")
    assert f"/courriers/{version_id}/validation" not in page.content()  # left the queue

    log_in(page, "assistante")
    page.goto(letter_url)
    assert "Validée le" in page.inner_text("main")
    page.click("text=Envoyer aux destinataires")
    page.wait_for_url("**/envoi")
    page.click("button:has-text('Envoyer par MSSanté / Medimail')")
    page.wait_for_selector("text=Envois électroniques effectués.")
    log = page.locator("table.letters-dispatch tbody tr")
    rows = [log.nth(i).inner_text() for i in range(log.count())]
    assert any("MSSanté / Medimail" in row and "Envoyé" in row for row in rows), rows
    assert any("Courrier postal" in row and "À envoyer" in row for row in rows), rows  # the patient: by post
