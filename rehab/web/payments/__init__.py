"""Payments of the professionals' forfaits (gestionnaire; coordinateur read-only)."""
