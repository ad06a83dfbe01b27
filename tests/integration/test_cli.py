"""The `rehab` commands, run through Click's runner against the test database."""

from __future__ import annotations

from sqlalchemy import func, select

from rehab.domain.programme_states import Status
from rehab.models import Patient, Programme, User


def test_demo_builds_every_stage_and_is_idempotent_with_if_empty(runner, db):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "referent1" in result.output and "demo-rehab-2026" in result.output
    assert db.scalar(select(func.count()).select_from(Patient)) == 40
    statuses = set(db.scalars(select(Programme.status)))
    assert statuses == {s.value for s in Status}
    users = db.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "déjà présentes" in result.output
    assert db.scalar(select(func.count()).select_from(User)) == users


def test_demo_referents_cover_the_13_occitanie_departments(runner, db):
    runner.invoke(args=["demo"])
    from rehab.domain.departments import OCCITANIE

    covered = set()
    for user in db.scalars(select(User)):
        covered |= user.sectors
    assert covered == set(OCCITANIE)


def test_create_user_command(runner, db):
    result = runner.invoke(args=["create-user", "--username", "chef", "--name", "Chef Admin", "--role",
                                 "administrateur", "--password", "un-mot-de-passe-long"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(User).where(User.username == "chef")) is not None
    result = runner.invoke(args=["create-user", "--username", "chef2", "--name", "X", "--role", "referent",
                                 "--password", "court"])
    assert result.exit_code != 0 and "au moins 10 caractères" in result.output


def test_protocol_check_command(runner, tmp_path):
    result = runner.invoke(args=["protocol", "check", "rehab/protocols/rehab_domicile_v1.toml"])
    assert result.exit_code == 0 and "protocole valide" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('code = "x"\nversion = 1\nlabel = "x"\neffective_date = 2026-01-01\n'
                   '[[tasks]]\ncode = "a"\nlabel = "A"\nkind = "visit"\nphase = 1\nrole = "referent"\n'
                   'anchor = "b"\noffset = { days = 1 }\nworking_days = false\n'
                   '[[tasks]]\ncode = "b"\nlabel = "B"\nkind = "visit"\nphase = 1\nrole = "referent"\n'
                   'anchor = "a"\noffset = { days = 1 }\nworking_days = false\n')
    result = runner.invoke(args=["protocol", "check", str(bad)])
    assert result.exit_code != 0
    assert "cycle" in result.output.lower()
