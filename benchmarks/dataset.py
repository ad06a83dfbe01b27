"""A national-scale synthetic database for the benchmarks: ten years of programmes over every French
department, each with the plan the real protocol gives it and task states that look lived-in.

``build_dataset(url)`` resets the database through the Alembic migrations, then bulk-loads it with
explicit ids and rows as tuples (``executemany`` on SQLite, ``COPY`` on PostgreSQL), a chunk of
programmes at a time.  Plans come from the real ``compute_plan`` / ``compute_triggered``, cached per
(D0, holiday calendar, conditions): the department only matters through its public holidays, so
departments sharing a calendar share plans.  Same seed and same ``today``, same data.

What later benchmarks reuse: ``build_dataset`` (or ``describe_dataset`` on a database already built,
for ``--reuse``), the returned ``DatasetSummary`` (counts, ``today``, ``now`` for ``FROZEN_NOW``, the
busiest référent), ``BENCH_PASSWORD`` (every account's password) and ``reset_database``.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.engine import make_url

from benchmarks.indicator_rows import MEASURE_TABLES, IndicatorRows
from rehab.cli import alembic_config, reset_database
from rehab.db import make_engine
from rehab.domain.departments import DEPARTMENTS
from rehab.domain.plan import PatientFacts, bmi_out_of_range, compute_plan, compute_triggered
from rehab.domain.programme_states import Status
from rehab.domain.protocol import Protocol, TaskRole, Trigger, latest_protocol
from rehab.domain.text import search_key
from rehab.domain.workdays import is_working_day, next_working_day, subdivision_for
from rehab.models import Programme, Task, User, UserRole
from rehab.services.accounts import hash_password
from rehab.services.plans import PROTOCOL_CODE, REFERENT_FOLLOWS

#: The dataset's "today": its ten years end here; benchmarks freeze the app's clock on it.
DEFAULT_TODAY = date(2026, 3, 2)
BENCH_PASSWORD = "bench-rehab-2026"  # noqa: S105 — a synthetic database's published password
REFERENTS = 150
CHUNK = 2_000
INTERVENTION_DAYS = 84
INTERNAL_DESK_ROLES = {TaskRole.ASSISTANTE.value, TaskRole.COORDINATEUR.value, TaskRole.GESTIONNAIRE.value,
                       TaskRole.MEDECIN_DIRECTEUR.value}

SURNAMES = ["Garcia", "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
            "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Fabre", "Bonnet", "Rouquette", "Séguéla", "Pujol",
            "Le Gall", "Kerjean", "Müller", "Schmitt", "Hoarau", "Payet", "Étienne", "Nguyen", "Benali", "Roux"]
FIRST_F = ["Marie", "Jeanne", "Monique", "Françoise", "Josiane", "Hélène", "Odile", "Danièle", "Éliane", "Nicole"]
FIRST_M = ["Jean", "Pierre", "Michel", "André", "Gérard", "Bernard", "Joël", "René", "Noël", "Jean-Luc"]
STREETS = ["rue des Lilas", "avenue de la Gare", "chemin du Moulin", "place de l'Église", "rue Pasteur",
           "impasse des Vignes", "route nationale", "allée des Platanes"]
CANCEL_REASONS = ["Patient hospitalisé", "Patient absent", "Reporté à la demande du patient", "Doublon"]

PATIENT_COLUMNS = ("id", "nom_naissance", "nom_usage", "prenoms", "date_naissance", "sexe", "adresse",
                   "code_postal", "ville", "department", "telephone", "medecin_traitant", "pneumologue",
                   "search_key", "created_at", "updated_at", "version")
PROGRAMME_COLUMNS = ("id", "patient_id", "association_id", "referent_id", "status", "department",
                     "referral_date", "d0", "protocol_code", "protocol_version", "bmi", "smoker",
                     "psychology_support", "paramedical_in_team", "event_batches", "created_at", "updated_at",
                     "version")
TRANSITION_COLUMNS = ("id", "programme_id", "from_status", "to_status", "at", "user_id", "reason")
EVENT_COLUMNS = ("id", "programme_id", "at", "user_id", "kind", "reason", "detail")
TASK_COLUMNS = ("id", "programme_id", "code", "occurrence", "batch", "trigger", "label", "kind", "phase", "role",
                "assignee_id", "due_date", "window_start", "window_end", "working_days", "state", "done_at",
                "done_by_id", "state_reason", "form", "letter", "on_interruption", "created_at", "updated_at")
SERIAL_TABLES = ("associations", "users", "patients", "programmes", "programme_transitions", "plan_events",
                 "tasks")


@dataclass(frozen=True)
class DatasetSummary:
    url: str
    today: date
    programmes: int
    tasks: int
    rows: int
    busy_referent_id: int
    busy_referent: str
    build_seconds: float | None = None
    plans_computed: int = 0
    plans_reused: int = 0

    @property
    def now(self) -> datetime:
        """The frozen clock for the app (`FROZEN_NOW`): 09:00 UTC on the dataset's today."""
        return bench_now(self.today)


def bench_now(today: date) -> datetime:
    return datetime.combine(today, clock(9), tzinfo=UTC)


class _Writer:
    """Bulk rows into one connection: COPY on PostgreSQL, executemany on SQLite (values pre-formatted
    the way SQLAlchemy stores them there: ISO dates, naive UTC datetimes, 0/1 booleans)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.rows = 0

    def day(self, value: date | None) -> Any:
        return value if self.postgres or value is None else value.isoformat()

    def instant(self, value: datetime | None) -> Any:
        if self.postgres or value is None:
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def flag(self, value: bool) -> Any:
        return value if self.postgres else int(value)

    def write(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.close()
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — fixed table names
            self.conn.exec_driver_sql(sql, list(rows))
        self.rows += len(rows)

    def finish(self) -> None:
        if self.postgres:
            for table in (*SERIAL_TABLES, *MEASURE_TABLES):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                sql = f"SELECT setval({sequence}, COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608 — fixed names
                self.conn.exec_driver_sql(sql)


@dataclass(frozen=True)
class _Planned:
    """One task of a cached plan, its values already in the backend's storage format."""

    code: str
    occurrence: int
    label: str
    kind: str
    phase: int
    role: str
    follows_referent: bool
    due: date
    window_end: date
    stored: tuple[Any, ...]  # due_date, window_start, window_end, working_days, form, letter, on_interruption
    keep_on_interruption: bool


class _Plans:
    """compute_plan / compute_triggered, cached on what changes their result."""

    def __init__(self, protocol: Protocol, writer: _Writer) -> None:
        self.protocol, self.writer = protocol, writer
        self.cache: dict[tuple[Any, ...], tuple[_Planned, ...]] = {}
        self.computed = self.reused = 0
        self.sample_department: dict[str | None, str] = {}
        for code in DEPARTMENTS:
            self.sample_department.setdefault(subdivision_for(code), code)

    def _key(self, department: str, facts: PatientFacts) -> tuple[str | None, bool, bool, bool, bool]:
        return (subdivision_for(department), bmi_out_of_range(facts.bmi, self.protocol.parameters),
                facts.smoker, facts.psychology, facts.paramedical)

    def plan(self, d0: date, facts: PatientFacts) -> tuple[_Planned, ...]:
        return self._cached(("d0", d0, *self._key(facts.department or "", facts)),
                            lambda f: compute_plan(self.protocol, d0=d0, facts=f), facts)

    def interruption(self, on: date, facts: PatientFacts) -> tuple[_Planned, ...]:
        return self._cached(("int", on, *self._key(facts.department or "", facts)),
                            lambda f: compute_triggered(self.protocol, trigger=Trigger.INTERRUPTION,
                                                        event_date=on, facts=f), facts)

    def _cached(self, key: tuple[Any, ...], compute: Callable[[PatientFacts], Iterable[Any]],
                facts: PatientFacts) -> tuple[_Planned, ...]:
        found = self.cache.get(key)
        if found is not None:
            self.reused += 1
            return found
        self.computed += 1
        sample = PatientFacts(bmi=facts.bmi, smoker=facts.smoker, psychology=facts.psychology,
                              paramedical=facts.paramedical,
                              department=self.sample_department[subdivision_for(facts.department)])
        w = self.writer
        out = []
        for p in compute(sample):
            template = self.protocol.task(p.code)
            out.append(_Planned(
                code=p.code, occurrence=p.occurrence, label=p.label, kind=p.kind.value, phase=p.phase,
                role=p.role.value, follows_referent=p.role.value in REFERENT_FOLLOWS, due=p.due_date,
                window_end=p.window_end,
                stored=(w.day(p.due_date), w.day(p.window_start), w.day(p.window_end), w.flag(template.working_days),
                        p.form, p.letter, template.on_interruption.value),
                keep_on_interruption=template.on_interruption.value == "keep"))
        self.cache[key] = found = tuple(out)
        return found


@dataclass
class _Chunk:
    patients: list[tuple[Any, ...]]
    programmes: list[tuple[Any, ...]]
    transitions: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    tasks: list[tuple[Any, ...]]
    #: The rows the indicators read (benchmarks/indicator_rows.py), table → rows.
    extra: dict[str, list[tuple[Any, ...]]] = field(default_factory=IndicatorRows.empty)


class _Builder:
    """Draws the team, then programme after programme with their patient, history and tasks."""

    def __init__(self, conn: Connection, *, programmes: int, years: int, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.w = _Writer(conn)
        self.protocol = latest_protocol(PROTOCOL_CODE)
        self.plans = _Plans(self.protocol, self.w)
        self.count, self.today, self.now = programmes, today, bench_now(today)
        self.first_day = today - timedelta(days=round(365.25 * years))
        self.ids = dict.fromkeys(SERIAL_TABLES, 0)
        self.tasks = 0
        self.indicator_rows = IndicatorRows(self.w, seed=seed, today=today, bench_now=self.now)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def at(self, day: date) -> datetime:
        """An instant during the working day of `day` (UTC), never after the dataset's now."""
        moment = datetime.combine(day, clock(7 + int(self.rng.random() * 9), int(self.rng.random() * 60)),
                                  tzinfo=UTC)
        return min(moment, self.now)

    # ------------------------------------------------------------------------------------------ the team

    def team(self) -> None:
        w, rng, now = self.w, self.rng, self.w.instant(self.now - timedelta(days=3650))
        password = hash_password(BENCH_PASSWORD)
        departments = list(DEPARTMENTS)
        groups = [departments[i:i + 6] for i in range(0, len(departments), 6)]
        associations, users, roles, sectors = [], [], [], []
        self.association_of: dict[str, int] = {}
        self.desk_of: dict[int, int] = {}

        def user(username: str, name: str, role: str, association: int | None, sector: str | None = None) -> int:
            uid = self.next_id("users")
            users.append((uid, username, name, f"{username}@bench.example", password, w.flag(True), w.flag(False),
                          association, now))
            roles.append((uid, role))
            if sector:
                sectors.append((uid, sector))
            return uid

        for group in groups:
            aid = self.next_id("associations")
            associations.append((aid, f"Réhab Domicile {DEPARTMENTS[group[0]]}", f"RD{aid:02d}"))
            self.association_of.update(dict.fromkeys(group, aid))
            self.desk_of[aid] = user(f"assistante{aid:02d}", f"Assistante {aid:02d}", "assistante", aid)
            user(f"coordinateur{aid:02d}", f"Coordinateur {aid:02d}", "coordinateur", aid)
        self.doctors = [user(f"medecin{i}", f"Dr Médecin {i}", "medecin_directeur", None) for i in (1, 2, 3)]
        for i in (1, 2):
            user(f"gestionnaire{i}", f"Gestionnaire {i}", "gestionnaire", None)
        user("admin", "Administrateur", "administrateur", None)
        homes = departments + [rng.choice(departments) for _ in range(REFERENTS - len(departments))]
        self.referents_of: dict[str, list[int]] = {}
        for n, dept in enumerate(homes, 1):
            name = f"{rng.choice(FIRST_F + FIRST_M)} {rng.choice(SURNAMES)}"
            uid = user(f"referent{n:03d}", name, "referent", self.association_of[dept], dept)
            self.referents_of.setdefault(dept, []).append(uid)
        # A department gets programmes in proportion to its référents: every référent carries a similar load.
        self.department_pool = homes
        w.write("associations", ("id", "name", "short_name"), associations)
        w.write("users", ("id", "username", "full_name", "email", "password_hash", "is_active_account",
                          "must_change_password", "association_id", "created_at"), users)
        w.write("user_roles", ("user_id", "role"), roles)
        w.write("user_sectors", ("user_id", "department"), sectors)

    # ------------------------------------------------------------------------------------- a programme

    def patient(self, chunk: _Chunk, dept: str, referral: datetime) -> int:
        rng, w = self.rng, self.w
        pid = self.next_id("patients")
        female = rng.random() < 0.45
        surname, first = rng.choice(SURNAMES).upper(), rng.choice(FIRST_F if female else FIRST_M)
        used = rng.choice(SURNAMES).upper() if female and rng.random() < 0.4 else None
        postal = (dept if len(dept) == 3 else ("20" if dept in ("2A", "2B") else dept)).ljust(5, "0")
        chunk.patients.append((
            pid, surname, used, first, w.day(date(1935 + int(rng.random() * 36), 1 + int(rng.random() * 12),
                                                  1 + int(rng.random() * 28))),
            "F" if female else "M", f"{1 + int(rng.random() * 80)} {rng.choice(STREETS)}", postal,
            DEPARTMENTS[dept], dept, f"0{rng.choice('1234569')} {int(rng.random() * 90) + 10} 00 00 00",
            "Dr Généraliste", "Dr Pneumologue", search_key(surname, used, first), w.instant(referral),
            w.instant(referral), 1))
        return pid

    def facts(self, dept: str) -> PatientFacts:
        rng = self.rng
        bmi = None if rng.random() < 0.1 else round(rng.gauss(25.5, 4.5), 1)
        return PatientFacts(bmi=bmi, smoker=rng.random() < 0.25, psychology=rng.random() < 0.15,
                            paramedical=rng.random() < 0.2, department=dept)

    def programme(self, chunk: _Chunk) -> None:
        rng = self.rng
        dept = rng.choice(self.department_pool)
        facts = self.facts(dept)
        referent = rng.choice(self.referents_of[dept])
        if rng.random() < 0.03:
            self._before_d0(chunk, dept, facts, referent)
            return
        span = (self.today + timedelta(days=28) - self.first_day).days
        d0 = self.first_day + timedelta(days=int(rng.random() * span))
        if not is_working_day(d0, dept):
            d0 = next_working_day(d0, dept)
        plan = self.plans.plan(d0, facts)
        interrupted: date | None = None
        if d0 <= self.today - timedelta(days=7) and rng.random() < 0.09:
            on = d0 + timedelta(days=7 + int(rng.random() * 350))
            interrupted = on if on < self.today else None
        # Referral 5 to 13 weeks before D0; the plan is made (planifié) 2 to 6 weeks before D0.
        referral = d0 - timedelta(days=35 + int(rng.random() * 56))
        lead = d0 - referral
        path = [(s, min(referral + share * lead, self.today)) for s, share in (
            (Status.DEMANDE, 0), (Status.DOSSIER_COMPLET, 0.2), (Status.VALIDE, 0.35), (Status.PLANIFIE, 0.5))]
        path += [(s, day) for s, day in ((Status.EN_COURS, d0),
                                         (Status.SUIVI, d0 + timedelta(days=INTERVENTION_DAYS)),
                                         (Status.TERMINE, plan[-1].due + timedelta(days=3))) if day <= self.today]
        if interrupted:
            path = [*(step for step in path if step[1] <= interrupted and step[0] != Status.TERMINE),
                    (Status.INTERROMPU, interrupted)]
        pid = self.next_id("programmes")
        times = self._history(chunk, pid, path, referent)
        planned_at = times[Status.PLANIFIE]
        self._tasks(chunk, pid, plan, batch=0, referent=referent, created=planned_at, interrupted=interrupted,
                    desk=self.desk_of[self.association_of[dept]])
        self._event(chunk, pid, planned_at, "plan_generated",
                    {"d0": d0.isoformat(), "protocol": f"{PROTOCOL_CODE} v{self.protocol.version}",
                     "tasks": len(plan)})
        if interrupted:
            extra = self.plans.interruption(interrupted, facts)
            self._tasks(chunk, pid, extra, batch=1, referent=referent, created=times[Status.INTERROMPU],
                        interrupted=None, desk=self.desk_of[self.association_of[dept]], trigger="interruption")
            self._event(chunk, pid, times[Status.INTERROMPU], "interrupted",
                        {"on": interrupted.isoformat(), "added": len(extra)})
        self._programme_row(chunk, pid, dept, facts, referent, path[-1][0], referral, d0, times,
                            event_batches=1 if interrupted else 0)
        self.indicator_rows.programme(chunk.extra, pid=pid, dept=dept, path=path, d0=d0, interrupted=interrupted)

    def _before_d0(self, chunk: _Chunk, dept: str, facts: PatientFacts, referent: int) -> None:
        """Requests still being prepared (last two months), and requests redirected elsewhere (any year)."""
        rng = self.rng
        status = rng.choice([Status.DEMANDE, Status.DEMANDE, Status.DOSSIER_COMPLET, Status.VALIDE,
                             Status.REORIENTE])
        if status == Status.REORIENTE:
            referral = self.first_day + timedelta(days=int(rng.random() * (self.today - self.first_day).days))
        else:
            referral = self.today - timedelta(days=int(rng.random() * 60))
        steps = {Status.DEMANDE: [Status.DEMANDE], Status.DOSSIER_COMPLET: [Status.DEMANDE, Status.DOSSIER_COMPLET],
                 Status.VALIDE: [Status.DEMANDE, Status.DOSSIER_COMPLET, Status.VALIDE],
                 Status.REORIENTE: [Status.DEMANDE, Status.DOSSIER_COMPLET, Status.REORIENTE]}[status]
        path = [(s, min(referral + timedelta(days=5 * i), self.today)) for i, s in enumerate(steps)]
        pid = self.next_id("programmes")
        times = self._history(chunk, pid, path, referent)
        assigned = status in (Status.VALIDE, Status.REORIENTE) or rng.random() < 0.3
        self._programme_row(chunk, pid, dept, facts, referent if assigned else None, status, referral, None,
                            times, event_batches=0)

    def _history(self, chunk: _Chunk, pid: int, path: list[tuple[Status, date]],
                 referent: int) -> dict[Status, datetime]:
        times: dict[Status, datetime] = {}
        previous: Status | None = None
        reasons = {Status.DEMANDE: "Demande reçue du pneumologue", Status.REORIENTE: "Séjour en SSR préférable",
                   Status.INTERROMPU: "Hospitalisation prolongée (exacerbation)"}
        for status, day in path:
            at = times[status] = max(self.at(day), *times.values()) if times else self.at(day)
            by = (self.doctors[0] if status in (Status.VALIDE, Status.REORIENTE, Status.INTERROMPU)
                  else referent if status in (Status.EN_COURS, Status.SUIVI) else None)
            chunk.transitions.append((self.next_id("programme_transitions"), pid,
                                      previous.value if previous else None, status.value, self.w.instant(at), by,
                                      reasons.get(status)))
            previous = status
        return times

    def _programme_row(self, chunk: _Chunk, pid: int, dept: str, facts: PatientFacts, referent: int | None,
                       status: Status, referral: date, d0: date | None, times: dict[Status, datetime], *,
                       event_batches: int) -> None:
        w = self.w
        created = times[Status.DEMANDE]
        patient = self.patient(chunk, dept, created)
        chunk.programmes.append((
            pid, patient, self.association_of[dept], referent, status.value, dept, w.day(referral), w.day(d0),
            PROTOCOL_CODE if d0 else None, self.protocol.version if d0 else None, facts.bmi, w.flag(facts.smoker),
            w.flag(facts.psychology), w.flag(facts.paramedical), event_batches, w.instant(created),
            w.instant(max(times.values())), 1))

    def _event(self, chunk: _Chunk, pid: int, at: datetime, kind: str, detail: dict[str, Any]) -> None:
        chunk.events.append((self.next_id("plan_events"), pid, self.w.instant(at), None, kind, None,
                             json.dumps(detail)))

    def _tasks(self, chunk: _Chunk, pid: int, plan: Sequence[_Planned], *, batch: int, referent: int,
               created: datetime, interrupted: date | None, desk: int, trigger: str | None = None) -> None:
        """Past tasks mostly done, some cancelled, a few left open (overdue); the future is planned.
        After an interruption, open tasks are cancelled unless the protocol keeps them."""
        rng, w, today = self.rng, self.w, self.today
        stale = today - timedelta(days=60)
        created_value = w.instant(created)
        append = chunk.tasks.append
        for t in plan:
            assignee = referent if t.follows_referent else None
            state, done_at, done_by, reason = "planned", None, None, None
            if interrupted is not None and t.due >= interrupted and not t.keep_on_interruption:
                state, reason, done_at = "cancelled", "Programme interrompu", None
                updated = w.instant(self.at(interrupted))
            elif t.due < today:
                r = rng.random()
                open_rate = 0.004 if t.window_end < stale else 0.05 if t.window_end < today else 0.5
                if r < open_rate:
                    updated = created_value
                elif r < open_rate + 0.03:
                    state, reason = "cancelled", CANCEL_REASONS[int(r * 1000) % len(CANCEL_REASONS)]
                    updated = w.instant(max(self.at(t.due), created))
                else:
                    state, done_by = "done", assignee or desk
                    done_at = updated = w.instant(max(self.at(t.due), created))
            else:
                updated = created_value
            append((self.next_id("tasks"), pid, t.code, t.occurrence, batch, trigger, t.label, t.kind, t.phase,
                    t.role, assignee, *t.stored[:4], state, done_at, done_by, reason, *t.stored[4:],
                    created_value, updated))

    # --------------------------------------------------------------------------------------------- load

    def run(self, progress: Callable[[str], None] | None) -> None:
        conn = self.w.conn
        with conn.begin():
            self.team()
            self.indicator_rows.directory()
        done = 0
        while done < self.count:
            size = min(CHUNK, self.count - done)
            chunk = _Chunk([], [], [], [], [])
            for _ in range(size):
                self.programme(chunk)
            with conn.begin():
                self.w.write("patients", PATIENT_COLUMNS, chunk.patients)
                self.w.write("programmes", PROGRAMME_COLUMNS, chunk.programmes)
                self.w.write("programme_transitions", TRANSITION_COLUMNS, chunk.transitions)
                self.w.write("plan_events", EVENT_COLUMNS, chunk.events)
                self.w.write("tasks", TASK_COLUMNS, chunk.tasks)
                self.indicator_rows.write(chunk.extra)
            self.tasks += len(chunk.tasks)
            done += size
            if progress:
                progress(f"{done}/{self.count} programmes, {self.tasks} tasks")
        with conn.begin():
            self.w.finish()


def build_dataset(url: str, *, programmes: int = 30_000, years: int = 10, seed: int = 2026,
                  today: date = DEFAULT_TODAY, progress: Callable[[str], None] | None = None) -> DatasetSummary:
    """Reset the database at `url` through the migrations and load the synthetic dataset into it.

    Programmes have D0s spread evenly over `years` years up to four weeks after `today`; their status
    follows from D0 and today (planifié, en cours, suivi, terminé), 9 % are interrompu, 3 % never reach
    D0 (recent requests, réorientés).  PostgreSQL is ANALYZEd afterwards (autovacuum would do it);
    SQLite is left without statistics, as a production file would be.
    """
    started = time.perf_counter()
    reset_database(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Outside any transaction (SQLite refuses it inside): a lost benchmark file is rebuilt.
                conn.connection.dbapi_connection.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
            builder = _Builder(conn, programmes=programmes, years=years, seed=seed, today=today)
            builder.run(progress)
            if conn.dialect.name == "postgresql":
                conn.commit()
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
            else:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    summary = describe_dataset(url, today=today)
    assert summary is not None
    return DatasetSummary(**{**summary.__dict__, "build_seconds": time.perf_counter() - started,
                             "plans_computed": builder.plans.computed, "plans_reused": builder.plans.reused})


def schema_is_current(conn: Connection) -> bool:
    """Whether the database is at the migrations' head (a dataset built on an older schema is stale)."""
    url = conn.engine.url.render_as_string(hide_password=False)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    return MigrationContext.configure(conn).get_current_revision() == head


def describe_dataset(url: str, *, today: date = DEFAULT_TODAY) -> DatasetSummary | None:
    """Counts and the busiest référent of a database already built (None when there is none, or when
    its schema is behind the migrations: rebuild it)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("tasks") or not schema_is_current(conn):
                return None
            programmes = conn.scalar(select(func.count()).select_from(Programme)) or 0
            if not programmes:
                return None
            tasks = conn.scalar(select(func.count()).select_from(Task)) or 0
            rows = sum(conn.scalar(text(f"SELECT count(*) FROM {t}")) or 0  # noqa: S608 — fixed table names
                       for t in (*SERIAL_TABLES, "user_roles", "user_sectors"))
            busy = conn.execute(
                select(Task.assignee_id, func.count()).join(UserRole, UserRole.user_id == Task.assignee_id)
                .where(UserRole.role == "referent", Task.state == "planned",
                       Task.due_date <= today + timedelta(days=7))
                .group_by(Task.assignee_id).order_by(func.count().desc(), Task.assignee_id).limit(1)).one()
            username = conn.scalar(select(User.username).where(User.id == busy[0]))
    finally:
        engine.dispose()
    return DatasetSummary(url=url, today=today, programmes=programmes, tasks=tasks, rows=rows,
                          busy_referent_id=busy[0], busy_referent=username or "")


def prepare(url: str, programmes: int, reuse: bool) -> DatasetSummary:
    """The dataset every benchmark measures on: reused when `--reuse` finds one of the right size."""
    if reuse:
        summary = describe_dataset(url)
        if summary is not None and summary.programmes == programmes:
            print(f"  reusing {summary.programmes} programmes, {summary.tasks} tasks ({summary.rows} rows)")
            return summary
    print(f"  building {programmes} programmes…", flush=True)
    summary = build_dataset(url, programmes=programmes,
                            progress=lambda msg: print(f"    {msg}", end="\r", flush=True))
    print(f"\n  built {summary.rows} rows ({summary.tasks} tasks) in {summary.build_seconds:.1f} s; "
          f"{summary.plans_computed} plans computed, {summary.plans_reused} reused from the cache")
    return summary


def postgres_answers(url: str) -> bool:
    """Whether the PostgreSQL server of `url` answers (benchmarks skip that backend when it does not)."""
    engine = make_engine(url, pool_pre_ping=False)
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


def backend_urls(chosen: str | None, sqlite_url: str, postgres_url: str) -> list[str]:
    """The databases a benchmark runs on: the one asked for, else the SQLite file and, when its server
    answers, the PostgreSQL database (with the command that prepares it when it does not)."""
    if chosen:
        return [chosen]
    if postgres_answers(postgres_url):
        return [sqlite_url, postgres_url]
    database = make_url(postgres_url).database
    print(f"PostgreSQL does not answer at {postgres_url}: skipped (bash scripts/ensure-postgres.sh {database})")
    return [sqlite_url]
