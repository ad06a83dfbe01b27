"""Administration: accounts, roles and sectors, and the audit trail. No clinical content here."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice

from rehab.db import Session
from rehab.domain.clock import local_date
from rehab.domain.plan import PatientFacts, compute_plan
from rehab.domain.protocol import ProtocolError, bundled_protocols, get_protocol
from rehab.domain.roles import Role, parse_roles
from rehab.domain.workdays import next_working_day
from rehab.models import Association, AuditEvent, User
from rehab.services import accounts, audit
from rehab.services.errors import ServiceError
from rehab.web import PARIS
from rehab.web.admin.forms import AuditFilterForm, ResetPasswordForm, UserForm
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import choices
from rehab.web.programmes import timeline

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE = 100


def _associations() -> list[SelectChoice]:
    rows = Session().scalars(select(Association).order_by(Association.name))
    return choices([(0, "—"), *((a.id, a.name) for a in rows)])


def _user_or_404(user_id: int) -> User:
    found = Session().get(User, user_id)
    if found is None:
        abort(404)
    return found


def _log(action: str, target: User, detail: dict[str, object] | None = None) -> None:
    audit.record(Session(), now=now(), user_id=user().id, action=action, object_type="user", object_id=target.id,
                 ip=client_ip(), detail=detail)


@bp.get("/utilisateurs")
@roles_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    rows = Session().scalars(select(User).order_by(User.is_active_account.desc(), User.full_name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> ResponseReturnValue:
    form = UserForm()
    form.association_id.choices = _associations()
    if form.validate_on_submit():
        db = Session()
        if not form.password.data:
            form.password.errors = ["Un mot de passe initial est obligatoire."]
            return render_template("admin/user_form.html", form=form, target=None), 400
        try:
            created = accounts.create_user(
                db, username=form.username.data or "", full_name=form.full_name.data or "",
                password=form.password.data, roles=parse_roles(form.roles.data or []),
                sectors=form.sectors.data or [], email=form.email.data,
                association_id=form.association_id.data or None, now=now())
            created.must_change_password = True
        except ServiceError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("admin/user_form.html", form=form, target=None), 400
        _log("create", created, {"roles": sorted(r.value for r in created.roles)})
        db.commit()
        flash(f"Compte « {created.username} » créé.", "success")
        return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, target=None), status


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> ResponseReturnValue:
    target = _user_or_404(user_id)
    if request.method == "GET":
        form = UserForm(obj=target, roles=[r.value for r in target.roles], sectors=sorted(target.sectors),
                        association_id=target.association_id or 0)
    else:
        form = UserForm()
    form.association_id.choices = _associations()
    form.username.data = target.username  # the login name never changes: the audit trail refers to it
    if form.validate_on_submit():
        db = Session()
        roles = parse_roles(form.roles.data or [])
        if target.id == user().id and Role.ADMIN not in roles:
            flash("Vous ne pouvez pas retirer votre propre rôle d'administrateur.", "error")
            return render_template("admin/user_form.html", form=form, target=target), 400
        try:
            accounts.update_user(db, user=target, full_name=form.full_name.data or "", email=form.email.data,
                                 roles=roles, sectors=form.sectors.data or [],
                                 association_id=form.association_id.data or None)
        except ServiceError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("admin/user_form.html", form=form, target=target), 400
        _log("update", target, {"roles": sorted(r.value for r in roles), "sectors": sorted(form.sectors.data or [])})
        db.commit()
        flash("Compte mis à jour.", "success")
        return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, target=target,
                           reset_form=ResetPasswordForm()), status


@bp.post("/utilisateurs/<int:user_id>/activation")
@roles_required(Role.ADMIN)
def toggle_active(user_id: int) -> ResponseReturnValue:
    target = _user_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if target.id == user().id:
        flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        return redirect(url_for("admin.edit_user", user_id=target.id))
    if target.is_active_account and not request.form.get("confirm"):
        flash("Cochez la case de confirmation pour désactiver ce compte.", "error")
        return redirect(url_for("admin.edit_user", user_id=target.id))
    accounts.set_active(Session(), user=target, active=not target.is_active_account, now=now())
    _log("update", target, {"active": target.is_active_account})
    Session.commit()
    flash("Compte réactivé." if target.is_active_account else "Compte désactivé : ses sessions sont fermées.",
          "success")
    return redirect(url_for("admin.users"))


@bp.post("/utilisateurs/<int:user_id>/mot-de-passe")
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> ResponseReturnValue:
    target = _user_or_404(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash(" ".join(form.password.errors) or "Formulaire invalide.", "error")
        return redirect(url_for("admin.edit_user", user_id=target.id))
    accounts.reset_password(Session(), user=target, password=form.password.data or "", now=now())
    _log("update", target, {"password_reset": True})
    Session.commit()
    flash("Mot de passe réinitialisé ; l'utilisateur devra le changer à sa prochaine connexion.", "success")
    return redirect(url_for("admin.users"))


@bp.get("/journal")
@roles_required(Role.ADMIN)
def audit_log() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    form.user_id.choices = choices([(0, "Tous"), *((u.id, u.full_name) for u in Session().scalars(
        select(User).order_by(User.full_name)))])
    form.validate()
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.user_id.data:
        query = query.where(AuditEvent.user_id == form.user_id.data)
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.object_type.data:
        query = query.where(AuditEvent.object_type == form.object_type.data)
    if (form.patient_id.data or "").strip().isdecimal():
        query = query.where(AuditEvent.patient_id == int(form.patient_id.data or 0))
    if form.start.data:
        query = query.where(AuditEvent.at >= datetime.combine(form.start.data, time(), PARIS))
    if form.end.data:
        query = query.where(AuditEvent.at < datetime.combine(form.end.data + timedelta(days=1), time(), PARIS))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = Session().scalars(query.limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE)).all()
    return render_template("admin/audit.html", form=form, events=rows[:AUDIT_PAGE], page=page,
                           has_next=len(rows) > AUDIT_PAGE)


@bp.get("/protocoles")
@roles_required(Role.ADMIN, Role.COORDINATEUR, Role.MEDECIN)
def protocols() -> ResponseReturnValue:
    return render_template("admin/protocols.html", protocols=bundled_protocols())


@bp.get("/protocoles/<code>/v<int:version>")
@roles_required(Role.ADMIN, Role.COORDINATEUR, Role.MEDECIN)
def protocol(code: str, version: int) -> ResponseReturnValue:
    """The protocol as a readable timeline: a sample plan (every conditional consultation included)
    for a D0 on the next Monday, and the template table with anchors, offsets and windows."""
    try:
        found = get_protocol(code, version)
    except ProtocolError:
        abort(404)
    today = local_date(now())
    d0 = next_working_day(today + timedelta(days=(7 - today.weekday()) % 7 or 7) - timedelta(days=1))
    facts = PatientFacts(bmi=found.parameters.bmi_high + 1, smoker=True, psychology=True, paramedical=True)
    sample = compute_plan(found, d0=d0, facts=facts)
    tl = timeline.build([timeline.Item(t.due_date, t.kind.value, "planned", t.label) for t in sample], d0=d0,
                        today=None, intervention_weeks=found.parameters.intervention_weeks)
    return render_template("admin/protocol.html", protocol=found, sample=sample, d0=d0, timeline=tl)
