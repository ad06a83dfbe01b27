"""The tariff table through HTTP: versions with effective dates, a new version from a future date priced at
D0, never a version in force or used by payments changed, roles; and salaried professionals paid nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import PaymentLine, ProfessionalSession
from rehab.models.directory import Professional
from rehab.models.payments import TariffVersion
from tests.factories import NOW, login, make_patient, make_programme, make_user, post
from tests.web.test_payments import make_pro, make_session, record_via_form

URL = "/paiements/tarifs"
FUTURE = date(2026, 6, 1)  # the tests' today is 02/03/2026


def _page(response) -> str:
    """The page's text with French number spacing (narrow / non-breaking spaces) made plain."""
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")


def _amounts(**over: list[str]) -> dict[str, str]:
    """The form as the screen fills it (the 2020-04 amounts), with some forfaits' amounts replaced."""
    steps = {"medecin_traitant": ["50"], "pneumologue": ["50"], "paramedical": ["50"] + ["26"] * 5,
             "dieteticien": ["45", "30", "30", "45"], "psychologue_tabacologue": ["45", "45", "60"]}
    steps.update(over)
    return {f"montant-{code}-{i}": value for code, values in steps.items() for i, value in enumerate(values)}


def _new_version(client, *, version="2026-06", effective="01/06/2026", lump_sum="2 400", **over):
    data = {"version": version, "effective_from": effective, "lump_sum": lump_sum, "note": "Avenant n° 3",
            **_amounts(**over)}
    return post(client, URL, data, token_from=URL)


@pytest.fixture
def gestionnaire(db, client):
    user = make_user(db, Role.GESTIONNAIRE)
    login(client, user)
    return user


def test_the_screen_shows_the_seeded_version_in_force_with_its_caps(client, db, gestionnaire):
    body = _page(client.get(URL))
    assert "Version 2020-04" in body and "En vigueur" in body and "17/04/2020" in body
    assert "2 300,00 €" in body and "580,00 €" in body and "180,00 € (6 séance(s))" in body
    assert 'name="montant-paramedical-5" value="26"' in body  # the new version starts from the latest amounts
    assert "Tarifs des forfaits" in client.get("/paiements/").get_data(as_text=True)


def test_a_new_version_applies_to_programmes_whose_d0_is_after_its_effective_date(client, db, gestionnaire):
    response = _new_version(client, paramedical=["55"] + ["28,50"] * 5)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    row = db.scalar(select(TariffVersion).where(TariffVersion.version == "2026-06"))
    assert row.effective_from == FUTURE and row.lump_sum == Decimal("2400.00") and row.created_by_id is not None
    body = _page(client.get(URL))
    assert "Version 2026-06" in body and "À venir" in body and "Avenant n° 3" in body
    assert "(197,50 € au plus)" in body  # the label quotes the new cap (55 + 5 × 28,50)
    kine = make_pro(db)
    before = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=date(2026, 5, 29))
    after = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=FUTURE)
    for programme in (before, after):
        make_session(db, programme, kine)
    assert post(client, "/paiements/calculer", token_from="/paiements/").status_code == 302
    lines = {line.programme_id: line for line in db.scalars(select(PaymentLine))}
    assert (lines[before.id].amount, lines[before.id].tariff_version) == (Decimal("50.00"), "2020-04")
    assert (lines[after.id].amount, lines[after.id].tariff_version) == (Decimal("55.00"), "2026-06")
    body = _page(client.get(f"/paiements/programmes/{after.id}"))
    assert "2026-06" in body and "2 400,00 €" in body


def test_a_version_in_force_or_in_the_past_is_never_changed_and_bad_input_keeps_what_was_typed(
        client, db, gestionnaire):
    response = _new_version(client, effective="02/03/2026")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "date future" in body and 'value="2026-06"' in body
    response = _new_version(client, dieteticien=["45", "trente", "30", "45"])
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Montant invalide" in body and "trente" in body
    response = _new_version(client, version="=1+1")
    assert response.status_code == 400 and "Lettres, chiffres" in response.get_data(as_text=True)
    response = _new_version(client, effective="31/02/2026")
    assert response.status_code == 400 and "Date invalide" in response.get_data(as_text=True)
    assert _new_version(client).status_code == 302
    response = _new_version(client, version="2026-06-bis")
    assert response.status_code == 400 and "déjà effet le 01/06/2026" in response.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(TariffVersion).where(TariffVersion.version == "2020-04")).lump_sum == Decimal("2300")
    assert len(db.scalars(select(TariffVersion)).all()) == 2


def test_only_a_future_unused_version_may_be_withdrawn_after_confirmation(client, db, gestionnaire):
    assert _new_version(client).status_code == 302
    db.expire_all()
    future = db.scalar(select(TariffVersion).where(TariffVersion.version == "2026-06"))
    seeded = db.scalar(select(TariffVersion).where(TariffVersion.version == "2020-04"))
    response = post(client, f"{URL}/retirer", {"tariff_id": future.id}, token_from=URL)
    assert response.status_code == 400 and "Cochez la confirmation" in response.get_data(as_text=True)
    response = post(client, f"{URL}/retirer", {"tariff_id": seeded.id, "confirm": "y"}, token_from=URL)
    assert response.status_code == 409 and "déjà en vigueur" in response.get_data(as_text=True)
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=FUTURE)
    line = PaymentLine(programme_id=programme.id, professional_id=make_pro(db).id, forfait_code="paramedical",
                       tariff_version="2026-06", amount=Decimal("1"), reason="r", status="cancelled", created_at=NOW)
    db.add(line)
    db.flush()
    response = post(client, f"{URL}/retirer", {"tariff_id": future.id, "confirm": "y"}, token_from=URL)
    assert response.status_code == 409 and "a servi à calculer des paiements" in response.get_data(as_text=True)
    db.delete(line)
    db.flush()
    assert post(client, f"{URL}/retirer", {"tariff_id": future.id, "confirm": "y"}, token_from=URL).status_code == 302
    db.expire_all()
    assert db.scalar(select(TariffVersion.id).where(TariffVersion.version == "2026-06")) is None


def test_admin_edits_tariffs_coordinateur_reads_and_clinical_roles_are_refused(app, db):
    admin, coordinateur, referent = app.test_client(), app.test_client(), app.test_client()
    login(admin, make_user(db, Role.ADMIN))
    login(coordinateur, make_user(db, Role.COORDINATEUR))
    login(referent, make_user(db, Role.REFERENT))
    assert f'href="{URL}">Tarifs</a>' in admin.get(URL).get_data(as_text=True)  # in the administrateur's menu
    assert _new_version(admin).status_code == 302
    body = coordinateur.get(URL).get_data(as_text=True)
    assert "Version 2026-06" in body and "Nouvelle version" not in body
    assert _new_version(coordinateur, version="x", effective="01/07/2026").status_code == 403
    assert referent.get(URL).status_code == 403


def test_a_salaried_professional_flagged_in_the_directory_is_paid_no_forfait(client, db, gestionnaire):
    desk = make_user(db, Role.ASSISTANTE)
    desk_client = client.application.test_client()
    login(desk_client, desk)
    psy = make_pro(db, kind="psychologue", name="Mme Hôpital")
    liberal = make_pro(db, kind="psychologue", name="M. Libéral")
    form = {"kind": "psychologue", "name": "Mme Hôpital", "preferred_channel": "post", "department": "31",
            "version": str(psy.version), "salaried": "y"}
    url = f"/annuaire/{psy.id}"
    assert post(desk_client, url, form, token_from=url).status_code == 302
    db.expire_all()
    assert db.get(Professional, psy.id).salaried is True
    box = next(tag for tag in desk_client.get(url).get_data(as_text=True).split("<input") if 'name="salaried"' in tag)
    assert "checked" in box.split(">")[0]
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=date(2026, 1, 5))
    make_session(db, programme, db.get(Professional, psy.id), role="psychologue")
    make_session(db, programme, liberal, role="psychologue", on=programme.d0 + timedelta(weeks=2))
    assert post(client, "/paiements/calculer", token_from="/paiements/").status_code == 302
    lines = db.scalars(select(PaymentLine).where(PaymentLine.programme_id == programme.id)).all()
    assert [(line.professional_id, line.amount) for line in lines] == [(liberal.id, Decimal("45.00"))]
    assert "Consultation de suivi" in lines[0].reason  # the salaried initial consultation took its rank
    body = client.get(f"/paiements/programmes/{programme.id}").get_data(as_text=True)
    assert "Professionnel salarié (ex. hospitalier)" in body
    assert "Mme Hôpital" not in client.get("/paiements/").get_data(as_text=True)


def test_removing_the_salaried_flag_later_does_not_make_past_sessions_payable(client, db, gestionnaire):
    """Issue #8: the session keeps the flag its professional had when it was recorded."""
    desk = client.application.test_client()
    login(desk, make_user(db, Role.ASSISTANTE))
    psy = make_pro(db, kind="psychologue", name="Mme Hôpital")
    url = f"/annuaire/{psy.id}"
    form = {"kind": "psychologue", "name": "Mme Hôpital", "preferred_channel": "post", "department": "31"}
    assert post(desk, url, {**form, "version": str(psy.version), "salaried": "y"}, token_from=url).status_code == 302
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=date(2026, 1, 5))
    record_via_form(desk, programme, psy, programme.d0, role="psychologue")
    db.expire_all()
    assert db.scalar(select(ProfessionalSession.salaried).where(
        ProfessionalSession.programme_id == programme.id)) is True
    # she leaves the hospital: the flag is removed; her next consultation is hers to be paid, not the past one
    assert post(desk, url, {**form, "version": str(db.get(Professional, psy.id).version)},
                token_from=url).status_code == 302
    record_via_form(desk, programme, psy, programme.d0 + timedelta(weeks=2), role="psychologue")
    assert post(client, "/paiements/calculer", token_from="/paiements/").status_code == 302
    db.expire_all()
    lines = db.scalars(select(PaymentLine).where(PaymentLine.programme_id == programme.id)).all()
    assert [line.amount for line in lines] == [Decimal("45.00")]  # only the consultation after the change,
    assert "séance du 19/01/2026" in lines[0].reason  # and the salaried first one kept its rank (unpaid)
    body = client.get(f"/paiements/programmes/{programme.id}").get_data(as_text=True)
    assert "Professionnel salarié (ex. hospitalier)" in body


def test_a_programme_keeps_the_tariff_of_its_first_line_when_its_d0_moves_across_an_effective_date(
        client, db, gestionnaire):
    """Issue #8: lines once came out [('50.00', '2020-04'), ('36.00', '2026-06')] for one programme."""
    assert _new_version(client, paramedical=["60"] + ["36"] * 5).status_code == 302
    kine = make_pro(db)
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=date(2026, 5, 25))
    make_session(db, programme, kine)
    assert post(client, "/paiements/calculer", token_from="/paiements/").status_code == 302
    programme.d0 = date(2026, 6, 8)  # the D0 moved past the new version's effective date
    db.flush()
    make_session(db, programme, kine, on=date(2026, 6, 15))
    assert post(client, "/paiements/calculer", token_from="/paiements/").status_code == 302
    db.expire_all()
    lines = db.scalars(select(PaymentLine).where(PaymentLine.programme_id == programme.id)
                       .order_by(PaymentLine.id)).all()
    assert [(str(line.amount), line.tariff_version) for line in lines] == [("50.00", "2020-04"),
                                                                           ("26.00", "2020-04")]
    body = _page(client.get(f"/paiements/programmes/{programme.id}"))
    assert "2 300,00 €" in body and "2 400,00 €" not in body
