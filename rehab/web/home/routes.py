"""Landing page: each role lands on what it works on first."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from rehab.db import Session
from rehab.domain.programme_states import Status
from rehab.domain.roles import SEES_ALL_CLINICAL, Role
from rehab.models import Programme
from rehab.services.access import programme_filter
from rehab.web.common import user

bp = Blueprint("home", __name__)


def _status_counts() -> dict[str, int]:
    rows = Session().execute(select(Programme.status, func.count()).group_by(Programme.status)).all()
    return {status: count for status, count in rows}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    me = user()
    roles = me.roles
    if roles == {Role.ADMIN}:
        return redirect(url_for("admin.users"))
    db = Session()
    context: dict[str, object] = {}
    if Role.REFERENT in roles:
        mine = db.scalars(
            select(Programme).options(selectinload(Programme.patient))
            .where(Programme.referent_id == me.id, Programme.status.not_in(
                [Status.TERMINE.value, Status.INTERROMPU.value, Status.REORIENTE.value]))
            .order_by(Programme.d0.is_(None), Programme.d0, Programme.id)
        ).all()
        unassigned = db.scalars(
            select(Programme).options(selectinload(Programme.patient))
            .where(Programme.referent_id.is_(None), programme_filter(me),
                   Programme.status.not_in([Status.TERMINE.value, Status.INTERROMPU.value,
                                            Status.REORIENTE.value]))
            .order_by(Programme.created_at)
        ).all() if me.sectors else []
        context.update(mine=mine, unassigned=unassigned)
    if Role.MEDECIN in roles:
        context["to_validate"] = db.scalars(
            select(Programme).options(selectinload(Programme.patient))
            .where(Programme.status == Status.DOSSIER_COMPLET.value).order_by(Programme.updated_at)
        ).all()
    if roles & {Role.ASSISTANTE, Role.COORDINATEUR}:
        context["demandes"] = db.scalars(
            select(Programme).options(selectinload(Programme.patient))
            .where(Programme.status.in_([Status.DEMANDE.value, Status.VALIDE.value]))
            .order_by(Programme.created_at)
        ).all()
    if roles & (SEES_ALL_CLINICAL | {Role.GESTIONNAIRE}):
        context["counts"] = _status_counts()
    return render_template("home/index.html", **context)
