"""The synthesis workflow: draft (référent) → submitted → reviewed (coordinateur) → validated (médecin
directeur) → dispatched (assistante, see `letter_dispatch`).

Validation freezes the version: its context is stamped and stored as JSON, the PDF is written once under
<instance>/letters with its SHA-256, and nothing rewrites them — every edit is refused, and a correction is a
new version that names the one it replaces. Each step closes the matching plan task
(`synthese_<kind>_draft/_review/_validation/_dispatch`) so that the worklists stop showing it as due.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Programme, Task, User
from rehab.models.letters import (
    DIRECT_VALIDATION_KINDS,
    ISSUED_KINDS,
    LETTER_KINDS,
    OPEN_DISPATCH_STATES,
    TASK_CODES,
    Letter,
    LetterDispatch,
    LetterReview,
    LetterVersion,
)
from rehab.models.plan import OPEN_STATE
from rehab.services import access, audit, plans
from rehab.services.errors import ServiceError, StaleEditError
from rehab.services.letter_context import build_context
from reports.context import Letterhead
from reports.syntheses import SECTIONS, SynthesisContext, context_from_json, context_to_json, render_synthesis

FROZEN_MESSAGE = ("Cette version est validée : elle ne peut plus être modifiée. "
                  "Pour la corriger, créez une nouvelle version.")


class ConflictError(ServiceError):
    """The form was drawn from a state of the letter that has changed since (answered with 409)."""


def current_frozen(letter: Letter) -> LetterVersion | None:
    """The version that goes out: the latest validated or issued one (a correction still in draft does not
    replace it yet)."""
    return next((v for v in reversed(letter.versions) if v.frozen), None)


def _audit(session: Session, version: LetterVersion, *, user: User, now: datetime, action: str,
           **detail: Any) -> None:
    programme = version.letter.programme
    audit.record(session, now=now, user_id=user.id, action=action, object_type="letter", object_id=version.id,
                 object_version=version.revision, patient_id=programme.patient_id,
                 detail={"kind": version.letter.kind, "number": version.number, **detail})


def complete_task(session: Session, *, programme: Programme, kind: str, step: str, user: User,
                  now: datetime) -> None:
    """Marks the plan's open task of this step done (`TASK_CODES`; absent before D0: nothing to do)."""
    code = TASK_CODES.get(kind, {}).get(step)
    if code is None:
        return
    task = session.scalar(select(Task).where(Task.programme_id == programme.id, Task.code == code,
                                             Task.state == OPEN_STATE).order_by(Task.batch.desc()).limit(1))
    if task is not None:
        plans.set_task_state(session, task=task, state="done", reason="", user=user, now=now)


def start(session: Session, *, programme: Programme, kind: str, user: User, now: datetime) -> LetterVersion:
    """The letter's open version, created (version 1, or a new version replacing a frozen one) when needed."""
    if kind not in LETTER_KINDS:
        raise ServiceError("Type de synthèse inconnu.")
    if kind in ISSUED_KINDS:
        raise ServiceError("Les courriers initiaux aux professionnels sont établis par l'assistante de "
                           "coordination.")
    if not user.has_role(Role.REFERENT, Role.COORDINATEUR):
        raise ServiceError("Seuls le référent et le coordinateur rédigent une synthèse.")
    if kind in DIRECT_VALIDATION_KINDS and programme.status != Status.INTERROMPU.value:
        raise ServiceError("Le courrier de fin de programme se rédige une fois le programme interrompu par le "
                           "médecin directeur.")
    letter = _letter(session, programme, kind, now=now)
    current = letter.current
    if current is not None and not current.frozen:
        return current
    version = _new_version(letter, user=user, now=now)
    session.flush()
    _audit(session, version, user=user, now=now, action="create",
           replaces=current.number if current else None)
    return version


def _letter(session: Session, programme: Programme, kind: str, *, now: datetime) -> Letter:
    letter = session.scalar(select(Letter).where(Letter.programme_id == programme.id, Letter.kind == kind))
    if letter is None:
        letter = Letter(programme=programme, kind=kind, state="draft", created_at=now)
        session.add(letter)
    return letter


def _new_version(letter: Letter, *, user: User, now: datetime) -> LetterVersion:
    """A draft version after the current (frozen) one, which it names as replaced; free texts carried over."""
    current = letter.current
    version = LetterVersion(number=(current.number + 1) if current else 1, state="draft",
                            sections=dict(current.sections) if current else {}, created_at=now,
                            updated_at=now, created_by_id=user.id,
                            replaces_version_id=current.id if current else None)
    letter.versions.append(version)
    letter.state = "draft"
    return version


def save_draft(session: Session, *, version: LetterVersion, sections: dict[str, str], revision: int,
               user: User, now: datetime) -> None:
    """The référent's free text; only a draft changes, and a stale form never overwrites a newer save."""
    if version.frozen:
        raise ServiceError(FROZEN_MESSAGE)
    if version.state != "draft":
        raise ServiceError("La synthèse a été soumise : elle ne se modifie plus qu'après un renvoi en relecture.")
    if revision != version.revision:
        raise StaleEditError("Quelqu'un a enregistré cette synthèse pendant que vous la modifiiez.",
                             current=version, changes=[])
    allowed = {key for key, _ in SECTIONS[version.letter.kind]}
    version.sections = {k: v.strip() for k, v in sections.items() if k in allowed and v and v.strip()}
    version.revision += 1
    version.updated_at = now
    session.flush()
    _audit(session, version, user=user, now=now, action="update")


def _step(version: LetterVersion, expected: str, message: str) -> None:
    if version.frozen:
        raise ServiceError(FROZEN_MESSAGE)
    if version.state != expected:
        raise ServiceError(message)


def submit(session: Session, *, version: LetterVersion, user: User, now: datetime) -> None:
    """The référent hands the draft to the coordinateur."""
    _step(version, "draft", "Seul un brouillon peut être soumis.")
    version.state = version.letter.state = "submitted"
    version.submitted_at = now
    session.flush()
    complete_task(session, programme=version.letter.programme, kind=version.letter.kind, step="draft",
                  user=user, now=now)
    _audit(session, version, user=user, now=now, action="submit")


def review(session: Session, *, version: LetterVersion, comments: str, passed: bool, user: User,
           now: datetime) -> None:
    """The coordinateur comments and sends back to the référent, or passes on to the médecin directeur."""
    if not user.has_role(Role.COORDINATEUR):
        raise ServiceError("La relecture est faite par le coordinateur.")
    _step(version, "submitted", "Cette synthèse n'attend pas de relecture.")
    if not passed and not comments.strip():
        raise ServiceError("Indiquez au référent ce qu'il faut reprendre avant de lui renvoyer la synthèse.")
    session.add(LetterReview(version_id=version.id, reviewer_id=user.id, comments=comments.strip(),
                             outcome="passed" if passed else "sent_back", created_at=now))
    version.state = version.letter.state = "reviewed" if passed else "draft"
    version.reviewed_at = now if passed else None
    session.flush()
    if passed:
        complete_task(session, programme=version.letter.programme, kind=version.letter.kind, step="review",
                      user=user, now=now)
    _audit(session, version, user=user, now=now, action="review", passed=passed)


def draft_context(session: Session, *, version: LetterVersion, head: Letterhead,
                  today: date) -> SynthesisContext:
    """The context as the forms say today (a frozen version answers its stored snapshot instead)."""
    if version.snapshot is not None:
        return context_from_json(version.snapshot)
    replaced = version.replaces.number if version.replaces else None
    return build_context(session, programme=version.letter.programme, kind=version.letter.kind, head=head,
                         today=today, sections=version.sections, version_number=version.number,
                         replaces_version=replaced)


def preview(session: Session, *, version: LetterVersion, head: Letterhead, today: date) -> bytes:
    return render_synthesis(draft_context(session, version=version, head=head, today=today))


def validate(session: Session, *, version: LetterVersion, user: User, now: datetime, today: date,
             head: Letterhead, root: str) -> None:
    """The médecin directeur validates: snapshot stamped, PDF written once with its SHA-256, frozen."""
    if not user.has_role(Role.MEDECIN):
        raise ServiceError("Seul le médecin directeur valide une synthèse.")
    if version.letter.kind in ISSUED_KINDS:
        raise ServiceError("Ce courrier est établi par l'assistante : il n'attend pas de validation médicale.")
    # The closing letter of an interruption has no review step in the protocol: submitted is enough.
    if not (version.letter.kind in DIRECT_VALIDATION_KINDS and version.state == "submitted"):
        _step(version, "reviewed", "La synthèse doit avoir été relue par le coordinateur avant validation.")
    _freeze(session, version, head=head, root=root, user=user, now=now, today=today, state="validated")
    complete_task(session, programme=version.letter.programme, kind=version.letter.kind, step="validation",
                  user=user, now=now)
    _audit(session, version, user=user, now=now, action="validate", sha256=version.sha256)


def _freeze(session: Session, version: LetterVersion, *, head: Letterhead, root: str, user: User, now: datetime,
            today: date, state: str) -> None:
    """Context stamped and stored as JSON, PDF written once with its SHA-256: from here nothing changes."""
    ctx = replace(draft_context(session, version=version, head=head, today=today), written_on=today,
                  validated_by=user.full_name, validated_on=today)
    data = render_synthesis(ctx)
    version.pdf_path, version.sha256 = _store(root, data, now=now)
    version.snapshot = context_to_json(ctx)
    version.state = version.letter.state = state
    version.validated_at, version.validated_by_id = now, user.id
    session.flush()
    _cancel_replaced(session, version, user=user, now=now)


def _cancel_replaced(session: Session, version: LetterVersion, *, user: User, now: datetime) -> None:
    """The older versions' rows not yet sent are cancelled, so a replaced letter never goes out; locked and
    re-read first, so a row a concurrent send has just sent stays « sent »."""
    older = [v.id for v in version.letter.versions if v.id != version.id]
    if not older:
        return
    rows = session.scalars(select(LetterDispatch).where(LetterDispatch.version_id.in_(older))
                           .order_by(LetterDispatch.id).with_for_update()
                           .execution_options(populate_existing=True)).all()
    for row in rows:
        if row.status not in OPEN_DISPATCH_STATES:
            continue
        row.status, row.last_error = "cancelled", f"Remplacé par la version {version.number} : non envoyé."
        audit.record(session, now=now, user_id=user.id, action="dispatch", object_type="letter",
                     object_id=row.version_id, patient_id=version.letter.programme.patient_id,
                     detail={"recipient": row.recipient_key, "channel": row.channel, "status": row.status,
                             "replaced_by": version.number})
    session.flush()


def issue(session: Session, *, programme: Programme, kind: str, user: User, now: datetime, today: date,
          head: Letterhead, root: str, expected_number: int | None = None,
          new_version: bool = False) -> LetterVersion:
    """The assistante establishes a letter that needs no medical validation (the initial letters to the care
    team): drawn from the record and frozen at once, ready to dispatch. Issuing again makes a new version, but
    only when asked explicitly (`new_version`, e.g. after a care-team change) and only from the version the
    form showed (`expected_number`, 0 for none): a double click or a second tab never issues twice."""
    if kind not in ISSUED_KINDS:
        raise ServiceError("Ce courrier passe par la rédaction du référent et la validation du médecin directeur.")
    if not user.has_role(Role.ASSISTANTE, Role.COORDINATEUR):
        raise ServiceError("Les courriers initiaux sont établis par l'assistante de coordination.")
    if programme.d0 is None:
        raise ServiceError("Fixez d'abord le J0 : il figure dans le courrier aux professionnels.")
    letter = _letter(session, programme, kind, now=now)
    replaced = letter.current
    _check_issue(replaced, expected_number=expected_number, new_version=new_version)
    version = _new_version(letter, user=user, now=now)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # issued at the same moment from another tab
        raise ConflictError("Ce courrier vient d'être établi par ailleurs : rechargez la page.") from exc
    _freeze(session, version, head=head, root=root, user=user, now=now, today=today, state="issued")
    _audit(session, version, user=user, now=now, action="create", sha256=version.sha256,
           replaces=replaced.number if replaced else None)
    return version


def _check_issue(replaced: LetterVersion | None, *, expected_number: int | None, new_version: bool) -> None:
    if replaced is not None and not replaced.frozen:
        raise ServiceError("Une version de ce courrier est déjà en cours.")
    number = replaced.number if replaced else 0
    if expected_number is not None and expected_number != number:
        raise ConflictError(f"Les courriers initiaux ont été établis entre-temps (version {number}) : "
                            "vérifiez-les avant d'en établir une nouvelle version.")
    if replaced is not None and not new_version:
        raise ConflictError(f"Les courriers initiaux sont déjà établis (version {number}). Pour en établir "
                            "une autre (après un changement dans l'équipe de soins), cochez « Établir une "
                            "nouvelle version ».")


def _store(root: str, data: bytes, *, now: datetime) -> tuple[str, str]:
    """Writes <root>/letters/<yyyy>/<random>.pdf exclusively (never over an existing file)."""
    relative = f"letters/{now.year:04d}/{secrets.token_hex(16)}.pdf"
    target = Path(root) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        handle.write(data)
    return relative, hashlib.sha256(data).hexdigest()


def frozen_pdf(root: str, version: LetterVersion) -> bytes:
    """The validated PDF, checked against its stored SHA-256 (a tampered file is refused)."""
    if not version.frozen or not version.pdf_path or not version.sha256:
        raise ServiceError("Cette synthèse n'est pas encore validée.")
    base = (Path(root) / "letters").resolve()
    path = (Path(root) / version.pdf_path).resolve()
    if base not in path.parents or not path.is_file():
        raise ServiceError("Le fichier de la synthèse validée est introuvable.")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ServiceError("Le fichier de la synthèse validée a été altéré : contactez l'administrateur.")
    return data


def letters_of(session: Session, programme: Programme) -> dict[str, Letter]:
    rows = session.scalars(select(Letter).where(Letter.programme_id == programme.id)
                           .options(joinedload(Letter.versions)))
    return {letter.kind: letter for letter in rows.unique()}


def medecin_queue(session: Session, *, user: User) -> list[LetterVersion]:
    """Versions waiting for the médecin directeur, oldest first (the one waiting longest on top)."""
    visible = access.programme_filter(user)
    waiting = or_(LetterVersion.state == "reviewed",
                  (LetterVersion.state == "submitted") & Letter.kind.in_(sorted(DIRECT_VALIDATION_KINDS)))
    rows = session.scalars(
        select(LetterVersion).join(Letter).join(Programme, Programme.id == Letter.programme_id)
        .where(waiting, visible)
        .options(joinedload(LetterVersion.letter).joinedload(Letter.programme).joinedload(Programme.patient))
        .order_by(func.coalesce(LetterVersion.reviewed_at, LetterVersion.submitted_at), LetterVersion.id))
    return list(rows.unique())


def verify_frozen(session: Session, *, root: str) -> list[tuple[LetterVersion, str]]:
    """Every validated version whose stored PDF is missing or no longer matches its SHA-256, with why."""
    problems = []
    rows = session.scalars(select(LetterVersion).where(LetterVersion.sha256.is_not(None))
                           .options(joinedload(LetterVersion.letter)).order_by(LetterVersion.id))
    for version in rows.unique():
        try:
            frozen_pdf(root, version)
        except ServiceError as exc:
            problems.append((version, str(exc)))
    return problems
