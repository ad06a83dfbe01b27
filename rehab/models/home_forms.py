"""What the référent records at the patient's home or on the phone.

One generic `FormSubmission` per completed form keeps everything typed in its JSON payload (nothing is
lost), and the numbers the indicators count are copied into narrow typed tables, one row per measure:
CRQ administrations, endurance tests, weekly calls, follow-up calls, visit records. The indicators issue
queries those tables with plain SQL, never the JSON.

`client_submission_id` (a UUID made by the browser once per draft) is UNIQUE: a double tap or a resend
after a timeout finds the saved record instead of making a second one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rehab.db import Base, utcnow
from rehab.models.plan import Task
from rehab.models.user import User


class FormSubmission(Base):
    __tablename__ = "form_submissions"
    __table_args__ = (Index("ix_form_submissions_programme_form", "programme_id", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), index=True)
    form: Mapped[str] = mapped_column(String(40))
    client_submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    performed_on: Mapped[date]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    task: Mapped[Task | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration


class CrqAdministration(Base):
    """One CRQ: the 20 item scores (1–7) and the four domain means (None when an item is missing)."""

    __tablename__ = "crq_administrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("form_submissions.id", ondelete="CASCADE"), unique=True)
    moment: Mapped[str] = mapped_column(String(20))  # inclusion | closing
    administered_on: Mapped[date]
    item_1: Mapped[int | None]
    item_2: Mapped[int | None]
    item_3: Mapped[int | None]
    item_4: Mapped[int | None]
    item_5: Mapped[int | None]
    item_6: Mapped[int | None]
    item_7: Mapped[int | None]
    item_8: Mapped[int | None]
    item_9: Mapped[int | None]
    item_10: Mapped[int | None]
    item_11: Mapped[int | None]
    item_12: Mapped[int | None]
    item_13: Mapped[int | None]
    item_14: Mapped[int | None]
    item_15: Mapped[int | None]
    item_16: Mapped[int | None]
    item_17: Mapped[int | None]
    item_18: Mapped[int | None]
    item_19: Mapped[int | None]
    item_20: Mapped[int | None]
    dyspnee: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    fatigue: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    emotion: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    maitrise: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))


class EnduranceTest(Base):
    """Constant-load test at 80 % of the maximal power: time to exhaustion and start/end vitals."""

    __tablename__ = "endurance_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("form_submissions.id", ondelete="CASCADE"), unique=True)
    moment: Mapped[str] = mapped_column(String(20))
    tested_on: Mapped[date]
    max_power_w: Mapped[int]
    load_w: Mapped[int]
    duration_s: Mapped[int]
    hr_start: Mapped[int | None]
    hr_end: Mapped[int | None]
    spo2_start: Mapped[int | None]
    spo2_end: Mapped[int | None]
    borg_start: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    borg_end: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))


class WeeklyCallRecord(Base):
    """A weekly (or reinforcement) call: what was done this week, and the next week's prescription."""

    __tablename__ = "weekly_call_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("form_submissions.id", ondelete="CASCADE"), unique=True)
    called_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(20))  # reached | unreachable | hospitalised | declined
    sessions: Mapped[int | None]
    minutes_per_session: Mapped[int | None]
    watts: Mapped[int | None]
    modality: Mapped[str | None] = mapped_column(String(20))  # continuous | intermittent | interval
    symptoms: Mapped[str | None] = mapped_column(Text)
    difficulties: Mapped[str | None] = mapped_column(Text)
    benefits: Mapped[str | None] = mapped_column(Text)
    next_prescription: Mapped[str | None] = mapped_column(Text)


class FollowUpCallRecord(Base):
    """A remote follow-up call (E + 1 … 9 months): health events, adherence, activity against the project."""

    __tablename__ = "follow_up_call_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("form_submissions.id", ondelete="CASCADE"), unique=True)
    called_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(10))  # phone | video
    unscheduled_consultations: Mapped[int]
    hospitalisations: Mapped[int]
    hospital_days: Mapped[int]
    hospitalisation_dates: Mapped[str | None] = mapped_column(Text)
    adherence: Mapped[str | None] = mapped_column(String(20))
    sessions_per_week: Mapped[int | None]
    project_per_week: Mapped[int | None]
    rupture_proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    rupture_confirmed_at: Mapped[datetime | None]


class VisitRecord(Base):
    """The measures of a home visit (inclusion, mid-programme, closing, reinforcement) the indicators use."""

    __tablename__ = "visit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("form_submissions.id", ondelete="CASCADE"), unique=True)
    form: Mapped[str] = mapped_column(String(40))
    visited_on: Mapped[date]
    eva: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    height_cm: Mapped[int | None]
    bmi: Mapped[float | None]
    mmrc: Mapped[int | None]
    consent_date: Mapped[date | None]
    odometer_km: Mapped[int | None]
    sessions_declared: Mapped[int | None]
    attestation_date: Mapped[date | None]
    orientation: Mapped[str | None] = mapped_column(String(30))
    project_per_week: Mapped[int | None]


class ProfessionalSession(Base):
    """A consultation done by an outside professional (feeds payments and indicators)."""

    __tablename__ = "professional_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    session_date: Mapped[date]
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"))
    #: The professional's « salarié » flag when the session was recorded (no forfait is due for it), kept so
    #: that changing the directory later does not make past sessions payable. None: recorded before the flag
    #: was kept here — pricing then reads the directory.
    salaried: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    client_submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class HospitalisationCount(Base):
    """Hospital stays and days in the 12 months before or after the programme, with where it comes from."""

    __tablename__ = "hospitalisation_counts"
    __table_args__ = (UniqueConstraint("programme_id", "period", name="uq_hospitalisation_counts_programme_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # before | after
    stays: Mapped[int]
    days: Mapped[int]
    source: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntercurrentEvent(Base):
    """An event during the programme, reported at once to the médecin directeur, and his decision."""

    __tablename__ = "intercurrent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    event_date: Mapped[date]
    nature: Mapped[str] = mapped_column(String(30))
    hospitalisation: Mapped[bool] = mapped_column(Boolean, default=False)  # severity high
    description: Mapped[str] = mapped_column(Text)
    client_submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(20))  # continue | suspend | interrupt
    suspend_start: Mapped[date | None]
    suspend_end: Mapped[date | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 — SQLAlchemy mapper configuration


class FormDraft(Base):
    """Server-side autosave: what a user has typed into a task's form so far."""

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("user_id", "task_id", name="uq_form_drafts_user_task"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CrqWording(Base):
    """The CRQ wording pasted by an association that holds the licence (never shipped with the product)."""

    __tablename__ = "crq_wordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"), unique=True)
    items: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"1": "…", …, "20": "…"}
    licence_reference: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
