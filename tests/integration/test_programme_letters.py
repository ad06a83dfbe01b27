"""The letters beyond the four syntheses' core: the 12-month synthesis's remote follow-up and hospitalisations,
the closing letter of an interrupted programme, the initial letters to the care team; and the dispatch rules
(the professional's preferred channel, postal recipients without a usable address). Checked through the
frozen PDF's extracted text and the dispatch rows."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import (
    CareTeamMember,
    FollowUpCallRecord,
    FormSubmission,
    HospitalisationCount,
    Professional,
    Task,
)
from rehab.services import letter_dispatch, letters, plans
from rehab.services.errors import ServiceError
from reports.context import Letterhead
from tests.factories import NOW, make_patient, make_programme, make_user

HEAD = Letterhead(name="Réhab Domicile", address_lines=("1 rue Test", "31000 Toulouse"), phone="05 61 00 00 09",
                  email="")


def flat(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def add_pro(db, programme, role: str, **fields) -> Professional:
    pro = Professional(kind=fields.pop("kind", role), **fields)
    db.add(pro)
    db.flush()
    db.add(CareTeamMember(programme_id=programme.id, role=role, professional_id=pro.id, created_at=NOW))
    db.flush()
    return pro


@pytest.fixture
def team(db):
    people = {"referent": make_user(db, Role.REFERENT, sectors=("31",), full_name="Camille Peyrot"),
              "coordinateur": make_user(db, Role.COORDINATEUR),
              "medecin": make_user(db, Role.MEDECIN, full_name="Dr Anne Lafforgue"),
              "assistante": make_user(db, Role.ASSISTANTE, full_name="Claire Martin")}
    patient = make_patient(db, nom_naissance="SERRES", prenoms="Aimé")
    programme = make_programme(db, patient, status=Status.EN_COURS, referent=people["referent"],
                               d0=date(2025, 3, 3))
    return {**people, "programme": programme}


def freeze(db, team, kind: str, root: str, *, review: bool = True):
    version = letters.start(db, programme=team["programme"], kind=kind, user=team["referent"], now=NOW)
    letters.submit(db, version=version, user=team["referent"], now=NOW)
    if review:
        letters.review(db, version=version, comments="", passed=True, user=team["coordinateur"], now=NOW)
    letters.validate(db, version=version, user=team["medecin"], now=NOW, today=NOW.date(), head=HEAD, root=root)
    return version


def _follow_up(db, programme, day: date, **fields) -> None:
    sub = FormSubmission(programme_id=programme.id, form="follow_up_call", payload={}, performed_on=day,
                         submitted_at=NOW, client_submission_id=str(uuid.uuid4()))
    db.add(sub)
    db.flush()
    db.add(FollowUpCallRecord(programme_id=programme.id, submission_id=sub.id, called_on=day,
                              unscheduled_consultations=0, **fields))
    db.flush()


def test_twelve_month_synthesis_prints_follow_up_calls_and_hospitalisations(db, tmp_path, team):
    programme = team["programme"]
    _follow_up(db, programme, date(2025, 6, 30), channel="phone", hospitalisations=0, hospital_days=0,
               adherence="good", sessions_per_week=4, project_per_week=5)
    _follow_up(db, programme, date(2025, 11, 28), channel="video", hospitalisations=1, hospital_days=6,
               adherence="partial", sessions_per_week=1, project_per_week=5, rupture_proposed=True,
               rupture_confirmed_at=datetime(2025, 12, 1, 10, tzinfo=UTC))
    db.add(HospitalisationCount(programme_id=programme.id, period="before", stays=3, days=24,
                                source="Relevé du pneumologue"))
    version = freeze(db, team, "douze_mois", str(tmp_path))
    assert [c["channel"] for c in version.snapshot["follow_up_calls"]] == ["Téléphone", "Visioconférence"]
    text = flat(letters.frozen_pdf(str(tmp_path), version))
    assert "Accompagnement à distance (appels de suivi)" in text
    assert "30/06/2025 Téléphone 4 (projet: 5) 0 Bonne Non" in text.replace(" :", ":")
    assert "28/11/2025 Visioconférence 1 (projet: 5) 1 (6 j) Partielle Confirmée le 01/12/2025" in text.replace(
        " :", ":")
    assert "12 mois avant le programme 3 24 Relevé du pneumologue" in text
    assert "12 mois après le programme non renseigné non renseigné non renseigné" in text

    db.add(HospitalisationCount(programme_id=programme.id, period="after", stays=1, days=6, source="DMP"))
    second = freeze(db, team, "douze_mois", str(tmp_path))  # a correction: a new version with both periods
    text = flat(letters.frozen_pdf(str(tmp_path), second))
    assert "12 mois après le programme 1 6 DMP" in text and "Évolution : -2 séjour(s), -18 journée(s)" in text


def test_interruption_letter_needs_an_interrupted_programme_and_only_the_medecin(db, tmp_path, team):
    programme = team["programme"]
    with pytest.raises(ServiceError, match="interrompu"):
        letters.start(db, programme=programme, kind="interruption", user=team["referent"], now=NOW)
    add_pro(db, programme, "medecin_traitant", name="Dr Souleil", mssante="souleil@medecin.mssante.fr",
            preferred_channel="mssante")
    plans.interrupt(db, programme=programme, on=NOW.date(), reason="Exacerbation avec hospitalisation longue",
                    user=team["medecin"], now=NOW)
    version = letters.start(db, programme=programme, kind="interruption", user=team["referent"], now=NOW)
    letters.save_draft(db, version=version, sections={"suite": "Reprise à discuter avec le pneumologue."},
                       revision=version.revision, user=team["referent"], now=NOW)
    letters.submit(db, version=version, user=team["referent"], now=NOW)
    assert version in letters.medecin_queue(db, user=team["medecin"])  # no review step planned for it
    with pytest.raises(ServiceError, match="médecin directeur"):
        letters.validate(db, version=version, user=team["assistante"], now=NOW, today=NOW.date(), head=HEAD,
                         root=str(tmp_path))
    letters.validate(db, version=version, user=team["medecin"], now=NOW, today=NOW.date(), head=HEAD,
                     root=str(tmp_path))
    text = flat(letters.frozen_pdf(str(tmp_path), version))
    assert "Courrier de fin de programme (interruption)" in text
    assert "interrompu définitivement le 2 mars 2026 sur décision de Dr Anne Lafforgue" in text
    assert "Motif : Exacerbation avec hospitalisation longue" in text
    assert "Reprise à discuter avec le pneumologue." in text
    assert "Validé par Dr Anne Lafforgue, médecin directeur" in text

    rows = letter_dispatch.prepare(db, version=version, user=team["assistante"], now=NOW)
    assert {(d.recipient_name, d.channel) for d in rows} == {("Dr Souleil", "mssante"), ("SERRES Aimé", "post")}
    letter_dispatch.send_electronic(db, version=version, config={}, root=str(tmp_path), user=team["assistante"],
                                    now=NOW)
    letter_dispatch.print_batch(db, version=version, head=HEAD, root=str(tmp_path), user=team["assistante"],
                                now=NOW)
    assert version.state == "dispatched"
    states = dict(db.execute(select(Task.code, Task.state).where(Task.programme_id == programme.id,
                                                                 Task.code.like("interruption_letter_%"))).all())
    assert states == {"interruption_letter_draft": "done", "interruption_letter_validation": "done",
                      "interruption_letter_dispatch": "done"}


def test_initial_letters_are_issued_by_the_assistante_and_tell_each_role_its_part(db, tmp_path, team):
    programme = team["programme"]
    add_pro(db, programme, "medecin_traitant", name="Dr Souleil", mssante="souleil@medecin.mssante.fr",
            preferred_channel="mssante")
    add_pro(db, programme, "paramedical", kind="kinesitherapeute", name="M. Garrigues", address="3 rue Bayard",
            postal_code="31000", city="Toulouse")
    db.add(Task(programme_id=programme.id, code="care_team_initial_letters", occurrence=1, label="Courriers",
                kind="letter", phase=0, role="assistante", due_date=NOW.date(), window_start=NOW.date(),
                window_end=NOW.date(), letter="courrier_initial_professionnels", created_at=NOW, updated_at=NOW))
    with pytest.raises(ServiceError, match="assistante"):
        letters.start(db, programme=programme, kind="initial_pros", user=team["referent"], now=NOW)
    version = letters.issue(db, programme=programme, kind="initial_pros", user=team["assistante"], now=NOW,
                            today=NOW.date(), head=HEAD, root=str(tmp_path))
    assert version.state == "issued" and version.frozen
    text = flat(letters.frozen_pdf(str(tmp_path), version))
    assert "J0 le 3 mars 2025" in text and "Référent de programme : Camille Peyrot" in text
    assert "au 05 61 00 00 09" in text
    assert "Médecin traitant — Dr Souleil" in text and "fiche navette" in text
    assert "Masseur-kinésithérapeute ou infirmier(e) — M. Garrigues" in text and "six visites" in text
    assert "forfait dérogatoire de 180,00 € au plus" in text and "séance initiale d'évaluation 50,00 €" in text
    assert "Claire Martin, pour la cellule de coordination" in text and "médecin directeur" not in text
    with pytest.raises(ServiceError, match="validation médicale"):
        letters.validate(db, version=version, user=team["medecin"], now=NOW, today=NOW.date(), head=HEAD,
                         root=str(tmp_path))

    letter_dispatch.send_electronic(db, version=version, config={}, root=str(tmp_path), user=team["assistante"],
                                    now=NOW)
    batch = letter_dispatch.print_batch(db, version=version, head=HEAD, root=str(tmp_path),
                                        user=team["assistante"], now=NOW)
    assert batch.printed == 1 and batch.missing == ()
    assert "M. Garrigues 3 rue Bayard 31000 Toulouse" in flat(batch.pdf)
    assert version.state == "dispatched"
    assert db.scalar(select(Task.state).where(Task.code == "care_team_initial_letters")) == "done"


def test_channel_follows_the_secure_address_as_the_source_says(db, tmp_path, team):
    programme = team["programme"]
    street = {"address": "1 place Wilson", "postal_code": "31000", "city": "Toulouse"}
    holder = add_pro(db, programme, "pneumologue", name="Dr Medimail", mssante="medimail@pneumo.mssante.fr",
                     preferred_channel="post", **street)
    no_address = add_pro(db, programme, "medecin_traitant", name="Dr SansMSS", preferred_channel="mssante",
                         **street)
    secure = add_pro(db, programme, "dieteticien", name="Mme Secure", mssante="secure@diet.mssante.fr",
                     preferred_channel="mssante")
    version = freeze(db, team, "initiale", str(tmp_path))
    rows = letter_dispatch.prepare(db, version=version, user=team["assistante"], now=NOW)
    channels = {d.professional_id: d.channel for d in rows}
    # « via Medimail (si le correspondant est titulaire d'une adresse Medimail) ou par voie postale »
    assert channels == {holder.id: "mssante", no_address.id: "post", secure.id: "mssante"}

    no_address.mssante = "nouvelle@mt.mssante.fr"  # the directory changes before anything was sent
    db.flush()
    rows = letter_dispatch.prepare(db, version=version, user=team["assistante"], now=NOW)
    assert len(rows) == 3
    assert next(d for d in rows if d.professional_id == no_address.id).channel == "mssante"


def test_postal_recipient_without_address_is_reported_not_printed_blank(db, tmp_path, team):
    programme = team["programme"]
    add_pro(db, programme, "pneumologue", name="Dr Complet", address="1 place Wilson", postal_code="31000",
            city="Toulouse")
    add_pro(db, programme, "medecin_traitant", name="Dr Incomplet", organisation="Cabinet du Canal",
            postal_code="31000", city="Toulouse")  # no street: La Poste cannot deliver
    version = freeze(db, team, "initiale", str(tmp_path))
    rows = letter_dispatch.prepare(db, version=version, user=team["assistante"], now=NOW)
    missing = letter_dispatch.missing_addresses(rows)
    assert [d.recipient_name for d in missing] == ["Dr Incomplet"]
    batch = letter_dispatch.print_batch(db, version=version, head=HEAD, root=str(tmp_path),
                                        user=team["assistante"], now=NOW)
    assert batch.printed == 1 and batch.missing == ("Dr Incomplet",)
    letter_pages = len(PdfReader(io.BytesIO(letters.frozen_pdf(str(tmp_path), version))).pages)
    assert len(PdfReader(io.BytesIO(batch.pdf)).pages) == 2 + letter_pages  # one sheet, one cover, the letter
    assert "À l'attention de Dr Complet" in flat(batch.pdf) and "À l'attention de Dr Incomplet" not in flat(batch.pdf)
    assert version.state == "validated"  # one recipient still waits
    with pytest.raises(ServiceError, match="Dr Incomplet"):
        letter_dispatch.print_batch(db, version=version, head=HEAD, root=str(tmp_path), user=team["assistante"],
                                    now=NOW)
