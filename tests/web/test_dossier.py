"""The demande and its dossier through HTTP: referral, chase tasks, pieces with scans (and the upload
checks), completeness and the délai, eligibility blocks, the médecin directeur's decision, and D0's guard."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Dossier, Professional, Programme, Task, UploadedFile
from rehab.services import dossier as dossier_service
from rehab.services import plans
from rehab.services.errors import ServiceError
from tests.factories import NOW, login, make_patient, make_programme, make_user, post

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ALL_GOOD = {"c_adulte_occitanie": "oui", "c_incapacite": "oui", "c_etat_stable": "oui", "c_bilan_pneumo": "oui",
            "c_traitement_optimise": "oui", "c_limitations": "oui", "c_age_mineur": "non", "c_instabilite": "non",
            "c_contre_indication_cv": "non", "c_osteo_articulaire": "non", "c_psychiatrique": "non",
            "c_pas_de_telephone": "non", "c_pas_d_electricite": "non", "c_deficience_sensorielle": "non",
            "c_opposition_medecin_traitant": "non"}


class Setting:
    def __init__(self, app, db):
        self.db = db
        self.desk_user = make_user(db, Role.ASSISTANTE, full_name="Sonia Assistante")
        self.doctor_user = make_user(db, Role.MEDECIN, full_name="Dr Directeur")
        self.gp = Professional(kind="medecin_traitant", name="Dr Jean Souleil", preferred_channel="post",
                               created_at=NOW, updated_at=NOW)
        self.pneumo = Professional(kind="pneumologue", name="Dr Anne Estrade", preferred_channel="post",
                                   city="Toulouse", created_at=NOW, updated_at=NOW)
        for pro in (self.gp, self.pneumo):
            pro.refresh_search_key()
            db.add(pro)
        db.flush()
        self.patient = make_patient(db, nom_naissance="CASTANIER", medecin_traitant_id=self.gp.id)
        self.programme = make_programme(db, self.patient)
        self.desk, self.doctor = app.test_client(), app.test_client()
        login(self.desk, self.desk_user)
        login(self.doctor, self.doctor_user)

    @property
    def base(self) -> str:
        return f"/programmes/{self.programme.id}/dossier"

    def open(self, **overrides):
        data = {"referral_date": "02/02/2026", "channel": "medimail", "origin": "pneumologue",
                "prescriber_id": str(self.pneumo.id), "notes": "", **overrides}
        return post(self.desk, self.base, data)

    def piece(self, code, day, file=None, name="scan.pdf"):
        data = {"code": code, "received_on": day}
        if file is not None:
            data["file"] = (io.BytesIO(file), name)
        return post(self.desk, f"{self.base}/piece", data, content_type="multipart/form-data")

    def complete(self):
        for code, day in (("prescription", "02/02/2026"), ("efr", "20/02/2026"), ("gazometrie", "09/02/2026"),
                          ("epreuve_effort", "12/02/2026")):
            assert self.piece(code, day).status_code == 302

    def dossier(self) -> Dossier:
        self.db.expire_all()
        return self.db.scalar(select(Dossier).where(Dossier.programme_id == self.programme.id))

    def chase_tasks(self) -> list[Task]:
        self.db.expire_all()
        return list(self.db.scalars(select(Task).where(Task.programme_id == self.programme.id,
                                                       Task.code == "dossier_piece_chase").order_by(Task.occurrence)))

    def status(self) -> str:
        self.db.expire_all()
        return self.db.get(Programme, self.programme.id).status


@pytest.fixture
def s(app, db):
    return Setting(app, db)


def test_referral_opens_the_dossier_with_a_chase_task_per_missing_piece(s):
    assert s.open().status_code == 302
    dossier = s.dossier()
    assert (dossier.channel, dossier.origin, dossier.prescriber_id) == ("medimail", "pneumologue", s.pneumo.id)
    assert dossier.referral_date == date(2026, 2, 2) and s.db.get(Programme, s.programme.id).referral_date
    tasks = s.chase_tasks()
    assert [(t.occurrence, t.batch, t.role, t.kind, t.state) for t in tasks] == [
        (i, -1, "assistante", "admin", "planned") for i in (1, 2, 3, 4)]
    assert tasks[1].label == "Relancer la pièce manquante « EFR / spirométrie »"
    assert tasks[0].due_date == date(2026, 3, 9)
    page = s.desk.get(s.base).get_data(as_text=True)
    assert "4 pièce(s) manquante(s)" in page and "Dr Anne Estrade" in page


def test_referral_bad_input_keeps_what_was_typed(s):
    response = s.open(referral_date="31/02/2026", notes="Appel du Dr Estrade")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Date invalide" in body and "Appel du Dr Estrade" in body
    future = s.open(referral_date="10/03/2026")
    assert future.status_code == 400 and "futur" in future.get_data(as_text=True)
    assert s.dossier() is None


def test_piece_received_with_pdf_closes_its_chase_task_and_stores_under_random_name(s, app):
    s.open()
    response = s.piece("efr", "20/02/2026", PDF, name="EFR Mme Castanier.pdf")
    assert response.status_code == 302
    dossier = s.dossier()
    efr = next(p for p in dossier.pieces if p.code == "efr")
    assert efr.received_on == date(2026, 2, 20) and efr.file is not None
    assert efr.file.original_name == "EFR_Mme_Castanier.pdf"
    assert efr.file.storage_path.startswith("uploads/2026/") and "EFR" not in efr.file.storage_path
    stored = Path(app.config["INSTANCE_FILES"]) / efr.file.storage_path
    assert stored.read_bytes() == PDF
    states = [t.state for t in s.chase_tasks()]
    assert states == ["planned", "done", "planned", "planned"]
    download = s.desk.get(f"{s.base}/fichiers/{efr.file_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "EFR_Mme_Castanier.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"MZ\x90\x00\x03" + b"\x00" * 60, "programme.pdf", "ne correspond pas à son extension"),
    (b"Bonjour, voici le compte rendu.", "compte-rendu.txt", "seuls les PDF, JPEG et PNG"),
    (PNG, "image.pdf", "ne correspond pas à son extension"),
    (b"%PDF-1.4\n" + b"0" * 3000, "gros.pdf", "Fichier trop volumineux"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(s, app, content, name, message):
    app.config["UPLOAD_MAX_BYTES"] = 2048
    s.open()
    response = s.piece("gazometrie", "09/02/2026", content, name=name)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert 'value="2026-02-09"' in body or "09/02/2026" in body  # the typed date is kept
    assert s.db.scalar(select(UploadedFile.id)) is None
    uploads_dir = Path(app.config["INSTANCE_FILES"]) / "uploads"
    assert not uploads_dir.exists() or not [p for p in uploads_dir.rglob("*") if p.is_file()]
    assert all(p.received_on is None for p in s.dossier().pieces)


def test_a_traversal_name_is_only_a_label(s, app):
    s.open()
    assert s.piece("prescription", "02/02/2026", PDF, name="../../x.pdf").status_code == 302
    upload = s.db.scalar(select(UploadedFile))
    assert upload.original_name == "x.pdf"
    root = Path(app.config["INSTANCE_FILES"])
    assert (root / upload.storage_path).resolve().parent == (root / "uploads" / "2026").resolve()
    assert not (root.parent / "x.pdf").exists() and not (root.parent.parent / "x.pdf").exists()


def test_files_are_served_to_clinical_roles_of_the_programme_only(s, app, db):
    s.open()
    s.piece("prescription", "02/02/2026", PDF)
    upload = s.db.scalar(select(UploadedFile))
    url = f"{s.base}/fichiers/{upload.id}"
    for role, expected in ((Role.GESTIONNAIRE, 403), (Role.ADMIN, 403)):
        client = app.test_client()
        login(client, make_user(db, role))
        assert client.get(url).status_code == expected
    other = make_programme(db, make_patient(db))
    assert s.desk.get(f"/programmes/{other.id}/dossier/fichiers/{upload.id}").status_code == 404


def test_last_piece_makes_the_dossier_complete_on_its_date_through_the_state_machine(s):
    s.open()
    s.complete()
    dossier = s.dossier()
    assert dossier.complete_on == date(2026, 2, 20)
    assert s.status() == Status.DOSSIER_COMPLET.value
    programme = s.db.get(Programme, s.programme.id)
    assert programme.transitions[-1].reason == "Dernière pièce reçue le 20/02/2026"
    assert all(t.state == "done" for t in s.chase_tasks())
    page = s.desk.get(s.base).get_data(as_text=True)
    assert "Dossier complet depuis 10 jour(s), J0 non fixé — objectif ≤ 28 jours (4 semaines)" in page
    assert dossier_service.dossier_complete_on(s.db, programme) == date(2026, 2, 20)


def test_relance_counts_and_pushes_the_chase_task_back(s):
    s.open()
    assert post(s.desk, f"{s.base}/relance", {"code": "gazometrie"}).status_code == 302
    piece = next(p for p in s.dossier().pieces if p.code == "gazometrie")
    assert piece.chase_count == 1 and piece.last_chased_on == date(2026, 3, 2)
    assert s.chase_tasks()[2].due_date == date(2026, 3, 9)
    s.piece("gazometrie", "01/03/2026")
    refused = post(s.desk, f"{s.base}/relance", {"code": "gazometrie"})
    assert refused.status_code == 409 and "déjà été reçue" in refused.get_data(as_text=True)


def _eligibility(s, client=None, **answers):
    return post(client or s.doctor, f"{s.base}/eligibilite", {**ALL_GOOD, **answers})


def _decide(s, decision, **extra):
    return post(s.doctor, f"{s.base}/decision", {"decision": decision, "patient_choice": "domicile", **extra})


def test_validation_by_the_medecin_directeur_when_eligible(s):
    s.open()
    s.complete()
    assert _eligibility(s).status_code == 302
    response = _decide(s, "valide")
    assert response.status_code == 302
    assert s.status() == Status.VALIDE.value
    dossier = s.dossier()
    assert dossier.decision == "valide" and dossier.patient_choice == "domicile"
    assert dossier.decided_by_id == s.doctor_user.id
    page = s.doctor.get(f"{s.base}/decision").get_data(as_text=True)
    assert "Étape suivante" in page and ("Inscrire au prochain comité" in page or "Ouvrir le programme" in page)


def test_validation_is_for_the_medecin_directeur_only(s, app, db):
    s.open()
    s.complete()
    _eligibility(s)
    for role in (Role.ASSISTANTE, Role.COORDINATEUR, Role.REFERENT):
        client = app.test_client()
        login(client, make_user(db, role, sectors=("31",)))
        assert post(client, f"{s.base}/decision", {"decision": "valide"}).status_code == 403
    with pytest.raises(ServiceError, match="réservée au médecin directeur"):
        dossier_service.decide(db, dossier=s.dossier(), decision="valide", reason="", patient_choice=None,
                               pieces_to_redo=[], expected_version=None, user=s.desk_user, now=NOW,
                               today=NOW.date(), ip=None)
    assert s.status() == Status.DOSSIER_COMPLET.value


def test_an_exclusion_blocks_validation(s):
    s.open()
    s.complete()
    _eligibility(s, c_contre_indication_cv="oui")
    response = _decide(s, "valide")
    assert response.status_code == 409
    assert "Critère d&#39;exclusion présent : Contre-indication cardio-vasculaire" in response.get_data(as_text=True)
    assert s.status() == Status.DOSSIER_COMPLET.value


def test_an_unanswered_checklist_blocks_validation(s):
    s.open()
    s.complete()
    response = _decide(s, "valide")
    assert response.status_code == 409 and "Critère non renseigné" in response.get_data(as_text=True)


def test_the_relative_exclusion_is_lifted_by_a_named_carer(s):
    s.open()
    s.complete()
    _eligibility(s, c_deficience_sensorielle="oui")
    assert _decide(s, "valide").status_code == 409
    _eligibility(s, c_deficience_sensorielle="oui", carer_name="Marcel Castanier (époux)")
    assert s.dossier().carer_name == "Marcel Castanier (époux)"
    page = s.doctor.get(f"{s.base}/eligibilite").get_data(as_text=True)
    assert "levé par la présence de l&#39;aidant Marcel Castanier (époux)" in page
    assert _decide(s, "valide").status_code == 302


def test_gp_opposition_blocks_unless_he_is_the_prescriber(s):
    s.open()
    s.complete()
    _eligibility(s, c_opposition_medecin_traitant="oui", carer_name="quelqu'un")
    blocked = _decide(s, "valide")
    assert blocked.status_code == 409 and "Opposition du médecin traitant" in blocked.get_data(as_text=True)
    # The same GP as prescriber: his « opposition » does not count.
    s.open(origin="medecin_traitant", prescriber_id=str(s.gp.id), version=str(s.dossier().version))
    assert _decide(s, "valide").status_code == 302


def test_ask_for_more_goes_back_to_demande_and_chases_the_piece_again(s):
    s.open()
    s.complete()
    response = _decide(s, "complements", reason="EFR de plus de 6 mois", pieces_to_redo="efr")
    assert response.status_code == 302
    assert s.status() == Status.DEMANDE.value
    dossier = s.dossier()
    assert dossier.complete_on is None and dossier.decision == "complements"
    assert dossier.decision_reason == "EFR de plus de 6 mois; pièces à redemander : EFR / spirométrie"
    assert [t.state for t in s.chase_tasks()] == ["done", "planned", "done", "done"]
    s.piece("efr", "01/03/2026")
    assert s.status() == Status.DOSSIER_COMPLET.value and s.dossier().complete_on == date(2026, 3, 1)


def test_ask_for_more_needs_to_say_what(s):
    s.open()
    s.complete()
    response = _decide(s, "complements")
    assert response.status_code == 409 and "Précisez ce qui manque" in response.get_data(as_text=True)


def test_reorientation_needs_a_reason_and_records_the_patient_choice(s):
    s.open()
    s.complete()
    refused = _decide(s, "reoriente", patient_choice="ssr")
    assert refused.status_code == 409 and "motif de la réorientation" in refused.get_data(as_text=True)
    assert _decide(s, "reoriente", patient_choice="ssr", reason="Angor instable : SSR").status_code == 302
    assert s.status() == Status.REORIENTE.value
    assert s.dossier().patient_choice == "ssr"


def test_a_patient_preferring_ssr_is_not_validated_for_home(s):
    s.open()
    s.complete()
    _eligibility(s)
    response = _decide(s, "valide", patient_choice="ssr")
    assert response.status_code == 409 and "respectez son choix" in response.get_data(as_text=True)


def test_d0_cannot_be_fixed_before_the_dossier_is_complete(s, db):
    s.open()
    s.piece("prescription", "02/02/2026")
    db.expire_all()
    programme = db.get(Programme, s.programme.id)
    programme.status = Status.VALIDE.value  # an inconsistent legacy state: the guard still holds
    db.flush()
    with pytest.raises(ServiceError, match=r"Le dossier n'est pas complet : 3 pièce\(s\) manquante\(s\)"):
        plans.fix_d0(db, programme=programme, d0=date(2026, 3, 9), user=s.desk_user, now=NOW, today=NOW.date())
    response = post(s.desk, f"/programmes/{programme.id}/j0", {"d0": "09/03/2026"})
    assert response.status_code == 409 and "pas complet" in response.get_data(as_text=True)


def test_d0_after_validation_generates_the_plan_despite_the_chase_tasks(s, db):
    s.open()
    s.complete()
    _eligibility(s)
    _decide(s, "valide")
    response = post(s.desk, f"/programmes/{s.programme.id}/j0", {"d0": "09/03/2026"})
    assert response.status_code == 302
    db.expire_all()
    programme = db.get(Programme, s.programme.id)
    assert programme.status == Status.PLANIFIE.value and programme.d0 == date(2026, 3, 9)
    assert db.scalar(select(Task.id).where(Task.programme_id == programme.id, Task.batch == 0)) is not None
    page = s.desk.get(s.base).get_data(as_text=True)
    assert "Délai dossier complet → J0 : 17 jour(s)" in page


def test_programmes_without_a_dossier_are_unaffected(db):
    programme = make_programme(db, make_patient(db), status=Status.VALIDE)
    desk = make_user(db, Role.ASSISTANTE)
    assert dossier_service.dossier_complete_on(db, programme) is None
    plans.fix_d0(db, programme=programme, d0=date(2026, 3, 9), user=desk, now=NOW, today=NOW.date())
    assert programme.d0 == date(2026, 3, 9)


def test_referent_reads_the_dossier_but_cannot_record_pieces(s, app, db):
    s.open()
    referent = make_user(db, Role.REFERENT, sectors=("31",))
    client = app.test_client()
    login(client, referent)
    assert client.get(s.base).status_code == 200
    assert post(client, f"{s.base}/piece", {"code": "efr", "received_on": "20/02/2026"}).status_code == 403
    assert client.get(f"{s.base}/decision").status_code == 403


def test_guard_for_the_generic_status_buttons(s, db):
    programme = db.get(Programme, s.programme.id)
    dossier_service.guard_transition(db, programme, Status.DOSSIER_COMPLET)  # no dossier yet: unaffected
    s.open()
    db.expire_all()
    with pytest.raises(ServiceError, match="4 pièce"):
        dossier_service.guard_transition(db, programme, Status.DOSSIER_COMPLET)
    s.complete()
    db.expire_all()
    with pytest.raises(ServiceError, match="Critère non renseigné"):
        dossier_service.guard_transition(db, programme, Status.VALIDE)
    _eligibility(s)
    db.expire_all()
    dossier_service.guard_transition(db, programme, Status.VALIDE)


def test_chase_tasks_reach_the_assistante_worklist(s, db):
    s.open()
    task = s.chase_tasks()[0]
    task.due_date = task.window_end = task.window_start = NOW.date()  # due today
    db.flush()
    page = s.desk.get("/ma-journee").get_data(as_text=True)
    assert "Relancer la pièce manquante « Prescription et fiche navette »" in page


def test_complements_without_pieces_then_redeclared_complete(s):
    s.open()
    s.complete()
    assert _decide(s, "complements", reason="Compte rendu d'hospitalisation attendu").status_code == 302
    assert s.status() == Status.DEMANDE.value
    page = s.desk.get(s.base).get_data(as_text=True)
    assert "Compléments reçus : dossier complet" in page
    assert post(s.desk, f"{s.base}/complet", {}).status_code == 302
    assert s.status() == Status.DOSSIER_COMPLET.value
    assert s.dossier().complete_on == date(2026, 3, 2)  # the délai restarts when the complement arrives


def test_prescriber_picker_works_without_javascript(s):
    page = s.desk.get(f"{s.base}?prescripteur=estrade").get_data(as_text=True)
    assert f'<option value="{s.pneumo.id}">Dr Anne Estrade — Pneumologue, Toulouse</option>' in page
    assert "Dr Jean Souleil" not in page


def test_open_chases_can_be_cancelled_when_the_demande_stops(s, db):
    s.open()
    s.piece("efr", "20/02/2026")
    programme = db.get(Programme, s.programme.id)
    assert dossier_service.cancel_open_chases(db, programme=programme, reason="Demande interrompue", now=NOW) == 3
    assert [t.state for t in s.chase_tasks()] == ["cancelled", "done", "cancelled", "cancelled"]


def test_a_refused_piece_leaves_no_file_behind(s, app):
    s.open()
    response = s.piece("efr", "02/02/2024", PDF)  # two years before the demande: refused by the service
    assert response.status_code == 400 and "trop ancienne" in response.get_data(as_text=True)
    assert s.db.scalar(select(UploadedFile.id)) is None
    uploads_dir = Path(app.config["INSTANCE_FILES"]) / "uploads"
    assert not uploads_dir.exists() or not [p for p in uploads_dir.rglob("*") if p.is_file()]


def test_generic_status_buttons_respect_the_dossier(s, app, db):
    """« Déclarer le dossier complet » on the programme page is refused while pieces are missing, and
    interrupting the demande cancels its chase tasks."""
    s.open()
    db.expire_all()
    version = db.get(Programme, s.programme.id).version
    response = post(s.desk, f"/programmes/{s.programme.id}/etape",
                    {"target": "dossier_complet", "version": str(version), "reason": ""})
    assert response.status_code == 409
    assert "Le dossier n&#39;est pas complet" in response.get_data(as_text=True)
    assert s.status() == "demande"
    coord = app.test_client()
    login(coord, make_user(db, Role.COORDINATEUR))
    response = post(coord, f"/programmes/{s.programme.id}/etape",
                    {"target": "interrompu", "version": str(version), "reason": "Le patient renonce"})
    assert response.status_code == 302
    assert {t.state for t in s.chase_tasks()} == {"cancelled"}
