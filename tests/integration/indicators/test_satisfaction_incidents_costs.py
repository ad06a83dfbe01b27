"""Satisfaction, intercurrent events, costs; the association / department / référent scope; targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.domain.tariffs import forfaits_record, load_tariffs
from rehab.indicators.compute import compute_indicators
from rehab.indicators.targets import TargetBook, TargetSpec, Thresholds
from rehab.indicators.types import IndicatorFilters
from rehab.models.payments import TariffVersion
from tests.factories import NOW, make_user
from tests.integration.indicators import builders as b


def report(db, year=2025, **scope):
    return compute_indicators(db, IndicatorFilters.for_year(year, **scope), now=NOW)


def test_professional_satisfaction_and_closing_eva(db):
    a = b.association(db)
    s1 = b.programme(db, d0=date(2024, 6, 3), until=Status.TERMINE, association_id=a.id)
    s2 = b.programme(db, d0=date(2024, 9, 2), until=Status.TERMINE, association_id=a.id)
    gp, lung = b.professional(db), b.professional(db, "pneumologue")
    b.satisfaction(db, s1, gp, date(2025, 1, 10), satisfied=True, score=8)
    b.satisfaction(db, s1, lung, date(2025, 1, 12), satisfied=False, score=4, role="pneumologue")
    b.satisfaction(db, s2, gp, date(2025, 4, 1), satisfied=True)
    b.satisfaction(db, s2, lung, date(2024, 12, 30), satisfied=True, role="pneumologue")  # received in 2024
    for prog, eva in ((s1, 9), (s2, 7)):
        b.visit(db, prog, "closing_visit", date(2025, 2, 3), eva)
    b.visit(db, s2, "closing_visit", date(2025, 2, 4), None)
    family = report(db, association_id=a.id).family("satisfaction")
    share = family.figure("professional_satisfaction")
    assert (share.numerator, share.denominator, share.value) == (2, 3, 66.7)
    assert share.target is not None and share.met is False
    score = family.figure("professional_score")
    assert (score.value, score.missing) == (6.0, 1)
    eva = family.figure("eva_closing")
    assert (eva.value, eva.denominator, eva.missing) == (8.0, 2, 1)
    roles = dict(family.breakdowns[0].rows)
    assert roles["Médecin traitant"] == (2.0, 2.0, 100.0)
    assert roles["Pneumologue"] == (1.0, 0.0, 0.0)
    assert share.trend[-1] == (2024, 100.0)


def test_incidents_by_nature_severity_and_outcome(db):
    a = b.association(db)
    i1, i2, i3 = (b.programme(db, d0=date(2025, m, 3), association_id=a.id) for m in (2, 3, 4))
    b.event(db, i1, date(2025, 2, 20), hospitalisation=True, decision="interrupt")
    b.event(db, i1, date(2025, 2, 10), decision=None)
    b.event(db, i2, date(2025, 3, 20), nature="musculo")
    b.event(db, i3, date(2024, 12, 1), nature="cardiovascular")  # before the period
    family = report(db, association_id=a.id).family("incidents")
    assert family.figure("incidents_total").value == 3
    assert family.figure("incidents_high").programme_ids == (i1.id,)
    assert family.figure("incidents_pending").value == 1
    rate = family.figure("programmes_with_incident")
    assert (rate.numerator, rate.denominator) == (2, 3)
    breakdowns = {x.key: dict(x.rows) for x in family.breakdowns}
    assert breakdowns["incidents_by_nature"]["Respiratoire"] == (2.0, 1.0)
    assert breakdowns["incidents_by_nature"]["Musculo-articulaire / orthopédique"] == (1.0, 0.0)
    assert breakdowns["incidents_by_nature"]["Cardiovasculaire"] == (0.0, 0.0)
    assert breakdowns["incidents_by_severity"] == {"Élevée (hospitalisation)": (1.0,), "Sans hospitalisation": (2.0,)}
    assert breakdowns["incidents_by_outcome"]["Interruption définitive"] == (1.0,)
    assert breakdowns["incidents_by_outcome"]["Décision en attente"] == (1.0,)


def test_cost_per_programme_against_the_lump_sum_of_the_tariffs(db):
    a = b.association(db)
    pro = b.professional(db)
    c1, c2, c3 = (b.programme(db, d0=date(2025, m, 3), until=Status.SUIVI, association_id=a.id) for m in (1, 2, 3))
    c4 = b.programme(db, d0=date(2024, 3, 4), until=Status.SUIVI, association_id=a.id)
    b.payment(db, c1, pro, "50.00")
    b.payment(db, c1, pro, "180.00", forfait="paramedical")
    b.payment(db, c1, pro, "100.00", status="cancelled")
    b.payment(db, c2, pro, "2400.00", forfait="paramedical")  # beyond anything real: over the lump sum
    b.payment(db, c4, pro, "50.00")
    costs = report(db, association_id=a.id).family("costs")
    mean = costs.figure("cost_per_programme")
    assert (mean.value, mean.denominator, mean.missing) == (1315.0, 2, 1)  # c3 not priced yet
    lump = float(load_tariffs()[-1].lump_sum)
    assert mean.target is not None and mean.target.value == lump == 2300.0 and mean.met is True
    assert costs.figure("cost_total").value == 2630.0
    assert costs.figure("programmes_over_lump_sum").programme_ids == (c2.id,)
    by_forfait = dict(costs.breakdowns[0].rows)
    assert sum(v[0] for v in by_forfait.values()) == 2630.0
    assert c3.id not in mean.programme_ids


def test_each_programme_is_held_to_the_lump_sum_of_the_tariff_in_force_at_its_d0(db):
    base = load_tariffs()[-1]
    db.add(TariffVersion(version="2025-06", effective_from=date(2025, 6, 1), lump_sum=Decimal("2500.00"),
                         forfaits=forfaits_record(base), note="Test", created_at=NOW))
    a, pro = b.association(db), b.professional(db)
    before = b.programme(db, d0=date(2025, 1, 6), until=Status.SUIVI, association_id=a.id)
    after = b.programme(db, d0=date(2025, 7, 7), until=Status.SUIVI, association_id=a.id)
    for prog in (before, after):
        b.payment(db, prog, pro, "2400.00", forfait="paramedical")
    costs = report(db, association_id=a.id).family("costs")
    assert costs.figure("programmes_over_lump_sum").programme_ids == (before.id,)
    mean = costs.figure("cost_per_programme")
    assert mean.target is not None and mean.target.value == 2500.0 and mean.met is True


def test_filters_by_department_and_referent_reach_every_family(db):
    r1, r2 = make_user(db, Role.REFERENT), make_user(db, Role.REFERENT)
    a = b.association(db)
    p31 = b.programme(db, d0=date(2025, 2, 3), department="31", referent=r1, association_id=a.id)
    p34 = b.programme(db, d0=date(2025, 2, 3), department="34", referent=r2, association_id=a.id)
    b.event(db, p31, date(2025, 3, 1))
    b.event(db, p34, date(2025, 3, 1))
    b.event(db, p34, date(2025, 3, 2))
    assert report(db, department="31", association_id=a.id).figure("programmes_started").programme_ids == (p31.id,)
    assert report(db, department="34", association_id=a.id).figure("incidents_total").value == 2
    by_referent = report(db, referent_id=r1.id)
    assert by_referent.figure("programmes_started").programme_ids == (p31.id,)
    assert by_referent.figure("incidents_total").value == 1
    assert report(db, referent_id=r2.id, department="31").figure("programmes_started").value == 0


def test_targets_follow_the_year_n_of_the_file(db):
    book = TargetBook(first_year=2021, thresholds=Thresholds(),
                      specs={"programmes_completed": TargetSpec((220, 240, 260), "min", "count")})
    values = {year: book.target("programmes_completed", year).value for year in (2020, 2021, 2022, 2023, 2030)}
    assert values == {2020: 220, 2021: 220, 2022: 240, 2023: 260, 2030: 260}
    assert book.target("unknown", 2021) is None
    figure = compute_indicators(db, IndicatorFilters.for_year(2022), now=NOW, targets=book).figure(
        "programmes_completed")
    assert figure.target is not None and figure.target.value == 240
    assert compute_indicators(db, IndicatorFilters.for_year(2022), now=NOW, targets=book).figure(
        "completion_rate").target is None
