"""Dossier completeness and the délai dossier complet → D0 against the 4-week target."""

from __future__ import annotations

from datetime import date

from rehab.domain.dossier import (
    REQUIRED_PIECES,
    completeness_date,
    delay_to_d0,
    missing_message,
    missing_pieces,
    piece_index,
)


def test_required_pieces_are_the_four_of_the_source_in_order():
    assert list(REQUIRED_PIECES.values()) == ["Prescription et fiche navette", "EFR / spirométrie", "Gazométrie",
                                              "Épreuve d'effort"]
    assert [piece_index(c) for c in REQUIRED_PIECES] == [1, 2, 3, 4]


def test_complete_on_the_date_the_last_piece_arrived_whatever_the_order_of_entry():
    received = {"prescription": date(2026, 2, 2), "efr": date(2026, 2, 20), "gazometrie": date(2026, 2, 9),
                "epreuve_effort": date(2026, 2, 12)}
    assert completeness_date(received) == date(2026, 2, 20)
    assert missing_message(received) == "Dossier complet."


def test_incomplete_while_a_piece_is_missing():
    received = {"prescription": date(2026, 2, 2), "efr": None, "gazometrie": date(2026, 2, 9)}
    assert completeness_date(received) is None
    assert missing_pieces(received) == ["efr", "epreuve_effort"]
    assert missing_message(received) == "2 pièce(s) manquante(s) : EFR / spirométrie, Épreuve d'effort."


def test_delay_to_d0_against_the_target():
    delay = delay_to_d0(date(2026, 2, 2), d0=date(2026, 3, 2), today=date(2026, 3, 20))
    assert delay is not None and delay.days == 28 and not delay.running and not delay.over_target
    assert delay.message == ("Délai dossier complet → J0 : 28 jour(s) — objectif ≤ 28 jours (4 semaines), "
                             "dans l'objectif.")
    late = delay_to_d0(date(2026, 2, 2), d0=date(2026, 3, 3), today=date(2026, 3, 20))
    assert late is not None and late.days == 29 and late.over_target
    assert late.message.endswith("objectif dépassé.")


def test_running_delay_counts_to_today_while_d0_is_not_fixed():
    delay = delay_to_d0(date(2026, 2, 20), d0=None, today=date(2026, 3, 2), target_days=21)
    assert delay is not None and delay.running and delay.days == 10
    assert delay.message == ("Dossier complet depuis 10 jour(s), J0 non fixé — objectif ≤ 21 jours (3 semaines), "
                             "dans l'objectif.")


def test_no_delay_before_the_dossier_is_complete():
    assert delay_to_d0(None, d0=date(2026, 3, 2), today=date(2026, 3, 2)) is None
