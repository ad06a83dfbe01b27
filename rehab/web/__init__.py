"""Web layer: extensions, security headers, error pages, template helpers and blueprints."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, Response, render_template, request
from flask_babel import Babel, format_date, format_datetime
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from rehab.db import Session
from rehab.domain.departments import department_label
from rehab.domain.programme_states import STATUS_LABELS, Status
from rehab.domain.protocol_labels import CONDITION_LABELS, PHASE_LABELS, TASK_ROLE_LABELS, TRIGGER_LABELS
from rehab.domain.roles import ROLE_LABELS, Role

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
PARIS = ZoneInfo("Europe/Paris")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    # Patient data must never sit in a shared tablet's cache: nothing behind a login is cacheable.
    if current_user.is_authenticated or request.endpoint not in {"static"}:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _date_fr(value: date | datetime | None, fmt: str = "dd/MM/yyyy") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, fmt)
    return format_date(value, fmt)


def _datetime_fr(value: datetime | None, fmt: str = "dd/MM/yyyy HH:mm") -> str:
    return "—" if value is None else format_datetime(value, fmt)


def _register_errors(app: Flask) -> None:
    def page(code: int, title: str, message: str) -> tuple[str, int]:
        Session.rollback()
        return render_template("errors/error.html", code=code, title=title, message=message), code

    app.register_error_handler(400, lambda e: page(400, "Requête invalide", "La demande n'a pas pu être lue."))
    app.register_error_handler(403, lambda e: page(403, "Accès refusé",
                                                   "Votre rôle ne permet pas d'accéder à cette page."))
    app.register_error_handler(404, lambda e: page(404, "Page introuvable",
                                                   "Cette page n'existe pas ou ne vous est pas accessible."))
    app.register_error_handler(405, lambda e: page(405, "Action non permise",
                                                   "Cette action n'est pas possible à cette adresse."))
    app.register_error_handler(413, lambda e: page(413, "Fichier trop volumineux",
                                                   "Le fichier envoyé dépasse la taille autorisée."))
    app.register_error_handler(CSRFError, lambda e: page(
        400, "Formulaire expiré",
        "Le formulaire a expiré ou a été envoyé deux fois. Revenez en arrière, rechargez la page : "
        "vos données déjà enregistrées sont intactes."))
    # Numbers beyond what the database stores, typed in a query or a form field.
    for overflow in (OverflowError, DataError):
        app.register_error_handler(overflow, lambda e: page(400, "Requête invalide",
                                                            "Un nombre saisi est hors limites."))
    app.register_error_handler(500, lambda e: page(500, "Erreur interne",
                                                   "Une erreur inattendue s'est produite ; elle a été notée."))


class IdConverter(IntegerConverter):
    """Database ids fit in nine digits: a 25-digit id is a 404, not an integer overflow in the driver."""

    regex = r"\d{1,9}"


def init_web(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "fr", timezone_selector=lambda: "Europe/Paris")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session already binds the cookie

    from rehab.web.auth.routes import bp as auth_bp
    from rehab.web.auth.routes import load_user

    login_manager.user_loader(load_user)

    from rehab.web.admin.routes import bp as admin_bp
    from rehab.web.annual_report.routes import bp as annual_report_bp
    from rehab.web.committee.routes import bp as committee_bp
    from rehab.web.directory.routes import bp as directory_bp
    from rehab.web.dossier.routes import bp as dossier_bp
    from rehab.web.fleet.routes import bp as fleet_bp
    from rehab.web.home.routes import bp as home_bp
    from rehab.web.indicators.routes import bp as indicators_bp
    from rehab.web.intake.routes import bp as intake_bp
    from rehab.web.letters.routes import bp as letters_bp
    from rehab.web.notifications.routes import bp as notifications_bp
    from rehab.web.patients.routes import bp as patients_bp
    from rehab.web.payments.routes import bp as payments_bp
    from rehab.web.programmes.routes import bp as programmes_bp
    from rehab.web.visits.routes import bp as visits_bp
    from rehab.web.worklist.routes import bp as worklist_bp
    from rehab.web.workload.routes import bp as workload_bp

    for bp in (auth_bp, home_bp, patients_bp, programmes_bp, admin_bp, worklist_bp, directory_bp, dossier_bp,
               committee_bp, intake_bp,
               visits_bp, notifications_bp, payments_bp, fleet_bp, letters_bp, indicators_bp, workload_bp,
               annual_report_bp):
        app.register_blueprint(bp)
    app.register_blueprint(__import__("rehab.web.satisfaction.routes", fromlist=["bp"]).bp)  # issue 9: satisfaction

    app.after_request(_security_headers)
    _register_errors(app)
    app.jinja_env.filters["date_fr"] = _date_fr
    app.jinja_env.filters["datetime_fr"] = _datetime_fr
    app.jinja_env.filters["department"] = department_label
    app.jinja_env.globals.update(Role=Role, ROLE_LABELS=ROLE_LABELS, STATUS_LABELS=STATUS_LABELS,
                                 Status=Status, TASK_ROLE_LABELS=TASK_ROLE_LABELS, TRIGGER_LABELS=TRIGGER_LABELS,
                                 CONDITION_LABELS=CONDITION_LABELS, PHASE_LABELS=PHASE_LABELS)
