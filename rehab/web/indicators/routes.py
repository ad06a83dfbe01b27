"""Indicator dashboards (issue #9): one page per family, filters, drill-down to the programmes behind a figure.

Each page computes only what it shows: the overview every family the user may open (headline figures, no
list), a family page that family alone, the drill-down the figure's family to read the figure's programme ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from rehab.db import Session
from rehab.indicators.catalogue import FAMILY_LABELS
from rehab.indicators.compute import compute_indicators
from rehab.indicators.types import Family, IndicatorReport
from rehab.web.common import client_ip, now, roles_required, user
from rehab.web.forms import paris_today
from rehab.web.indicators import drilldown
from rehab.web.indicators.forms import AppliedFilters, IndicatorFilterForm, apply_filters
from rehab.web.indicators.present import FigureView, breakdown_view, figure_view, headline
from rehab.web.indicators.scope import DASHBOARD_ROLES, Scope, scope_for

bp = Blueprint("indicators", __name__, url_prefix="/indicateurs")


@dataclass(frozen=True)
class FamilyCard:
    family: Family
    figures: list[FigureView]
    more: int  # figures not on the card


def _filters(scope: Scope) -> tuple[IndicatorFilterForm, AppliedFilters]:
    form = IndicatorFilterForm(request.args)
    form.fill(Session(), today=paris_today(), with_referents=scope.referent_id is None)
    return form, apply_filters(form, today=paris_today(), forced_referent=scope.referent_id)


def _current_label(applied: AppliedFilters) -> str:
    """The current period's name in a trend: its year for a calendar year, else « période »."""
    return applied.query.get("annee", "période")


def _report(applied: AppliedFilters, families: tuple[str, ...], *, breakdowns: bool = True) -> IndicatorReport:
    return compute_indicators(Session(), applied.filters, now=now(), families=families, breakdowns=breakdowns)


def _checked_family(key: str, scope: Scope) -> str:
    if key not in FAMILY_LABELS:
        abort(404)
    if key not in scope.families:
        abort(403)
    return key


def _page(template: str, scope: Scope, form: IndicatorFilterForm, applied: AppliedFilters,
          **context: object) -> str:
    return render_template(template, scope=scope, form=form, applied=applied, families=FAMILY_LABELS,
                           **context)


@bp.get("/")
@roles_required(*DASHBOARD_ROLES)
def overview() -> ResponseReturnValue:
    scope = scope_for(user())
    form, applied = _filters(scope)
    report = _report(applied, scope.families, breakdowns=False)  # the cards show headline figures only
    label = _current_label(applied)
    cards = [FamilyCard(family, [figure_view(f, current_label=label) for f in headline(family)],
                        len(family.figures) - len(headline(family))) for family in report.families]
    return _page("indicators/overview.html", scope, form, applied, cards=cards, report=report)


@bp.get("/<family>")
@roles_required(*DASHBOARD_ROLES)
def family(family: str) -> ResponseReturnValue:
    scope = scope_for(user())
    key = _checked_family(family, scope)
    form, applied = _filters(scope)
    report = _report(applied, (key,))
    shown = report.family(key)
    label = _current_label(applied)
    return _page("indicators/family.html", scope, form, applied, report=report, family=shown,
                 figures=[figure_view(f, current_label=label, detailed=True) for f in shown.figures],
                 breakdowns=[breakdown_view(b) for b in shown.breakdowns])


@bp.get("/<family>/<figure>/programmes")
@roles_required(*DASHBOARD_ROLES)
def programmes(family: str, figure: str) -> ResponseReturnValue:
    scope = scope_for(user())
    if not scope.lists_programmes:
        abort(403)  # the gestionnaire reads the counts, never the patients behind them
    key = _checked_family(family, scope)
    form, applied = _filters(scope)
    report = _report(applied, (key,), breakdowns=False)
    try:
        shown = report.family(key).figure(figure)
    except KeyError:
        abort(404)
    db = Session()
    ids = drilldown.visible_ids(db, user(), shown.programme_ids)
    page = drilldown.page_of(db, ids, page=request.args.get("page", 1, type=int) or 1, size=drilldown.PAGE_SIZE)
    drilldown.audit_listing(db, page.programmes, now=now(), user_id=user().id, ip=client_ip(),
                            path=request.full_path[:500], indicator=f"{key}/{figure}")
    db.commit()
    return _page("indicators/programmes.html", scope, form, applied, family=report.family(key),
                 figure=figure_view(shown, current_label=_current_label(applied)), listing=page)
