"""Login, logout, sessions, CSRF and security headers, through the real HTTP interface."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from rehab.domain.roles import Role
from rehab.models import AuditEvent, UserSession
from tests.factories import CSRF_RE, PASSWORD, csrf_token, login, make_user, post


def test_login_page_is_french_and_sets_security_headers(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<html lang="fr">' in body and "Mot de passe" in body
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_require_login(client):
    response = client.get("/patients/")
    assert response.status_code == 302
    assert "/connexion" in response.location


def test_wrong_password_is_refused_in_french_and_audited(client, db):
    user = make_user(db, Role.ASSISTANTE)
    token = csrf_token(client, "/connexion")
    response = client.post("/connexion", data={"username": user.username, "password": "nope", "csrf_token": token})
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in response.get_data(as_text=True)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed")) is not None


def test_login_lands_on_role_page(client, db):
    user = make_user(db, Role.ASSISTANTE, full_name="Claire Martin")
    login(client, user)
    body = client.get("/").get_data(as_text=True)
    assert "Bonjour Claire Martin" in body
    assert "Demandes et dossiers à planifier" in body


def test_admin_lands_on_users_page(client, db):
    login(client, make_user(db, Role.ADMIN))
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/admin/utilisateurs")


def test_logout_invalidates_a_replayed_session_cookie(client, app, db):
    user = make_user(db, Role.COORDINATEUR)
    login(client, user)
    stolen = client.get_cookie("rehab_session").value
    assert client.get("/patients/").status_code == 200
    response = post(client, "/deconnexion")
    assert response.status_code == 302
    # An attacker replays the cookie captured before logout: the server refuses it.
    attacker = app.test_client()
    attacker.set_cookie("rehab_session", stolen)
    replay = attacker.get("/patients/")
    assert replay.status_code == 302 and "/connexion" in replay.location
    db.expire_all()
    assert all(s.revoked_at is not None for s in db.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def test_post_without_csrf_token_is_rejected(client, db):
    login(client, make_user(db, Role.ASSISTANTE))
    response = client.post("/patients/nouveau", data={"nom_naissance": "X", "prenoms": "Y"})
    assert response.status_code == 400
    assert "Formulaire expiré" in response.get_data(as_text=True)


def test_login_itself_requires_csrf(client, db):
    user = make_user(db, Role.ASSISTANTE)
    response = client.post("/connexion", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_login_rate_limit_blocks_even_the_right_password(client, db):
    user = make_user(db, Role.ASSISTANTE)
    for _ in range(5):
        token = csrf_token(client, "/connexion")
        client.post("/connexion", data={"username": user.username, "password": "bad", "csrf_token": token})
    token = csrf_token(client, "/connexion")
    response = client.post("/connexion", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_rate_limit_window_expires(client, app, db):
    user = make_user(db, Role.ASSISTANTE)
    for _ in range(5):
        token = csrf_token(client, "/connexion")
        client.post("/connexion", data={"username": user.username, "password": "bad", "csrf_token": token})
    app.config["FROZEN_NOW"] = app.config["FROZEN_NOW"] + timedelta(minutes=16)
    login(client, user)


def test_deactivated_user_loses_open_session(client, app, db):
    user = make_user(db, Role.ASSISTANTE)
    admin = make_user(db, Role.ADMIN)
    login(client, user)
    admin_client = app.test_client()
    login(admin_client, admin)
    response = post(admin_client, f"/admin/utilisateurs/{user.id}/activation", {"confirm": "y"})
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 302


def test_idle_session_expires(client, app, db):
    login(client, make_user(db, Role.ASSISTANTE))
    app.config["FROZEN_NOW"] = app.config["FROZEN_NOW"] + timedelta(hours=6)
    assert client.get("/patients/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, db):
    user = make_user(db, Role.ASSISTANTE)
    token = csrf_token(client, "/connexion")
    response = client.post("/connexion?next=https://evil.example/x",
                           data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/"


def test_session_cookie_flags(app, db):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    user = make_user(db, Role.ASSISTANTE)
    page = client.get("/connexion", base_url="https://localhost").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post("/connexion", data={"username": user.username, "password": PASSWORD, "csrf_token": token},
                           base_url="https://localhost", headers={"Referer": "https://localhost/connexion"})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_change_password_logs_out_other_devices(client, app, db):
    user = make_user(db, Role.REFERENT)
    login(client, user)
    other = app.test_client()
    login(other, user)
    response = post(client, "/mon-compte/mot-de-passe",
                    {"current": PASSWORD, "new": "another-long-password", "confirm": "another-long-password"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
