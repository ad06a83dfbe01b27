"""Every demo account logs in with the published password and lands on a page fitted to its role."""

from __future__ import annotations

import pytest

from rehab.demo import DEMO_PASSWORD

LANDINGS = {
    "admin": ("/admin/utilisateurs", "Utilisateurs"),
    "assistante": ("/", "Demandes et dossiers à planifier"),
    "coordinateur": ("/", "Programmes par étape"),
    "medecin": ("/", "Dossiers en attente de validation médicale"),
    "gestionnaire": ("/", "Programmes par étape"),
    "referent1": ("/", "Mes patients"),
    "referent4": ("/", "À attribuer dans mes secteurs"),
}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def test_every_demo_account_lands_on_its_page(app, demo):
    """One demo build for all accounts: building it is the slow part."""
    from tests.factories import login

    for username, (path, marker) in LANDINGS.items():
        client = app.test_client()
        login(client, username, DEMO_PASSWORD)
        response = client.get("/", follow_redirects=True)
        assert response.status_code == 200, username
        assert response.request.path == path, username
        assert marker in response.get_data(as_text=True), username


def test_gestionnaire_landing_shows_no_patient_names(app, demo, db):
    from sqlalchemy import select

    from rehab.models import Patient
    from tests.factories import login

    client = app.test_client()
    login(client, "gestionnaire", DEMO_PASSWORD)
    body = client.get("/").get_data(as_text=True)
    for name in db.scalars(select(Patient.nom_naissance)):
        assert name not in body
