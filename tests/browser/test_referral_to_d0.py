"""The whole phase for one patient in a real Chromium on a tablet: demande with a missing piece, the piece
received, eligibility, validation, the committee meeting closed with its minutes, contact, consent, D0
fixed (plan generated) and the care team recorded. Each step is one screen with the next step offered."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rehab.domain.eligibility import CRITERIA, CriterionKind
from rehab.domain.workdays import next_working_day
from tests.browser.conftest import log_in, log_out, open_menu_item, open_new_programme

pytestmark = pytest.mark.browser

NAME = "Montagnac"


def _small_targets(page) -> list:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => [...document.querySelectorAll('main a.btn, main button, main select, '
            + 'main input:not([type=hidden]):not([type=radio]):not([type=checkbox])')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")


def _demande(page) -> str:  # type: ignore[no-untyped-def]
    """4a's screens: patient, programme, referral, three pieces then the missing one."""
    programme_url = open_new_programme(page, NAME, "Lucienne", "1950-06-12")
    page.click("text=Demande, pièces, éligibilité et validation")
    page.select_option("#channel", "courrier")
    page.select_option("#origin", "pneumologue")
    page.click("button:has-text('ouvrir le dossier')")
    page.wait_for_selector("text=Demande enregistrée.")
    for code in ("prescription", "efr", "gazometrie"):
        page.click(f"li.piece:has(input[value='{code}']) button:has-text('Pièce reçue')")
        page.wait_for_selector("text=enregistrée")
    assert "1 pièce(s) manquante(s)" in page.content()
    page.click("li.piece:has(input[value='epreuve_effort']) button:has-text('Pièce reçue')")
    page.wait_for_selector("text=Dossier complet.")
    return programme_url


def _validate(page, programme_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(programme_url + "/dossier/eligibilite")
    for criterion in CRITERIA:
        met = criterion.kind == CriterionKind.INCLUSION
        page.check(f"input[name=c_{criterion.id}][value={'oui' if met else 'non'}]")
    page.click("button:has-text(\"Enregistrer l'éligibilité\")")
    page.wait_for_selector("text=aucun critère ne s'oppose")
    page.click("text=3. Validation médicale")
    page.check("input[name=decision][value=valide]")
    page.select_option("#patient_choice", "domicile")
    page.click("button:has-text('Enregistrer la décision')")
    page.wait_for_selector("text=Décision enregistrée : Dossier validé.")


def _committee(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    open_menu_item(page, "Coordination", "Comité")
    assert NAME.upper() in page.locator("#en-attente").inner_text()
    page.click("button:has-text('Créer la réunion')")
    page.wait_for_selector("text=créée")
    page.click(f"#ordre-du-jour a:has-text('{NAME.upper()}')")
    assert "secteur du patient" in page.locator("#referent_id").inner_text()
    page.fill("#objectives", "Reprendre la marche quotidienne")
    page.select_option("#exercise_modality", "intermittent")
    page.fill("#initial_load_w", "20")
    page.select_option("#ergocycle_model", "tres_faible_charge")
    page.fill("#safety", "Arrêt si SpO2 < 88 %")
    page.locator("form.card button.btn-primary").click()
    page.wait_for_selector("text=Projet de soins enregistré.")
    page.goto(page.url.split("/points/")[0])
    page.check("#confirm")
    page.click("button:has-text('Clôturer et produire le compte rendu')")
    page.wait_for_selector("text=Réunion clôturée")
    assert _small_targets(page) == []
    page.screenshot(path=str(tmp_path / "committee.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Télécharger le compte rendu (PDF)")
    path = tmp_path / "minutes.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def _intake(page, programme_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.goto(programme_url)
    page.click(".intake-block >> text=Contact")
    page.check("input[name=outcome][value=reached]")
    page.click("button:has-text(\"Noter l'appel\")")
    page.wait_for_selector("text=Appel noté : patient joint.")
    assert "Données pratiques pour la livraison" in page.content()
    page.fill("#floor", "2")
    page.check("#lift")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Données pratiques enregistrées.")
    with page.expect_download() as download:
        page.click("text=Lettre d'information (PDF)")
    assert download.value.suggested_filename.endswith(".pdf")
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    page.fill("#signed_on", today.isoformat())
    page.click("form[enctype] button:has-text('Enregistrer')")
    page.wait_for_selector("text=Acte d'adhésion signé enregistré.")
    d0 = next_working_day(today + timedelta(days=6), "31")
    page.fill("#d0", d0.isoformat())
    page.click("button:has-text('Fixer le J0 et générer le plan')")
    page.wait_for_selector("text=plan généré")
    assert "Équipe de soins" in page.content()
    page.screenshot(path=str(tmp_path / "team.png"), full_page=True)
    section = page.locator("#role-paramedical")
    section.locator("summary").click()
    section.locator("select").select_option(label="Mathieu Carles · Toulouse")
    section.locator("input[name=answer][value=agreed]").check()
    section.locator("button:has-text(\"Ajouter à l'équipe\")").click()
    page.wait_for_selector("text=Professionnel ajouté à l'équipe de soins.")
    assert "Accord le" in page.locator("#role-paramedical").inner_text()
    assert _small_targets(page) == []


def test_referral_to_d0(page, tmp_path):
    log_in(page, "assistante")
    programme_url = _demande(page)
    log_out(page)
    log_in(page, "medecin")
    _validate(page, programme_url)
    _committee(page, tmp_path)
    log_out(page)
    log_in(page, "assistante")
    _intake(page, programme_url, tmp_path)
    page.goto(programme_url)
    assert page.locator(".badge-planifie").count() == 1
    assert "Plan du parcours" in page.content()
