"""Text helpers for searching French names regardless of accents and case."""

from __future__ import annotations

import unicodedata


def search_key(*parts: str | None) -> str:
    """Upper-case, accent-free, single-spaced: 'Élodie  d'Aragon' and 'ELODIE D ARAGON' match."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in stripped.upper())
    return " ".join(cleaned.split())
