"""Role × route matrix: every route that takes an object id refuses users without the right,
with no patient data in the body. New routes are picked up automatically from the URL map."""

from __future__ import annotations

import pytest

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import CommitteeItem, CommitteeMeeting, Notification, UploadedFile
from rehab.models.fleet import Ergocycle, ProviderOrder, Reservation  # fleet (issue 8)
from rehab.models.home_forms import FormSubmission, IntercurrentEvent  # home forms (issue 5)
from rehab.models.letters import Letter, LetterDispatch, LetterVersion  # letters (issue 6)
from rehab.models.organisation import Association  # fleet (issue 8)
from tests.factories import NOW, csrf_token, login, make_patient, make_programme, make_user
from tests.plan_factories import make_task

# How to fill each URL parameter; a route with an unknown parameter fails the test until it is added here.
PARAM_KINDS = {"patient_id": "patient", "programme_id": "programme", "user_id": "user",
               "referent_id": "referent", "task_id": "task", "upload_id": "upload",
               "submission_id": "submission", "event_id": "event"}
PARAM_KINDS |= {"meeting_id": "meeting", "item_id": "committee_item"}  # committee (issue 4b)
PARAM_KINDS |= {"notification_id": "notification"}  # in-app inbox (issue 7): the référent's own message
PARAM_KINDS |= {"unit_id": "ergocycle", "order_id": "provider_order"}  # fleet (issue 8)
PARAM_KINDS |= {"version_id": "letter_version", "dispatch_id": "letter_dispatch"}  # letters (issue 6)
# Protocol pages are reference data (no patient in them), open to admin, coordinateur and médecin:
# checked by test_protocol_pages_are_for_the_steering_roles below.
REFERENCE_ENDPOINTS = {"admin.protocols", "admin.protocol"}
# The calendar feed's token is its own credential: covered by tests/web/test_calendar.py.
SKIP_ENDPOINTS = {"static", "worklist.ics_feed"} | REFERENCE_ENDPOINTS
# The directory of professionals holds no patient data: role checks in tests/web/test_directory.py.
SKIP_ENDPOINTS |= {"directory.edit", "directory.merge"}
# Payments (issue 8) are the gestionnaire's (coordinateur read-only): no clinical content, programme numbers and
# patient initials only; référents and admin are refused — checked in tests/web/test_payments.py.
SKIP_ENDPOINTS |= {"payments.batch", "payments.pay", "payments.cancel", "payments.programme_cost",
                   "payments.statement"}
# Fleet units (issue 8) are inventory, not clinical: the administrateur may edit them (programme numbers only,
# never a name), a référent reads a unit serving his programme — checked in tests/web/test_fleet.py.
SKIP_ENDPOINTS |= {"fleet.unit", "fleet.set_status", "fleet.maintenance"}
# Indicator dashboards (issue 9): <family>/<figure> are catalogue keys, not objects; a référent of another sector
# rightly gets his own dashboard (200). Roles, scoping and the drill-down list: tests/web/test_indicators_pages.py.
SKIP_ENDPOINTS |= {"indicators.family", "indicators.programmes"}
SECRET_NAME = "ZYGOMATIQUE"


@pytest.fixture
def world(db):
    referent = make_user(db, Role.REFERENT, sectors=("31",), username="ref-owner")
    patient = make_patient(db, nom_naissance=SECRET_NAME, prenoms="Berthe", department="31")
    programme = make_programme(db, patient, status=Status.EN_COURS, referent=referent)
    task = make_task(db, programme, due=NOW.date())
    upload = UploadedFile(programme_id=programme.id, storage_path="uploads/2026/matrix", original_name="x.pdf",
                          content_type="application/pdf", size=1, sha256="0" * 64, uploaded_at=NOW)
    db.add(upload)
    # home forms (issue 5): a saved form and an intercurrent event of the programme
    submission = FormSubmission(programme_id=programme.id, task_id=task.id, form="weekly_call", payload={},
                                client_submission_id="00000000-0000-4000-8000-000000000001",
                                performed_on=NOW.date(), submitted_at=NOW)
    event = IntercurrentEvent(programme_id=programme.id, event_date=NOW.date(), nature="respiratory",
                              description="x", client_submission_id="00000000-0000-4000-8000-000000000002",
                              reported_at=NOW)
    db.add_all([submission, event])
    db.flush()
    meeting = CommitteeMeeting(meeting_date=NOW.date(), location="Salle", created_at=NOW, updated_at=NOW)
    meeting.items.append(CommitteeItem(programme_id=programme.id, kind="plan"))
    db.add(meeting)
    db.flush()
    notification = Notification(user_id=referent.id, created_at=NOW, title="Visite demain — programme",
                                body="Patient : B.Z.", link=f"/programmes/{programme.id}")
    db.add(notification)
    db.flush()
    # fleet (issue 8): a unit reserved for the programme and its delivery order
    unit = Ergocycle(serial_number="ERG-MATRIX", model="Kettler", association_id=None, status="reserved")
    unit.association = Association(name="Association matrice", short_name="AM")
    db.add(unit)
    db.flush()
    db.add(Reservation(ergocycle_id=unit.id, programme_id=programme.id, start_on=NOW.date(), end_on=NOW.date()))
    order = ProviderOrder(programme_id=programme.id, ergocycle_id=unit.id, kind="delivery", planned_on=NOW.date(),
                          window_end=NOW.date(), snapshot={"patient": SECRET_NAME}, created_at=NOW)
    db.add(order)
    db.flush()
    # letters (issue 6): a validated synthesis with one dispatch row naming the patient
    letter = Letter(programme_id=programme.id, kind="finale", state="validated", created_at=NOW)
    letter.versions.append(LetterVersion(number=1, state="validated", sections={"bilan": SECRET_NAME},
                                         created_at=NOW, updated_at=NOW))
    db.add(letter)
    db.flush()
    letter_dispatch = LetterDispatch(version_id=letter.versions[0].id, recipient_key="patient",
                                     recipient_name=SECRET_NAME, channel="post", status="failed")
    db.add(letter_dispatch)
    db.flush()
    outsiders = {
        "référent d'un autre secteur": make_user(db, Role.REFERENT, sectors=("34",)),
        "référent du même secteur, programme attribué à un autre": make_user(db, Role.REFERENT, sectors=("31",)),
        "gestionnaire": make_user(db, Role.GESTIONNAIRE),
        "administrateur": make_user(db, Role.ADMIN),
    }
    non_admins = {
        "référent": referent,
        "assistante": make_user(db, Role.ASSISTANTE),
        "coordinateur": make_user(db, Role.COORDINATEUR),
        "médecin directeur": make_user(db, Role.MEDECIN),
        "gestionnaire": outsiders["gestionnaire"],
    }
    return {"referent": referent, "patient": patient, "programme": programme, "task": task, "upload": upload,
            "submission": submission, "event": event,
            "meeting": meeting, "committee_item": meeting.items[0],
            "notification": notification,
            "letter_version": letter.versions[0], "letter_dispatch": letter_dispatch,
            "ergocycle": unit, "provider_order": order,
            "outsiders": outsiders,
            "non_admins": non_admins}


def _object_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or not rule.arguments:
            continue
        unknown = set(rule.arguments) - PARAM_KINDS.keys()
        assert not unknown, f"{rule.rule}: add {unknown} to PARAM_KINDS"
        yield rule


def _url(rule, world):
    values = {}
    for arg in rule.arguments:
        kind = PARAM_KINDS[arg]
        values[arg] = world["referent"].id if kind == "user" else world[kind].id
    return rule.build(values)[1]


def _assert_refused(client, rule, url, who):
    token = csrf_token(client)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": token, "target": "termine",
                                                             "version": "1", "reason": "x"})
        assert response.status_code in (403, 404), f"{who} got {response.status_code} on {method} {url}"
        body = response.get_data(as_text=True)
        assert SECRET_NAME not in body.upper(), f"{who} saw the patient's name on {method} {url}"
        assert "Berthe" not in body


def test_every_object_route_refuses_outsiders(app, world):
    rules = list(_object_rules(app))
    assert rules, "no object route found"
    for who, outsider in world["outsiders"].items():
        client = app.test_client()
        login(client, outsider)
        for rule in rules:
            if PARAM_KINDS[rule.arguments and sorted(rule.arguments)[0]] == "user":
                continue  # administration routes: checked below against every non-admin role
            _assert_refused(client, rule, _url(rule, world), who)


def test_admin_routes_refuse_every_other_role(app, world):
    admin_rules = [r for r in _object_rules(app) if "user_id" in r.arguments]
    admin_rules += [r for r in app.url_map.iter_rules()
                    if r.rule.startswith("/admin") and r.endpoint not in REFERENCE_ENDPOINTS]
    for who, user in world["non_admins"].items():
        client = app.test_client()
        login(client, user)
        for rule in admin_rules:
            _assert_refused(client, rule, _url(rule, world), who)


def test_owner_and_desk_roles_do_see_the_record(app, world, db):
    for user in (world["referent"], make_user(db, Role.ASSISTANTE), make_user(db, Role.MEDECIN)):
        client = app.test_client()
        login(client, user)
        for url in (f"/patients/{world['patient'].id}", f"/programmes/{world['programme'].id}"):
            response = client.get(url)
            assert response.status_code == 200
            assert SECRET_NAME in response.get_data(as_text=True)


def test_unassigned_programme_is_visible_to_its_sector_only(app, db):
    patient = make_patient(db, department="34")
    programme = make_programme(db, patient, status=Status.DEMANDE)
    inside, outside = make_user(db, Role.REFERENT, sectors=("34",)), make_user(db, Role.REFERENT, sectors=("31",))
    for user, expected in ((inside, 200), (outside, 404)):
        client = app.test_client()
        login(client, user)
        assert client.get(f"/programmes/{programme.id}").status_code == expected
        assert client.get(f"/patients/{patient.id}").status_code == expected


def test_patient_list_and_search_show_only_visible_patients(app, world, db):
    other = make_patient(db, nom_naissance="VISIBLEAILLEURS", department="34")
    make_programme(db, other)
    client = app.test_client()
    login(client, world["referent"])
    body = client.get("/patients/").get_data(as_text=True)
    assert SECRET_NAME in body and "VISIBLEAILLEURS" not in body
    body = client.get("/patients/?q=visibleailleurs").get_data(as_text=True)
    assert "VISIBLEAILLEURS" not in body


@pytest.mark.parametrize("role", [Role.GESTIONNAIRE, Role.ADMIN])
def test_non_clinical_roles_cannot_list_patients(app, db, role):
    client = app.test_client()
    login(client, make_user(db, role))
    assert client.get("/patients/").status_code == 403
    assert client.get("/patients/nouveau").status_code == 403


def test_referent_cannot_register_patients(app, db):
    client = app.test_client()
    login(client, make_user(db, Role.REFERENT, sectors=("31",)))
    assert client.get("/patients/nouveau").status_code == 403


def test_protocol_pages_are_for_the_steering_roles(app, db):
    for role, expected in ((Role.REFERENT, 403), (Role.ASSISTANTE, 403), (Role.GESTIONNAIRE, 403),
                           (Role.ADMIN, 200), (Role.COORDINATEUR, 200), (Role.MEDECIN, 200)):
        client = app.test_client()
        login(client, make_user(db, role))
        for url in ("/admin/protocoles", "/admin/protocoles/rehab_domicile/v1"):
            assert client.get(url).status_code == expected, (role, url)
