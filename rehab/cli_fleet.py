"""`rehab fleet …`: the ergocycle forecast from the command line (for the weekly logistics meeting or a
cron mail), same figures as the « Occupation du parc » page."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from rehab.db import Session, utcnow
from rehab.domain.clock import local_date
from rehab.models.fleet import CATEGORIES
from rehab.services import fleet


@click.group("fleet", cls=AppGroup, help="Parc d'ergocycles.")
def fleet_group() -> None:
    """Commands about the ergocycle fleet."""


@fleet_group.command("prevision")
@click.option("--semaines", default=12, show_default=True, type=click.IntRange(1, 52),
              help="Nombre de semaines à prévoir.")
def forecast_command(semaines: int) -> None:
    """Print units needed against units in service, week by week and by model; flags shortages."""
    today = local_date(current_app.config.get("FROZEN_NOW") or utcnow())  # frozen in tests
    rows = fleet.weekly_forecast(Session(), today=today, weeks=semaines)
    click.echo("Semaine du   " + "  ".join(f"{label:>26}" for label in CATEGORIES.values()))
    shortages = 0
    for row in rows:
        cells = []
        for code in CATEGORIES:
            line = next(x for x in row if x.category == code)
            flag = f" MANQUE {line.shortage}" if line.shortage else ""
            shortages += bool(line.shortage)
            cells.append(f"{f'{line.needed} / {line.capacity}{flag}':>26}")
        click.echo(f"{row[0].monday:%d/%m/%Y}   " + "  ".join(cells))
    click.echo(f"{shortages} semaine(s) × modèle en pénurie." if shortages else "Aucune pénurie prévue.")
