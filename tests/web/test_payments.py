"""Payments through HTTP: due lines, batches, payment, cancellation, statement, exports, roles, privacy."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import AuditEvent, PaymentBatch, PaymentLine, PaymentLineSession, ProfessionalSession
from rehab.models.directory import Professional
from tests.factories import NOW, login, make_patient, make_programme, make_user, post

SECRET = "ZYGOMATIQUE"
CLINICAL_NOTE = "dyspnée stade 4 confidentielle"
_ids = itertools.count(1)


def make_pro(db, kind="kinesitherapeute", name="Paul Martin"):
    pro = Professional(kind=kind, name=name, preferred_channel="post", rpps="10001234567", city="Toulouse",
                       created_at=NOW, updated_at=NOW)
    db.add(pro)
    db.flush()
    return pro


def make_session(db, programme, pro, role="paramedical", on=None):
    row = ProfessionalSession(programme_id=programme.id, role=role, session_date=on or programme.d0,
                              professional_id=pro.id if pro else None, notes=CLINICAL_NOTE,
                              client_submission_id=f"00000000-0000-4000-9000-{next(_ids):012d}", recorded_at=NOW)
    db.add(row)
    db.flush()
    return row


@pytest.fixture
def world(db):
    gestionnaire = make_user(db, Role.GESTIONNAIRE, username="gest")
    coordinateur = make_user(db, Role.COORDINATEUR, username="coord")
    referent = make_user(db, Role.REFERENT, sectors=("31",), username="ref")
    admin = make_user(db, Role.ADMIN, username="admin1")
    patient = make_patient(db, nom_naissance=SECRET, prenoms="Berthe")
    programme = make_programme(db, patient, status=Status.EN_COURS, referent=referent, d0=date(2026, 1, 5))
    kine = make_pro(db)
    sessions = [make_session(db, programme, kine, on=programme.d0 + timedelta(weeks=i)) for i in range(7)]
    return {"gest": gestionnaire, "coord": coordinateur, "ref": referent, "admin": admin, "programme": programme,
            "kine": kine, "sessions": sessions}


def compute(client):
    return post(client, "/paiements/calculer", token_from="/paiements/", follow_redirects=True)


def due_ids(db):
    db.expire_all()
    return [line.id for line in db.scalars(select(PaymentLine).where(PaymentLine.status == "due"))]


def pay_all(client, db, reference="VIR-2026-001"):
    ids = due_ids(db)
    response = post(client, "/paiements/lots", {"line_id": [str(i) for i in ids]}, token_from="/paiements/")
    assert response.status_code == 302, response.get_data(as_text=True)
    batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = post(client, f"/paiements/lots/{batch_id}/payer", {"paid_on": "27/02/2026", "reference": reference},
                    token_from="/paiements/")
    assert response.status_code == 302, response.get_data(as_text=True)
    return batch_id


def test_due_lines_follow_the_caps_with_reasons_and_computing_twice_adds_nothing(client, db, world):
    login(client, world["gest"])
    page = compute(client).get_data(as_text=True)
    assert "6 nouvelle(s) ligne(s)" in page and "1 séance(s) ne donnent lieu à aucun paiement" in page
    assert "Séance initiale d&#39;évaluation, séance du 05/01/2026 (tarif 2020-04)" in page
    assert "180,00" in page  # total due to the kinésithérapeute
    assert "0 nouvelle(s) ligne(s)" in compute(client).get_data(as_text=True)
    db.expire_all()
    amounts = sorted(db.scalars(select(PaymentLine.amount)))
    assert amounts == [Decimal("26.00")] * 5 + [Decimal("50.00")]


def test_batch_needs_confirmation_then_is_paid_and_never_paid_twice(client, db, world):
    login(client, world["gest"])
    compute(client)
    ids = due_ids(db)
    confirm = post(client, "/paiements/lots/preparer", {"line_id": [str(i) for i in ids]}, token_from="/paiements/")
    assert "Confirmer la création du lot" in confirm.get_data(as_text=True)
    assert db.scalar(select(PaymentBatch.id)) is None  # nothing written before confirmation
    batch_id = pay_all(client, db)
    db.expire_all()
    assert {line.status for line in db.scalars(select(PaymentLine))} == {"paid"}
    # the same lines again (double submit, stale tab): refused, nothing changes
    again = post(client, "/paiements/lots", {"line_id": [str(i) for i in ids]}, token_from="/paiements/",
                 follow_redirects=True)
    assert "modifiée par quelqu&#39;un d&#39;autre" in again.get_data(as_text=True)
    repay = post(client, f"/paiements/lots/{batch_id}/payer", {"paid_on": "27/02/2026", "reference": "X"},
                 token_from="/paiements/")
    assert repay.status_code == 409 and "déjà été payé" in repay.get_data(as_text=True)
    assert "0 nouvelle(s) ligne(s)" in compute(client).get_data(as_text=True)
    assert db.scalar(select(PaymentBatch).where(PaymentBatch.id == batch_id)).reference == "VIR-2026-001"


def test_the_database_refuses_a_second_active_line_for_a_session(db, world):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    lines = [PaymentLine(programme_id=world["programme"].id, professional_id=world["kine"].id, forfait_code="x",
                         tariff_version="t", amount=Decimal("1"), reason="r", status="due", created_at=NOW)
             for _ in range(3)]
    db.add_all(lines)
    db.flush()
    conn, session_id = db.connection(), world["sessions"][0].id
    conn.execute(insert(PaymentLineSession).values(line_id=lines[0].id, session_id=session_id, active=True))
    savepoint = conn.begin_nested()
    with pytest.raises(IntegrityError):
        conn.execute(insert(PaymentLineSession).values(line_id=lines[1].id, session_id=session_id, active=True))
    savepoint.rollback()
    # a cancelled (inactive) link does not count: the session may be paid by a new line
    conn.execute(insert(PaymentLineSession).values(line_id=lines[2].id, session_id=session_id, active=False))


def test_pay_form_keeps_what_was_typed_on_a_bad_date_and_refuses_future(client, db, world):
    login(client, world["gest"])
    compute(client)
    response = post(client, "/paiements/lots", {"line_id": [str(i) for i in due_ids(db)]}, token_from="/paiements/")
    batch_url = response.headers["Location"]
    bad = post(client, f"{batch_url}/payer", {"paid_on": "31/02/2026", "reference": "VIR-XYZ"},
               token_from="/paiements/")
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Date invalide" in body and 'value="VIR-XYZ"' in body
    future = post(client, f"{batch_url}/payer", {"paid_on": "10/03/2026", "reference": "VIR-XYZ"},
                  token_from="/paiements/")
    assert future.status_code == 409 and "futur" in future.get_data(as_text=True)


def test_cancel_a_line_with_a_reason_frees_it_and_a_paid_line_cannot_be_cancelled(client, db, world):
    login(client, world["gest"])
    compute(client)
    first = due_ids(db)[0]
    page = client.get(f"/paiements/lignes/{first}/annuler").get_data(as_text=True)
    assert "Confirmer l'annulation" in page
    empty = post(client, f"/paiements/lignes/{first}/annuler", {"reason": ""}, token_from="/paiements/")
    assert empty.status_code == 400 and "motif" in empty.get_data(as_text=True)
    done = post(client, f"/paiements/lignes/{first}/annuler", {"reason": "Séance non réalisée"},
                token_from="/paiements/")
    assert done.status_code == 302
    db.expire_all()
    line = db.get(PaymentLine, first)
    assert line.status == "cancelled" and line.cancel_reason == "Séance non réalisée"
    assert db.scalars(select(PaymentLineSession.active).where(PaymentLineSession.line_id == first)).all() == [False]
    # not proposed again; the freed step goes to the 7th session, beyond the cap until now (180 € max kept)
    assert "1 nouvelle(s) ligne(s)" in compute(client).get_data(as_text=True)
    db.expire_all()
    linked = db.scalars(select(PaymentLineSession.session_id).where(PaymentLineSession.active)).all()
    assert world["sessions"][0].id not in linked and world["sessions"][6].id in linked
    assert sum(db.scalars(select(PaymentLine.amount).where(PaymentLine.status == "due"))) == Decimal("156.00")
    pay_all(client, db)
    paid = due_ids(db) or [db.scalar(select(PaymentLine.id).where(PaymentLine.status == "paid"))]
    refused = post(client, f"/paiements/lignes/{paid[0]}/annuler", {"reason": "x"}, token_from="/paiements/")
    assert refused.status_code == 409 and "payée ne peut pas" in refused.get_data(as_text=True)


def test_statement_pdf_lists_the_paid_lines_with_initials_only(client, db, world):
    login(client, world["gest"])
    compute(client)
    batch_id = pay_all(client, db)
    page = client.get(f"/paiements/lots/{batch_id}").get_data(as_text=True)
    assert "Télécharger le relevé de Paul Martin" in page
    response = client.get(f"/paiements/lots/{batch_id}/releve/{world['kine'].id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Relevé de paiement" in text and "Paul Martin" in text and "VIR-2026-001" in text
    assert "180,00" in text and "(BZ)" in text and SECRET not in text.upper()
    assert client.get(f"/paiements/lots/{batch_id}/releve/999999.pdf").status_code == 404


def test_exports_neutralise_formula_injection(client, db, world):
    world["kine"].name = "=HYPERLINK(\"http://evil\")"
    db.flush()
    login(client, world["gest"])
    compute(client)
    pay_all(client, db)
    body = client.get("/paiements/export.csv?statut=paid").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][1] == "Professionnel" and len(rows) == 7
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")" and rows[1][7] in {"50,00", "26,00"}
    book = load_workbook(io.BytesIO(client.get("/paiements/export.xlsx?statut=all").data))
    sheet = book["Paiements"]
    assert sheet.cell(row=2, column=2).value == "'=HYPERLINK(\"http://evil\")"
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert client.get("/paiements/export.csv?statut=bidon").status_code == 400


def test_gestionnaire_sees_no_clinical_content(client, db, world):
    login(client, world["gest"])
    compute(client)
    batch_id = pay_all(client, db)
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/paiements/", f"/paiements/lots/{batch_id}", f"/paiements/programmes/{world['programme'].id}",
        "/paiements/export.csv?statut=all")]
    for page in pages:
        assert SECRET not in page.upper() and CLINICAL_NOTE not in page
    assert f"n° {world['programme'].id} (BZ)" in pages[2] and "2\u202f300,00" in pages[2]
    assert "Paiements" in pages[0]  # the nav entry
    assert "Au-delà de 5 séances de suivi" in pages[2]  # the 7th session earns nothing, and the page says why
    db.expire_all()
    assert db.scalar(select(AuditEvent).where(AuditEvent.object_type == "programme_cost",
                                              AuditEvent.patient_id == world["programme"].patient_id))


def test_roles_coordinateur_reads_only_referent_and_admin_refused(client, db, world):
    login(client, world["gest"])
    compute(client)
    line_id = due_ids(db)[0]
    batch_id = pay_all(client, db)
    client = client.application.test_client()
    login(client, world["coord"])
    assert client.get("/paiements/").status_code == 200
    assert "Calculer les sommes dues" not in client.get("/paiements/").get_data(as_text=True)
    assert client.get(f"/paiements/lots/{batch_id}/releve/{world['kine'].id}.pdf").status_code == 200
    assert post(client, "/paiements/calculer", token_from="/paiements/").status_code == 403
    assert post(client, f"/paiements/lignes/{line_id}/annuler", {"reason": "x"},
                token_from="/paiements/").status_code == 403
    for who in ("ref", "admin"):
        other = client.application.test_client()
        login(other, world[who])
        for url in ("/paiements/", f"/paiements/lots/{batch_id}", f"/paiements/programmes/{world['programme'].id}",
                    f"/paiements/lots/{batch_id}/releve/{world['kine'].id}.pdf", "/paiements/export.csv",
                    f"/paiements/lignes/{line_id}/annuler"):
            assert other.get(url).status_code == 403, (who, url)
        assert post(other, f"/paiements/lots/{batch_id}/payer", {"paid_on": "01/02/2026", "reference": "x"}
                    ).status_code == 403


def test_unknown_objects_are_404(client, world):
    login(client, world["gest"])
    for url in ("/paiements/lots/999999", "/paiements/programmes/999999", "/paiements/lignes/999999/annuler"):
        assert client.get(url).status_code == 404


def test_cli_computes_due_lines_idempotently(runner, db, world):
    first = runner.invoke(args=["payments", "compute"])
    assert first.exit_code == 0, first.output
    assert "6 nouvelle(s) ligne(s) à payer ; 1 séance(s) sans paiement" in first.output
    assert "0 nouvelle(s) ligne(s)" in runner.invoke(args=["payments", "compute"]).output


def record_via_form(client, programme, pro, on: date, role: str = "paramedical"):
    """A consultation entered on the programme's « séances des professionnels » page, as the team does."""
    url = f"/programmes/{programme.id}/seances-professionnels"
    response = post(client, url, {"role": role, "session_date": on.strftime("%d/%m/%Y"),
                                  "professional_id": str(pro.id), "notes": "",
                                  "client_submission_id": f"00000000-0000-4000-8000-{next(_ids):012d}"},
                    token_from=url)
    assert response.status_code == 303, response.get_data(as_text=True)


def test_a_session_reported_late_never_takes_back_a_paid_rank_and_the_cap_holds(client, app, db):
    """Issue #8: D0+1, +2, +3 weeks paid 50, 26, 26; then a session dated D0 and three more are recorded: the
    late one takes the next free rank (26 €), not the initial 50 € again, and the total stays at 180 €."""
    gest, coord = make_user(db, Role.GESTIONNAIRE), make_user(db, Role.COORDINATEUR)
    programme = make_programme(db, make_patient(db), status=Status.EN_COURS, d0=date(2026, 1, 5))
    kine = make_pro(db)
    team = app.test_client()
    login(team, coord)
    for week in (1, 2, 3):
        record_via_form(team, programme, kine, programme.d0 + timedelta(weeks=week))
    login(client, gest)
    compute(client)
    pay_all(client, db)
    for week in (0, 4, 5, 6):
        record_via_form(team, programme, kine, programme.d0 + timedelta(weeks=week))
    page = compute(client).get_data(as_text=True)
    assert "3 nouvelle(s) ligne(s)" in page
    db.expire_all()
    lines = db.scalars(select(PaymentLine).where(PaymentLine.programme_id == programme.id)
                       .order_by(PaymentLine.id)).all()
    assert [str(line.amount) for line in lines] == ["50.00", "26.00", "26.00", "26.00", "26.00", "26.00"]
    assert sum(line.amount for line in lines) == Decimal("180.00")
    assert "Séance de suivi 3/5, séance du 05/01/2026" in lines[3].reason
    cost = client.get(f"/paiements/programmes/{programme.id}").get_data(as_text=True)
    assert "Au-delà de 5 séances de suivi" in cost  # the last one recorded earns nothing, and the page says why
