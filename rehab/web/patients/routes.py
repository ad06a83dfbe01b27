"""Patients: search, registration with duplicate warning, record page, edit with stale-form check."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rehab.db import Session
from rehab.domain.roles import CLINICAL_ROLES, INTAKE_ROLES
from rehab.models import Patient, Programme
from rehab.services import patients as patient_service
from rehab.services.access import programme_filter
from rehab.services.errors import StaleEditError
from rehab.web.common import client_ip, now, patient_or_404, roles_required, user
from rehab.web.patients.forms import PatientForm, SearchForm

bp = Blueprint("patients", __name__, url_prefix="/patients")

PAGE_SIZE = 50


@bp.get("/")
@roles_required(*CLINICAL_ROLES)
def index() -> ResponseReturnValue:
    form = SearchForm(request.args)
    form.validate()
    query = patient_service.search_query(user(), text=form.q.data or "", born=form.born.data)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = Session().scalars(
        query.options(selectinload(Patient.programmes)).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("patients/index.html", form=form, patients=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE)


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*INTAKE_ROLES)
def new() -> ResponseReturnValue:
    form = PatientForm()
    if form.validate_on_submit():
        db = Session()
        assert form.date_naissance.data is not None  # noqa: S101 — DataRequired guarantees it
        duplicates = patient_service.find_duplicates(
            db, nom_naissance=form.nom_naissance.data or "", nom_usage=form.nom_usage.data,
            prenoms=form.prenoms.data or "", date_naissance=form.date_naissance.data)
        if duplicates and not form.confirm_duplicate.data:
            return render_template("patients/form.html", form=form, duplicates=duplicates, patient=None), 409
        patient = patient_service.create_patient(db, data=form.patient_data(), user=user(), now=now(),
                                                 ip=client_ip())
        db.commit()
        flash("Patient enregistré.", "success")
        return redirect(url_for("patients.show", patient_id=patient.id))
    status = 400 if form.is_submitted() else 200
    return render_template("patients/form.html", form=form, duplicates=[], patient=None), status


@bp.get("/<int:patient_id>")
@roles_required(*CLINICAL_ROLES)
def show(patient_id: int) -> ResponseReturnValue:
    patient = patient_or_404(patient_id)
    programmes = Session().scalars(
        select(Programme).where(Programme.patient_id == patient.id, programme_filter(user()))
        .order_by(Programme.created_at.desc())).all()
    return render_template("patients/show.html", patient=patient, programmes=programmes)


@bp.route("/<int:patient_id>/modifier", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def edit(patient_id: int) -> ResponseReturnValue:
    patient = patient_or_404(patient_id, action=None if request.method == "POST" else "view")
    form = PatientForm(obj=patient) if request.method == "GET" else PatientForm()
    if request.method == "GET":
        form.version.data = str(patient.version)
    if form.validate_on_submit():
        db = Session()
        try:
            expected = int(form.version.data or 0)
        except ValueError:
            abort(400)
        try:
            patient_service.update_patient(db, patient=patient, data=form.patient_data(), expected_version=expected,
                                           user=user(), now=now(), ip=client_ip())
        except StaleEditError as exc:
            db.rollback()
            form.version.data = str(patient.version)  # a second save, after review, is deliberate
            return render_template("patients/form.html", form=form, patient=patient, duplicates=[],
                                   stale=exc), 409
        db.commit()
        flash("Modifications enregistrées.", "success")
        return redirect(url_for("patients.show", patient_id=patient.id))
    status = 400 if form.is_submitted() else 200
    return render_template("patients/form.html", form=form, patient=patient, duplicates=[]), status
