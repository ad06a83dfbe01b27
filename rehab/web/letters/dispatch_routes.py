"""The assistante's dispatch screen: one row per recipient with channel, attempts and result; send the
secure e-mails, retry a failed one, print the postal batch (address sheet + letter per recipient). Postal
recipients without a usable address are listed above the table and left out of the batch. A version replaced
by a newer one shows its log but can no longer be sent (409 if the page was stale)."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.roles import Role
from rehab.models.letters import LetterVersion
from rehab.services import letter_dispatch as dispatch_service
from rehab.services.errors import ServiceError
from rehab.services.letters import current_frozen
from rehab.web.common import now, programme_or_404, roles_required, user
from rehab.web.letters.forms import EmptyForm
from rehab.web.letters.routes import bp, head, root, version_or_404


def _back(version_id: int) -> ResponseReturnValue:
    return redirect(url_for("letters.dispatch", version_id=version_id))


def _page(version: LetterVersion, status: int = 200) -> ResponseReturnValue:
    """The dispatch log; rows are drawn up (or brought up to date) only for the version that goes out."""
    latest = current_frozen(version.letter)
    rows = list(version.dispatches)
    if version.frozen and latest is version:
        rows = dispatch_service.prepare(Session(), version=version, user=user(), now=now())
        Session.commit()
    return render_template("letters/dispatch.html", version=version, letter=version.letter,
                           programme=version.letter.programme, rows=rows, form=EmptyForm(),
                           replaced_by=latest if version.frozen and latest is not version else None,
                           missing=dispatch_service.missing_addresses(rows),
                           electronic=[d for d in rows if d.channel in dispatch_service.ELECTRONIC],
                           postal=[d for d in rows if d.channel == "post"]), status


def _refused(version_id: int, exc: ServiceError) -> ResponseReturnValue:
    """A replaced version: the page again, with the reason and a 409; any other refusal: flash and back."""
    Session.rollback()
    flash(str(exc), "error")
    if isinstance(exc, dispatch_service.ReplacedVersionError):
        return _page(Session().get_one(LetterVersion, version_id), 409)
    return _back(version_id)


@bp.get("/courriers/<int:version_id>/envoi")
@roles_required(Role.ASSISTANTE)
def dispatch(version_id: int) -> ResponseReturnValue:
    return _page(version_or_404(version_id))


@bp.post("/courriers/<int:version_id>/envoi")
@roles_required(Role.ASSISTANTE)
def send_all(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action=None)
    if EmptyForm().validate_on_submit():
        try:
            failed = dispatch_service.send_electronic(Session(), version=version, config=current_app.config,
                                                      root=root(), user=user(), now=now())
        except ServiceError as exc:
            return _refused(version_id, exc)
        else:
            Session.commit()
            flash(f"{failed} envoi(s) en échec : vous pouvez les relancer." if failed else
                  "Envois électroniques effectués.", "error" if failed else "success")
    return _back(version_id)


@bp.post("/courriers/envois/<int:dispatch_id>/relancer")
@roles_required(Role.ASSISTANTE)
def retry(dispatch_id: int) -> ResponseReturnValue:
    row = dispatch_service.dispatch_by_id(Session(), dispatch_id)
    if row is None:
        abort(404)
    version = Session().get_one(LetterVersion, row.version_id)
    programme_or_404(version.letter.programme_id, action=None)
    if EmptyForm().validate_on_submit():
        try:
            dispatch_service.send_one(Session(), dispatch=row, config=current_app.config, root=root(),
                                      user=user(), now=now())
        except ServiceError as exc:
            return _refused(version.id, exc)
        else:
            Session.commit()
            flash("Envoi réussi." if row.status == "sent" else f"Nouvel échec : {row.last_error}",
                  "success" if row.status == "sent" else "error")
    return _back(version.id)


@bp.post("/courriers/<int:version_id>/lot-postal")
@roles_required(Role.ASSISTANTE)
def print_batch(version_id: int) -> ResponseReturnValue:
    version = version_or_404(version_id, action=None)
    if not EmptyForm().validate_on_submit():
        return _back(version_id)
    try:
        batch = dispatch_service.print_batch(Session(), version=version, head=head(), root=root(), user=user(),
                                             now=now())
    except ServiceError as exc:
        return _refused(version_id, exc)
    Session.commit()
    if batch.missing:  # shown on the dispatch page when the assistante comes back to it
        flash(f"{batch.printed} courrier(s) imprimé(s). Non imprimé(s), adresse postale incomplète : "
              f"{', '.join(batch.missing)}.", "error")
    return send_file(io.BytesIO(batch.pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"lot-postal-{version.letter.kind}-programme-{version.letter.programme_id}.pdf")
