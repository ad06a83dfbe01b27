"""Eligibility rules of the source's section IV: inclusions met, exclusions absent, the relative one
lifted by a carer, the GP's opposition counting only when he is not the prescriber."""

from __future__ import annotations

from rehab.domain.eligibility import CRITERIA, CRITERIA_BY_ID, EXCLUSIONS, INCLUSIONS, CriterionKind, evaluate


def all_good() -> dict[str, bool | None]:
    return {c.id: c.kind == CriterionKind.INCLUSION for c in CRITERIA}


def test_criteria_come_from_the_source_with_unique_ids_and_french_labels():
    assert len({c.id for c in CRITERIA}) == len(CRITERIA)
    assert len(INCLUSIONS) == 6 and len(EXCLUSIONS) == 9
    assert CRITERIA_BY_ID["age_mineur"].label == "Âge inférieur à 18 ans"
    assert [c.id for c in EXCLUSIONS if c.relative] == ["deficience_sensorielle"]
    assert [c.id for c in EXCLUSIONS if c.gp_opposition] == ["opposition_medecin_traitant"]


def test_everything_fine_is_eligible():
    result = evaluate(all_good(), carer_name=None, gp_is_prescriber=False)
    assert result.eligible and result.blockers == () and result.lifted == ()


def test_an_unanswered_criterion_blocks():
    answers = all_good()
    answers["pas_de_telephone"] = None
    result = evaluate(answers, carer_name=None, gp_is_prescriber=False)
    assert not result.eligible
    assert result.blockers == ("Critère non renseigné : Absence de ligne téléphonique.",)


def test_an_inclusion_not_met_blocks():
    answers = all_good()
    answers["traitement_optimise"] = False
    result = evaluate(answers, carer_name=None, gp_is_prescriber=False)
    assert "Critère d'inclusion non rempli" in result.blockers[0]


def test_an_absolute_exclusion_blocks_even_with_a_carer():
    answers = all_good()
    answers["contre_indication_cv"] = True
    result = evaluate(answers, carer_name="Marcel Dupuy", gp_is_prescriber=False)
    assert not result.eligible
    assert result.blockers[0].startswith("Critère d'exclusion présent : Contre-indication cardio-vasculaire")


def test_the_relative_exclusion_blocks_without_a_carer_and_is_lifted_by_one():
    answers = all_good()
    answers["deficience_sensorielle"] = True
    blocked = evaluate(answers, carer_name="  ", gp_is_prescriber=False)
    assert not blocked.eligible and "aidant" in blocked.blockers[0]
    lifted = evaluate(answers, carer_name="Marcel Dupuy", gp_is_prescriber=False)
    assert lifted.eligible
    assert lifted.lifted == ("Déficience visuelle ou auditive empêchant d'utiliser l'ergocycle, de relever les "
                             "paramètres ou de téléphoner — levé par la présence de l'aidant Marcel Dupuy.",)


def test_gp_opposition_blocks_unless_the_gp_is_the_prescriber():
    answers = all_good()
    answers["opposition_medecin_traitant"] = True
    assert not evaluate(answers, carer_name="Marcel", gp_is_prescriber=False).eligible
    assert evaluate(answers, carer_name=None, gp_is_prescriber=True).eligible
