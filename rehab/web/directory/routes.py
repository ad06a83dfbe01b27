"""The directory: list and search (as you type, with a plain GET form fallback), create, edit, merge."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from rehab.db import Session
from rehab.domain.roles import CLINICAL_ROLES, Role
from rehab.models import Patient, Professional
from rehab.models.directory import KINDS
from rehab.services import directory as service
from rehab.services.errors import ServiceError, StaleEditError
from rehab.web.common import local_path, now, roles_required, user
from rehab.web.directory.forms import MergeForm, ProfessionalForm
from rehab.web.forms import form_int

bp = Blueprint("directory", __name__, url_prefix="/annuaire")

#: Reading the directory: the clinical team and the gestionnaire (addresses for payments and letters).
READERS = (*CLINICAL_ROLES, Role.GESTIONNAIRE)
#: Editing: the team that writes to professionals; merging is a desk task.
EDITORS = tuple(CLINICAL_ROLES)
MERGERS = (Role.ASSISTANTE, Role.COORDINATEUR)


def _professional_or_404(professional_id: int) -> Professional:
    pro = Session().get(Professional, professional_id)
    if pro is None:
        abort(404)
    return pro


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    q, kind = request.args.get("q", "").strip()[:100], request.args.get("type", "")
    kind = kind if kind in KINDS else ""
    rows = service.search(Session(), q, kind=kind or None, limit=100)
    return render_template("directory/index.html", rows=rows, q=q, kind=kind, kinds=KINDS)


@bp.get("/recherche")
@roles_required(*READERS)
def search() -> ResponseReturnValue:
    """JSON for the search-as-you-type box and the pickers: id, label, kind, city."""
    q, kind = request.args.get("q", "").strip()[:100], request.args.get("type", "")
    rows = service.search(Session(), q, kind=kind if kind in KINDS else None, limit=15) if q else []
    return jsonify([{"id": p.id, "name": p.name, "label": p.label, "kind": p.kind_label, "city": p.city or "",
                     "url": url_for("directory.edit", professional_id=p.id)} for p in rows])


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new() -> ResponseReturnValue:
    form = ProfessionalForm(kind=request.args.get("type", ""))
    if form.validate_on_submit():
        db = Session()
        try:
            pro = service.create(db, data=form.data_for_service(), user=user(), now=now())
        except ServiceError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("directory/form.html", form=form, pro=None), 409
        db.commit()
        flash(f"« {pro.name} » ajouté à l'annuaire.", "success")
        target = local_path(request.args.get("next")) or url_for("directory.edit", professional_id=pro.id)
        return redirect(target)
    return render_template("directory/form.html", form=form, pro=None), 400 if form.is_submitted() else 200


def _usage(pro: Professional) -> int:
    """How many patients link to this record (shown so nobody is surprised by a merge)."""
    return Session().scalar(select(func.count(Patient.id)).where(
        (Patient.medecin_traitant_id == pro.id) | (Patient.pneumologue_id == pro.id))) or 0


@bp.route("/<int:professional_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def edit(professional_id: int) -> ResponseReturnValue:
    pro = _professional_or_404(professional_id)
    if pro.merged_into_id is not None and request.method == "GET":
        flash("Cette fiche a été fusionnée : voici la fiche conservée.", "info")
        return redirect(url_for("directory.edit", professional_id=pro.merged_into_id))
    form = ProfessionalForm(obj=pro) if request.method == "GET" else ProfessionalForm()
    if request.method == "GET":
        form.version.data = str(pro.version)
        return render_template("directory/form.html", form=form, pro=pro, usage=_usage(pro), merge_form=MergeForm())
    if not user().has_role(*EDITORS):
        abort(403)
    if not form.validate_on_submit():
        return render_template("directory/form.html", form=form, pro=pro, usage=_usage(pro),
                               merge_form=MergeForm()), 400
    db = Session()
    try:
        service.edit(db, pro=pro, data=form.data_for_service(), expected_version=form_int(form.version.data),
                     user=user(), now=now())
    except StaleEditError as exc:
        db.rollback()
        form.version.data = str(pro.version)
        return render_template("directory/form.html", form=form, pro=pro, usage=_usage(pro), stale=exc,
                               merge_form=MergeForm()), 409
    except ServiceError as exc:
        db.rollback()
        flash(str(exc), "error")
        return render_template("directory/form.html", form=form, pro=pro, usage=_usage(pro),
                               merge_form=MergeForm()), 409
    db.commit()
    flash("Fiche enregistrée.", "success")
    return redirect(url_for("directory.edit", professional_id=pro.id))


@bp.route("/<int:professional_id>/fusionner", methods=["GET", "POST"])
@roles_required(*MERGERS)
def merge(professional_id: int) -> ResponseReturnValue:
    """Two steps: pick the duplicate (GET or unconfirmed POST shows both cards), then confirm."""
    keep = _professional_or_404(professional_id)
    form = MergeForm(formdata=request.args) if request.method == "GET" else MergeForm()
    valid = form.validate_on_submit() if request.method == "POST" else form.duplicate_id.data is not None
    duplicate = None
    if form.duplicate_id.data:
        duplicate = Session().get(Professional, form.duplicate_id.data)
        if duplicate is None or duplicate.merged_into_id is not None or duplicate.id == keep.id:
            form.duplicate_id.errors = ["Fiche introuvable, déjà fusionnée, ou identique à la fiche conservée."]
            duplicate = None
    if request.method == "POST" and valid and duplicate is not None:
        if not form.confirm.data:
            form.confirm.errors = ["Cochez la confirmation pour fusionner."]
        else:
            db = Session()
            try:
                result = service.merge(db, keep=keep, duplicate=duplicate, user=user(), now=now())
            except ServiceError as exc:
                db.rollback()
                flash(str(exc), "error")
            else:
                db.commit()
                moved = sum(result.repointed.values())
                flash(f"Fiches fusionnées : {moved} lien(s) reporté(s) sur « {keep.name} ».", "success")
                return redirect(url_for("directory.edit", professional_id=keep.id))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/merge.html", keep=keep, duplicate=duplicate, form=form,
                           usage_keep=_usage(keep), usage_dup=_usage(duplicate) if duplicate else 0), status
