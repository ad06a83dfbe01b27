"""Deterministic demo data: a coordination team over Occitanie and about forty patients at every
stage of the path. Same seed, same data: screenshots and demos stay comparable."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from rehab.domain.plan import compute_plan, compute_triggered
from rehab.domain.programme_states import Status
from rehab.domain.protocol import Trigger, latest_protocol
from rehab.domain.roles import Role
from rehab.models import Association, Patient, Programme, ProgrammeTransition, User
from rehab.services import accounts, plans

DEMO_PASSWORD = "demo-rehab-2026"

TEAM: list[tuple[str, str, set[Role], tuple[str, ...]]] = [
    ("admin", "Alain Admin", {Role.ADMIN}, ()),
    ("assistante", "Claire Martin", {Role.ASSISTANTE}, ()),
    ("coordinateur", "Julien Roussel", {Role.COORDINATEUR}, ()),
    ("medecin", "Dr Hélène Castaing", {Role.MEDECIN}, ()),
    ("gestionnaire", "Sophie Delmas", {Role.GESTIONNAIRE}, ()),
    ("referent1", "Marc Laffont", {Role.REFERENT}, ("31", "32", "82")),
    ("referent2", "Inès Bousquet", {Role.REFERENT}, ("09", "65", "81")),
    ("referent3", "Thomas Vidal", {Role.REFERENT}, ("30", "34", "48")),
    ("referent4", "Nadia Cabrol", {Role.REFERENT}, ("11", "12", "46", "66")),
]

TOWNS: list[tuple[str, str]] = [
    ("31000", "Toulouse"), ("31300", "Toulouse"), ("31200", "Toulouse"), ("32000", "Auch"),
    ("82000", "Montauban"), ("09000", "Foix"), ("65000", "Tarbes"), ("81000", "Albi"), ("81100", "Castres"),
    ("30000", "Nîmes"), ("34000", "Montpellier"), ("34500", "Béziers"), ("48000", "Mende"),
    ("11000", "Carcassonne"), ("11100", "Narbonne"), ("12000", "Rodez"), ("46000", "Cahors"),
    ("66000", "Perpignan"),
]
SURNAMES = ["Garcia", "Martinez", "Fabre", "Bonnet", "Rouquette", "Séguéla", "Aubert", "Pujol", "Cazals",
            "Dupuy", "Lacombe", "Estève", "Sarda", "Vergnes", "Mercadier", "Périé", "Carrère", "Baylac",
            "Roux", "Marty", "Combes", "Alibert", "Teyssier", "Nègre", "Falguière"]
FIRST_F = ["Marie", "Jeanne", "Monique", "Françoise", "Josiane", "Hélène", "Odile", "Danièle", "Éliane"]
FIRST_M = ["Jean", "Pierre", "Michel", "André", "Gérard", "Bernard", "Joël", "René", "Noël", "Jean-Luc"]
STREETS = ["rue des Lilas", "avenue de la Gare", "chemin du Moulin", "place de l'Église", "rue Pasteur",
           "impasse des Vignes", "route de Toulouse", "allée des Platanes"]
DOCTORS = ["Dr Anne Souleil, Toulouse", "Dr Paul Bessière, Albi", "Dr Luc Ferrand, Montpellier",
           "Dr Claire Roumagnac, Rodez", "Dr Yves Campan, Tarbes", "Dr Sonia Haddad, Perpignan"]
PNEUMOS = ["Dr Martine Estrade (pneumologue, CHU Toulouse)", "Dr Olivier Py (pneumologue, Montpellier)",
           "Dr Karim Benali (pneumologue, Nîmes)", "Dr Agnès Soulié (pneumologue, Albi)"]

#: Status of each demo programme, and how many: every stage of the path is shown.
STAGES: list[tuple[Status, int]] = [
    (Status.DEMANDE, 6), (Status.DOSSIER_COMPLET, 4), (Status.VALIDE, 3), (Status.REORIENTE, 1),
    (Status.PLANIFIE, 4), (Status.EN_COURS, 10), (Status.SUIVI, 7), (Status.TERMINE, 3), (Status.INTERROMPU, 2),
]
PATH = [Status.DEMANDE, Status.DOSSIER_COMPLET, Status.VALIDE, Status.PLANIFIE, Status.EN_COURS, Status.SUIVI,
        Status.TERMINE]


def _history(target: Status) -> list[Status]:
    if target == Status.REORIENTE:
        return [Status.DEMANDE, Status.DOSSIER_COMPLET, Status.REORIENTE]
    if target == Status.INTERROMPU:
        return [*PATH[: PATH.index(Status.EN_COURS) + 1], Status.INTERROMPU]
    return PATH[: PATH.index(target) + 1]


def _d0_for(status: Status, today: date, rng: random.Random) -> date | None:
    """D0 consistent with the status: future when planned, weeks ago when running, months ago when done."""
    if status == Status.PLANIFIE:
        d0 = today + timedelta(days=rng.randint(7, 30))
    elif status in (Status.EN_COURS, Status.INTERROMPU):
        d0 = today - timedelta(days=rng.randint(3, 80))
    elif status == Status.SUIVI:
        d0 = today - timedelta(days=rng.randint(90, 330))
    elif status == Status.TERMINE:
        d0 = today - timedelta(days=rng.randint(370, 500))
    else:
        return None
    while d0.weekday() >= 5:
        d0 += timedelta(days=1)
    return d0


def build_demo(session: Session, *, now: datetime) -> str:
    rng = random.Random(2026)
    today = now.date()
    west = Association(name="Réhab Occitanie Ouest", short_name="ROO")
    east = Association(name="Souffle Méditerranée", short_name="SM")
    session.add_all([west, east])
    session.flush()
    users: dict[str, User] = {}
    for username, name, roles, sectors in TEAM:
        association = east if set(sectors) & {"30", "34", "48", "11", "66"} else west
        users[username] = accounts.create_user(
            session, username=username, full_name=name, password=DEMO_PASSWORD, roles=roles, sectors=sectors,
            email=f"{username}@rehab-domicile.example", association_id=association.id, now=now)
    referent_by_dept = {d: users[u] for u, _n, _r, sectors in TEAM for d in sectors}
    desk = users["assistante"]
    count = 0
    for status, how_many in STAGES:
        for _ in range(how_many):
            count += 1
            female = rng.random() < 0.45
            postal, town = rng.choice(TOWNS)
            dept = postal[:2]
            born = date(rng.randint(1940, 1972), rng.randint(1, 12), rng.randint(1, 28))
            patient = Patient(
                nom_naissance=rng.choice(SURNAMES).upper(), prenoms=rng.choice(FIRST_F if female else FIRST_M),
                date_naissance=born, sexe="F" if female else "M", adresse=f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
                code_postal=postal, ville=town, department=dept,
                telephone=f"0{rng.choice([5, 6])} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                          f"{rng.randint(10, 99)}",
                medecin_traitant=rng.choice(DOCTORS), pneumologue=rng.choice(PNEUMOS),
                created_at=now, updated_at=now,
            )
            if female and rng.random() < 0.4:
                patient.nom_usage = rng.choice(SURNAMES).upper()
            if rng.random() < 0.3:
                patient.aidant_nom, patient.aidant_lien = f"{rng.choice(FIRST_M)} {patient.nom_naissance}", "Conjoint"
            patient.refresh_search_key()
            session.add(patient)
            history = _history(status)
            start = now - timedelta(days=20 + 10 * len(history) + rng.randint(0, 30))
            d0 = _d0_for(status, today, rng)
            assigned = status not in (Status.DEMANDE, Status.DOSSIER_COMPLET) or rng.random() < 0.3
            programme = Programme(
                patient=patient, status=status.value, department=dept, d0=d0,
                referral_date=start.date(), association_id=(east if dept in {"30", "34", "48", "11", "66"}
                                                             else west).id,
                referent_id=referent_by_dept[dept].id if assigned else None,
                created_at=start, updated_at=now,
            )
            previous: Status | None = None
            for step, state in enumerate(history):
                by = users["medecin"] if state in (Status.VALIDE, Status.REORIENTE, Status.INTERROMPU) else desk
                reason = {Status.DEMANDE: "Demande reçue du pneumologue",
                          Status.REORIENTE: "Instabilité : séjour en SSR préférable",
                          Status.INTERROMPU: "Hospitalisation prolongée (exacerbation)"}.get(state)
                programme.transitions.append(ProgrammeTransition(
                    from_status=previous.value if previous else None, to_status=state.value,
                    at=start + timedelta(days=7 * step), user_id=by.id, reason=reason))
                previous = state
            session.add(programme)
            if d0 is not None:
                session.flush()
                _plan(session, programme, status, rng, today=today, now=now, desk=desk)
    session.flush()
    from rehab.demo_referral import enrich as enrich_referral  # issue 4: directory, dossiers (late: no cycle)
    enrich_referral(session, now=now)
    __import__("rehab.demo_home_forms").demo_home_forms.enrich(session, now=now)  # issue 5: home forms
    __import__("rehab.demo_committee").demo_committee.enrich(session, now=now)  # issue 4b: committee, consent
    __import__("rehab.demo_notifications").demo_notifications.enrich(session, now=now)  # issue 7: inbox, prefs
    __import__("rehab.demo_letters").demo_letters.enrich(session, now=now)  # issue 6: syntheses in the workflow
    __import__("rehab.demo_fleet").demo_fleet.enrich(session, now=now)  # issue 8: ergocycle fleet
    __import__("rehab.demo_payments").demo_payments.enrich(session, now=now)  # issue 8: forfaits paid
    __import__("rehab.demo_satisfaction").demo_satisfaction.enrich(session, now=now)  # issue 9: satisfaction
    return f"{len(users)} comptes, {count} patients"


def _plan(session: Session, programme: Programme, status: Status, rng: random.Random, *, today: date,
          now: datetime, desk: User) -> None:
    """A plan as it would look today: past tasks mostly done, a few left overdue to show what is late."""
    assert programme.d0 is not None  # noqa: S101 — only called with a D0
    protocol = latest_protocol(plans.PROTOCOL_CODE)
    programme.protocol_code, programme.protocol_version = protocol.code, protocol.version
    programme.smoker = rng.random() < 0.3
    programme.bmi = round(rng.uniform(17, 34), 1)
    programme.paramedical_in_team = rng.random() < 0.8
    stop = programme.d0 + timedelta(days=rng.randint(10, 40)) if status == Status.INTERROMPU else None
    for planned in compute_plan(protocol, d0=programme.d0, facts=plans.facts_of(programme)):
        task = plans.task_from_plan(programme, planned, batch=0, trigger=None, now=now, protocol=protocol)
        if stop is not None and planned.due_date > stop and task.on_interruption == "cancel":
            task.state, task.state_reason = "cancelled", "Programme interrompu"
        elif planned.window_end < today and (status == Status.TERMINE or rng.random() < 0.93):
            task.state = "done"
            task.done_at = datetime.combine(planned.due_date, time(10), tzinfo=UTC)
            task.done_by_id = task.assignee_id or desk.id
        session.add(task)
    if stop is not None:
        for planned in compute_triggered(protocol, trigger=Trigger.INTERRUPTION, event_date=stop,
                                         facts=plans.facts_of(programme)):
            session.add(plans.task_from_plan(programme, planned, batch=1, trigger=Trigger.INTERRUPTION.value,
                                             now=now, protocol=protocol))
        programme.event_batches = 1
