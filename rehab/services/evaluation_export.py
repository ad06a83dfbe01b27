"""The pseudonymised dataset for the external evaluator (issue #9): CSV files and their data dictionary.

What leaves the product: no name, no INS, no address, no telephone, no free text, no exact birth date (the
birth year and an age band), the department instead of the postal code, dates of care as months or as
days from D0.  Patients, programmes, référents and professionals appear under pseudonyms computed with
HMAC-SHA256 and a secret key: the same person gets the same pseudonym in every export made with that key,
and nobody without the key can link a pseudonym back (nor test a guess).  Every text cell goes through
the spreadsheet formula-injection guard of reports.payment_export.

One query per file, whatever the number of programmes; the tables themselves are in evaluation_tables.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from rehab.services import audit
from rehab.services.errors import ServiceError
from reports.payment_export import safe

KEY_FILE = "pseudonym_key"
MIN_KEY_LENGTH = 32
PREFIXES = {"patient": "PAT", "programme": "PRG", "referent": "REF", "professional": "PRO"}
DICTIONARY_FILE = "data_dictionary.csv"
DICTIONARY_COLUMNS = ("fichier", "colonne", "description", "type", "unite")

Cell = str | int | float | Decimal | bool | date | None


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    type: str  # texte | entier | decimal | booleen | mois (AAAA-MM)
    unit: str = ""


@dataclass(frozen=True)
class Table:
    file: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Period:
    """Programmes whose D0 (or, before D0, referral date) falls within [start, end]; None: unbounded."""

    start: date | None = None
    end: date | None = None


class Pseudonymiser:
    """Keyed, stable, not reversible: HMAC-SHA256(key, "kind:id"), 80 bits shown (no collision at our scale)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, kind: str, ident: int | None) -> str | None:
        if ident is None:
            return None
        digest = hmac.new(self._key, f"{kind}:{ident}".encode(), hashlib.sha256).hexdigest()
        return f"{PREFIXES[kind]}-{digest[:20]}"


def is_production(config: Mapping[str, Any]) -> bool:
    return (str(config.get("ENVIRONMENT") or "production") == "production" and not config.get("TESTING")
            and not config.get("DEBUG"))


def pseudonym_key(config: Mapping[str, Any], instance_path: str) -> bytes:
    """The configured key; in production it is required.  Development and tests use a key made once and
    kept in the instance folder, so pseudonyms stay stable there too without anyone choosing a key."""
    configured = str(config.get("EVALUATION_PSEUDONYM_KEY") or "").strip()
    if configured:
        if len(configured) < MIN_KEY_LENGTH and is_production(config):
            raise ServiceError(f"La clé de pseudonymisation (EVALUATION_PSEUDONYM_KEY) est trop courte : "
                               f"{MIN_KEY_LENGTH} caractères au moins.")
        return configured.encode()
    if is_production(config):
        raise ServiceError(
            "La clé de pseudonymisation n'est pas configurée : renseignez EVALUATION_PSEUDONYM_KEY dans "
            "instance/config.py (ou la variable d'environnement REHAB_EVALUATION_PSEUDONYM_KEY), une valeur "
            "secrète d'au moins 32 caractères conservée à l'abri : sans elle, les pseudonymes ne seraient pas "
            "stables d'un export à l'autre. Aucun fichier n'a été produit.")
    path = Path(str(config.get("INSTANCE_FILES") or instance_path)) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made by a concurrent run: use it
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _cell(value: Cell) -> str:
    """Machine-readable cells (ISO dates, decimal point, 0/1) for R, Stata or pandas; text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    if isinstance(value, int | Decimal):
        return str(value)
    return safe(value)


def to_csv(header: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe(h) for h in header])
    writer.writerows([_cell(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8")


def dictionary(tables: list[Table]) -> tuple[tuple[Cell, ...], ...]:
    return tuple((t.file, c.name, c.description, c.type, c.unit) for t in tables for c in t.columns)


def _private_write(path: Path, content: bytes) -> None:
    """Owner-only files (0600): pseudonymised is still personal data, not for every account on the machine."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT: set it again
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _unordered(rows: tuple[tuple[Cell, ...], ...]) -> tuple[tuple[Cell, ...], ...]:
    """Rows sorted by their pseudonyms rather than by internal id, which would reveal the order of creation."""
    return tuple(sorted(rows, key=lambda row: tuple("" if c is None else str(c) for c in row)))


def write(tables: list[Table], out: Path) -> list[Path]:
    """One CSV per table plus data_dictionary.csv; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in tables:
        path = out / table.file
        _private_write(path, to_csv(tuple(c.name for c in table.columns), _unordered(table.rows)))
        paths.append(path)
    path = out / DICTIONARY_FILE
    _private_write(path, to_csv(DICTIONARY_COLUMNS, dictionary(tables)))
    return [*paths, path]


def export(session: Session, *, out: Path, key: bytes, period: Period, now: datetime) -> list[Table]:
    """Builds every table, writes the files, and puts the export on record (who cannot be known from the CLI,
    what can: the period and the row counts)."""
    from rehab.services.evaluation_tables import build_tables

    tables = build_tables(session, pseudo=Pseudonymiser(key), period=period)
    write(tables, out)
    audit.record(session, now=now, user_id=None, action="export", object_type="evaluation_dataset",
                 detail={"from": str(period.start or ""), "to": str(period.end or ""), "out": str(out),
                         "rows": {t.file: len(t.rows) for t in tables}})
    return tables
