"""`rehab report annual --year 2025 --out rapport.pdf`: the annual activity report from the command line.

The format follows the output file's extension (.xlsx or .pdf); the comments come from a UTF-8 text file so a
coordinator can prepare them in any editor. The export is audited like the web download (no user: the CLI).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from rehab.db import Session, utcnow
from rehab.services import annual_report, documents
from rehab.services.errors import ServiceError


@click.group("report")
def report_group() -> None:
    """Rapports d'activité pour les financeurs."""


def _read_comments(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"Le fichier de commentaires {path} n'est pas un texte UTF-8.") from exc
    except OSError as exc:
        raise click.ClickException(f"Impossible de lire le fichier de commentaires {path} : {exc.strerror}.") from exc


@report_group.command("annual")
@click.option("--year", type=int, required=True, help="Année civile du rapport (AAAA).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier à écrire : .xlsx (Excel) ou .pdf.")
@click.option("--comments", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier texte (UTF-8) des commentaires à joindre au rapport.")
@click.option("--association", "association_id", type=int, default=None,
              help="Restreindre le rapport à une association (identifiant).")
@with_appcontext
def annual_command(year: int, out: Path, comments: Path | None, association_id: int | None) -> None:
    """Write the annual activity report of YEAR to OUT (format from the extension)."""
    config = current_app.config
    now = config.get("FROZEN_NOW") or utcnow()
    try:
        fmt = annual_report.format_of(out.name)
        text = _read_comments(comments)
        export = annual_report.export_annual_report(
            Session(), year=year, fmt=fmt, association_id=association_id, comments=text,
            letterhead=documents.letterhead(config, current_app.instance_path), now=now, user_id=None, ip="cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        out.write_bytes(export.content)
    except OSError as exc:
        raise click.ClickException(f"Impossible d'écrire {out} : {exc.strerror}.") from exc
    Session.commit()  # the audit row, once the file is really written
    click.echo(f"Rapport d'activité {year} écrit dans {out} ({len(export.content) // 1024 + 1} Ko).")
