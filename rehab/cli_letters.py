"""`rehab letters verify`: checks that every validated synthesis still matches its stored SHA-256 (run it
after a restore from backup, or from cron: the exit code is 1 when a frozen letter is missing or altered)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from rehab.db import Session
from rehab.services import documents, letters


@click.group("letters")
def letters_group() -> None:
    """Synthèses : contrôles d'intégrité."""


@letters_group.command("verify")
@with_appcontext
def verify_command() -> None:
    """Vérifie l'empreinte SHA-256 de chaque synthèse validée."""
    root = documents.files_root(current_app.config, current_app.instance_path)
    problems = letters.verify_frozen(Session(), root=root)
    for version, why in problems:
        click.echo(f"synthèse {version.letter.kind} v{version.number} (programme n° {version.letter.programme_id})"
                   f" : {why}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Toutes les synthèses validées sont intactes.")
