"""The demande in a real Chromium on a tablet: referral with the prescriber found as you type, a missing
piece, the piece received with a scanned PDF, eligibility, then validation by the médecin directeur."""

from __future__ import annotations

import pytest

from rehab.domain.eligibility import CRITERIA, CriterionKind
from tests.browser.conftest import log_in, log_out, open_new_programme

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _open_programme(page) -> str:  # type: ignore[no-untyped-def]
    open_new_programme(page, "Cabanel", "Odette", "1948-03-02")
    page.click("text=Demande, pièces, éligibilité et validation")
    page.wait_for_selector("h2:has-text('Demande')")
    return page.url


def test_demande_to_medical_validation(page, tmp_path):
    log_in(page, "assistante")
    dossier_url = _open_programme(page)
    # The prescriber is found as you type (the script fills the select from /annuaire/recherche).
    page.fill("#prescripteur", "Estrade")
    page.wait_for_function("() => document.querySelector('#prescriber_id').options.length > 1 && "
                           "document.querySelector('#prescriber_id').selectedIndex > 0")
    assert "Estrade" in page.eval_on_selector("#prescriber_id", "s => s.options[s.selectedIndex].text")
    page.select_option("#channel", "medimail")
    page.select_option("#origin", "pneumologue")
    page.click("button:has-text('ouvrir le dossier')")
    page.wait_for_selector("text=Demande enregistrée.")
    assert "4 pièce(s) manquante(s)" in page.content()
    small = page.evaluate("""() => [...document.querySelectorAll(
            'a.btn, button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert small == []
    # Three pieces arrive; the épreuve d'effort is missing and chased.
    for code in ("prescription", "efr", "gazometrie"):
        page.click(f"li.piece:has(input[value='{code}']) button:has-text('Pièce reçue')")
        page.wait_for_selector("text=enregistrée")
    assert "1 pièce(s) manquante(s) : Épreuve d'effort." in page.content()
    page.click("li.piece:has(input[value='epreuve_effort']) button:has-text('Relance faite')")
    page.wait_for_selector("text=Relance n° 1 notée")
    # The last piece arrives with its scan: the dossier is complete, the délai starts.
    scan = tmp_path / "epreuve effort.pdf"
    scan.write_bytes(PDF)
    piece = page.locator("li.piece:has(input[value='epreuve_effort'])")
    piece.locator("input[type=file]").set_input_files(str(scan))
    piece.locator("button:has-text('Pièce reçue')").click()
    page.wait_for_selector("text=Dossier complet.")
    assert "Dossier complet depuis 0 jour(s), J0 non fixé" in page.content()
    assert page.locator("a:has-text('epreuve_effort.pdf')").count() == 1
    page.screenshot(path=str(tmp_path / "dossier.png"), full_page=True)
    log_out(page)
    # The médecin directeur checks eligibility and validates.
    log_in(page, "medecin")
    page.goto(dossier_url + "/eligibilite")
    for criterion in CRITERIA:
        met = criterion.kind == CriterionKind.INCLUSION
        page.check(f"input[name=c_{criterion.id}][value={'oui' if met else 'non'}]")
    page.click("button:has-text(\"Enregistrer l'éligibilité\")")
    page.wait_for_selector("text=aucun critère ne s'oppose")
    page.screenshot(path=str(tmp_path / "eligibility.png"), full_page=True)
    page.click("text=3. Validation médicale")
    page.check("input[name=decision][value=valide]")
    page.select_option("#patient_choice", "domicile")
    page.click("button:has-text('Enregistrer la décision')")
    page.wait_for_selector("text=Décision enregistrée : Dossier validé.")
    assert page.locator(".badge-valide").count() == 1
    assert page.locator(".next-step a.btn-primary").count() == 1
    page.screenshot(path=str(tmp_path / "decision.png"), full_page=True)
