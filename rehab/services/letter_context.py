"""Gathers what a synthesis prints from the forms, into a frozen `SynthesisContext`.

Everything comes from what was recorded (visits, calls, CRQ, endurance tests, committee care project, care
team, intercurrent events, remote follow-up calls, hospitalisation counts, the interruption decision,
protocol parameters and tariffs): the référent only writes the free-text sections. The
context is computed when the draft is previewed and frozen (as JSON) when the médecin directeur validates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.clock import local_date
from rehab.domain.outcomes import CRQ_DOMAIN_LABELS
from rehab.domain.programme_states import Status
from rehab.models import (
    CareTeamMember,
    CommitteeItem,
    CrqAdministration,
    EnduranceTest,
    FollowUpCallRecord,
    HospitalisationCount,
    IntercurrentEvent,
    Programme,
    ProgrammeTransition,
    VisitRecord,
    WeeklyCallRecord,
)
from rehab.models.care_team import TEAM_ROLES
from rehab.services.home_form_specs import ADHERENCE, NATURES, ORIENTATIONS
from rehab.services.letter_expectations import expectations
from rehab.services.plans import protocol_of
from rehab.services.tariffs import all_tariffs
from reports.context import Letterhead
from reports.letter_blocks import FollowUpEntry, HospitalisationEntry, InterruptionInfo
from reports.syntheses import CrqRow, EventEntry, SynthesisContext, TeamEntry

DECISIONS = {"continue": "Poursuite du programme", "suspend": "Suspension", "interrupt": "Interruption"}
CALL_CHANNELS = {"phone": "Téléphone", "video": "Visioconférence"}


def care_team(session: Session, programme: Programme) -> list[CareTeamMember]:
    """The professionals currently in the team (a refusal is not a member)."""
    rows = session.scalars(select(CareTeamMember).where(CareTeamMember.programme_id == programme.id,
                                                        CareTeamMember.refused_on.is_(None))
                           .order_by(CareTeamMember.role, CareTeamMember.id))
    return list(rows)


def _team(members: list[CareTeamMember]) -> tuple[TeamEntry, ...]:
    return tuple(TeamEntry(TEAM_ROLES.get(m.role, (m.role,))[0], m.professional.name) for m in members)


def _objectives(session: Session, programme: Programme) -> str:
    """The care project's objectives as last recorded by the concertation committee."""
    item = session.scalar(select(CommitteeItem).where(CommitteeItem.programme_id == programme.id,
                                                      CommitteeItem.recorded.is_(True))
                          .order_by(CommitteeItem.id.desc()).limit(1))
    return (item.objectives or "") if item else ""


def _crq(session: Session, programme: Programme) -> tuple[CrqRow, ...]:
    rows = {r.moment: r for r in session.scalars(select(CrqAdministration).where(
        CrqAdministration.programme_id == programme.id).order_by(CrqAdministration.administered_on))}
    before, after = rows.get("inclusion"), rows.get("closing")
    if before is None and after is None:
        return ()

    def score(row: CrqAdministration | None, name: str) -> float | None:
        value = getattr(row, name) if row is not None else None
        return float(value) if value is not None else None

    return tuple(CrqRow(label, score(before, name), score(after, name)) for name, label in CRQ_DOMAIN_LABELS.items())


def _endurance(session: Session, programme: Programme) -> tuple[int | None, int | None]:
    rows = {t.moment: t.duration_s for t in session.scalars(select(EnduranceTest).where(
        EnduranceTest.programme_id == programme.id).order_by(EnduranceTest.tested_on))}
    return rows.get("inclusion"), rows.get("closing")


def _weekly(session: Session, programme: Programme) -> tuple[int | None, tuple[tuple[int, int | None], ...]]:
    """Sessions done (sum of the weekly calls) and minutes per programme week (weeks without a call: None)."""
    calls = list(session.scalars(select(WeeklyCallRecord).where(WeeklyCallRecord.programme_id == programme.id)
                                 .order_by(WeeklyCallRecord.called_on)))
    if not calls or programme.d0 is None:
        return None, ()
    minutes: dict[int, int] = {}
    done = 0
    for call in calls:
        if call.sessions is None:
            continue
        done += call.sessions
        week = max(1, (call.called_on - programme.d0).days // 7 + 1)
        minutes[week] = minutes.get(week, 0) + call.sessions * (call.minutes_per_session or 0)
    last = max(minutes, default=0)
    return done, tuple((w, minutes.get(w)) for w in range(1, max(last, 1) + 1))


def _events(session: Session, programme: Programme) -> tuple[EventEntry, ...]:
    natures = dict(NATURES)
    rows = session.scalars(select(IntercurrentEvent).where(IntercurrentEvent.programme_id == programme.id)
                           .order_by(IntercurrentEvent.event_date))
    return tuple(EventEntry(e.event_date, natures.get(e.nature, e.nature),
                            "Élevée (hospitalisation)" if e.hospitalisation else "Modérée",
                            _outcome(e)) for e in rows)


def _outcome(event: IntercurrentEvent) -> str:
    if event.decision is None:
        return "Décision du médecin directeur en attente"
    text = DECISIONS.get(event.decision, event.decision)
    if event.decision == "suspend" and event.suspend_start and event.suspend_end:
        text += f" du {event.suspend_start:%d/%m/%Y} au {event.suspend_end:%d/%m/%Y}"
    return text


def _closing(session: Session, programme: Programme) -> tuple[str, str]:
    visit = session.scalar(select(VisitRecord).where(VisitRecord.programme_id == programme.id,
                                                     VisitRecord.orientation.is_not(None))
                           .order_by(VisitRecord.visited_on.desc()).limit(1))
    if visit is None:
        return "", ""
    orientation = dict(ORIENTATIONS).get(visit.orientation or "", visit.orientation or "")
    project = (f"{visit.project_per_week} séances d'activité physique par semaine"
               if visit.project_per_week else "")
    return orientation, project


def _follow_ups(session: Session, programme: Programme) -> tuple[FollowUpEntry, ...]:
    """The remote follow-up calls (E + 1 … 9 months), in date order."""
    adherence = dict(ADHERENCE)
    rows = session.scalars(select(FollowUpCallRecord).where(FollowUpCallRecord.programme_id == programme.id)
                           .order_by(FollowUpCallRecord.called_on, FollowUpCallRecord.id))
    return tuple(FollowUpEntry(
        day=r.called_on, channel=CALL_CHANNELS.get(r.channel, r.channel), sessions_per_week=r.sessions_per_week,
        project_per_week=r.project_per_week, hospitalisations=r.hospitalisations, hospital_days=r.hospital_days,
        adherence=adherence.get(r.adherence or "", r.adherence or ""),
        rupture=(f"Confirmée le {local_date(r.rupture_confirmed_at):%d/%m/%Y}" if r.rupture_confirmed_at
                 else "Proposée" if r.rupture_proposed else "")) for r in rows)


def _hospitalisations(session: Session, programme: Programme) -> tuple[HospitalisationEntry, ...]:
    rows = session.scalars(select(HospitalisationCount).where(HospitalisationCount.programme_id == programme.id)
                           .order_by(HospitalisationCount.period))
    return tuple(HospitalisationEntry(r.period, r.stays, r.days, r.source) for r in rows)


def _interruption(session: Session, programme: Programme) -> InterruptionInfo | None:
    """The last move to « interrompu »: when, why (or the médecin's decision on the event), by whom."""
    row = session.scalar(select(ProgrammeTransition).where(
        ProgrammeTransition.programme_id == programme.id, ProgrammeTransition.to_status == Status.INTERROMPU.value)
        .order_by(ProgrammeTransition.at.desc(), ProgrammeTransition.id.desc()).limit(1))
    if row is None:
        return None
    reason = row.reason or ""
    if not reason:
        event = session.scalar(select(IntercurrentEvent).where(IntercurrentEvent.programme_id == programme.id,
                                                               IntercurrentEvent.decision == "interrupt")
                               .order_by(IntercurrentEvent.id.desc()).limit(1))
        reason = (event.decision_reason or "") if event else ""
    return InterruptionInfo(day=local_date(row.at), reason=reason, decided_by=row.user.full_name if row.user else "")


def _contact(programme: Programme, head: Letterhead) -> str:
    """How a professional reaches the référent: through the coordination (phone), or the référent's e-mail."""
    parts = []
    if head.phone:
        parts.append(f"cellule de coordination au {head.phone} (du lundi au vendredi, 9 h – 19 h)")
    if programme.referent is not None and programme.referent.email:
        parts.append(f"courriel {programme.referent.email}")
    return ("Joignable par la " + " ou par ".join(parts) + ".") if parts else ""


def _kind_extras(session: Session, programme: Programme, kind: str, head: Letterhead) -> dict[str, Any]:
    """The blocks only some letters print (queried only for them)."""
    if kind == "douze_mois":
        return {"follow_up_calls": _follow_ups(session, programme),
                "hospitalisations": _hospitalisations(session, programme)}
    if kind == "interruption":
        return {"interruption": _interruption(session, programme)}
    if kind == "initial_pros":
        return {"expectations": expectations(care_team(session, programme), programme.d0, all_tariffs(session)),
                "referent_contact": _contact(programme, head)}
    return {}


def build_context(session: Session, *, programme: Programme, kind: str, head: Letterhead, today: date,
                  sections: dict[str, Any], version_number: int = 1, replaces_version: int | None = None,
                  ) -> SynthesisContext:
    """The synthesis context as the forms say today (validation stamps and freezes it)."""
    params = protocol_of(programme).parameters
    done, weekly = _weekly(session, programme)
    before_s, after_s = _endurance(session, programme)
    orientation, project = _closing(session, programme)
    patient = programme.patient
    return SynthesisContext(
        letterhead=head, kind=kind, programme_number=programme.id, patient_name=patient.display_name,
        patient_birth_date=patient.date_naissance, written_on=today, d0=programme.d0,
        referent_name=programme.referent.full_name if programme.referent else None,
        care_team=_team(care_team(session, programme)), objectives=_objectives(session, programme),
        crq=_crq(session, programme), endurance_before_s=before_s, endurance_after_s=after_s,
        sessions_done=done, sessions_target=f"{params.total_sessions_min} à {params.total_sessions_max}",
        weekly_volume=weekly, events=_events(session, programme), orientation=orientation,
        maintenance_project=project, sections=tuple((k, str(v)) for k, v in sorted(sections.items()) if v),
        version_number=version_number, replaces_version=replaces_version,
        **_kind_extras(session, programme, kind, head))
