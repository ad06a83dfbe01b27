"""The annual activity report for the financers (issue #9): Excel workbook and PDF downloads.

The report aggregates programmes and holds no patient name, so the steering roles that answer to the financers
may download it: coordinateur, médecin directeur and gestionnaire — the latter with the families the dashboards
show her (activity and costs), never the clinical ones. Generating it takes a few seconds on a large
database: the page's script (static/js/download-progress.js) shows « Génération en cours… » on the clicked
button until the response sets a cookie echoing the token the form sent.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.domain.roles import Role
from rehab.indicators.catalogue import FAMILY_LABELS
from rehab.services import annual_report as service
from rehab.services import documents
from rehab.services.errors import ServiceError
from rehab.web.annual_report.forms import AnnualReportForm
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import choices
from rehab.web.indicators.scope import ALL_FAMILIES, scope_for

bp = Blueprint("annual_report", __name__, url_prefix="/rapport-annuel")

READERS = (Role.COORDINATEUR, Role.MEDECIN, Role.GESTIONNAIRE)
READY_COOKIE = "rapport_annuel_pret"  # read by static/js/download-progress.js: not HttpOnly on purpose


def _form() -> AnnualReportForm:
    """The form with its choices: every year since the first one (the current one « en cours »)."""
    form = AnnualReportForm()
    current = service.default_year(now()) + 1
    form.year.choices = choices((year, f"{year} (en cours)" if year == current else str(year))
                                for year in range(current, service.FIRST_YEAR - 1, -1))
    form.association_id.choices = choices([(0, "Toutes les associations"), *service.associations(Session())])
    return form


def _families() -> tuple[str, ...] | None:
    """The families the user may read on the dashboards: the gestionnaire's report is activity and costs only."""
    scope = scope_for(user())
    return None if scope.families == ALL_FAMILIES else scope.families


def _page(form: AnnualReportForm, status: int = 200) -> ResponseReturnValue:
    families = _families()
    partial = None if families is None else [FAMILY_LABELS[key] for key in families]
    return render_template("annual_report/index.html", form=form, partial=partial), status


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    form = _form()
    form.year.data = service.default_year(now())
    form.association_id.data = 0
    return _page(form)


@bp.post("/")
@roles_required(*READERS)
def download() -> ResponseReturnValue:
    """Compute and send the report; on a refused request the page comes back with what was typed."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        export = service.export_annual_report(
            Session(), year=form.year.data, fmt=form.format.data, association_id=form.association_id.data or None,
            comments=form.comments.data, now=now(), user_id=user().id, ip=client_ip(), families=_families(),
            letterhead=documents.letterhead(current_app.config, current_app.instance_path))
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _page(form, 400)
    Session.commit()
    response = Response(export.content, mimetype=export.mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})
    if form.download_token.data:
        response.set_cookie(READY_COOKIE, form.download_token.data, max_age=120, path=url_for("annual_report.index"),
                            secure=request.is_secure, httponly=False, samesite="Strict")
    return response
