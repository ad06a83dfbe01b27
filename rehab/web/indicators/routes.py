"""Indicator dashboards (issue #9): one page per family, filters, drill-down to the programmes behind a figure."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indicateurs")
