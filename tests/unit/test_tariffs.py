"""Forfait rules: every forfait of the source, its cap, and the tariff in force at D0."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rehab.domain.tariffs import (
    SALARIED_REASON,
    SessionFact,
    TariffError,
    check_new_version,
    derive_tariff,
    load_tariffs,
    parse_tariffs,
    price_programme,
    tariff_for,
)

D0 = date(2026, 3, 2)


def sessions(role: str, count: int, *, first_id: int = 1, professional_id: int | None = 7) -> list[SessionFact]:
    return [SessionFact(first_id + i, role, D0 + timedelta(weeks=i), professional_id) for i in range(count)]


def amounts(role: str, count: int) -> tuple[list[Decimal], list[str]]:
    due, unpaid = price_programme(tariff_for(D0), sessions(role, count), already_linked=frozenset())
    return [line.amount for line in due], [u.reason for u in unpaid]


def test_initial_tariff_is_in_force_from_17_april_2020_with_the_2300_lump_sum():
    tariff = tariff_for(date(2020, 4, 17))
    assert tariff.version == "2020-04" and tariff.lump_sum == Decimal("2300.00")
    with pytest.raises(TariffError, match="Aucun tarif en vigueur au 16/04/2020"):
        tariff_for(date(2020, 4, 16))
    with pytest.raises(TariffError, match="J0"):
        tariff_for(None)


def test_paramedical_initial_50_then_five_follow_ups_at_26_capped_at_180():
    paid, unpaid = amounts("paramedical", 8)
    assert paid == [Decimal("50.00")] + [Decimal("26.00")] * 5
    assert sum(paid) == Decimal("180.00")
    assert len(unpaid) == 2 and all("5 séances de suivi" in r for r in unpaid)


def test_dietitian_45_30_30_45_capped_at_150():
    paid, unpaid = amounts("dieteticien", 5)
    assert paid == [Decimal(x) for x in ("45.00", "30.00", "30.00", "45.00")]
    assert sum(paid) == Decimal("150.00") and len(unpaid) == 1


@pytest.mark.parametrize("role", ["psychologue", "tabacologue"])
def test_psychologist_and_tobacco_specialist_45_45_60_capped_at_150(role):
    paid, unpaid = amounts(role, 4)
    assert paid == [Decimal("45.00"), Decimal("45.00"), Decimal("60.00")] and len(unpaid) == 1


def test_medical_forfait_100_shared_by_gp_and_pulmonologist_paid_once_consultations_are_droit_commun():
    tariff = tariff_for(D0)
    facts = sessions("medecin_traitant", 3) + sessions("pneumologue", 3, first_id=10, professional_id=8)
    due, unpaid = price_programme(tariff, facts, already_linked=frozenset())
    assert sorted((d.forfait_code, d.amount) for d in due) == [("medecin_traitant", Decimal("50.00")),
                                                               ("pneumologue", Decimal("50.00"))]
    assert sum(d.amount for d in due) == Decimal("100.00")
    assert len(unpaid) == 4 and all("droit commun" in u.reason for u in unpaid)


def test_psychologist_and_tobacco_specialist_share_one_150_forfait():
    facts = sessions("tabacologue", 2) + sessions("psychologue", 2, first_id=10, professional_id=8)
    due, unpaid = price_programme(tariff_for(D0), facts, already_linked=frozenset())
    assert sum(d.amount for d in due) == Decimal("150.00") and len(due) == 3 and len(unpaid) == 1
    assert "psychologie ou de tabacologie" in unpaid[0].reason


def test_maximum_per_programme_is_the_580_of_the_source():
    assert tariff_for(D0).max_per_programme == Decimal("580.00")


def test_every_line_has_a_french_reason_with_step_date_and_tariff():
    due, _ = price_programme(tariff_for(D0), sessions("paramedical", 2), already_linked=frozenset())
    assert due[0].reason.startswith("Forfait kinésithérapeute ou infirmier(e)")
    assert "Séance initiale d'évaluation, séance du 02/03/2026 (tarif 2020-04)" in due[0].reason
    assert "Séance de suivi 1/5" in due[1].reason


def test_recomputing_is_idempotent_and_keeps_ranks_of_linked_sessions():
    facts = sessions("paramedical", 7)
    first, _ = price_programme(tariff_for(D0), facts[:3], already_linked=frozenset())
    again, unpaid = price_programme(tariff_for(D0), facts, already_linked=frozenset(d.session_id for d in first))
    assert [d.amount for d in again] == [Decimal("26.00")] * 3  # follow-ups 3, 4 and 5
    assert [u.session_id for u in unpaid] == [7]


def test_a_withdrawn_session_takes_no_rank_and_is_not_proposed_again():
    facts = sessions("dieteticien", 4)
    due, _ = price_programme(tariff_for(D0), facts, already_linked=frozenset(), withdrawn=frozenset({2}))
    assert [d.session_id for d in due] == [1, 3, 4]
    assert [d.amount for d in due] == [Decimal("45.00"), Decimal("30.00"), Decimal("30.00")]


def test_session_without_professional_is_reported_and_keeps_its_step_free():
    facts = [SessionFact(1, "psychologue", D0, None), SessionFact(2, "psychologue", D0 + timedelta(days=7), 3)]
    due, unpaid = price_programme(tariff_for(D0), facts, already_linked=frozenset())
    assert [(d.session_id, d.amount) for d in due] == [(2, Decimal("45.00"))]
    assert "non renseigné" in unpaid[0].reason


def test_a_programme_is_priced_with_the_tariff_in_force_at_its_d0():
    data = {"tariffs": [
        {"version": "A", "effective_from": date(2020, 4, 17), "lump_sum": "2300",
         "forfaits": [{"code": "p", "roles": ["paramedical"], "label": "P", "beyond": "cap",
                       "steps": [{"label": "i", "amount": "50"}]}]},
        {"version": "B", "effective_from": date(2026, 1, 1), "lump_sum": "2400",
         "forfaits": [{"code": "p", "roles": ["paramedical"], "label": "P", "beyond": "cap",
                       "steps": [{"label": "i", "amount": "55"}]}]},
    ]}
    tariffs = parse_tariffs(data)
    assert tariff_for(date(2025, 12, 31), tariffs).version == "A"
    assert tariff_for(date(2026, 1, 1), tariffs).version == "B"
    due, _ = price_programme(tariff_for(date(2025, 12, 31), tariffs), sessions("paramedical", 1),
                             already_linked=frozenset())
    assert due[0].amount == Decimal("50.00")  # a programme started before keeps its price


def test_tariff_file_errors_are_refused_in_french():
    base = {"version": "X", "effective_from": date(2020, 1, 1), "lump_sum": "1", "forfaits": []}
    with pytest.raises(TariffError, match="même date"):
        parse_tariffs({"tariffs": [base, dict(base, version="Y")]})
    with pytest.raises(TariffError, match="illisible"):
        parse_tariffs({"tariffs": [dict(base, lump_sum="abc")]})
    with pytest.raises(TariffError, match="Aucun tarif"):
        parse_tariffs({})
    assert load_tariffs()[0].forfait_for("ssr") is None


def test_a_salaried_professionals_session_takes_its_rank_but_earns_nothing():
    facts = [SessionFact(1, "psychologue", D0, 3, salaried=True),
             SessionFact(2, "psychologue", D0 + timedelta(days=7), 4)]
    due, unpaid = price_programme(tariff_for(D0), facts, already_linked=frozenset())
    assert [(d.session_id, d.amount) for d in due] == [(2, Decimal("45.00"))]
    assert "Consultation de suivi" in due[0].reason
    assert unpaid[0].session_id == 1 and "salarié" in unpaid[0].reason


def test_a_derived_version_keeps_the_steps_restates_the_caps_and_refuses_bad_amounts():
    base = tariff_for(D0)
    amounts = {f.code: [str(s.amount) for s in f.steps] for f in base.forfaits}
    amounts["paramedical"] = ["60", "30", "30", "30", "30", "30,50"]
    new = derive_tariff(base, version="2027-01", effective_from=date(2027, 1, 1), lump_sum="2 450,00",
                        amounts=amounts)
    paramedical = new.forfait_for("paramedical")
    assert paramedical.cap == Decimal("210.50") and "(210,50 € au plus)" in paramedical.label
    assert "plafond du forfait (210,50 €)" in paramedical.beyond and new.lump_sum == Decimal("2450.00")
    assert new.forfait_for("dieteticien") == base.forfait_for("dieteticien")
    with pytest.raises(TariffError, match="Montant invalide"):
        derive_tariff(base, version="x", effective_from=date(2027, 1, 1), lump_sum="-5", amounts=amounts)
    with pytest.raises(TariffError, match="chaque séance"):
        derive_tariff(base, version="x", effective_from=date(2027, 1, 1), lump_sum="1",
                      amounts=dict(amounts, dieteticien=["45"]))


def test_a_new_version_must_be_future_and_unique():
    base = tariff_for(D0)
    amounts = {f.code: [str(s.amount) for s in f.steps] for f in base.forfaits}

    def new(version: str, on: date):
        return derive_tariff(base, version=version, effective_from=on, lump_sum="2300", amounts=amounts)

    check_new_version(new("2026-04", date(2026, 4, 1)), load_tariffs(), today=D0)
    for version, on, message in (("2026-03", D0, "date future"), ("2020-04", date(2026, 4, 1), "existe déjà"),
                                 ("", date(2026, 4, 1), "Nommez"), ("x", date(2020, 4, 17), "date future")):
        with pytest.raises(TariffError, match=message):
            check_new_version(new(version, on), load_tariffs(), today=D0)


def test_a_late_reported_session_takes_the_next_free_rank_and_the_cap_holds():
    """Issue #8: sessions at D0+1, +2, +3 weeks are paid (50, 26, 26); a session dated D0 reported afterwards
    must not take rank 0 again (50 € twice, 204 € > 180 €)."""
    tariff = tariff_for(D0)
    first = [SessionFact(i, "paramedical", D0 + timedelta(weeks=i), 7) for i in (1, 2, 3)]
    due, _ = price_programme(tariff, first, already_linked=frozenset())
    assert [line.amount for line in due] == [Decimal("50.00"), Decimal("26.00"), Decimal("26.00")]
    late = [SessionFact(10, "paramedical", D0, 7)] + [SessionFact(10 + i, "paramedical", D0 + timedelta(weeks=3 + i),
                                                                  7) for i in (1, 2, 3)]
    due, unpaid = price_programme(tariff, first + late, already_linked=frozenset({1, 2, 3}),
                                  committed={"paramedical": Decimal("102.00")})
    assert [(line.session_id, line.amount) for line in due] == [(10, Decimal("26.00")), (11, Decimal("26.00")),
                                                                (12, Decimal("26.00"))]
    assert "Séance de suivi 3/5, séance du 02/03/2026" in due[0].reason
    assert [u.session_id for u in unpaid] == [13] and "plafond" in unpaid[0].reason
    assert Decimal("102.00") + sum(line.amount for line in due) == Decimal("180.00")


def test_a_salaried_session_reported_late_takes_a_rank_and_the_linked_ones_keep_theirs():
    tariff = tariff_for(D0)
    paid = [SessionFact(i, "dieteticien", D0 + timedelta(weeks=i), 7) for i in (1, 2)]
    salaried = SessionFact(3, "dieteticien", D0, 8, salaried=True)
    new = SessionFact(4, "dieteticien", D0 + timedelta(weeks=5), 7)
    due, unpaid = price_programme(tariff, [*paid, salaried, new], already_linked=frozenset({1, 2}))
    assert [(u.session_id, u.reason) for u in unpaid] == [(3, SALARIED_REASON)]
    assert [(line.session_id, line.amount) for line in due] == [(4, Decimal("45.00"))]  # rank 3: the final one


def test_the_cap_in_euros_holds_when_a_cancelled_cheap_step_is_taken_again():
    """Psychologist 45, 45, 60: the first line cancelled, the 60 € one still paid; the next session would take
    rank 2 (60 €) again — 45 + 60 + 60 > 150 — so it earns nothing."""
    tariff = tariff_for(D0)
    facts = sessions("psychologue", 4)
    due, unpaid = price_programme(tariff, facts, already_linked=frozenset({2, 3}), withdrawn=frozenset({1}),
                                  committed={"psychologue_tabacologue": Decimal("105.00")})
    assert due == [] and [u.session_id for u in unpaid] == [4] and "150" in unpaid[0].reason
