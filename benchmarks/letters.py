"""Rendering time of the synthesis letters: median of one final synthesis (target ≤ 300 ms) and a batch of
200 (target ≤ 40 s), from synthetic but realistic frozen contexts (pure rendering, no database).

    python benchmarks/letters.py [--runs 30] [--batch 200] [--seed 6]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.context import Letterhead
from reports.syntheses import CrqRow, EventEntry, SynthesisContext, TeamEntry, render_synthesis

HEAD = Letterhead(name="Réhab Domicile Occitanie", address_lines=("3 allée des Platanes", "31000 Toulouse"),
                  phone="05 61 00 00 01", email="contact@rehab.invalid")
NAMES = ("ROUQUETTE", "CASTAGNÉ", "FOURCADE", "LAFFORGUE", "PEYROT", "GARRIGUES", "ESTRADE", "SOULEIL")
FIRST = ("Josiane", "Odette", "Marcel", "Henri", "Yvette", "Gérard", "Colette", "André")


def synthetic(rng: random.Random, number: int) -> SynthesisContext:
    """A final synthesis for a typical programme: 4–5 professionals, full CRQ, 11 weeks, 0–2 events."""
    d0 = date(2025, 9, 1) + timedelta(days=rng.randrange(120))
    crq = tuple(CrqRow(label, round(rng.uniform(2, 5), 2), round(rng.uniform(3, 6.5), 2))
                for label in ("Dyspnée", "Fatigue", "Émotion", "Maîtrise"))
    team = tuple(TeamEntry(role, f"Dr {rng.choice(NAMES).title()}") for role in
                 ("Médecin traitant", "Pneumologue", "Masseur-kinésithérapeute ou infirmier(e)", "Diététicien(ne)"))
    events = tuple(EventEntry(d0 + timedelta(days=rng.randrange(80)), "Respiratoire", "Modérée",
                              "Poursuite du programme") for _ in range(rng.randrange(3)))
    before = rng.randrange(180, 600)
    return SynthesisContext(
        letterhead=HEAD, kind="finale", programme_number=number,
        patient_name=f"{rng.choice(FIRST)} {rng.choice(NAMES)}", patient_birth_date=date(1950, 1, 1),
        written_on=d0 + timedelta(days=90), d0=d0, referent_name="Camille Peyrot", care_team=team,
        objectives="Monter un étage sans s'arrêter ; marcher 30 minutes par jour.", crq=crq,
        endurance_before_s=before, endurance_after_s=before + rng.randrange(-60, 600),
        sessions_done=rng.randrange(40, 62),
        sessions_target="55 à 60", weekly_volume=tuple((w, rng.randrange(60, 240)) for w in range(1, 12)),
        events=events, orientation="Groupe d'entretien", maintenance_project="3 séances par semaine",
        sections=(("bilan", "Bonne adhésion au programme. " * 12), ("projet", "Marche nordique avec le club."),
                  ("commentaire", "Patient(e) satisfait(e), EVA 9/10.")),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    render_synthesis(synthetic(rng, 0))  # warm-up: font registration and glyph tables
    timings = []
    for n in range(args.runs):
        ctx = synthetic(rng, n + 1)
        start = time.perf_counter()
        render_synthesis(ctx)
        timings.append(time.perf_counter() - start)
    median_ms = statistics.median(timings) * 1000
    contexts = [synthetic(rng, 1000 + n) for n in range(args.batch)]
    start = time.perf_counter()
    total_bytes = sum(len(render_synthesis(ctx)) for ctx in contexts)
    batch_s = time.perf_counter() - start
    print(f"synthèse finale : médiane {median_ms:.1f} ms sur {args.runs} rendus (objectif ≤ 300 ms) "
          f"{'OK' if median_ms <= 300 else 'DÉPASSÉ'}")
    print(f"lot de {args.batch} synthèses : {batch_s:.1f} s, {total_bytes / 1e6:.1f} Mo "
          f"(objectif ≤ 40 s) {'OK' if batch_s <= 40 else 'DÉPASSÉ'}")


if __name__ == "__main__":
    main()
