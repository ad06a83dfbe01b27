"""Protocol TOML: the bundled protocol loads cleanly, and every authoring mistake is reported in French."""

from datetime import date
from pathlib import Path

import pytest

from rehab.domain.protocol import (
    Condition,
    OnInterruption,
    ProtocolError,
    TaskKind,
    TaskRole,
    Trigger,
    bundled_protocols,
    check_protocol,
    get_protocol,
    latest_protocol,
    load_protocol,
)
from rehab.domain.roles import Role

HEADER = """
code = "test"
version = 1
label = "Protocole de test"
effective_date = 2026-01-01
"""


def task(code: str, anchor: str = "D0", **extra: str) -> str:
    lines = [
        "[[tasks]]", f'code = "{code}"', f'label = "Tâche {code}"', 'kind = "call"', "phase = 1",
        'role = "referent"', f'anchor = "{anchor}"', "offset = { days = 7 }",
        "window = { before = 2, after = 2 }",
    ]
    for key, value in extra.items():
        lines = [line for line in lines if not line.startswith(f"{key} =")]
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def errors_of(text: str) -> list[str]:
    with pytest.raises(ProtocolError) as info:
        load_protocol(text)
    return info.value.errors


# ----------------------------------------------------------------------------------------- bundled protocol


def test_bundled_protocol_loads_and_is_the_latest() -> None:
    protocols = bundled_protocols()
    assert [(p.code, p.version) for p in protocols] == [("rehab_domicile", 1)]
    protocol = latest_protocol("rehab_domicile")
    assert protocol is get_protocol("rehab_domicile", 1)
    assert protocol.effective_date == date(2020, 4, 17)
    assert protocol.parameters.bmi_low == 21.0
    assert protocol.parameters.bmi_high == 29.0
    assert protocol.parameters.intervention_weeks == 12


def test_bundled_protocol_file_checks_clean() -> None:
    path = Path(__file__).parents[3] / "rehab" / "protocols" / "rehab_domicile_v1.toml"
    assert check_protocol(path) == []


def test_bundled_protocol_encodes_the_path_of_the_spec() -> None:
    protocol = latest_protocol("rehab_domicile")
    params = protocol.parameters
    assert protocol.task("weekly_call").occurrences == 10
    assert protocol.task("paramedical_follow_up").occurrences == params.paramedical_max_follow_ups == 5
    assert protocol.task("dietitian_consultation").occurrences == 4
    assert protocol.task("tobacco_consultation").occurrences == 3
    assert protocol.task("psychology_consultation").occurrences == 3
    assert protocol.task("medecin_traitant_consultation").occurrences == 3
    pneumo = [t for t in protocol.tasks if t.role is TaskRole.PNEUMOLOGUE]
    assert len(pneumo) == 3
    assert protocol.task("follow_up_call").occurrences == 5
    assert protocol.task("reinforcement_call").occurrences == params.reinforcement_weekly_calls == 4
    assert protocol.task("dietitian_consultation").condition is Condition.BMI_OUT_OF_RANGE
    assert protocol.task("tobacco_consultation").condition is Condition.SMOKER
    assert protocol.task("psychology_consultation").condition is Condition.PSYCHOLOGY
    assert protocol.task("paramedical_follow_up").condition is Condition.PARAMEDICAL
    assert protocol.task("forfait_payment").on_interruption is OnInterruption.KEEP
    assert protocol.task("synthese_finale_validation").role is TaskRole.MEDECIN_DIRECTEUR
    for letter in ("synthese_initiale", "synthese_mi_programme", "synthese_finale", "synthese_12_mois"):
        steps = [t.code for t in protocol.tasks if t.letter == letter]
        assert steps == [f"{letter}_{s}" for s in ("draft", "review", "validation", "dispatch")]
    triggered = {t.trigger for t in protocol.tasks if t.trigger}
    assert triggered == set(Trigger)
    assert {t.code for t in protocol.templates(Trigger.INTERRUPTION)} >= {
        "interruption_ergocycle_pickup", "interruption_letter_dispatch"
    }


def test_internal_task_roles_are_roles_of_the_application() -> None:
    internal = {r.value for r in TaskRole if r.is_internal}
    assert internal <= {r.value for r in Role}
    assert not TaskRole.PNEUMOLOGUE.is_internal


def test_templates_come_in_dependency_order() -> None:
    protocol = latest_protocol("rehab_domicile")
    order = protocol.order
    for t in protocol.tasks:
        if t.anchor not in ("D0", "E", "EVENT"):
            assert order.index(t.anchor) < order.index(t.code)


def test_unknown_bundled_protocol() -> None:
    with pytest.raises(ProtocolError, match="« rehab_domicile » en version 9 est introuvable"):
        get_protocol("rehab_domicile", 9)
    with pytest.raises(ProtocolError, match="« autre » est introuvable"):
        latest_protocol("autre")


# ----------------------------------------------------------------------------------------- small protocols


def test_minimal_protocol_parses_with_defaults() -> None:
    second = task("b", anchor="a", offset="{ months = 1, working_days = 2 }")
    protocol = load_protocol(HEADER + task("a") + second)
    a, b = protocol.tasks
    assert a.kind is TaskKind.CALL
    assert a.role is TaskRole.REFERENT
    assert a.working_days is True
    assert a.on_interruption is OnInterruption.CANCEL
    assert a.condition is None
    assert a.trigger is None
    assert a.form is None
    assert b.offsets[0].months == 1
    assert b.offsets[0].working_days == 2
    assert protocol.parameters.bmi_high == 29.0


def test_parameters_can_be_overridden() -> None:
    protocol = load_protocol(HEADER + "[parameters]\nbmi_high = 27\nd0_past_tolerance_days = 3\n" + task("a"))
    assert protocol.parameters.bmi_high == 27.0
    assert protocol.parameters.d0_past_tolerance_days == 3


def test_unknown_parameter() -> None:
    errors = errors_of(HEADER + "[parameters]\nbmi_max = 27\n" + task("a"))
    assert errors == ["Le paramètre « bmi_max » est inconnu."]


def test_unknown_anchor() -> None:
    errors = errors_of(HEADER + task("appel", anchor="visite"))
    assert errors == ["La tâche « appel » est ancrée sur « visite », qui n'existe pas."]


def test_cycle_names_its_members() -> None:
    errors = errors_of(HEADER + task("a", anchor="c") + task("b", anchor="a") + task("c", anchor="b"))
    assert errors == ["Les tâches « a », « c », « b » forment un cycle d'ancrage (a → c → b → a)."]


def test_self_anchor_is_a_cycle() -> None:
    assert errors_of(HEADER + task("a", anchor="a")) == [
        "Les tâches « a » forment un cycle d'ancrage (a → a)."
    ]


def test_duplicate_code() -> None:
    errors = errors_of(HEADER + task("a") + task("a"))
    assert errors == ["Le code de tâche « a » est utilisé par plusieurs tâches."]


def test_reserved_code() -> None:
    assert errors_of(HEADER + task("E")) == ["Le code de tâche « E » est réservé aux ancres (D0, E, EVENT)."]


def test_unknown_kind_role_condition_trigger() -> None:
    errors = errors_of(HEADER + task("a", kind='"telephone"', role='"infirmier"', condition='"diabete"',
                                     trigger='"rechute"', anchor="EVENT"))
    assert errors == [
        "La tâche « a » a un type (kind) inconnu : « telephone » (valeurs possibles : visit, call, "
        "consultation, committee, logistics, letter, questionnaire, payment, admin).",
        "La tâche « a » a un rôle (role) inconnu : « infirmier » (valeurs possibles : referent, "
        "assistante, coordinateur, medecin_directeur, gestionnaire, pneumologue, medecin_traitant, "
        "paramedical, dieteticien, tabacologue, psychologue).",
        "La tâche « a » a une condition inconnue : « diabete » (valeurs possibles : "
        "bmi_out_of_range, smoker, psychology, paramedical).",
        "La tâche « a » a un déclencheur (trigger) inconnu : « rechute » (valeurs possibles : rupture, "
        "reinforcement, second_rupture, interruption).",
    ]


def test_missing_fields() -> None:
    text = HEADER + '[[tasks]]\ncode = "a"\nkind = "call"\nphase = 1\nrole = "referent"\n'
    assert errors_of(text) == [
        "La tâche « a » n'a pas de champ « label » (obligatoire).",
        "La tâche « a » n'a pas de champ « anchor » (obligatoire).",
        "La tâche « a » n'a pas de champ « offset » (ou « offsets » pour une tâche répétée).",
    ]


def test_missing_header_and_tasks() -> None:
    assert errors_of('label = "x"\n') == [
        "Le protocole n'a pas de champ « code » valide (obligatoire).",
        "Le protocole n'a pas de champ « version » valide (obligatoire).",
        "Le protocole n'a pas de champ « effective_date » valide (obligatoire).",
        "Le protocole ne décrit aucune tâche ([[tasks]]).",
    ]


def test_window_must_contain_the_due_date() -> None:
    errors = errors_of(HEADER + task("a", window="{ before = -1, after = 5 }"))
    assert errors == [
        "La tâche « a » a une fenêtre qui ne contient pas sa date prévue (before = -1, after = 5) : "
        "les deux bornes doivent être positives ou nulles."
    ]


def test_working_day_task_needs_room_to_move() -> None:
    errors = errors_of(HEADER + task("a", window="{ before = 1, after = 1 }"))
    assert len(errors) == 1
    assert errors[0].startswith(
        "La tâche « a » doit tomber un jour ouvré mais sa fenêtre ne fait que 2 jour(s)"
    )
    # Fine when not bound to working days, or when the offset counts working days.
    load_protocol(HEADER + task("a", window="{ before = 0, after = 0 }", working_days="false"))
    load_protocol(HEADER + task("a", window="{ before = 0, after = 0 }", offset="{ working_days = 2 }"))


def test_bad_offsets() -> None:
    errors = errors_of(HEADER + task("a", offset="{ semaines = 2 }") + task("b", offsets="[{ weeks = 1 }]"))
    assert errors == [
        "La tâche « a » a un décalage « offset » avec une clé inconnue « semaines » (clés possibles : "
        "months, weeks, days, working_days).",
        "La tâche « b » a à la fois « offset » et « offsets » : gardez l'un des deux.",
    ]


def test_repeated_anchor_needs_an_occurrence() -> None:
    calls = task("calls", offsets="[{ weeks = 1 }, { weeks = 2 }]").replace("offset = { days = 7 }\n", "")
    errors = errors_of(HEADER + calls + task("after", anchor="calls"))
    assert errors == [
        "La tâche « after » est ancrée sur « calls », qui se répète 2 fois : "
        "précisez l'occurrence (« calls#1 »)."
    ]
    protocol = load_protocol(HEADER + calls + task("after", anchor="calls#2"))
    assert protocol.task("after").anchor == "calls"
    assert protocol.task("after").anchor_occurrence == 2
    assert "qui n'en a que 2" in errors_of(HEADER + calls + task("after", anchor="calls#3"))[0]


def test_triggered_tasks_anchor_on_their_event() -> None:
    errors = errors_of(
        HEADER + task("a", trigger='"rupture"') + task("b", anchor="EVENT")
        + task("c", anchor="EVENT", trigger='"rupture"') + task("d", anchor="c", trigger='"interruption"')
    )
    assert errors == [
        "La tâche « a » a un déclencheur : elle doit être ancrée sur « EVENT » ou sur une tâche du même "
        "déclencheur, pas sur « D0 ».",
        "La tâche « b » est ancrée sur « EVENT » mais n'a pas de déclencheur « trigger ».",
        "La tâche « d » est ancrée sur « c », qui n'est pas planifiée au même moment "
        "(déclencheurs différents).",
    ]


def test_bad_phase_and_unknown_field() -> None:
    errors = errors_of(HEADER + task("a", phase="3", couleur='"rouge"'))
    assert errors == [
        "La tâche « a » a un champ inconnu « couleur ».",
        "La tâche « a » a une phase « 3 » invalide (0, 1 ou 2).",
    ]


def test_task_anchored_on_a_broken_task_is_not_reported_twice() -> None:
    errors = errors_of(HEADER + task("a", kind='"x"') + task("b", anchor="a"))
    assert len(errors) == 1
    assert errors[0].startswith("La tâche « a » a un type")


def test_invalid_toml() -> None:
    errors = errors_of(HEADER + "[[tasks]\n")
    assert len(errors) == 1
    assert errors[0].startswith("Le protocole n'est pas un fichier TOML valide")


def test_check_protocol_on_files(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(HEADER + task("a"), encoding="utf-8")
    bad.write_text(HEADER + task("a", anchor="zzz"), encoding="utf-8")
    assert check_protocol(good) == []
    assert check_protocol(str(bad)) == ["La tâche « a » est ancrée sur « zzz », qui n'existe pas."]
    assert load_protocol(str(good)).code == "test"
    missing = check_protocol(tmp_path / "absent.toml")
    assert len(missing) == 1
    assert missing[0].startswith("Impossible de lire le fichier")
