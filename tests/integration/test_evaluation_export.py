"""`rehab export evaluation` on a hand-built dataset: the files and their dictionary, nothing that names or
locates the patient, pseudonyms stable across runs and changed by another key, formula-safe text."""

from __future__ import annotations

import csv
import re
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import (
    CareTeamMember,
    CrqAdministration,
    Dossier,
    EnduranceTest,
    FollowUpCallRecord,
    FormSubmission,
    HospitalisationCount,
    IntercurrentEvent,
    Professional,
    ProfessionalSatisfaction,
    ProfessionalSession,
)
from tests.factories import NOW, make_patient, make_programme, make_user
from tests.plan_factories import make_task

KEY = "une-cle-de-test-suffisamment-longue-0123456789"
FILES = ("programmes.csv", "outcomes.csv", "follow_up_calls.csv", "hospitalisations.csv", "incidents.csv",
         "professional_sessions.csv", "professional_satisfaction.csv")
D0 = date(2025, 3, 10)
SECRETS = ("ZÉPHIRIN", "Zéphirin", "Hortense", "1520631555555", "1952-04-17", "17/04/1952", "Rue des Secrets",
           "31500", "06 11 22 33 44", "Dr Mystère", "douleur thoracique", "note libre")


def _submission(db, programme, form, on):
    sub = FormSubmission(programme_id=programme.id, form=form, client_submission_id=str(uuid.uuid4()), payload={},
                         performed_on=on, submitted_at=NOW)
    db.add(sub)
    db.flush()
    return sub


def _measures(db, programme):
    for moment, on, values, seconds in (("inclusion", D0, (3.0, 3.5, 4.0, 4.25), 420),
                                        ("closing", date(2025, 6, 2), (4.0, 3.75, 4.0, 5.0), 780)):
        sub = _submission(db, programme, f"{moment}_visit", on)
        db.add(CrqAdministration(programme_id=programme.id, submission_id=sub.id, moment=moment, administered_on=on,
                                 **dict(zip(("dyspnee", "fatigue", "emotion", "maitrise"),
                                            map(Decimal, map(str, values)), strict=True))))
        db.add(EnduranceTest(programme_id=programme.id, submission_id=sub.id, moment=moment, tested_on=on,
                             max_power_w=60, load_w=48, duration_s=seconds))
    call = _submission(db, programme, "follow_up_call", date(2025, 7, 3))
    db.add(FollowUpCallRecord(programme_id=programme.id, submission_id=call.id, called_on=date(2025, 7, 3),
                              channel="video", unscheduled_consultations=1, hospitalisations=1, hospital_days=4,
                              hospitalisation_dates="CHU Rue des Secrets", sessions_per_week=3, project_per_week=4))


@pytest.fixture
def dataset(db):
    referent = make_user(db, Role.REFERENT, full_name="Hortense Référente")
    patient = make_patient(db, nom_naissance="ZÉPHIRIN", prenoms="Hortense", date_naissance=date(1952, 4, 17),
                           ins_matricule="1520631555555", adresse="3 Rue des Secrets", code_postal="31500",
                           telephone="06 11 22 33 44", medecin_traitant="Dr Mystère")
    programme = make_programme(db, patient, status=Status.SUIVI, referent=referent, d0=D0)
    programme.referral_date = date(2025, 1, 20)
    db.add(Dossier(programme_id=programme.id, referral_date=date(2025, 1, 20), channel="medimail",
                   origin="=HYPERLINK(\"x\")", complete_on=date(2025, 2, 17), notes="note libre"))
    make_task(db, programme, due=date(2025, 6, 2), kind="visit", code="closing_visit", state="done")
    _measures(db, programme)
    pro = Professional(kind="medecin_traitant", name="Dr Mystère", department="31", created_at=NOW, updated_at=NOW)
    pro.refresh_search_key()
    db.add(pro)
    db.flush()
    db.add_all([
        HospitalisationCount(programme_id=programme.id, period="before", stays=3, days=21, source="Dr Mystère"),
        HospitalisationCount(programme_id=programme.id, period="after", stays=1, days=4, source="note libre"),
        IntercurrentEvent(programme_id=programme.id, event_date=date(2025, 4, 1), nature="cardiovascular",
                          hospitalisation=True, description="douleur thoracique", reported_at=NOW,
                          client_submission_id=str(uuid.uuid4()), decision="suspend",
                          suspend_start=date(2025, 4, 2), suspend_end=date(2025, 4, 16)),
        ProfessionalSession(programme_id=programme.id, role="medecin_traitant", session_date=date(2025, 4, 1),
                            professional_id=pro.id, notes="note libre", client_submission_id=str(uuid.uuid4())),
        ProfessionalSession(programme_id=programme.id, role="medecin_traitant", session_date=date(2025, 5, 1),
                            professional_id=pro.id, client_submission_id=str(uuid.uuid4())),
        CareTeamMember(programme_id=programme.id, role="medecin_traitant", professional_id=pro.id,
                       agreed_on=date(2025, 3, 1), created_at=NOW),
        ProfessionalSatisfaction(programme_id=programme.id, professional_id=pro.id, role="medecin_traitant",
                                 received_on=date(2025, 9, 15), satisfied=True, score=9, comment="note libre",
                                 recorded_at=NOW),
    ])
    later = make_programme(db, make_patient(db), status=Status.PLANIFIE, d0=date(2026, 4, 6))
    db.flush()
    return programme, later


def _run(runner, out: Path, *extra: str):
    result = runner.invoke(args=["export", "evaluation", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_files_dictionary_and_no_identifying_data(app, runner, db, dataset, tmp_path):
    app.config["EVALUATION_PSEUDONYM_KEY"] = KEY
    result = _run(runner, tmp_path / "out", "--from", "2025-01-01", "--to", "31/12/2025")
    assert "programmes.csv" in result.output and "1 ligne(s)" in result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "data_dictionary.csv"])
    everything = "\n".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for secret in SECRETS:
        assert secret not in everything, f"{secret!r} leaked into the export"
    for name in FILES:  # formula injection: no text cell a spreadsheet would evaluate
        for row in _read(out / name):
            assert not any(v[:1] in ("=", "+", "@", "\t", "\r") or re.match(r"-[^0-9]", v) for v in row.values())
    (prog,) = _read(out / "programmes.csv")  # the 2026 programme is outside --to
    # no birth year at all: next to an open band (« 90+ ») it would give the age of the oldest patients away
    assert "annee_naissance" not in prog and "1952" not in everything
    assert prog["tranche_age"] == "70-74" and prog["departement"] == "31"
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in out.iterdir())  # owner-only files
    assert prog["mois_j0"] == "2025-03" and prog["delai_dossier_complet_j0"] == "21"
    assert prog["intervention_terminee"] == "1" and prog["origine_demande"].startswith("'=")
    assert prog["programme"].startswith("PRG-") and prog["patient"].startswith("PAT-")
    (outcome,) = _read(out / "outcomes.csv")
    assert (outcome["crq_dyspnee_avant"], outcome["crq_dyspnee_apres"], outcome["crq_dyspnee_evolution"]) == (
        "3.00", "4.00", "1.00")
    assert (outcome["endurance_avant_s"], outcome["endurance_apres_s"]) == ("420", "780")
    (call,) = _read(out / "follow_up_calls.csv")
    assert (call["jours_depuis_fin_intervention"], call["canal"], call["activite_maintenue"]) == ("31", "video", "1")
    (hosp,) = _read(out / "hospitalisations.csv")
    assert [hosp[k] for k in ("sejours_12_mois_avant", "jours_12_mois_apres", "avant_et_apres_connus")] == [
        "3", "4", "1"]
    (incident,) = _read(out / "incidents.csv")
    assert (incident["gravite"], incident["decision"], incident["duree_suspension_jours"]) == ("elevee", "suspend",
                                                                                             "14")
    assert _read(out / "professional_sessions.csv")[0]["seances"] == "2"
    assert _read(out / "professional_satisfaction.csv")[0]["note"] == "9"
    described = {(row["fichier"], row["colonne"]) for row in _read(out / "data_dictionary.csv")}
    for name in FILES:
        with (out / name).open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert {(name, column) for column in header} <= described, f"{name}: undescribed column"
    assert all(row["description"] and row["type"] for row in _read(out / "data_dictionary.csv"))


def test_pseudonyms_are_stable_and_depend_on_the_key(app, runner, db, dataset, tmp_path):
    app.config["EVALUATION_PSEUDONYM_KEY"] = KEY
    _run(runner, tmp_path / "a")
    _run(runner, tmp_path / "b")
    first, second = _read(tmp_path / "a" / "programmes.csv"), _read(tmp_path / "b" / "programmes.csv")
    assert len(first) == 2 and first == second
    app.config["EVALUATION_PSEUDONYM_KEY"] = KEY + "-autre"
    _run(runner, tmp_path / "c")
    other = _read(tmp_path / "c" / "programmes.csv")
    assert {r["patient"] for r in other}.isdisjoint({r["patient"] for r in first})
    assert {r["programme"] for r in other}.isdisjoint({r["programme"] for r in first})


def test_development_uses_a_local_key_made_once(app, runner, db, dataset, tmp_path):
    app.config["EVALUATION_PSEUDONYM_KEY"] = None
    _run(runner, tmp_path / "a")
    key_file = Path(app.config["INSTANCE_FILES"]) / "pseudonym_key"
    assert key_file.exists() and len(key_file.read_text().strip()) == 64
    assert key_file.stat().st_mode & 0o077 == 0
    _run(runner, tmp_path / "b")
    assert _read(tmp_path / "a" / "programmes.csv") == _read(tmp_path / "b" / "programmes.csv")


def test_production_without_a_key_refuses_to_run(app, runner, db, dataset, tmp_path):
    app.config.update(EVALUATION_PSEUDONYM_KEY=None, TESTING=False, ENVIRONMENT="production")
    result = runner.invoke(args=["export", "evaluation", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert "La clé de pseudonymisation n'est pas configurée" in result.output
    assert not (tmp_path / "x").exists()
    result = runner.invoke(args=["export", "evaluation", "--out", str(tmp_path / "x"), "--from", "2025-12-31",
                                 "--to", "2025-01-01"])
    assert result.exit_code != 0 and "est après la date de fin" in result.output
