"""The demande and its dossier: referral, required pieces and their chase tasks, eligibility and the
médecin directeur's decision. Status changes always go through `programmes.transition` (the state machine).

Chase tasks are ordinary Task rows in batch -1 (before D0), one per piece (occurrence = piece index),
so the worklists show them with no special code and they never collide with the D0 plan's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain import dossier as rules
from rehab.domain.eligibility import CRITERIA_BY_ID, EligibilityResult, evaluate
from rehab.domain.programme_states import Status
from rehab.domain.protocol import TaskKind, TaskRole
from rehab.domain.roles import Role
from rehab.domain.workdays import fr_date
from rehab.models import Dossier, DossierPiece, Programme, Task, UploadedFile, User
from rehab.services import audit, plans, programmes
from rehab.services.directory import active_or_none
from rehab.services.errors import ServiceError, StaleEditError

CHASE_CODE = "dossier_piece_chase"
CHASE_BATCH = -1
CHASE_DELAY = timedelta(days=7)


def get(session: Session, programme: Programme) -> Dossier | None:
    return session.scalar(select(Dossier).where(Dossier.programme_id == programme.id))


def dossier_complete_on(session: Session, programme: Programme) -> date | None:
    dossier = get(session, programme)
    return dossier.complete_on if dossier is not None else None


def require_complete_for_d0(session: Session, programme: Programme) -> None:
    """D0 needs a complete dossier; programmes with no dossier row (legacy, demo) are not concerned."""
    dossier = get(session, programme)
    if dossier is not None and dossier.complete_on is None:
        missing = rules.missing_pieces(dossier.received())
        raise ServiceError(f"Le dossier n'est pas complet : {len(missing) or 1} pièce(s) manquante(s). "
                           "Le J0 ne peut être fixé qu'une fois le dossier complet.")


def guard_transition(session: Session, programme: Programme, target: Status) -> None:
    """For `programmes.transition` (generic status buttons): with a dossier, « Dossier complet » needs
    every piece and « Validé » needs the eligibility checklist clear. Programmes without one pass."""
    dossier = get(session, programme)
    if dossier is None:
        return
    if target in (Status.DOSSIER_COMPLET, Status.VALIDE) and dossier.complete_on is None:
        raise ServiceError(f"Le dossier n'est pas complet : {rules.missing_message(dossier.received())}")
    if target == Status.VALIDE and (blockers := eligibility_of(session, dossier).blockers):
        raise ServiceError("Validation impossible : " + " ".join(blockers))


def delay(session: Session, programme: Programme, *, today: date) -> rules.Delay | None:
    target = plans.protocol_of(programme).parameters.dossier_to_d0_target_days
    return rules.delay_to_d0(dossier_complete_on(session, programme), d0=programme.d0, today=today,
                             target_days=target)


def _audit(session: Session, dossier: Dossier, *, user: User, now: datetime, ip: str | None, action: str,
           detail: dict[str, object]) -> None:
    audit.record(session, now=now, user_id=user.id, action=action, object_type="dossier", object_id=dossier.id,
                 object_version=dossier.version, patient_id=dossier.programme.patient_id, ip=ip,
                 detail=detail)


def _check_version(dossier: Dossier, expected: int | None) -> None:
    if expected is not None and dossier.version != expected:
        raise StaleEditError("Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie. Vos saisies "
                             "sont conservées : vérifiez l'état actuel puis validez à nouveau.",
                             current=dossier, changes=[])


def _check_referral(*, referral_date: date, channel: str, origin: str, today: date) -> None:
    if referral_date > today:
        raise ServiceError("La date de la demande ne peut pas être dans le futur.")
    if channel not in rules.CHANNELS:
        raise ServiceError("Choisissez le canal de la demande (courrier, fax ou Medimail).")
    if origin not in rules.ORIGINS:
        raise ServiceError("Choisissez l'origine de la demande.")


def save_referral(session: Session, *, programme: Programme, referral_date: date, channel: str, origin: str,
                  prescriber_id: int | None, notes: str | None, expected_version: int | None, user: User,
                  now: datetime, today: date, ip: str | None) -> Dossier:
    """Creates the dossier (with its four pieces and their chase tasks) or updates its referral data."""
    _check_referral(referral_date=referral_date, channel=channel, origin=origin, today=today)
    prescriber = active_or_none(session, prescriber_id)
    if prescriber_id and prescriber is None:
        raise ServiceError("Le prescripteur choisi n'existe plus dans l'annuaire.")
    values = {"referral_date": referral_date, "channel": channel, "origin": origin,
              "prescriber_id": prescriber.id if prescriber else None, "notes": (notes or "").strip() or None}
    dossier = get(session, programme)
    if dossier is None:
        if programme.status != Status.DEMANDE.value:
            raise ServiceError("Le dossier s'ouvre au stade « Demande ».")
        dossier = Dossier(programme=programme, created_at=now, updated_at=now, eligibility={}, **values)
        dossier.pieces = [DossierPiece(code=code, position=rules.piece_index(code), updated_at=now)
                          for code in rules.REQUIRED_PIECES]
        session.add(dossier)
        session.flush()
        for piece in dossier.pieces:
            open_chase(session, programme, piece, today=today, now=now)
        action, changes = "create", {k: str(v) for k, v in values.items()}
    else:
        _check_version(dossier, expected_version)
        changes = {k: [str(getattr(dossier, k)), str(v)] for k, v in values.items() if getattr(dossier, k) != v}
        for key, value in values.items():
            setattr(dossier, key, value)
        dossier.updated_at = now
        action = "update"
    if programme.referral_date != referral_date:
        programme.referral_date = referral_date
    session.flush()
    _audit(session, dossier, user=user, now=now, ip=ip, action=action, detail={"changes": changes})
    return dossier


def _chase_task(session: Session, programme: Programme, piece: DossierPiece) -> Task | None:
    return session.scalar(select(Task).where(Task.programme_id == programme.id, Task.code == CHASE_CODE,
                                             Task.batch == CHASE_BATCH, Task.occurrence == piece.position))


def open_chase(session: Session, programme: Programme, piece: DossierPiece, *, today: date,
                now: datetime) -> Task:
    """One open chase task per missing piece, due a week later; reopened if the piece is asked again."""
    label = f"Relancer la pièce manquante « {rules.REQUIRED_PIECES[piece.code]} »"  # no colon: the worklist cuts there
    task = _chase_task(session, programme, piece)
    if task is None:
        task = Task(programme_id=programme.id, code=CHASE_CODE, occurrence=piece.position, batch=CHASE_BATCH,
                    label=label, kind=TaskKind.ADMIN.value, phase=0, role=TaskRole.ASSISTANTE.value,
                    working_days=True, on_interruption="cancel", created_at=now)
        session.add(task)
    task.state, task.done_at, task.done_by_id, task.state_reason = "planned", None, None, None
    task.window_start, task.due_date = today, today + CHASE_DELAY
    task.window_end, task.updated_at = task.due_date, now
    return task


def _close_chase(session: Session, programme: Programme, piece: DossierPiece, *, user: User,
                 now: datetime) -> None:
    task = _chase_task(session, programme, piece)
    if task is not None and task.is_open:
        task.state, task.done_at, task.done_by_id, task.updated_at = "done", now, user.id, now
        task.state_reason = f"Pièce reçue le {fr_date(piece.received_on)}" if piece.received_on else None


def cancel_open_chases(session: Session, *, programme: Programme, reason: str, now: datetime) -> int:
    """For `programmes.transition` to a final status before D0 (interrupted demande): the open chase tasks
    would otherwise stay in the assistante's worklist. Returns how many were cancelled."""
    tasks = session.scalars(select(Task).where(Task.programme_id == programme.id, Task.code == CHASE_CODE,
                                               Task.batch == CHASE_BATCH, Task.state == "planned")).all()
    for task in tasks:
        task.state, task.state_reason, task.updated_at = "cancelled", reason, now
    session.flush()
    return len(tasks)


def record_chase(session: Session, *, dossier: Dossier, code: str, user: User, now: datetime, today: date,
                 ip: str | None) -> DossierPiece:
    """A relance made (phone, fax, Medimail): counted, and the chase task is pushed back a week."""
    piece = _piece(dossier, code)
    if piece.received_on is not None:
        raise ServiceError("Cette pièce a déjà été reçue : aucune relance à faire.")
    piece.chase_count += 1
    piece.last_chased_on = today
    open_chase(session, dossier.programme, piece, today=today, now=now)
    session.flush()
    _audit(session, dossier, user=user, now=now, ip=ip, action="update",
           detail={"chase": code, "count": piece.chase_count})
    return piece


def _piece(dossier: Dossier, code: str) -> DossierPiece:
    piece = next((p for p in dossier.pieces if p.code == code), None)
    if piece is None:
        raise ServiceError("Pièce inconnue.")
    return piece


def record_piece(session: Session, *, dossier: Dossier, code: str, received_on: date,
                 upload: UploadedFile | None, user: User, now: datetime, today: date,
                 ip: str | None) -> DossierPiece:
    """A piece received closes its chase task; the last one makes the dossier complete on its date and
    moves the programme from « Demande » to « Dossier complet » through the state machine."""
    piece = _piece(dossier, code)
    if received_on > today:
        raise ServiceError("La date de réception ne peut pas être dans le futur.")
    if received_on < dossier.referral_date - timedelta(days=365):
        raise ServiceError("Date de réception trop ancienne par rapport à la demande : vérifiez l'année.")
    piece.received_on = received_on
    if upload is not None:
        piece.file_id = upload.id
    piece.updated_at = now
    _close_chase(session, dossier.programme, piece, user=user, now=now)
    dossier.updated_at = now
    session.flush()
    _audit(session, dossier, user=user, now=now, ip=ip, action="update",
           detail={"piece": code, "received_on": received_on.isoformat(), "file": upload.id if upload else None})
    _complete_if_ready(session, dossier, user=user, now=now, ip=ip)
    return piece


def _complete_if_ready(session: Session, dossier: Dossier, *, user: User, now: datetime,
                       ip: str | None) -> None:
    complete_on = rules.completeness_date(dossier.received())
    dossier.complete_on = complete_on
    programme = dossier.programme
    if complete_on is not None and programme.status == Status.DEMANDE.value:
        programmes.transition(session, programme=programme, target=Status.DOSSIER_COMPLET,
                              reason=f"Dernière pièce reçue le {fr_date(complete_on)}",
                              expected_version=programme.version, user=user, now=now, ip=ip)
    session.flush()


def redeclare_complete(session: Session, *, dossier: Dossier, user: User, now: datetime, today: date,
                       ip: str | None) -> None:
    """After « compléments demandés » with every piece still on file: the complement arrived today."""
    if rules.missing_pieces(dossier.received()):
        raise ServiceError(rules.missing_message(dossier.received()))
    if dossier.programme.status != Status.DEMANDE.value:
        raise ServiceError("Le programme n'est pas au stade « Demande ».")
    dossier.complete_on = today
    programmes.transition(session, programme=dossier.programme, target=Status.DOSSIER_COMPLET,
                          reason="Compléments reçus", expected_version=dossier.programme.version,
                          user=user, now=now, ip=ip)
    session.flush()


def eligibility_of(session: Session, dossier: Dossier) -> EligibilityResult:
    patient = dossier.programme.patient
    gp_is_prescriber = dossier.origin == "medecin_traitant" or (
        dossier.prescriber_id is not None and dossier.prescriber_id == patient.medecin_traitant_id)
    answers = {k: v for k, v in (dossier.eligibility or {}).items() if k in CRITERIA_BY_ID}
    return evaluate(answers, carer_name=dossier.carer_name, gp_is_prescriber=gp_is_prescriber)


def record_eligibility(session: Session, *, dossier: Dossier, answers: Mapping[str, bool | None],
                       carer_name: str | None, expected_version: int | None, user: User, now: datetime,
                       ip: str | None) -> EligibilityResult:
    _check_version(dossier, expected_version)
    unknown = set(answers) - set(CRITERIA_BY_ID)
    if unknown:
        raise ServiceError("Critère inconnu.")
    dossier.eligibility = {k: v for k, v in answers.items() if v is not None}
    dossier.carer_name = (carer_name or "").strip() or None
    dossier.eligibility_checked_at, dossier.eligibility_checked_by_id = now, user.id
    dossier.updated_at = now
    session.flush()
    _audit(session, dossier, user=user, now=now, ip=ip, action="update",
           detail={"eligibility": dossier.eligibility, "carer": dossier.carer_name})
    return eligibility_of(session, dossier)


def decide(session: Session, *, dossier: Dossier, decision: str, reason: str, patient_choice: str | None,
           pieces_to_redo: list[str], expected_version: int | None, user: User, now: datetime, today: date,
           ip: str | None) -> None:
    """The médecin directeur only: validate (eligible, dossier complete, the patient agrees), ask for more
    (back to « Demande », the named pieces chased again) or reorient to an SSR with a reason."""
    from rehab.models.dossier import DECISIONS, PATIENT_CHOICES

    if not user.has_role(Role.MEDECIN):
        raise ServiceError("La validation médicale est réservée au médecin directeur.")
    _check_version(dossier, expected_version)
    if decision not in DECISIONS:
        raise ServiceError("Choisissez une décision.")
    if patient_choice is not None and patient_choice not in PATIENT_CHOICES:
        raise ServiceError("Choix du patient inconnu.")
    programme, reason = dossier.programme, reason.strip()
    if decision == "valide":
        _check_validable(session, dossier, patient_choice)
        target = Status.VALIDE
    elif decision == "reoriente":
        if not reason:
            raise ServiceError("Indiquez le motif de la réorientation vers un SSR.")
        target = Status.REORIENTE
    else:
        if not reason and not pieces_to_redo:
            raise ServiceError("Précisez ce qui manque : pièces à redemander et/ou compléments attendus.")
        target = Status.DEMANDE
        names = [rules.REQUIRED_PIECES[c] for c in pieces_to_redo if c in rules.REQUIRED_PIECES]
        reason = "; ".join(filter(None, [reason, names and "pièces à redemander : " + ", ".join(names)]))
    programmes.transition(session, programme=programme, target=target, reason=reason,
                          expected_version=programme.version, user=user, now=now, ip=ip)
    if decision == "complements":
        _reopen_pieces(session, dossier, pieces_to_redo, today=today, now=now)
    dossier.decision, dossier.decision_reason, dossier.patient_choice = decision, reason or None, patient_choice
    dossier.decided_at, dossier.decided_by_id, dossier.updated_at = now, user.id, now
    session.flush()
    _audit(session, dossier, user=user, now=now, ip=ip, action="update",
           detail={"decision": decision, "reason": reason, "patient_choice": patient_choice})


def _check_validable(session: Session, dossier: Dossier, patient_choice: str | None) -> None:
    if dossier.complete_on is None:
        raise ServiceError(f"Validation impossible : {rules.missing_message(dossier.received())}")
    result = eligibility_of(session, dossier)
    if result.blockers:
        raise ServiceError("Validation impossible : " + " ".join(result.blockers))
    if patient_choice == "ssr":
        raise ServiceError("Le patient préfère un SSR : respectez son choix et réorientez le dossier.")


def _reopen_pieces(session: Session, dossier: Dossier, codes: list[str], *, today: date, now: datetime) -> None:
    for code in codes:
        piece = _piece(dossier, code)
        piece.received_on, piece.updated_at = None, now
        open_chase(session, dossier.programme, piece, today=today, now=now)
    if codes:
        dossier.complete_on = None
