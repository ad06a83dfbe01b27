"""The `rehab` command: a Flask CLI group with the project's operational commands."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select, text

from rehab.db import Session, make_engine, utcnow
from rehab.domain.roles import Role, parse_roles

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def reset_database(url: str) -> None:
    """Drop everything, then build the schema through the real migrations. For the test suite and the
    benchmarks' throwaway databases only: it destroys the data."""
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    upgrade_database(url)


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic upgrade head)."""
    upgrade_database(current_app.config["DATABASE_URL"])
    click.echo("Base de données à jour.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si des utilisateurs existent déjà.")
def demo_command(if_empty: bool) -> None:
    """Load the deterministic demo team and caseload."""
    from rehab.demo import DEMO_PASSWORD, build_demo
    from rehab.models import User

    db = Session()
    if if_empty and (db.scalar(select(func.count()).select_from(User)) or 0) > 0:
        click.echo("Données déjà présentes : démo non rechargée.")
    else:
        summary = build_demo(db, now=utcnow())
        db.commit()
        click.echo(f"Démo chargée : {summary}.")
    click.echo(f"Comptes de démonstration (mot de passe commun « {DEMO_PASSWORD} ») :")
    for user in db.scalars(select(User).order_by(User.id)):
        roles = ", ".join(sorted(r.label for r in user.roles))
        click.echo(f"  {user.username:<14} {roles}")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
@click.option("--sector", "sectors", multiple=True)
@click.option("--email", default=None)
@click.password_option()
def create_user_command(username: str, full_name: str, roles: tuple[str, ...], sectors: tuple[str, ...],
                        email: str | None, password: str) -> None:
    """Create an account (the first administrateur, typically)."""
    from rehab.services import accounts
    from rehab.services.errors import ServiceError

    db = Session()
    try:
        accounts.create_user(db, username=username, full_name=full_name, password=password,
                             roles=parse_roles(list(roles)), sectors=sectors, email=email, now=utcnow())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"Compte « {username} » créé.")


@click.group("protocol")
def protocol_group() -> None:
    """Protocol files (the programme's path as data)."""


@protocol_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def protocol_check_command(path: str) -> None:
    """Validate a protocol TOML file: anchors, cycles, vocabularies, windows."""
    from rehab.domain.protocol import check_protocol

    errors = check_protocol(path)
    if errors:
        for error in errors:
            click.echo(f"✗ {error}", err=True)
        raise click.ClickException(f"{len(errors)} erreur(s) dans {path}.")
    click.echo(f"✓ {path} : protocole valide.")


@click.command("scheduler")
@with_appcontext
@click.option("--once", is_flag=True, help="Exécuter une passe de chaque tâche planifiée puis s'arrêter.")
def scheduler_command(once: bool) -> None:
    """Run the reminder scheduler (its own process, never inside the web server)."""
    from scheduler.runner import context_for, run_once, serve

    ctx = context_for(current_app)
    if not once:
        click.echo("Planificateur des rappels démarré (Ctrl+C pour arrêter).")
        serve(ctx)
        return
    try:
        runs = run_once(ctx, utcnow() if current_app.config.get("FROZEN_NOW") is None
                        else current_app.config["FROZEN_NOW"])
    finally:
        ctx.lock.release()
    if runs is None:
        click.echo("Un autre planificateur est déjà actif : rien n'a été fait.")
        return
    for run in runs:
        click.echo(f"{run.job:<10} {run.outcome:<6} {run.duration_ms} ms  {run.detail}")


def register_commands(app: Flask) -> None:
    for cmd in (init_db_command, demo_command, create_user_command, scheduler_command):
        app.cli.add_command(cmd)
    app.cli.add_command(protocol_group)
    from rehab.cli_letters import letters_group  # issue 6: synthesis integrity check

    app.cli.add_command(letters_group)
    from rehab.cli_payments import payments_group  # issue 8: forfaits due from the sessions

    app.cli.add_command(payments_group)
    from rehab.cli_fleet import fleet_group  # issue 8: ergocycle forecast

    app.cli.add_command(fleet_group)
    app.cli.add_command(__import__("rehab.cli_export", fromlist=["x"]).export_group)  # issue 9: evaluator dataset
    from rehab.cli_report import report_group  # issue 9: annual activity report

    app.cli.add_command(report_group)


def _create_app() -> Flask:
    from rehab import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Réhab Domicile : commandes d'exploitation.")
