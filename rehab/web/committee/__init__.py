"""Comité de concertation de réhabilitation: meetings, agenda, care projects, closing and minutes."""
