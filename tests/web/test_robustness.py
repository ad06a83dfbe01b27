"""Hostile or absurd input never reaches a server error: open redirects, huge ids, huge numbers,
tampered hidden fields."""

from __future__ import annotations

import time
import uuid

import pytest

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.services import home_forms
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.plan_factories import make_task


@pytest.fixture
def desk(app, db):
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE))
    return client


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0B/evil.example", "//evil.example", "/\\evil.example",
                                    "https://evil.example/"])
def test_directory_next_cannot_leave_the_site(desk, target):
    response = post(desk, f"/annuaire/nouveau?next={target}", {
        "kind": "medecin_traitant", "name": "Dr Test Redirection", "first_name": "", "last_name": "",
        "organisation": "", "rpps": "", "finess": "", "address": "1 rue Haute", "postal_code": "31000",
        "city": "Toulouse", "department": "", "phone": "", "email": "", "mssante": "", "preferred_channel": "post",
        "notes": ""}, token_from="/annuaire/nouveau")
    assert response.status_code == 302
    assert response.location.startswith("/annuaire/")


@pytest.mark.parametrize("url", ["/patients/1234567890123456789012345", "/programmes/99999999999999999999",
                                 "/taches/123456789012345678901/formulaire", "/comite/1234567890123456789"])
def test_huge_ids_in_urls_are_not_found(desk, url):
    assert desk.get(url).status_code == 404


@pytest.mark.parametrize("query", ["/patients/?page=99999999999999999999999",
                                   "/admin/journal?page=99999999999999999999999"])
def test_huge_numbers_in_queries_are_handled(app, db, query):
    client = app.test_client()
    login(client, make_user(db, Role.ASSISTANTE, Role.ADMIN))
    assert client.get(query).status_code < 500


@pytest.mark.parametrize("value", ["1e1000000", "1e999", "9" * 25])
def test_absurd_numbers_in_a_home_form_are_refused_quickly(app, db, value):
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, referent=referent)
    task = make_task(db, programme, due=NOW.date(), code="weekly_call", form="weekly_call")
    client = app.test_client()
    login(client, referent)
    started = time.monotonic()
    data = {"outcome": "reached", "sessions": value, "performed_on": "02/03/2026",
            "client_submission_id": str(uuid.uuid4()), "task_stamp": home_forms.stamp(task)}
    response = post(client, f"/taches/{task.id}/formulaire", data, token_from=f"/taches/{task.id}/formulaire")
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert "nombre" in response.get_data(as_text=True)


def test_tampered_version_field_is_not_a_server_error(desk, db):
    programme = make_programme(db, make_patient(db))
    response = post(desk, f"/programmes/{programme.id}/etape",
                    {"target": "dossier_complet", "version": "²", "reason": ""})
    assert response.status_code < 500
