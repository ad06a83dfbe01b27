"""Workload forecast (issue #9): each référent's planned hours per week for the coming 12 weeks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workload", __name__, url_prefix="/charge")
