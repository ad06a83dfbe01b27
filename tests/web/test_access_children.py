"""A child id under someone else's parent: the nested routes must check that the child belongs to the parent
named in the URL, for every role, so that a visible parent never opens (or edits) another parent's child."""

from __future__ import annotations

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import CommitteeItem, CommitteeMeeting, UploadedFile
from tests.factories import NOW, csrf_token, login, make_patient, make_programme, make_user

# Routes whose URL names a parent and one of its children; a new nested route fails the inventory test below
# until it is given a mismatched-child check here.
NESTED = {"dossier.download", "committee.item", "committee.save_item", "committee.remove_item"}
# Nested routes whose two ids are not parent and child (reference data, or the payments' own checks).
NOT_PARENT_CHILD = {"admin.protocol", "payments.statement", "indicators.programmes"}
OTHER = "XYLOPHAGE"


def _programme_with_upload(db, name: str, referent):  # type: ignore[no-untyped-def]
    patient = make_patient(db, nom_naissance=name, prenoms="Odile", department="31")
    programme = make_programme(db, patient, status=Status.EN_COURS, referent=referent)
    upload = UploadedFile(programme_id=programme.id, storage_path=f"uploads/2026/{name}", original_name=f"{name}.pdf",
                          content_type="application/pdf", size=1, sha256="0" * 64, uploaded_at=NOW)
    db.add(upload)
    db.flush()
    return programme, upload


def _meeting_with_item(db, programme):  # type: ignore[no-untyped-def]
    meeting = CommitteeMeeting(meeting_date=NOW.date(), location="Salle", created_at=NOW, updated_at=NOW)
    meeting.items.append(CommitteeItem(programme_id=programme.id, kind="plan"))
    db.add(meeting)
    db.flush()
    return meeting


def _refused(client, method: str, url: str) -> None:  # type: ignore[no-untyped-def]
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client), "version": "1"})
    assert response.status_code == 404, f"{method} {url} gave {response.status_code}"
    assert OTHER not in response.get_data(as_text=True).upper()


def test_every_nested_route_is_covered(app):
    nested = {rule.endpoint for rule in app.url_map.iter_rules() if len(rule.arguments) >= 2}
    assert nested - NOT_PARENT_CHILD == NESTED


def test_an_upload_of_another_programme_is_not_served_under_ones_own(app, db):
    owner = make_user(db, Role.REFERENT, sectors=("31",))
    mine, _ = _programme_with_upload(db, "MAPROPRE", owner)
    _, theirs = _programme_with_upload(db, OTHER, make_user(db, Role.REFERENT, sectors=("31",)))
    for user in (owner, make_user(db, Role.ASSISTANTE)):
        client = app.test_client()
        login(client, user)
        _refused(client, "GET", f"/programmes/{mine.id}/dossier/fichiers/{theirs.id}")


def test_a_committee_item_of_another_meeting_is_refused_under_ones_own(app, db):
    programme, _ = _programme_with_upload(db, "MAPROPRE", make_user(db, Role.REFERENT, sectors=("31",)))
    other_programme, _ = _programme_with_upload(db, OTHER, make_user(db, Role.REFERENT, sectors=("31",)))
    meeting, other = _meeting_with_item(db, programme), _meeting_with_item(db, other_programme)
    client = app.test_client()
    login(client, make_user(db, Role.COORDINATEUR))
    base = f"/comite/{meeting.id}/points/{other.items[0].id}"
    _refused(client, "GET", base)
    _refused(client, "POST", base)
    _refused(client, "POST", base + "/retirer")
    db.refresh(other)
    assert len(other.items) == 1  # nothing was removed through the wrong meeting
