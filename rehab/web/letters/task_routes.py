"""From a plan task to its letter, and the letters the assistante issues herself.

A letter task of the worklist (draft, review, validation, dispatch of a synthesis, of the closing letter of an
interruption, the initial letters to the care team) opens the page where that step is done, for the person
looking: the dispatch screen for the assistante, the validation page for the médecin directeur, the letter
otherwise — or the programme's letters when nothing is started yet.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import Task, User
from rehab.models.letters import DIRECT_VALIDATION_KINDS, ISSUED_KINDS, KIND_OF_TASK_LETTER, LetterVersion
from rehab.services import letters as service
from rehab.services.errors import ServiceError
from rehab.web.common import now, programme_or_404, roles_required, user
from rehab.web.letters.forms import IssueForm
from rehab.web.letters.routes import bp, head, render_programme, root


@bp.app_template_test("letter_task")
def is_letter_task(task: Task) -> bool:
    """`{% if t is letter_task %}`: the task leads to a letter of this workflow (worklist link)."""
    return bool(task.letter) and task.letter in KIND_OF_TASK_LETTER


def awaiting_validation(version: LetterVersion) -> bool:
    return version.state == "reviewed" or (
        version.state == "submitted" and version.letter.kind in DIRECT_VALIDATION_KINDS)


def _target(version: LetterVersion, me: User) -> str:
    if me.has_role(Role.ASSISTANTE) and version.frozen:
        return url_for("letters.dispatch", version_id=version.id)
    if me.has_role(Role.MEDECIN) and awaiting_validation(version):
        return url_for("letters.validation", version_id=version.id)
    return url_for("letters.show", version_id=version.id)


@bp.get("/courriers/tache/<int:task_id>")
@roles_required(*CLINICAL_ROLES)
def for_task(task_id: int) -> ResponseReturnValue:
    task = Session().get(Task, task_id)
    if task is None or not is_letter_task(task):
        abort(404)
    programme = programme_or_404(task.programme_id, action=None)
    kind = KIND_OF_TASK_LETTER[task.letter or ""]
    letter = service.letters_of(Session(), programme).get(kind)
    if letter is None or letter.current is None:
        return redirect(url_for("letters.programme_letters", programme_id=programme.id, kind=kind) + f"#{kind}")
    return redirect(_target(letter.current, user()))


@bp.post("/programmes/<int:programme_id>/courriers/initiaux")
@roles_required(Role.ASSISTANTE, Role.COORDINATEUR)
def issue_initial(programme_id: int) -> ResponseReturnValue:
    """Establish (and freeze) the initial letter to the care team, then go and send it. The form names the
    version it was drawn from: a double click or a stale tab answers 409 instead of issuing twice."""
    programme = programme_or_404(programme_id, action=None)
    form = IssueForm()
    expected = form.expected_number() if form.validate_on_submit() else None
    if expected is None:
        flash("Formulaire périmé : rechargez la page.", "error")
        return render_programme(programme, issue=form, status=400)
    kind = next(iter(ISSUED_KINDS))
    try:
        version = service.issue(Session(), programme=programme, kind=kind, user=user(), now=now(),
                                today=local_date(now()), head=head(), root=root(), expected_number=expected,
                                new_version=bool(form.new_version.data))
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return render_programme(programme, issue=form,
                                status=409 if isinstance(exc, service.ConflictError) else 400)
    Session.commit()
    flash("Courrier initial établi : envoyez-le à chaque professionnel de l'équipe de soins.", "success")
    if user().has_role(Role.ASSISTANTE):
        return redirect(url_for("letters.dispatch", version_id=version.id))
    return redirect(url_for("letters.show", version_id=version.id))
