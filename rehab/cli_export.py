"""`rehab export evaluation --out DIR [--from DATE] [--to DATE]`: the pseudonymised dataset for the external
evaluator (CSV files and their data dictionary), see rehab.services.evaluation_export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rehab.db import Session, utcnow
from rehab.services import evaluation_export
from rehab.services.errors import ServiceError

DATE = click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"])


@click.group("export", cls=AppGroup)
def export_group() -> None:
    """Exports de données."""


@export_group.command("evaluation")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier où écrire les fichiers CSV (créé s'il n'existe pas).")
@click.option("--from", "start", type=DATE, default=None,
              help="Programmes dont le J0 (à défaut, la demande) est à partir de cette date.")
@click.option("--to", "end", type=DATE, default=None,
              help="Programmes dont le J0 (à défaut, la demande) est jusqu'à cette date incluse.")
def evaluation_command(out: Path, start: datetime | None, end: datetime | None) -> None:
    """Jeu de données pseudonymisé pour l'évaluateur externe (CSV et dictionnaire des données)."""
    if start and end and start > end:
        raise click.UsageError("La date de début (--from) est après la date de fin (--to).")
    try:
        key = evaluation_export.pseudonym_key(current_app.config, current_app.instance_path)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    period = evaluation_export.Period(start.date() if start else None, end.date() if end else None)
    now = current_app.config.get("FROZEN_NOW") or utcnow()
    try:
        tables = evaluation_export.export(Session(), out=out, key=key, period=period, now=now)
    except OSError as exc:
        Session.rollback()
        raise click.ClickException(f"Impossible d'écrire les fichiers dans {out} : {exc.strerror or exc}.") from None
    Session.commit()
    for table in tables:
        click.echo(f"{table.file:<32} {len(table.rows)} ligne(s)")
    click.echo(f"{evaluation_export.DICTIONARY_FILE:<32} {sum(len(t.columns) for t in tables)} colonne(s) décrites")
    click.echo(f"Fichiers écrits dans {out}.")
