"""The 12-month synthesis's extra blocks, the interruption letter and the initial letter to the care team,
rendered from frozen contexts: their snapshot round-trips, hostile text stays text, unknowns are said."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reports.letter_blocks import FollowUpEntry, HospitalisationEntry, InterruptionInfo, RoleExpectation
from reports.syntheses import context_from_json, context_to_json, render_cover_letter, render_synthesis
from tests.unit.reports.test_syntheses import flat, sample, text_of

CALLS = (FollowUpEntry(date(2026, 4, 6), "Téléphone", 4, 5, 0, 0, "Bonne", ""),
         FollowUpEntry(date(2026, 9, 7), "Visioconférence", None, 5, None, None, "", "Proposée"))
HOSPITAL = (HospitalisationEntry("before", 2, 15, "Relevé du pneumologue"),)
EXPECTED = (RoleExpectation("Médecin traitant", "Dr Souleil", ("trois consultations & <b>une</b> fiche 🫁",),
                            "forfait dérogatoire de 50,00 € versé par l'association."),)


def full(kind: str):  # type: ignore[no-untyped-def]
    return replace(sample(kind), follow_up_calls=CALLS, hospitalisations=HOSPITAL,
                   interruption=InterruptionInfo(date(2026, 1, 20), "Hospitalisation <longue> & complications",
                                                 "Dr Anne Lafforgue"),
                   expectations=EXPECTED, referent_contact="Joignable au 05 61 00 00 01.")


def test_snapshots_of_the_new_blocks_round_trip() -> None:
    for kind in ("douze_mois", "interruption", "initial_pros"):
        ctx = full(kind)
        assert context_from_json(context_to_json(ctx)) == ctx


def test_twelve_month_synthesis_says_what_is_unknown() -> None:
    t = flat(text_of(render_synthesis(full("douze_mois")))[0])
    assert "06/04/2026 Téléphone 4 (projet : 5) 0 Bonne Non" in t
    assert "07/09/2026 Visioconférence non renseigné (projet : 5) non renseigné non renseigné Proposée" in t
    assert "12 mois avant le programme 2 15 Relevé du pneumologue" in t
    assert "12 mois après le programme non renseigné non renseigné non renseigné" in t
    assert "Motif" not in t and "Ce que nous attendons" not in t  # blocks of other letters stay out
    empty = flat(text_of(render_synthesis(sample("douze_mois")))[0])
    assert "Appels de suivi : non renseigné." in empty


def test_interruption_letter_and_its_cover_letter_for_the_patient() -> None:
    ctx = replace(full("interruption"), validated_by="Dr Anne Lafforgue", validated_on=date(2026, 1, 22))
    t = flat(text_of(render_synthesis(ctx))[0])
    assert "Courrier de fin de programme (interruption)" in t
    assert "interrompu définitivement le 20 janvier 2026 sur décision de Dr Anne Lafforgue" in t
    assert "Motif : Hospitalisation <longue> & complications" in t
    assert "57 séances réalisées" in t and "Accompagnement à distance" not in t
    cover = flat(text_of(render_cover_letter(ctx, recipient="Josiane ROUQUETTE", to_patient=True))[0])
    assert "ci-joint le courrier de fin de programme (interruption) de votre programme" in cover
    assert "Il a été validé par Dr Anne Lafforgue" in cover


def test_initial_letter_is_signed_by_the_coordination_not_the_medecin() -> None:
    ctx = replace(full("initial_pros"), validated_by="Claire Martin", validated_on=date(2026, 3, 9))
    text, reader = text_of(render_synthesis(ctx))
    t = flat(text)
    assert "J0 le 1er décembre 2025" in t and "Joignable au 05 61 00 00 01." in t
    assert "Médecin traitant — Dr Souleil" in t and "trois consultations & <b>une</b> fiche" in t
    assert "forfait dérogatoire de 50,00 €" in t
    assert "Claire Martin, pour la cellule de coordination" in t
    assert "médecin directeur" not in t and "Document de travail" not in t
    assert len(reader.pages) <= 2
