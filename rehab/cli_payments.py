"""`rehab payments compute`: the lines due from the recorded sessions, for a nightly cron or by hand."""

from __future__ import annotations

import click

from rehab.db import Session, utcnow
from rehab.services import payments


@click.group("payments")
def payments_group() -> None:
    """Paiements des forfaits des professionnels."""


@payments_group.command("compute")
def compute_command() -> None:
    """Compute the lines due (idempotent: a second run adds nothing)."""
    Session.rollback()  # no read before the payment write lock (SQLite)
    result = payments.compute_due(Session(), now=utcnow(), user=None)
    Session.commit()
    click.echo(f"{len(result.created)} nouvelle(s) ligne(s) à payer ; {len(result.unpaid)} séance(s) sans paiement ; "
               f"{len({p for p, _ in result.unpriced})} programme(s) sans tarif.")
