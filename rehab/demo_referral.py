"""Demo enrichment for issue 4 (first half): a directory of professionals, the patients' doctors linked
to it, and a dossier on every programme before D0 (missing pieces chased, eligibility, decisions)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.dossier import REQUIRED_PIECES, piece_index
from rehab.domain.eligibility import CRITERIA, CriterionKind
from rehab.domain.programme_states import Status
from rehab.domain.text import search_key
from rehab.models import Dossier, DossierPiece, Patient, Professional, Programme, User
from rehab.services import dossier as dossier_service
from rehab.services.directory import luhn_ok

#: (kind, name, organisation, postal code, city) — the partners a coordination team works with.
PARTNERS: list[tuple[str, str, str | None, str, str]] = [
    ("kinesitherapeute", "Mathieu Carles", "Cabinet de kinésithérapie du Canal", "31000", "Toulouse"),
    ("kinesitherapeute", "Laure Pagès", None, "81000", "Albi"),
    ("infirmier", "Sylvie Rouzaud", "Cabinet infirmier des Halles", "34000", "Montpellier"),
    ("dieteticien", "Camille Ortega", None, "31300", "Toulouse"),
    ("tabacologue", "Dr Rémi Salles", "Consultation de tabacologie", "30000", "Nîmes"),
    ("psychologue", "Aurélie Mas", None, "12000", "Rodez"),
    ("ssr", "SSR Les Cèdres", "Clinique Les Cèdres", "31700", "Cornebarrieu"),
    ("ssr", "SSR La Solane", "Centre de réadaptation La Solane", "66000", "Perpignan"),
    ("prestataire", "OccitaMed Domicile", "OccitaMed", "31200", "Toulouse"),
    ("association_patients", "Association Souffle d'Oc", None, "34000", "Montpellier"),
    ("groupe_entretien", "Groupe Marche et Souffle", "Maison des sports", "81000", "Albi"),
]


def _rpps(rng: random.Random) -> str:
    base = "10" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))


def _professional(kind: str, name: str, *, rng: random.Random, now: datetime, organisation: str | None = None,
                  postal: str | None = None, city: str | None = None) -> Professional:
    is_org = kind in {"ssr", "prestataire", "association_patients", "groupe_entretien"}
    slug = search_key(name).lower().replace(" ", ".")
    pro = Professional(
        kind=kind, name=name, organisation=organisation, postal_code=postal, city=city,
        department=postal[:2] if postal else None, rpps=None if is_org else _rpps(rng),
        finess=f"{postal[:2]}0{rng.randint(100000, 999999)}" if is_org and postal else None,
        phone=f"05 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        mssante=None if is_org else f"{slug}@medecin.mssante.fr",
        preferred_channel="post" if is_org else "mssante", created_at=now, updated_at=now)
    pro.refresh_search_key()
    return pro


def _link_doctors(session: Session, rng: random.Random, now: datetime) -> dict[str, Professional]:
    """One card per distinct free-text doctor of the demo patients, as the 0003 migration does."""
    cards: dict[str, Professional] = {}
    for patient in session.scalars(select(Patient).order_by(Patient.id)):
        for text, kind, attr in ((patient.medecin_traitant, "medecin_traitant", "medecin_traitant_id"),
                                 (patient.pneumologue, "pneumologue", "pneumologue_id")):
            if not text:
                continue
            if text not in cards:
                name, _, rest = text.partition(",") if kind == "medecin_traitant" else text.partition(" (")
                city = rest.strip().rstrip(")").split(",")[-1].replace("CHU", "").strip() or None
                cards[text] = _professional(kind, name.strip(), rng=rng, now=now, city=city)
                session.add(cards[text])
                session.flush()
            setattr(patient, attr, cards[text].id)
    return cards


def _dossier(session: Session, programme: Programme, *, rng: random.Random, now: datetime, today: date,
             users: dict[str, User]) -> None:
    status = Status(programme.status)
    referral = programme.referral_date or today - timedelta(days=30)
    patient = programme.patient
    dossier = Dossier(programme=programme, referral_date=referral, channel=rng.choice(["courrier", "fax", "medimail"]),
                      origin=rng.choice(["pneumologue", "pneumologue", "medecin_traitant", "ssr_evaluation"]),
                      prescriber_id=patient.pneumologue_id, eligibility={}, created_at=now, updated_at=now)
    missing = rng.sample(list(REQUIRED_PIECES), rng.randint(1, 3)) if status == Status.DEMANDE else []
    for code in REQUIRED_PIECES:
        received = None if code in missing else min(today, referral + timedelta(days=rng.randint(0, 12)))
        dossier.pieces.append(DossierPiece(code=code, position=piece_index(code), received_on=received,
                                           chase_count=rng.randint(0, 2) if received is None else 0,
                                           updated_at=now))
    dossier.complete_on = None if missing else max(p.received_on for p in dossier.pieces if p.received_on)
    if status != Status.DEMANDE and (status != Status.DOSSIER_COMPLET or rng.random() < 0.5):
        dossier.eligibility = {c.id: c.kind == CriterionKind.INCLUSION for c in CRITERIA}
        dossier.eligibility_checked_at, dossier.eligibility_checked_by_id = now, users["medecin"].id
    if status in (Status.VALIDE, Status.PLANIFIE, Status.REORIENTE):
        dossier.decision = "reoriente" if status == Status.REORIENTE else "valide"
        dossier.decision_reason = "Instabilité : séjour en SSR préférable" if status == Status.REORIENTE else None
        dossier.patient_choice = "ssr" if status == Status.REORIENTE else "domicile"
        dossier.decided_at, dossier.decided_by_id = now, users["medecin"].id
    session.add(dossier)
    session.flush()
    for piece in dossier.pieces:
        if piece.received_on is None:
            dossier_service.open_chase(session, programme, piece, today=today, now=now)


def enrich(session: Session, *, now: datetime) -> str:
    rng = random.Random(20264)  # noqa: S311 — seeded demo data, not cryptography
    today = now.date()
    users = {u.username: u for u in session.scalars(select(User))}
    cards = _link_doctors(session, rng, now)
    for kind, name, organisation, postal, city in PARTNERS:
        session.add(_professional(kind, name, rng=rng, now=now, organisation=organisation, postal=postal,
                                  city=city))
    before_d0 = (Status.DEMANDE.value, Status.DOSSIER_COMPLET.value, Status.VALIDE.value, Status.REORIENTE.value,
                 Status.PLANIFIE.value)
    programmes = list(session.scalars(select(Programme).where(Programme.status.in_(before_d0))
                                      .order_by(Programme.id)))
    for programme in programmes:
        _dossier(session, programme, rng=rng, now=now, today=today, users=users)
    session.flush()
    # Two referrals from coordination schemes (an indicator of their own, 20 / 30 / 40 a year): set after the
    # seeded draws so that the rest of the demo stays exactly as it was.
    for programme, origin in zip(programmes[1::5], ("dac", "exercice_coordonne"), strict=False):
        dossier = session.scalar(select(Dossier).where(Dossier.programme_id == programme.id))
        if dossier is not None:
            dossier.origin = origin
    return f"{len(cards) + len(PARTNERS)} fiches d'annuaire, {len(programmes)} dossiers"
