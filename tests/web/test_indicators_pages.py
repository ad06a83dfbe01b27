"""Indicator dashboards through the Flask client: figures from a hand-built dataset, filters that change them,
French messages for bad filters, the drill-down list (exact programmes, role refusals, audit), SVG charts.

The dataset (today is 2 March 2026): two programmes started in 2026, two in 2025, one request without D0
and one whose D0 is still to come — « programmes démarrés » is 2 for 2026 and 2 for 2025.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, select

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import Association, AuditEvent
from rehab.web.indicators import drilldown
from tests.factories import login, make_patient, make_programme, make_user

STARTED = "programmes_started"


@pytest.fixture
def world(db):
    north, south = Association(name="Souffle Nord", short_name="SN"), Association(name="Souffle Sud", short_name="SS")
    db.add_all([north, south])
    db.flush()
    alice = make_user(db, Role.REFERENT, sectors=("31",), full_name="Alice Référente")
    bruno = make_user(db, Role.REFERENT, sectors=("34",), full_name="Bruno Référent")

    def programme(name, department, referent, association, d0, status=Status.EN_COURS):
        patient = make_patient(db, nom_naissance=name, department=department)
        made = make_programme(db, patient, status=status, referent=referent, d0=d0)
        made.association_id = association.id
        db.flush()
        return made

    return {
        "north": north, "south": south, "alice": alice, "bruno": bruno,
        "p1": programme("ALPHA", "31", alice, north, date(2026, 1, 10)),
        "p2": programme("BRAVO", "31", bruno, south, date(2026, 2, 1)),
        "p3": programme("CHARLIE", "34", alice, north, date(2025, 6, 1)),
        "p4": programme("DELTA", "34", bruno, south, date(2025, 9, 1)),
        "p5": programme("ECHO", "31", alice, north, None, status=Status.DEMANDE),
        "p6": programme("FOXTROT", "31", alice, north, date(2026, 4, 1), status=Status.PLANIFIE),
    }


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _figure_value(body: str, key: str) -> str:
    """The value shown in the figure's block (overview card or family page)."""
    block = body[body.index(f'id="fig-{key}"'):]
    return re.search(r'class="ind-value">([^<]*)<', block).group(1)


def _listed(body: str) -> list[str]:
    names = ("ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT")
    table = body[body.find("<tbody>"):body.find("</tbody>")] if "<tbody>" in body else ""
    return sorted(n for n in names if n in table)


def test_overview_shows_every_family_with_headline_figures(app, db, world):
    body = _client(app, make_user(db, Role.COORDINATEUR)).get("/indicateurs/").get_data(as_text=True)
    assert "Indicateurs — année 2026" in body
    for label in ("Activité", "Phase d&#39;intervention", "Résultats cliniques", "Satisfaction", "Coûts"):
        assert label in body
    assert _figure_value(body, "programmes_completed") == "0"
    assert "Objectif ≥\u00a0260" in body and "Objectif non atteint" in body  # 2026 is year N+2 of the targets
    assert 'href="/indicateurs/activity?annee=2026"' in body


def test_family_page_shows_figures_targets_trend_and_svg_charts(app, db, world):
    body = _client(app, make_user(db, Role.MEDECIN)).get("/indicateurs/activity").get_data(as_text=True)
    assert _figure_value(body, STARTED) == "2"
    assert "données manquantes : 0" in body
    assert "en hausse par rapport à 2025 (2)" not in body  # 2025 had 2 too: stable
    assert "stable par rapport à 2025 (2)" in body
    assert body.count("<svg") >= 3
    assert 'role="img"' in body and "<desc" in body
    assert "Programmes démarrés (J0 dans la période) : évolution. 2024 : 0; 2025 : 2; 2026 : 2" in body
    assert '<th scope="row">janv. 2026</th>' in body  # the accessible table of the monthly breakdown
    assert 'href="/indicateurs/activity/programmes_started/programmes?annee=2026">2 programmes →' in body


@pytest.mark.parametrize(("query", "expected"), [
    ("", "2"), ("annee=2025", "2"), ("annee=2024", "0"),
    ("annee=2025&departement=34", "2"), ("annee=2025&departement=31", "0"),
    ("referent={alice}", "1"), ("association={south}", "1"),
    ("debut=01/06/2025&fin=31/01/2026", "3"), ("debut=2026-01-15&fin=2026-12-31", "1"),
])
def test_filters_change_the_numbers(app, db, world, query, expected):
    query = query.format(alice=world["alice"].id, south=world["south"].id)
    body = _client(app, make_user(db, Role.ASSISTANTE)).get(f"/indicateurs/activity?{query}").get_data(as_text=True)
    assert _figure_value(body, STARTED) == expected
    assert "Certains filtres" not in body


@pytest.mark.parametrize(("query", "message"), [
    ("debut=31/02/2026&fin=01/03/2026", "Date invalide : saisissez-la au format JJ/MM/AAAA."),
    ("debut=hier&fin=demain", "Date invalide"),
    ("debut=01/03/2026", "Indiquez les deux dates de la période, ou choisissez une année."),
    ("debut=01/03/2026&fin=01/01/2026", "La fin de la période précède son début."),
    ("debut=01/01/2000&fin=01/01/2026", "Période trop longue : dix ans au plus."),
    ("debut=01/01/9999&fin=02/01/9999", "Date hors limites"),
])
def test_bad_period_gives_a_french_message_and_the_current_year(app, db, world, query, message):
    response = _client(app, make_user(db, Role.COORDINATEUR)).get(f"/indicateurs/activity?{query}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body
    assert "Période ignorée : l&#39;année 2026 est affichée." in body
    assert _figure_value(body, STARTED) == "2"


@pytest.mark.parametrize(("query", "message"), [
    ("annee=abcd", "Année non disponible"), ("annee=1850", "Année non disponible"),
    ("annee=99999999999999999999", "Année non disponible"),
    ("association=999999", "Association inconnue"), ("association=x", "Association inconnue"),
    ("departement=ZZ", "Département inconnu"), ("referent=999999", "Référent inconnu"),
])
def test_bad_filter_values_fall_back_to_defaults(app, db, world, query, message):
    response = _client(app, make_user(db, Role.COORDINATEUR)).get(f"/indicateurs/?{query}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body
    assert "leur valeur par défaut est utilisée" in body
    assert 'href="/indicateurs/activity?annee=2026"' in body  # links carry the applied filters only


def test_drill_down_lists_exactly_the_programmes_behind_the_figure_and_audits_it(app, db, world):
    user = make_user(db, Role.COORDINATEUR)
    client = _client(app, user)
    response = client.get("/indicateurs/activity/programmes_started/programmes?annee=2025")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _listed(body) == ["CHARLIE", "DELTA"]
    assert f'href="/programmes/{world["p3"].id}"' in body
    events = db.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.action == "view")).all()
    assert sorted(e.patient_id for e in events) == sorted([world["p3"].patient_id, world["p4"].patient_id])
    assert all(e.detail["liste"] == "indicateur activity/programmes_started" for e in events)
    body = client.get("/indicateurs/activity/programmes_started/programmes?departement=31").get_data(as_text=True)
    assert _listed(body) == ["ALPHA", "BRAVO"]


def test_drill_down_is_paginated(app, db, world, monkeypatch):
    monkeypatch.setattr(drilldown, "PAGE_SIZE", 1)
    client = _client(app, make_user(db, Role.ASSISTANTE))
    url = "/indicateurs/activity/programmes_started/programmes?annee=2026"
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "&page=2").get_data(as_text=True)
    assert _listed(first) == ["BRAVO"]  # most recent programme first
    assert _listed(second) == ["ALPHA"]
    assert "Page 1 sur 2" in first and "page=2" in first
    assert client.get(url + "&page=99999999999999999999").status_code == 200


def test_referent_sees_his_own_programmes_only(app, db, world):
    client = _client(app, world["alice"])
    body = client.get(f"/indicateurs/activity?annee=2026&referent={world['bruno'].id}").get_data(as_text=True)
    assert _figure_value(body, STARTED) == "1"
    assert "Indicateurs calculés sur vos seuls programmes." in body
    assert "Certains filtres" not in body  # his référent filter is simply not offered
    assert 'name="referent"' not in body
    body = client.get(f"/indicateurs/activity/programmes_started/programmes?referent={world['bruno'].id}"
                      ).get_data(as_text=True)
    assert _listed(body) == ["ALPHA"]
    assert client.get("/indicateurs/outcomes").status_code == 200


def test_gestionnaire_sees_activity_and_costs_counts_but_no_patient_list(app, db, world):
    client = _client(app, make_user(db, Role.GESTIONNAIRE))
    body = client.get("/indicateurs/").get_data(as_text=True)
    assert "Activité" in body and "Coûts" in body and "Résultats cliniques" not in body
    body = client.get("/indicateurs/activity").get_data(as_text=True)
    assert _figure_value(body, STARTED) == "2"
    assert '<span class="ind-programmes">2 programmes</span>' in body
    assert "/programmes?" not in body
    assert client.get("/indicateurs/costs").status_code == 200
    assert client.get("/indicateurs/outcomes").status_code == 403
    response = client.get("/indicateurs/activity/programmes_started/programmes")
    assert response.status_code == 403
    assert "ALPHA" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/indicateurs/", "/indicateurs/activity",
                                 "/indicateurs/activity/programmes_started/programmes"])
def test_administrateur_has_no_access(app, db, world, url):
    assert _client(app, make_user(db, Role.ADMIN)).get(url).status_code == 403


def test_unknown_family_or_figure_is_not_found(app, db, world):
    client = _client(app, make_user(db, Role.COORDINATEUR))
    assert client.get("/indicateurs/nope").status_code == 404
    assert client.get("/indicateurs/activity/nope/programmes").status_code == 404
    assert client.get("/indicateurs/nope/programmes_started/programmes").status_code == 404


def test_nav_link_for_dashboard_roles(app, db, world):
    assert 'href="/indicateurs/"' in _client(app, world["alice"]).get("/").get_data(as_text=True)
    assert 'href="/indicateurs/"' not in _client(app, make_user(db, Role.ADMIN)).get("/").get_data(as_text=True)


def _count_queries(connection, action):
    """SELECTs run by `action` (the audit INSERTs grow with the page, by design: one row per listed patient)."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    return len(seen)


def test_query_count_does_not_grow_with_the_programmes(app, db, world, connection):
    client = _client(app, make_user(db, Role.COORDINATEUR))
    urls = ("/indicateurs/", "/indicateurs/activity", "/indicateurs/activity/programmes_started/programmes")
    before = [_count_queries(connection, lambda u=u: client.get(u)) for u in urls]
    for n in range(6):
        patient = make_patient(db, nom_naissance=f"EXTRA{n}", department="31")
        make_programme(db, patient, status=Status.EN_COURS, referent=world["bruno"], d0=date(2026, 1, 20))
    after = [_count_queries(connection, lambda u=u: client.get(u)) for u in urls]
    assert before == after


def test_any_report_shape_renders_generically(app, db, monkeypatch):
    """A hand-built report with every chart kind, a met and a missed target, missing data and a note."""
    from rehab.indicators.types import Breakdown, Family, Figure, IndicatorReport, Target
    from rehab.web.indicators import routes

    figures = (
        Figure("met_share", "Part atteinte", "percent", 90.0, numerator=9, denominator=10, missing=4,
               target=Target(85, "min", "percent"), trend=((2024, 80.0), (2025, 85.0)), programme_ids=(1, 2),
               note="Une note explicative."),
        Figure("missed_delay", "Délai moyen", "weeks", 5.5, target=Target(4, "max", "weeks"),
               trend=((2024, 6.0), (2025, 5.5))),
        Figure("unknown", "Sans valeur", "euros", None),
    )
    rows = (("x", (1.0, 2.0)), ("y", (3.0, None)))
    breakdowns = tuple(Breakdown(f"bd_{kind}", f"Répartition {kind}", ("A", "B"), rows, chart=kind)
                       for kind in ("bar", "histogram", "stacked", "line"))

    def fake(session, filters, *, now, families=None, trend_years=2, **_options):
        assert list(families) == ["outcomes"]
        return IndicatorReport(filters, now, (Family("outcomes", "Résultats cliniques", figures, breakdowns),))

    monkeypatch.setattr(routes, "compute_indicators", fake)
    body = _client(app, make_user(db, Role.MEDECIN)).get("/indicateurs/outcomes").get_data(as_text=True)
    assert _figure_value(body, "met_share") == "90\u00a0%"
    assert "9 sur 10" in body and "données manquantes : 4" in body and "Une note explicative." in body
    assert 'ind-verdict ind-met' in body and "Objectif atteint" in body
    assert 'ind-verdict ind-missed' in body and "Objectif non atteint" in body
    assert "Objectif non évaluable" not in body and "Pas d'objectif fixé" in body
    assert _figure_value(body, "missed_delay") == "5,5\u00a0semaines"
    assert "stable par rapport à 2025" in body
    for kind in ("bar", "histogram", "stacked", "line"):
        assert f'aria-labelledby="chart-bd_{kind}-t chart-bd_{kind}-d"' in body
    assert "<polyline" in body and 'class="chart-legend"' in body
    assert "y – B : non disponible" not in body and "y : A 3, B non disponible" in body


def test_the_overview_asks_for_headline_figures_only(app, db, monkeypatch):
    from rehab.web.indicators import routes

    asked = []
    real = routes.compute_indicators

    def spy(*args, **kwargs):
        asked.append(kwargs.get("breakdowns", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(routes, "compute_indicators", spy)
    client = _client(app, make_user(db, Role.MEDECIN))
    assert client.get("/indicateurs/").status_code == 200
    assert client.get("/indicateurs/outcomes").status_code == 200
    assert asked == [False, True]  # the cards draw no table; a family page draws them all
