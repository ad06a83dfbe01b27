"""The annual activity report for the financers (issue #9): Excel workbook and PDF downloads."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("annual_report", __name__, url_prefix="/rapport-annuel")
