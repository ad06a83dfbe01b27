"""The evaluator's tables: one query each, rows already pseudonymised (see evaluation_export for the rules).

Each table declares its columns with their French description, type and unit: the data dictionary is made
from the same declarations, so a column cannot be exported without being described.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from rehab.domain.departments import department_from_postal_code
from rehab.models import (
    Association,
    CrqAdministration,
    Dossier,
    EnduranceTest,
    FollowUpCallRecord,
    HospitalisationCount,
    IntercurrentEvent,
    Patient,
    ProfessionalSatisfaction,
    ProfessionalSession,
    Programme,
    Task,
)
from rehab.services.evaluation_export import Cell, Column, Period, Table

Pseudo = Callable[[str, int | None], str | None]
CRQ_DOMAINS = ("dyspnee", "fatigue", "emotion", "maitrise")
INTERVENTION_DAYS = 84  # E = D0 + 12 weeks
PROGRAMME = Column("programme", "Pseudonyme du programme (stable d'un export à l'autre)", "texte")


def _scope(period: Period) -> Select[Any]:
    """Programme ids of the period: by D0, or by the referral date for a programme not started."""
    when = func.coalesce(Programme.d0, Programme.referral_date)
    clauses: list[ColumnElement[bool]] = []
    if period.start:
        clauses.append(when >= period.start)
    if period.end:
        clauses.append(when <= period.end)
    return select(Programme.id).where(*clauses)


def age_band(born: date, on: date) -> str:
    """Five-year bands (« 70-74 »), open at both ends: under 40 and 90 or over are rare enough to single out."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 40:
        return "<40"
    if age >= 90:
        return "90+"
    low = age - age % 5
    return f"{low}-{low + 4}"


def _month(day: date | None) -> str | None:
    return f"{day:%Y-%m}" if day else None


def _days(later: date | None, earlier: date | None) -> int | None:
    return (later - earlier).days if later and earlier else None


PROGRAMME_COLUMNS = (
    PROGRAMME,
    Column("patient", "Pseudonyme du patient (un patient peut avoir plusieurs programmes)", "texte"),
    Column("sexe", "Sexe : F, M ou I (indéterminé)", "texte"),
    Column("tranche_age", "Âge au J0 (ou à la demande) par tranche de 5 ans : <40, 40-44 … 85-89, 90+", "texte",
           "ans"),
    Column("departement", "Département de résidence du patient (dérivé du code postal)", "texte"),
    Column("association", "Association porteuse (sigle)", "texte"),
    Column("referent", "Pseudonyme du référent de programme", "texte"),
    Column("statut", "Statut actuel : demande, dossier_complet, valide, reoriente, planifie, en_cours, suivi, "
           "termine, interrompu", "texte"),
    Column("version_protocole", "Version du protocole suivie", "entier"),
    Column("mois_demande", "Mois de réception de la demande", "mois (AAAA-MM)"),
    Column("canal_demande", "Canal de la demande : courrier, fax, medimail", "texte"),
    Column("origine_demande", "Origine de la demande (pneumologue, médecin traitant, SSR…)", "texte"),
    Column("mois_j0", "Mois du J0 (visite d'inclusion)", "mois (AAAA-MM)"),
    Column("delai_dossier_complet_j0", "Délai entre le dossier complet et le J0", "entier", "jours"),
    Column("intervention_terminee", "Visite de clôture (semaine 12) réalisée : 1 oui, 0 non", "booleen"),
    Column("imc", "Indice de masse corporelle connu au dossier", "decimal", "kg/m²"),
    Column("tabagisme", "Tabagisme actif ou sevrage récent fragile : 1 oui, 0 non", "booleen"),
    Column("soutien_psychologique", "Soutien psychologique indiqué : 1 oui, 0 non", "booleen"),
    Column("kine_ou_infirmier", "Kinésithérapeute ou infirmier dans l'équipe de soins : 1 oui, 0 non", "booleen"),
)


def programmes(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    closed = exists().where(Task.programme_id == Programme.id, Task.code == "closing_visit", Task.state == "done")
    rows = session.execute(
        select(Programme, Patient.sexe, Patient.date_naissance, Patient.department, Patient.code_postal,
               Association.short_name, Dossier.channel, Dossier.origin, Dossier.complete_on, closed)
        .join(Patient, Patient.id == Programme.patient_id)
        .outerjoin(Association, Association.id == Programme.association_id)
        .outerjoin(Dossier, Dossier.programme_id == Programme.id)
        .where(Programme.id.in_(scope)).order_by(Programme.id))
    out = []
    for p, sexe, born, dept, postal, assoc, channel, origin, complete_on, done in rows:
        out.append((pseudo("programme", p.id), pseudo("patient", p.patient_id), sexe,
                    age_band(born, p.d0 or p.referral_date or born), department_from_postal_code(postal or "") or dept,
                    assoc, pseudo("referent", p.referent_id), p.status, p.protocol_version,
                    _month(p.referral_date), channel, origin, _month(p.d0), _days(p.d0, complete_on), bool(done),
                    round(p.bmi, 1) if p.bmi is not None else None, p.smoker, p.psychology_support,
                    p.paramedical_in_team))
    return Table("programmes.csv", "Un programme par ligne", PROGRAMME_COLUMNS, tuple(out))


def _outcome_columns() -> tuple[Column, ...]:
    crq = tuple(Column(f"crq_{d}_{when}", f"CRQ, domaine {d} ({label}) : moyenne des items", "decimal",
                       "score 1 à 7") for d in CRQ_DOMAINS for when, label in
                (("avant", "visite d'inclusion"), ("apres", "visite de clôture")))
    deltas = tuple(Column(f"crq_{d}_evolution", f"CRQ {d} : après − avant (différence cliniquement "
                          "importante ≥ 0,5)", "decimal", "points") for d in CRQ_DOMAINS)
    endurance = (
        Column("endurance_avant_s", "Test d'endurance à charge constante à l'inclusion : temps d'effort", "entier",
               "secondes"),
        Column("endurance_apres_s", "Test d'endurance à la clôture : temps d'effort", "entier", "secondes"),
        Column("charge_avant_w", "Charge du test d'endurance à l'inclusion (80 % de la PMT)", "entier", "watts"),
        Column("charge_apres_w", "Charge du test d'endurance à la clôture", "entier", "watts"),
    )
    return (PROGRAMME, *crq, *deltas, *endurance)


def outcomes(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    """Inclusion (avant) and closing (après) measures side by side; the latest record of a moment wins."""
    crq: dict[int, dict[str, CrqAdministration]] = defaultdict(dict)
    for row in session.scalars(select(CrqAdministration).where(CrqAdministration.programme_id.in_(scope))
                               .order_by(CrqAdministration.id)):
        crq[row.programme_id][row.moment] = row
    tests: dict[int, dict[str, EnduranceTest]] = defaultdict(dict)
    for test in session.scalars(select(EnduranceTest).where(EnduranceTest.programme_id.in_(scope))
                                .order_by(EnduranceTest.id)):
        tests[test.programme_id][test.moment] = test
    out = []
    for pid in sorted(crq.keys() | tests.keys()):
        before, after = crq[pid].get("inclusion"), crq[pid].get("closing")
        values: list[Cell] = [pseudo("programme", pid)]
        values += [getattr(r, d) if r else None for d in CRQ_DOMAINS for r in (before, after)]
        values += [_delta(getattr(before, d, None), getattr(after, d, None)) for d in CRQ_DOMAINS]
        t0, t1 = tests[pid].get("inclusion"), tests[pid].get("closing")
        values += [t0.duration_s if t0 else None, t1.duration_s if t1 else None, t0.load_w if t0 else None,
                   t1.load_w if t1 else None]
        out.append(tuple(values))
    return Table("outcomes.csv", "Critères de jugement avant / après l'intervention, un programme par ligne",
                 _outcome_columns(), tuple(out))


def _delta(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    return after - before if before is not None and after is not None else None


FOLLOW_UP_COLUMNS = (
    PROGRAMME,
    Column("jours_depuis_fin_intervention", "Date de l'appel, en jours après la fin de l'intervention (J0 + 84)",
           "entier", "jours"),
    Column("canal", "Canal du suivi : phone (téléphone) ou video (visioconférence)", "texte"),
    Column("consultations_non_programmees", "Consultations médicales non programmées depuis l'appel précédent",
           "entier", "consultations"),
    Column("hospitalisations", "Hospitalisations depuis l'appel précédent", "entier", "séjours"),
    Column("jours_hospitalisation", "Jours d'hospitalisation depuis l'appel précédent", "entier", "jours"),
    Column("observance", "Observance médicamenteuse déclarée (code)", "texte"),
    Column("seances_par_semaine", "Séances d'activité physique par semaine déclarées", "entier", "séances/semaine"),
    Column("projet_par_semaine", "Séances par semaine prévues au projet d'activité", "entier", "séances/semaine"),
    Column("activite_maintenue", "Au moins 3 séances par semaine : 1 oui, 0 non, vide si inconnu", "booleen"),
    Column("rupture_proposee", "Rupture de la dynamique signalée par le référent : 1 oui, 0 non", "booleen"),
)


def follow_up_calls(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    rows = session.execute(select(FollowUpCallRecord, Programme.d0)
                           .join(Programme, Programme.id == FollowUpCallRecord.programme_id)
                           .where(FollowUpCallRecord.programme_id.in_(scope))
                           .order_by(FollowUpCallRecord.programme_id, FollowUpCallRecord.called_on))
    out = []
    for call, d0 in rows:
        end = d0 + timedelta(days=INTERVENTION_DAYS) if d0 else None
        weekly = call.sessions_per_week
        out.append((pseudo("programme", call.programme_id), _days(call.called_on, end), call.channel,
                    call.unscheduled_consultations, call.hospitalisations, call.hospital_days, call.adherence,
                    weekly, call.project_per_week, None if weekly is None else weekly >= 3, call.rupture_proposed))
    return Table("follow_up_calls.csv", "Appels du suivi à distance, un appel par ligne", FOLLOW_UP_COLUMNS,
                 tuple(out))


HOSPITAL_COLUMNS = (
    PROGRAMME,
    Column("sejours_12_mois_avant", "Hospitalisations dans les 12 mois précédant le programme", "entier", "séjours"),
    Column("jours_12_mois_avant", "Jours d'hospitalisation dans les 12 mois précédant le programme", "entier",
           "jours"),
    Column("sejours_12_mois_apres", "Hospitalisations dans les 12 mois suivant le programme", "entier", "séjours"),
    Column("jours_12_mois_apres", "Jours d'hospitalisation dans les 12 mois suivant le programme", "entier", "jours"),
    Column("avant_et_apres_connus", "Les deux périodes sont renseignées : 1 oui, 0 non", "booleen"),
)


def hospitalisations(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for pid, period, stays, days in session.execute(
            select(HospitalisationCount.programme_id, HospitalisationCount.period, HospitalisationCount.stays,
                   HospitalisationCount.days).where(HospitalisationCount.programme_id.in_(scope))):
        counts[pid][period] = (stays, days)
    out = []
    for pid in sorted(counts):
        before, after = counts[pid].get("before"), counts[pid].get("after")
        out.append((pseudo("programme", pid), *(before or (None, None)), *(after or (None, None)),
                    before is not None and after is not None))
    return Table("hospitalisations.csv", "Hospitalisations 12 mois avant / après, un programme par ligne",
                 HOSPITAL_COLUMNS, tuple(out))


INCIDENT_COLUMNS = (
    PROGRAMME,
    Column("jours_depuis_j0", "Date de l'événement, en jours après le J0", "entier", "jours"),
    Column("nature", "Nature : respiratory, musculo, motivational, cardiovascular, other", "texte"),
    Column("gravite", "Gravité : elevee (hospitalisation) ou moderee", "texte"),
    Column("decision", "Décision du médecin directeur : continue, suspend, interrupt (vide : en attente)", "texte"),
    Column("duree_suspension_jours", "Durée de la suspension décidée", "entier", "jours"),
)


def incidents(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    rows = session.execute(select(IntercurrentEvent, Programme.d0)
                           .join(Programme, Programme.id == IntercurrentEvent.programme_id)
                           .where(IntercurrentEvent.programme_id.in_(scope))
                           .order_by(IntercurrentEvent.programme_id, IntercurrentEvent.event_date))
    out = tuple((pseudo("programme", e.programme_id), _days(e.event_date, d0), e.nature,
                 "elevee" if e.hospitalisation else "moderee", e.decision,
                 _days(e.suspend_end, e.suspend_start)) for e, d0 in rows)
    return Table("incidents.csv", "Événements intercurrents, un événement par ligne", INCIDENT_COLUMNS, out)


SESSION_COLUMNS = (
    PROGRAMME,
    Column("role", "Professionnel : pneumologue, medecin_traitant, paramedical, dieteticien, tabacologue, "
           "psychologue", "texte"),
    Column("seances", "Consultations ou séances réalisées et enregistrées", "entier", "séances"),
)


def professional_sessions(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    rows = session.execute(select(ProfessionalSession.programme_id, ProfessionalSession.role, func.count())
                           .where(ProfessionalSession.programme_id.in_(scope))
                           .group_by(ProfessionalSession.programme_id, ProfessionalSession.role)
                           .order_by(ProfessionalSession.programme_id, ProfessionalSession.role))
    return Table("professional_sessions.csv", "Séances des professionnels libéraux par programme et rôle",
                 SESSION_COLUMNS, tuple((pseudo("programme", pid), role, n) for pid, role, n in rows))


SATISFACTION_COLUMNS = (
    PROGRAMME,
    Column("professionnel", "Pseudonyme du professionnel de l'équipe de soins", "texte"),
    Column("role", "Rôle dans l'équipe de soins", "texte"),
    Column("satisfait", "Se déclare satisfait : 1 oui, 0 non", "booleen"),
    Column("note", "Note globale", "entier", "score 0 à 10"),
)


def satisfactions(session: Session, pseudo: Pseudo, scope: Select[Any]) -> Table:
    rows = session.scalars(select(ProfessionalSatisfaction).where(
        ProfessionalSatisfaction.programme_id.in_(scope)).order_by(ProfessionalSatisfaction.id))
    return Table("professional_satisfaction.csv", "Questionnaires de satisfaction des professionnels reçus",
                 SATISFACTION_COLUMNS, tuple((pseudo("programme", r.programme_id),
                                              pseudo("professional", r.professional_id), r.role, r.satisfied,
                                              r.score) for r in rows))


def build_tables(session: Session, *, pseudo: Pseudo, period: Period) -> list[Table]:
    scope = _scope(period)
    return [builder(session, pseudo, scope) for builder in (
        programmes, outcomes, follow_up_calls, hospitalisations, incidents, professional_sessions, satisfactions)]
