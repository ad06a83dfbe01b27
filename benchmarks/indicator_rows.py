"""What the indicators count, added to the national benchmark dataset: dossiers, care teams, the visits'
measures (CRQ, endurance, EVA), follow-up calls, hospitalisation counts, satisfaction questionnaires,
intercurrent events and payment lines — each programme gets the rows its path so far would have produced.

A separate seeded generator (never the dataset's own) so that adding these rows changes none of the
programmes, plans and tasks the other benchmarks measure. Proportions follow the source where it gives
them (≈ 30 % of programmes with an event; 82 % / 58 % of hospitalisation questionnaires returned before /
after; ≈ 80 % of patients seen by a paramedical).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from rehab.domain.departments import DEPARTMENTS
from rehab.domain.programme_states import Status

PROFESSIONALS_PER_DEPARTMENT = 40
ORIGINS = (("pneumologue", 70), ("medecin_traitant", 15), ("ssr_evaluation", 5), ("ssr_apres_sejour", 5),
           ("dac", 3), ("exercice_coordonne", 2))
TEAM = (("medecin_traitant", 1.0, 50), ("pneumologue", 1.0, 50), ("paramedical", 0.8, 180),
        ("dieteticien", 0.3, 150), ("tabacologue", 0.2, 150), ("psychologue", 0.15, 150))
FORFAIT_OF = {"tabacologue": "psychologue_tabacologue", "psychologue": "psychologue_tabacologue"}
NATURES = ("respiratory", "respiratory", "musculo", "motivational", "cardiovascular", "other")
FOLLOW_UP_MONTHS = (1, 2, 3, 6, 9)
DOMAINS = 4

#: Tables in foreign-key order (the order they are written in), with their columns.
TABLES: dict[str, tuple[str, ...]] = {
    "dossiers": ("id", "programme_id", "referral_date", "channel", "origin", "complete_on", "eligibility",
                 "created_at", "updated_at", "version"),
    "care_team_members": ("id", "programme_id", "role", "professional_id", "agreed_on", "created_at"),
    "form_submissions": ("id", "programme_id", "form", "client_submission_id", "payload", "performed_on",
                         "submitted_at", "version"),
    "crq_administrations": ("id", "programme_id", "submission_id", "moment", "administered_on", "dyspnee",
                            "fatigue", "emotion", "maitrise"),
    "endurance_tests": ("id", "programme_id", "submission_id", "moment", "tested_on", "max_power_w", "load_w",
                        "duration_s"),
    "visit_records": ("id", "programme_id", "submission_id", "form", "visited_on", "eva"),
    "follow_up_call_records": ("id", "programme_id", "submission_id", "called_on", "channel",
                               "unscheduled_consultations", "hospitalisations", "hospital_days", "sessions_per_week",
                               "rupture_proposed"),
    "hospitalisation_counts": ("id", "programme_id", "period", "stays", "days", "source", "recorded_at"),
    "professional_satisfactions": ("id", "programme_id", "professional_id", "role", "received_on", "satisfied",
                                   "score", "recorded_at"),
    "intercurrent_events": ("id", "programme_id", "event_date", "nature", "hospitalisation", "description",
                            "client_submission_id", "reported_at", "decision", "version"),
    "payment_lines": ("id", "programme_id", "professional_id", "forfait_code", "tariff_version", "amount", "reason",
                      "status", "created_at"),
}
PROFESSIONAL_COLUMNS = ("id", "kind", "name", "department", "preferred_channel", "search_key", "active", "salaried",
                        "created_at", "updated_at", "version")
MEASURE_TABLES = ("professionals", *TABLES)


class Writer(Protocol):
    def day(self, value: date | None) -> Any: ...
    def instant(self, value: Any) -> Any: ...
    def flag(self, value: bool) -> Any: ...
    def write(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None: ...


class IndicatorRows:
    """Draws the rows the indicators read, programme by programme, into a chunk's `extra` tables."""

    def __init__(self, writer: Writer, *, seed: int, today: date, bench_now: Any) -> None:
        self.w, self.today, self.now = writer, today, bench_now
        self.rng = random.Random(seed * 7919 + 1)
        self.ids = dict.fromkeys(MEASURE_TABLES, 0)
        self.pool: dict[str, dict[str, list[int]]] = {}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def directory(self) -> None:
        """The liberal professionals of every department, by the care-team role they can fill."""
        rows, stamp = [], self.w.instant(self.now)
        kinds = {"paramedical": "kinesitherapeute"}
        for dept in DEPARTMENTS:
            by_role: dict[str, list[int]] = {}
            for n in range(PROFESSIONALS_PER_DEPARTMENT):
                role = TEAM[n % len(TEAM)][0]
                pid = self.next_id("professionals")
                by_role.setdefault(role, []).append(pid)
                rows.append((pid, kinds.get(role, role), f"Dr Bench {dept}-{n}", dept, "post", f"BENCH {dept} {n}",
                             self.w.flag(True), self.w.flag(False), stamp, stamp, 1))
            self.pool[dept] = by_role
        self.w.write("professionals", PROFESSIONAL_COLUMNS, rows)

    @staticmethod
    def empty() -> dict[str, list[tuple[Any, ...]]]:
        return {table: [] for table in TABLES}

    def programme(self, extra: dict[str, list[tuple[Any, ...]]], *, pid: int, dept: str,
                  path: Sequence[tuple[Status, date]], d0: date, interrupted: date | None) -> None:
        reached = dict(path)
        referral = reached[Status.DEMANDE]
        w, rng = self.w, self.rng
        weights = [weight for _, weight in ORIGINS]
        origin = rng.choices([code for code, _ in ORIGINS], weights)[0]
        stamp = w.instant(self.now)
        extra["dossiers"].append((self.next_id("dossiers"), pid, w.day(referral), "courrier", origin,
                                  w.day(reached.get(Status.DOSSIER_COMPLET)), "{}", stamp, stamp, 1))
        if Status.EN_COURS not in reached:
            return
        team = self._team(extra, pid, dept, d0)
        end = interrupted or self.today
        self._visits(extra, pid, d0, end, closing=Status.SUIVI in reached)
        if Status.SUIVI in reached:
            self._follow_up(extra, pid, reached[Status.SUIVI], end)
            self._paid(extra, pid, team)
            self._satisfaction(extra, pid, team, reached[Status.SUIVI] + timedelta(days=91))
        self._hospitalisations(extra, pid, d0)
        if rng.random() < 0.3:
            self._event(extra, pid, d0, interrupted)

    def _team(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, dept: str, d0: date) -> list[tuple[str, int]]:
        team = []
        for role, probability, _amount in TEAM:
            if self.rng.random() < probability:
                pro = self.rng.choice(self.pool[dept][role])
                team.append((role, pro))
                extra["care_team_members"].append((self.next_id("care_team_members"), pid, role, pro,
                                                   self.w.day(d0 - timedelta(days=10)), self.w.instant(self.now)))
        return team

    def _submission(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, form: str, on: date) -> int:
        sid = self.next_id("form_submissions")
        extra["form_submissions"].append((sid, pid, form, f"bench-{sid}", "{}", self.w.day(on),
                                          self.w.instant(self.now), 1))
        return sid

    def _visits(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, d0: date, end: date, *,
                closing: bool) -> None:
        rng, w = self.rng, self.w
        baseline = [round(rng.uniform(2.5, 5.5), 2) for _ in range(DOMAINS)]
        seconds = int(rng.uniform(180, 600))
        moments = [("inclusion_visit", "inclusion", d0, 0.0, 0.0)]
        if closing:
            moments.append(("closing_visit", "closing", d0 + timedelta(days=84), rng.gauss(0.7, 0.6),
                            rng.gauss(0.45, 0.4)))
        for form, moment, on, gain, endurance_gain in moments:
            sid = self._submission(extra, pid, form, on)
            if rng.random() > 0.08:  # a questionnaire sometimes not filled in
                scores = [None if rng.random() < 0.03 else round(min(7.0, max(1.0, b + gain + rng.gauss(0, 0.2))), 2)
                          for b in baseline]
                extra["crq_administrations"].append((self.next_id("crq_administrations"), pid, sid, moment,
                                                     w.day(on), *scores))
            if rng.random() > 0.05:
                extra["endurance_tests"].append((self.next_id("endurance_tests"), pid, sid, moment, w.day(on), 80, 64,
                                                 max(30, int(seconds * (1 + endurance_gain)))))
            extra["visit_records"].append((self.next_id("visit_records"), pid, sid, form, w.day(on),
                                           round(rng.uniform(6, 10), 1)))
        mid = d0 + timedelta(days=42)
        if mid <= end:
            sid = self._submission(extra, pid, "mid_programme_visit", mid)
            extra["visit_records"].append((self.next_id("visit_records"), pid, sid, "mid_programme_visit",
                                           w.day(mid), None if rng.random() < 0.1 else round(rng.uniform(5, 10), 1)))

    def _follow_up(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, e: date, end: date) -> None:
        rng, w = self.rng, self.w
        for month in FOLLOW_UP_MONTHS:
            on = e + timedelta(days=round(month * 30.44))
            if on > end:
                return
            sessions = None if rng.random() < 0.1 else min(7, max(0, round(rng.gauss(3.4, 1.6))))
            extra["follow_up_call_records"].append((
                self.next_id("follow_up_call_records"), pid, self._submission(extra, pid, "follow_up_call", on),
                w.day(on), "video" if rng.random() < 0.35 else "phone", 0, int(rng.random() < 0.05),
                0, sessions, w.flag(False)))

    def _hospitalisations(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, d0: date) -> None:
        rng, w = self.rng, self.w
        stays = max(0, round(rng.gauss(1.2, 1.1)))
        periods = [("before", 0.82, stays), ("after", 0.58 if d0 + timedelta(days=365) <= self.today else 0.0,
                                             max(0, stays - round(rng.uniform(0, 2))))]
        for period, returned, count in periods:
            if rng.random() < returned:
                extra["hospitalisation_counts"].append((
                    self.next_id("hospitalisation_counts"), pid, period, count,
                    sum(round(rng.uniform(3, 15)) for _ in range(count)), "Questionnaire du pneumologue",
                    w.instant(self.now)))

    def _satisfaction(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, team: list[tuple[str, int]],
                      on: date) -> None:
        if on > self.today:
            return
        for role, pro in team:
            if self.rng.random() < 0.6:
                extra["professional_satisfactions"].append((
                    self.next_id("professional_satisfactions"), pid, pro, role, self.w.day(on),
                    self.w.flag(self.rng.random() < 0.82), round(self.rng.uniform(4, 10)), self.w.instant(self.now)))

    def _paid(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, team: list[tuple[str, int]]) -> None:
        amounts = {role: amount for role, _p, amount in TEAM}
        for role, pro in team:
            status = "cancelled" if self.rng.random() < 0.03 else "paid"
            extra["payment_lines"].append((self.next_id("payment_lines"), pid, pro, FORFAIT_OF.get(role, role),
                                           "2020-04", f"{amounts[role]:.2f}", "Forfait", status,
                                           self.w.instant(self.now)))

    def _event(self, extra: dict[str, list[tuple[Any, ...]]], pid: int, d0: date, interrupted: date | None) -> None:
        rng, w = self.rng, self.w
        on = interrupted or d0 + timedelta(days=int(rng.uniform(3, 80)))
        if on > self.today:
            return
        eid = self.next_id("intercurrent_events")
        decision = "interrupt" if interrupted else rng.choice(("continue", "continue", "suspend", None))
        extra["intercurrent_events"].append((eid, pid, w.day(on), rng.choice(NATURES), w.flag(rng.random() < 0.25),
                                             "Événement (banc d'essai)", f"bench-event-{eid}", w.instant(self.now),
                                             decision, 1))

    def write(self, extra: dict[str, list[tuple[Any, ...]]]) -> None:
        for table, columns in TABLES.items():
            self.w.write(table, columns, extra[table])
