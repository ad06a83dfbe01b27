"""Réhab Domicile: the application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from rehab import config as config_module
from rehab.db import Session, bind_session, make_engine

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: str) -> str:
    """A per-installation key, created on first start and kept in instance/ (never in git)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("REHAB_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_module.Defaults)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config_module.environment_overrides())
    else:
        app.config.update(test_config)
    app.config.setdefault("DATABASE_URL", config_module.default_database_url(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    bind = app.config.get("DB_BIND") or make_engine(app.config["DATABASE_URL"])
    app.extensions["rehab_db_bind"] = bind
    bind_session(bind, **app.config.get("DB_SESSION_OPTIONS", {}))

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        Session.remove()

    from rehab.web import init_web

    init_web(app)

    from rehab.cli import register_commands

    register_commands(app)
    return app
