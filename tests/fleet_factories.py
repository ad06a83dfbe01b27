"""Factories for the fleet tests: associations, units, a provider, a programme with its comité choice."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.models import Association, CommitteeItem, CommitteeMeeting, PracticalData, Professional, Programme
from rehab.models.fleet import Ergocycle
from tests.factories import NOW, make_patient, make_programme

_seq = itertools.count(1)


def association(session: Session) -> Association:
    found = session.scalar(select(Association).where(Association.short_name == "AFT"))
    if found is None:
        found = Association(name="Association fleet test", short_name="AFT")
        session.add(found)
        session.flush()
    return found


def make_unit(session: Session, *, very_low_load: bool = False, status: str = "available") -> Ergocycle:
    unit = Ergocycle(serial_number=f"ERG-T{next(_seq):04d}", model="Kettler Ergo C10" if not very_low_load
                     else "Monark 881 LC", very_low_load=very_low_load, association_id=association(session).id,
                     status=status, location="Dépôt Toulouse", created_at=NOW, updated_at=NOW)
    session.add(unit)
    session.flush()
    return unit


def make_provider(session: Session, email: str | None = "commandes@medilog.example") -> Professional:
    pro = Professional(kind="prestataire", name=f"MédiLog Occitanie {next(_seq)}", address="3 avenue du Parc",
                       postal_code="31100", city="Toulouse", email=email, search_key="medilog")
    session.add(pro)
    session.flush()
    return pro


def make_fleet_programme(session: Session, *, model: str | None = None, status: Status = Status.PLANIFIE,
                         referent=None, d0=None, name: str = "ROUQUETTE") -> Programme:
    patient = make_patient(session, nom_naissance=name, adresse="8 impasse des Tilleuls", ville="Muret",
                           code_postal="31600")
    programme = make_programme(session, patient, status=status, referent=referent, d0=d0)
    session.add(PracticalData(programme_id=programme.id, floor=2, stairs=14, lift=False,
                              access_notes="Digicode 4521B, portail vert"))
    if model:
        meeting = CommitteeMeeting(meeting_date=NOW.date(), location="Salle", created_at=NOW, updated_at=NOW)
        meeting.items.append(CommitteeItem(programme_id=programme.id, kind="plan", ergocycle_model=model))
        session.add(meeting)
    session.flush()
    return programme
