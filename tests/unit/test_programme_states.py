from __future__ import annotations

import pytest

from rehab.domain.programme_states import Status, TransitionError, allowed_transitions, check_transition
from rehab.domain.roles import Role


def test_happy_path_is_allowed_step_by_step():
    steps = [(Status.DEMANDE, Status.DOSSIER_COMPLET, Role.ASSISTANTE),
             (Status.DOSSIER_COMPLET, Status.VALIDE, Role.MEDECIN),
             (Status.VALIDE, Status.PLANIFIE, Role.ASSISTANTE),
             (Status.PLANIFIE, Status.EN_COURS, Role.REFERENT),
             (Status.EN_COURS, Status.SUIVI, Role.REFERENT),
             (Status.SUIVI, Status.TERMINE, Role.COORDINATEUR)]
    for source, target, role in steps:
        assert check_transition(source, target, {role}, "").target == target


@pytest.mark.parametrize("source", [s for s in Status if s.is_active])
def test_interruption_from_every_active_state_needs_a_reason(source):
    with pytest.raises(TransitionError, match="motif est obligatoire"):
        check_transition(source, Status.INTERROMPU, {Role.MEDECIN}, "")
    assert check_transition(source, Status.INTERROMPU, {Role.MEDECIN}, "Hospitalisation").target == Status.INTERROMPU


@pytest.mark.parametrize("final", [Status.TERMINE, Status.INTERROMPU, Status.REORIENTE])
def test_final_states_never_move(final):
    for target in Status:
        with pytest.raises(TransitionError, match="état définitif"):
            check_transition(final, target, set(Role), "x")


def test_skipping_a_step_is_refused_with_both_labels():
    with pytest.raises(TransitionError, match="« Demande » à « Validé »"):
        check_transition(Status.DEMANDE, Status.VALIDE, set(Role), "")


def test_offered_transitions_depend_on_role():
    assert [t.target for t in allowed_transitions(Status.DOSSIER_COMPLET, {Role.ASSISTANTE})] == [
        Status.DEMANDE]
    doctor = {t.target for t in allowed_transitions(Status.DOSSIER_COMPLET, {Role.MEDECIN})}
    assert doctor == {Status.DEMANDE, Status.VALIDE, Status.REORIENTE, Status.INTERROMPU}
    assert allowed_transitions(Status.EN_COURS, {Role.GESTIONNAIRE}) == []
