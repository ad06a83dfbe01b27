"""The workflow screens of a synthesis: list per programme, draft, submit, review, validation, PDFs.

Every route checks the role, then the object (the version's programme must be visible to the user; the
check is audited by `programme_or_404`). Validation also requires a recent password entry.
"""

from __future__ import annotations

import io
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import logout_user

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import Programme
from rehab.models.letters import DIRECT_VALIDATION_KINDS, ISSUED_KINDS, LETTER_KINDS, LetterVersion
from rehab.services import accounts, documents
from rehab.services import letters as service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import now, programme_or_404, roles_required, user
from rehab.web.letters.forms import EmptyForm, IssueForm, ReviewForm, StartForm, draft_form
from reports.context import Letterhead
from reports.syntheses import SECTIONS

bp = Blueprint("letters", __name__)

WRITERS = (Role.REFERENT, Role.COORDINATEUR)
STALE_LOGIN = ("Pour valider une synthèse, le médecin directeur doit s'être identifié récemment : "
               "saisissez de nouveau votre mot de passe.")


def root() -> str:
    return documents.files_root(current_app.config, current_app.instance_path)


def head() -> Letterhead:
    return documents.letterhead(current_app.config, current_app.instance_path)


def version_or_404(version_id: int, *, action: str | None = "view") -> LetterVersion:
    """The version, if its programme is visible to the user (audited); else 404, leaking nothing."""
    version = Session().get(LetterVersion, version_id)
    if version is None:
        abort(404)
    programme_or_404(version.letter.programme_id, action=action)
    return version


def _fail(exc: ServiceError) -> None:
    Session.rollback()
    flash(str(exc), "error")


@bp.get("/programmes/<int:programme_id>/courriers")
@roles_required(*CLINICAL_ROLES)
def programme_letters(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id)
    form = StartForm()
    wanted = request.args.get("kind", "")
    if wanted in LETTER_KINDS and wanted not in ISSUED_KINDS:  # arriving from a plan task
        form.kind.data = wanted
    return render_programme(programme, form=form)


def render_programme(programme: Programme, *, form: StartForm | None = None, issue: IssueForm | None = None,
                     status: int = 200) -> ResponseReturnValue:
    """The programme's letters; the issue form's hidden version number is always the current one."""
    letters = service.letters_of(Session(), programme)
    initial = letters.get(next(iter(ISSUED_KINDS)))
    return render_template("letters/programme.html", programme=programme, letters=letters, kinds=LETTER_KINDS,
                           form=form or StartForm(), issued_kinds=ISSUED_KINDS, button=EmptyForm(),
                           issue=issue or IssueForm(), initial_number=initial.current.number
                           if initial is not None and initial.current is not None else 0), status


@bp.post("/programmes/<int:programme_id>/courriers")
@roles_required(*WRITERS)
def start(programme_id: int) -> ResponseReturnValue:
    programme = programme_or_404(programme_id, action=None)
    form = StartForm()
    if not form.validate_on_submit():
        flash("Choisissez une synthèse.", "error")
        return redirect(url_for("letters.programme_letters", programme_id=programme.id))
    try:
        version = service.start(Session(), programme=programme, kind=form.kind.data or "", user=user(), now=now())
    except ServiceError as exc:
        _fail(exc)
        return redirect(url_for("letters.programme_letters", programme_id=programme.id))
    Session.commit()
    return redirect(url_for("letters.show", version_id=version.id))


def _render_show(version: LetterVersion, *, form: object = None, review: ReviewForm | None = None,
                 status: int = 200, saved: dict[str, str] | None = None) -> ResponseReturnValue:
    letter = version.letter
    if form is None:
        form = draft_form(letter.kind, dict(version.sections), version.revision)
    return render_template("letters/show.html", version=version, letter=letter, programme=letter.programme,
                           form=form, review=review or ReviewForm(), button=EmptyForm(),
                           sections=SECTIONS[letter.kind], saved=saved,
                           direct=letter.kind in DIRECT_VALIDATION_KINDS), status


@bp.get("/courriers/<int:version_id>")
@roles_required(*CLINICAL_ROLES)
def show(version_id: int) -> ResponseReturnValue:
    return _render_show(version_or_404(version_id))


@bp.post("/courriers/<int:version_id>")
@roles_required(*WRITERS)
def save(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action=None)
    form = draft_form(version.letter.kind)
    if not form.validate_on_submit():
        return _render_show(version, form=form, status=400)
    sections = {key: str(form[key].data or "") for key, _ in SECTIONS[version.letter.kind]}
    try:
        revision = int(form.revision_seen.data or 0)
        service.save_draft(Session(), version=version, sections=sections, revision=revision, user=user(),
                           now=now())
    except StaleEditError as exc:
        # Typed text kept, the saved one shown beside it, and the form now based on the saved revision: the
        # next submit (the user's merge) goes through instead of answering 409 forever.
        Session.rollback()
        current = Session().get_one(LetterVersion, version_id)
        flash(f"{exc} Votre texte est conservé ; le texte enregistré est affiché sous chaque rubrique : "
              "fusionnez-les puis enregistrez.", "error")
        form.revision_seen.data = str(current.revision)
        return _render_show(current, form=form, status=409, saved=dict(current.sections))
    except (ServiceError, ValueError) as exc:
        Session.rollback()
        flash(str(exc) if isinstance(exc, ServiceError) else "Formulaire périmé : rechargez la page.", "error")
        return _render_show(Session().get_one(LetterVersion, version_id), form=form,
                            status=409 if isinstance(exc, ValueError) else 400)
    Session.commit()
    flash("Synthèse enregistrée.", "success")
    return redirect(url_for("letters.show", version_id=version.id))


@bp.post("/courriers/<int:version_id>/soumettre")
@roles_required(*WRITERS)
def submit(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action=None)
    if EmptyForm().validate_on_submit():
        try:
            service.submit(Session(), version=version, user=user(), now=now())
            Session.commit()
            flash("Courrier soumis au médecin directeur." if version.letter.kind in DIRECT_VALIDATION_KINDS
                  else "Synthèse soumise au coordinateur.", "success")
        except ServiceError as exc:
            _fail(exc)
    return redirect(url_for("letters.show", version_id=version_id))


@bp.post("/courriers/<int:version_id>/relecture")
@roles_required(Role.COORDINATEUR)
def review(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action=None)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render_show(version, review=form, status=400)
    try:
        service.review(Session(), version=version, comments=form.comments.data or "",
                       passed=form.outcome.data == "passed", user=user(), now=now())
    except ServiceError as exc:
        _fail(exc)
        return _render_show(Session().get_one(LetterVersion, version_id), review=form, status=400)
    Session.commit()
    flash("Relecture enregistrée.", "success")
    return redirect(url_for("letters.show", version_id=version_id))


def _recent_login() -> bool:
    token = user().session_token
    at = accounts.session_authenticated_at(Session(), token=token) if token else None
    minutes = int(current_app.config.get("RECENT_LOGIN_MINUTES", 30))
    return at is not None and now() - at <= timedelta(minutes=minutes)


def _ask_login_again(version_id: int) -> ResponseReturnValue:
    """Close this session and send the médecin to the login page, back to the validation page after."""
    token = user().session_token
    if token:
        accounts.close_session(Session(), token=token, now=now())
    Session.commit()
    logout_user()
    session.clear()
    flash(STALE_LOGIN, "info")
    return redirect(url_for("auth.login", next=url_for("letters.validation", version_id=version_id)))


@bp.route("/courriers/<int:version_id>/validation", methods=["GET", "POST"])
@roles_required(Role.MEDECIN)
def validation(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action=None if request.method == "POST" else "view")
    if not _recent_login():
        return _ask_login_again(version_id)
    form = EmptyForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.validate(Session(), version=version, user=user(), now=now(), today=local_date(now()),
                             head=head(), root=root())
        except ServiceError as exc:
            _fail(exc)
            version, status = Session().get_one(LetterVersion, version_id), 409
        else:
            Session.commit()
            flash("Validation enregistrée : le document est figé et prêt à être envoyé.", "success")
            return redirect(url_for("letters.queue"))
    return render_template("letters/validation.html", version=version, letter=version.letter,
                           programme=version.letter.programme, form=form), status


@bp.get("/courriers/a-valider")
@roles_required(Role.MEDECIN)
def queue() -> ResponseReturnValue:
    versions = service.medecin_queue(Session(), user=user())
    return render_template("letters/queue.html", versions=versions, now=now())


@bp.get("/courriers/<int:version_id>/apercu.pdf")
@roles_required(*CLINICAL_ROLES)
def preview(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action="print")
    try:
        data = (service.frozen_pdf(root(), version) if version.frozen else
                service.preview(Session(), version=version, head=head(), today=local_date(now())))
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("letters.show", version_id=version_id))
    name = f"synthese-{version.letter.kind}-programme-{version.letter.programme_id}-v{version.number}.pdf"
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name,
                     as_attachment=version.frozen)


from rehab.web.letters import dispatch_routes, task_routes  # noqa: E402,F401 — more routes on `bp`
