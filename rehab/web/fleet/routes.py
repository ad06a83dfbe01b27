"""Fleet pages: the list with filters, a unit's card (movements, maintenance), the occupancy forecast.

Nothing here names a patient: units show the programme number they serve, so the administrateur may keep
the inventory; a référent reads a unit's card only while it serves one of his programmes."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rehab.db import Session
from rehab.domain import fleet as forecast_domain
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import Association, Programme
from rehab.models.fleet import ACTIVE, CATEGORIES, UNIT_STATUSES, Ergocycle, MaintenanceLog, Movement, Reservation
from rehab.services import access
from rehab.services import fleet as service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import now, roles_required, user
from rehab.web.fleet.forms import MaintenanceForm, StatusForm, UnitForm
from rehab.web.forms import choices, paris_today, plausible_french_date

bp = Blueprint("fleet", __name__, url_prefix="/parc")

#: The whole fleet: the desk, the médecin directeur (forecast before promising a D0), the administrateur.
VIEWERS = (Role.ASSISTANTE, Role.COORDINATEUR, Role.MEDECIN, Role.ADMIN)
EDITORS = service.INVENTORY_EDITORS


def _associations() -> list[Association]:
    return list(Session().scalars(select(Association).order_by(Association.short_name)))


def _unit_form(**kwargs: object) -> UnitForm:
    form = UnitForm(**kwargs)
    form.association_id.choices = choices((a.id, a.name) for a in _associations())
    return form


def _unit_or_404(unit_id: int) -> tuple[Ergocycle, Reservation | None]:
    """The desk sees every unit; a référent only the unit serving one of his programmes (else 404)."""
    unit = Session().get(Ergocycle, unit_id)
    if unit is None:
        abort(404)
    reservation = service.active_reservation(Session(), unit)
    if user().has_role(*VIEWERS):
        return unit, reservation
    if reservation is None or access.visible_programme(Session(), user(), reservation.programme_id) is None:
        abort(404)
    return unit, reservation


@bp.get("/")
@roles_required(*VIEWERS)
def index() -> ResponseReturnValue:
    status, category = request.args.get("statut", ""), request.args.get("modele", "")
    association = request.args.get("association", "")
    query = (select(Ergocycle, Reservation.programme_id).options(joinedload(Ergocycle.association))
             .outerjoin(Reservation, (Reservation.ergocycle_id == Ergocycle.id) & (Reservation.state == ACTIVE)))
    if status in UNIT_STATUSES:
        query = query.where(Ergocycle.status == status)
    if category in CATEGORIES:
        query = query.where(Ergocycle.very_low_load.is_(category == forecast_domain.VERY_LOW_LOAD))
    if association.isdigit():
        query = query.where(Ergocycle.association_id == int(association))
    rows = Session().execute(query.order_by(Ergocycle.serial_number)).all()
    counts = {k: 0 for k in UNIT_STATUSES}
    for unit, _ in rows:
        counts[unit.status] = counts.get(unit.status, 0) + 1
    return render_template("fleet/index.html", rows=rows, counts=counts, statuses=UNIT_STATUSES,
                           categories=CATEGORIES, associations=_associations(), status=status, category=category,
                           association=association, can_edit=user().has_role(*EDITORS))


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new() -> ResponseReturnValue:
    form = _unit_form()
    if form.validate_on_submit():
        try:
            unit = service.create_unit(Session(), data=form.data_for_service(), user=user(), now=now())
        except ServiceError as exc:
            Session.rollback()
            flash(str(exc), "error")
            return render_template("fleet/unit_form.html", form=form, unit=None), 409
        Session.commit()
        flash(f"Ergocycle {unit.serial_number} ajouté au parc.", "success")
        return redirect(url_for("fleet.unit", unit_id=unit.id))
    return render_template("fleet/unit_form.html", form=form, unit=None), 400 if form.is_submitted() else 200


def _render_unit(unit: Ergocycle, reservation: Reservation | None, code: int = 200, **forms: object) -> tuple[str, int]:
    db = Session()
    movements = db.scalars(select(Movement).where(Movement.ergocycle_id == unit.id)
                           .order_by(Movement.at.desc(), Movement.id.desc())).all()
    maintenance = db.scalars(select(MaintenanceLog).where(MaintenanceLog.ergocycle_id == unit.id)
                             .order_by(MaintenanceLog.performed_on.desc())).all()
    if "form" not in forms:
        form = _unit_form(obj=unit)
        form.version.data = str(unit.version)
        forms["form"] = form
    forms.setdefault("status_form", StatusForm(location=unit.location))
    forms.setdefault("maintenance_form", MaintenanceForm(performed_on=paris_today()))
    return render_template("fleet/unit.html", unit=unit, reservation=reservation, movements=movements,
                           maintenance=maintenance, can_edit=user().has_role(*EDITORS),
                           can_manage=user().has_role(*service.MANAGERS), **forms), code


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@roles_required(*VIEWERS, Role.REFERENT)
def unit(unit_id: int) -> ResponseReturnValue:
    unit, reservation = _unit_or_404(unit_id)
    if request.method == "GET":
        return _render_unit(unit, reservation)
    if not user().has_role(*EDITORS):
        abort(403)
    form = _unit_form()
    if not form.validate_on_submit():
        return _render_unit(unit, reservation, 400, form=form)
    try:
        service.edit_unit(Session(), unit=unit, data=form.data_for_service(), user=user(), now=now(),
                          expected_version=int(form.version.data or 0))
    except StaleEditError as exc:
        Session.rollback()
        flash(str(exc), "error")
        form.version.data = str(unit.version)
        return _render_unit(unit, reservation, 409, form=form)
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render_unit(unit, reservation, 409, form=form)
    Session.commit()
    flash("Fiche de l'ergocycle enregistrée.", "success")
    return redirect(url_for("fleet.unit", unit_id=unit.id))


@bp.post("/<int:unit_id>/statut")
@roles_required(*EDITORS)
def set_status(unit_id: int) -> ResponseReturnValue:
    unit, reservation = _unit_or_404(unit_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _render_unit(unit, reservation, 400, status_form=form)
    try:
        service.set_status(Session(), unit=unit, status=form.status.data, location=form.location.data or "",
                           note=form.note.data or "", user=user(), now=now())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render_unit(unit, reservation, 409, status_form=form)
    Session.commit()
    flash(f"Statut enregistré : {unit.status_label.lower()}.", "success")
    return redirect(url_for("fleet.unit", unit_id=unit.id))


@bp.post("/<int:unit_id>/maintenance")
@roles_required(*EDITORS)
def maintenance(unit_id: int) -> ResponseReturnValue:
    unit, reservation = _unit_or_404(unit_id)
    form = MaintenanceForm()
    if not form.validate_on_submit() or form.performed_on.data is None:
        return _render_unit(unit, reservation, 400, maintenance_form=form)
    try:
        service.log_maintenance(Session(), unit=unit, performed_on=form.performed_on.data,
                                description=form.description.data or "", user=user(), now=now())
    except ServiceError as exc:
        Session.rollback()
        flash(str(exc), "error")
        return _render_unit(unit, reservation, 409, maintenance_form=form)
    Session.commit()
    flash("Intervention de maintenance enregistrée.", "success")
    return redirect(url_for("fleet.unit", unit_id=unit.id))


@bp.get("/occupation")
@roles_required(*VIEWERS)
def occupancy() -> ResponseReturnValue:
    """Weeks × category: units needed by planned and running programmes against units in service."""
    weeks = request.args.get("semaines", "16")
    count = int(weeks) if weeks.isdigit() and 4 <= int(weeks) <= 52 else 16
    today = paris_today()
    rows = service.weekly_forecast(Session(), today=today, weeks=count)
    return render_template("fleet/occupancy.html", rows=rows, weeks=count, categories=CATEGORIES,
                           units=service.units_in_service(Session()),
                           shortages=[line for row in rows for line in row if line.shortage])


@bp.app_template_global("fleet_availability_warning")
def availability_warning(programme: Programme, candidate: date | str | None) -> str | None:
    """For the J0 screens: the warning when no suitable ergocycle will be free for `candidate` (a date, or
    the text typed in the « vérifier » box). Shown before the D0 is promised to the patient."""
    day = plausible_french_date(candidate) if isinstance(candidate, str) else candidate
    if day is None or not user().has_role(*CLINICAL_ROLES):
        return None
    return service.availability_warning(Session(), programme, day, today=paris_today())


#: The box under the warning that lets the desk fix a D0 although no suitable unit will be free.
SHORTAGE_CONFIRM = "malgre_penurie"


def confirm_fleet_shortage(programme: Programme, d0: date | None) -> None:
    """For the D0 POST routes, before their service: no D0 is promised while no suitable ergocycle will be
    free, unless the desk ticked the box under the warning (a ServiceError: the route answers 409 and keeps
    what was typed)."""
    if d0 is None or request.form.get(SHORTAGE_CONFIRM):
        return
    warning = service.availability_warning(Session(), programme, d0, today=paris_today())
    if warning:
        raise ServiceError(f"{warning} Cochez « Fixer ce J0 malgré le manque d'ergocycle » pour le promettre "
                           "quand même.")


from rehab.web.fleet import order_routes  # noqa: E402, F401 — registers the programme and order routes on `bp`
