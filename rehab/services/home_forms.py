"""Recording the forms filled at the patient's home or on the phone; each one completes its plan task.

Idempotence: the browser makes one `client_submission_id` per draft. A second submit with the same id
(double tap, resend after a timeout, offline queue replayed) finds the saved record and changes nothing.
Staleness: the form carries the task's `updated_at` stamp; if the task changed meanwhile (done by someone
else, cancelled, rescheduled) the submit is refused with 409 and the typed input is given back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.clock import local_date
from rehab.domain.outcomes import crq_scores, decide_supports, endurance_load, propose_rupture
from rehab.domain.roles import Role
from rehab.models import (
    CrqAdministration,
    EnduranceTest,
    FollowUpCallRecord,
    FormDraft,
    FormSubmission,
    Programme,
    Task,
    User,
    VisitRecord,
    WeeklyCallRecord,
)
from rehab.services import audit, plans
from rehab.services.errors import ServiceError
from rehab.services.home_form_specs import SPECS, FormSpec, clean, to_json

DESK_ROLES = (Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN)
CONSULTATION_ROLES = {"pneumologue", "medecin_traitant", "paramedical", "dieteticien", "tabacologue",
                      "psychologue"}


class FormInvalid(ServiceError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Le formulaire contient des erreurs : corrigez les champs signalés.")
        self.errors = errors


class StaleForm(ServiceError):
    """The task changed while the form was open (409)."""


def spec_for(task: Task) -> FormSpec | None:
    return SPECS.get(task.form or "")


def is_consultation(task: Task) -> bool:
    return task.kind == "consultation" and task.role in CONSULTATION_ROLES


def can_fill(user: User, task: Task) -> bool:
    """The task's assignee, the desk and the médecin directeur; not another référent of the sector."""
    return user.has_role(*DESK_ROLES) or task.assignee_id == user.id


def stamp(task: Task) -> str:
    return task.updated_at.isoformat() if task.updated_at else ""


def new_client_id() -> str:
    return str(uuid.uuid4())


def valid_client_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError):
        raise ServiceError("Identifiant de saisie invalide : rechargez le formulaire.") from None


def find_submission(session: Session, client_id: str) -> FormSubmission | None:
    return session.scalar(select(FormSubmission).where(FormSubmission.client_submission_id == client_id))


@dataclass
class Outcome:
    submission: FormSubmission
    created: bool
    rupture_proposed: bool = False
    plan_changes: tuple[int, int] = (0, 0)
    retry: bool = False


def submit(session: Session, *, task: Task, user: User, data: dict[str, str], client_id: str, task_stamp: str,
           now: datetime, today: date) -> Outcome:
    """Validate, store the record and its typed measures, apply its effects, mark the task done."""
    client_id = valid_client_id(client_id)
    if (existing := find_submission(session, client_id)) is not None:
        if existing.task_id != task.id:
            raise ServiceError("Cette saisie a déjà été enregistrée pour une autre tâche.")
        return Outcome(existing, created=False)
    spec = spec_for(task)
    if spec is None:
        raise ServiceError("Cette tâche n'a pas de formulaire.")
    if not task.is_open:
        raise StaleForm(f"Cette tâche est déjà « {task.state_label} » : votre saisie n'a pas été enregistrée, "
                        "elle reste affichée ci-dessous.")
    if task_stamp != stamp(task):
        raise StaleForm("La tâche a été modifiée depuis l'ouverture du formulaire (date ou responsable) : "
                        "vérifiez puis enregistrez à nouveau, votre saisie est conservée.")
    cleaned = clean(spec, data, today=today)
    if cleaned.errors:
        raise FormInvalid(cleaned.errors)
    values = cleaned.values
    programme = task.programme
    submission = FormSubmission(programme_id=programme.id, task_id=task.id, form=spec.code,
                                client_submission_id=client_id, payload=to_json(values),
                                performed_on=values["performed_on"], submitted_by_id=user.id, submitted_at=now)
    session.add(submission)
    session.flush()
    outcome = Outcome(submission, created=True)
    store_measures(session, programme, submission, values, outcome, now=now, user=user)
    if values.get("outcome") == "unreachable":
        outcome.retry = True  # the attempt is on record; the call itself is still to do
    else:
        plans.set_task_state(session, task=task, state="done", reason="", user=user, now=now)
    session.execute(FormDraft.__table__.delete().where(FormDraft.task_id == task.id))
    audit.record(session, now=now, user_id=user.id, action="create", object_type="form_submission",
                 object_id=submission.id, patient_id=programme.patient_id, detail={"form": spec.code})
    return outcome


def store_measures(session: Session, programme: Programme, submission: FormSubmission, values: dict[str, Any],
                   outcome: Outcome, *, now: datetime, user: User | None) -> None:
    """Copy the numbers the indicators count into their typed tables (and apply the inclusion's supports)."""
    form, on = submission.form, submission.performed_on
    if form in {"weekly_call", "reinforcement_call"}:
        session.add(WeeklyCallRecord(programme_id=programme.id, submission_id=submission.id, called_on=on,
                                     **{k: values[k] for k in (
                                         "outcome", "sessions", "minutes_per_session", "watts", "modality",
                                         "symptoms", "difficulties", "benefits", "next_prescription")}))
    elif form == "follow_up_call":
        proposed = propose_rupture(values["sessions_per_week"], values["project_per_week"])
        outcome.rupture_proposed = proposed
        session.add(FollowUpCallRecord(
            programme_id=programme.id, submission_id=submission.id, called_on=on, channel=values["channel"],
            unscheduled_consultations=values["unscheduled_consultations"] or 0,
            hospitalisations=values["hospitalisations"] or 0, hospital_days=values["hospital_days"] or 0,
            hospitalisation_dates=values["hospitalisation_dates"], adherence=values["adherence"],
            sessions_per_week=values["sessions_per_week"], project_per_week=values["project_per_week"],
            rupture_proposed=proposed))
    else:
        _store_visit(session, programme, submission, values, outcome, now=now, user=user)


def _store_visit(session: Session, programme: Programme, submission: FormSubmission, values: dict[str, Any],
                 outcome: Outcome, *, now: datetime, user: User | None) -> None:
    form, on = submission.form, submission.performed_on
    record = VisitRecord(programme_id=programme.id, submission_id=submission.id, form=form, visited_on=on,
                         **{k: values.get(k) for k in ("eva", "mmrc", "consent_date", "odometer_km",
                                                       "sessions_declared", "attestation_date", "orientation",
                                                       "project_per_week")})
    if form == "inclusion_visit":
        supports = decide_supports(weight_kg=float(values["weight"]), height_cm=float(values["height"]),
                                   smoker=values["smoker"], psychotropic=values["psychotropic"],
                                   patient_request=values["psychology_request"],
                                   params=plans.protocol_of(programme).parameters)
        record.weight_kg, record.height_cm, record.bmi = values["weight"], values["height"], supports.bmi
        outcome.plan_changes = apply_supports(session, programme=programme, bmi=supports.bmi,
                                              smoker=supports.tobacco, psychology=supports.psychology,
                                              user=user, now=now)
    session.add(record)
    moment = "inclusion" if form == "inclusion_visit" else "closing"
    if any(values.get(f"crq_{n}") is not None for n in range(1, 21)):
        items = {n: values.get(f"crq_{n}") for n in range(1, 21)}
        scores = crq_scores(items)
        session.add(CrqAdministration(programme_id=programme.id, submission_id=submission.id, moment=moment,
                                      administered_on=on, **{f"item_{n}": v for n, v in items.items()},
                                      **scores.domains))
    if values.get("max_power") and values.get("endurance_time") is not None:
        session.add(EnduranceTest(
            programme_id=programme.id, submission_id=submission.id, moment=moment, tested_on=on,
            max_power_w=values["max_power"], load_w=endurance_load(values["max_power"]),
            duration_s=values["endurance_time"], **{k: values.get(k) for k in (
                "hr_start", "hr_end", "spo2_start", "spo2_end", "borg_start", "borg_end")}))


def apply_supports(session: Session, *, programme: Programme, bmi: float, smoker: bool, psychology: bool,
                   user: User | None, now: datetime) -> tuple[int, int]:
    """Record the facts decided at inclusion; the plan's conditional consultations follow them.

    Returns (added, cancelled)."""
    programme.bmi, programme.smoker, programme.psychology_support = bmi, smoker, psychology
    return plans.sync_conditional_tasks(session, programme=programme, user=user, now=now, today=local_date(now),
                                        reason="Accompagnements décidés à la visite d'inclusion")


def confirm_rupture(session: Session, *, submission: FormSubmission, user: User, now: datetime,
                    today: date) -> None:
    """The référent confirms the proposed rupture: the plan's rupture path starts (comité …)."""
    record = session.scalar(select(FollowUpCallRecord).where(FollowUpCallRecord.submission_id == submission.id))
    if record is None or not record.rupture_proposed:
        raise ServiceError("Aucune rupture n'est proposée pour cet appel.")
    if record.rupture_confirmed_at is not None:
        raise ServiceError("La rupture a déjà été confirmée.")
    programme = session.get_one(Programme, submission.programme_id)
    plans.record_rupture(session, programme=programme, on=today, user=user, now=now,
                         reason=f"Activité {record.sessions_per_week} séance(s)/semaine pour un projet de "
                                f"{record.project_per_week} (appel du {record.called_on:%d/%m/%Y})")
    record.rupture_confirmed_at = now


def save_draft(session: Session, *, user: User, task: Task, payload: dict[str, Any], now: datetime) -> FormDraft:
    """Server-side autosave; only string fields are kept, and nothing oversized."""
    clean_payload = {str(k)[:60]: str(v)[:5000] for k, v in payload.items() if isinstance(v, str | int | float)}
    if len(clean_payload) > 200:
        raise ServiceError("Brouillon trop volumineux.")
    draft = session.scalar(select(FormDraft).where(FormDraft.user_id == user.id, FormDraft.task_id == task.id))
    if draft is None:
        draft = FormDraft(user_id=user.id, task_id=task.id, payload=clean_payload, updated_at=now)
        session.add(draft)
    else:
        draft.payload, draft.updated_at = clean_payload, now
    session.flush()
    audit.record(session, now=now, user_id=user.id, action="update", object_type="form_draft", object_id=draft.id,
                 patient_id=task.programme.patient_id, detail={"task": task.id})
    return draft


def draft_of(session: Session, *, user: User, task: Task) -> FormDraft | None:
    return session.scalar(select(FormDraft).where(FormDraft.user_id == user.id, FormDraft.task_id == task.id))


def submissions_of(session: Session, programme: Programme) -> list[FormSubmission]:
    return list(session.scalars(select(FormSubmission).where(FormSubmission.programme_id == programme.id)
                                .order_by(FormSubmission.performed_on, FormSubmission.id)))


def display_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)
