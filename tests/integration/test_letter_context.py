"""The synthesis context is gathered from what the forms recorded: CRQ, endurance, weekly calls, events,
care project, care team, closing visit — and the protocol's session target."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from rehab.domain.programme_states import Status
from rehab.domain.roles import Role
from rehab.models import (
    CareTeamMember,
    CommitteeItem,
    CommitteeMeeting,
    CrqAdministration,
    EnduranceTest,
    FormSubmission,
    IntercurrentEvent,
    Professional,
    VisitRecord,
    WeeklyCallRecord,
)
from rehab.services.letter_context import build_context
from reports.context import Letterhead
from tests.factories import NOW, make_patient, make_programme, make_user

HEAD = Letterhead(name="Réhab Domicile", address_lines=(), phone="", email="")
D0 = date(2025, 12, 1)


def _submission(db, programme, day: date) -> int:
    sub = FormSubmission(programme_id=programme.id, form="x", payload={}, performed_on=day, submitted_at=NOW,
                         client_submission_id=str(uuid.uuid4()))
    db.add(sub)
    db.flush()
    return sub.id


def _crq(db, programme, moment: str, day: date, scores: tuple[str, str, str, str]) -> None:
    names = ("dyspnee", "fatigue", "emotion", "maitrise")
    db.add(CrqAdministration(programme_id=programme.id, submission_id=_submission(db, programme, day),
                             moment=moment, administered_on=day,
                             **{n: Decimal(v) for n, v in zip(names, scores, strict=True)}))


def test_context_gathers_the_forms(db):
    referent = make_user(db, Role.REFERENT, full_name="Camille Peyrot")
    programme = make_programme(db, make_patient(db, nom_naissance="LAPEYRE", prenoms="Jean"),
                               status=Status.EN_COURS, referent=referent, d0=D0)
    pro = Professional(kind="pneumologue", name="Dr Estrade")
    refused = Professional(kind="dieteticien", name="Mme Refus")
    db.add_all([pro, refused])
    db.flush()
    db.add_all([CareTeamMember(programme_id=programme.id, role="pneumologue", professional_id=pro.id,
                               created_at=NOW),
                CareTeamMember(programme_id=programme.id, role="dieteticien", professional_id=refused.id,
                               refused_on=D0, created_at=NOW)])
    _crq(db, programme, "inclusion", D0, ("3.20", "3.50", "4.00", "4.25"))
    _crq(db, programme, "closing", D0 + timedelta(weeks=12), ("4.40", "3.75", "4.71", "4.50"))
    for moment, day, seconds in (("inclusion", D0, 420), ("closing", D0 + timedelta(weeks=12), 765)):
        db.add(EnduranceTest(programme_id=programme.id, submission_id=_submission(db, programme, day),
                             moment=moment, tested_on=day, max_power_w=60, load_w=48, duration_s=seconds))
    for week in (1, 2, 4):
        day = D0 + timedelta(days=7 * (week - 1) + 4)
        db.add(WeeklyCallRecord(programme_id=programme.id, submission_id=_submission(db, programme, day),
                                called_on=day, outcome="reached", sessions=5, minutes_per_session=20 + week))
    db.add(IntercurrentEvent(programme_id=programme.id, event_date=D0 + timedelta(days=20), nature="respiratory",
                             hospitalisation=True, description="Exacerbation", decision="suspend",
                             suspend_start=D0 + timedelta(days=20), suspend_end=D0 + timedelta(days=30),
                             client_submission_id=str(uuid.uuid4()), reported_at=NOW))
    meeting = CommitteeMeeting(meeting_date=D0 - timedelta(days=10), location="Salle", created_at=NOW,
                               updated_at=NOW)
    meeting.items.append(CommitteeItem(programme_id=programme.id, kind="plan", recorded=True,
                                       objectives="Reprendre la marche quotidienne."))
    db.add(meeting)
    closing = D0 + timedelta(weeks=12)
    db.add(VisitRecord(programme_id=programme.id, submission_id=_submission(db, programme, closing),
                       form="closing_visit", visited_on=closing, orientation="sport_sante", project_per_week=3))
    db.flush()

    ctx = build_context(db, programme=programme, kind="finale", head=HEAD, today=date(2026, 3, 2),
                        sections={"bilan": "Bien", "projet": ""})
    assert ctx.patient_name == programme.patient.display_name and ctx.referent_name == "Camille Peyrot"
    assert [t.name for t in ctx.care_team] == ["Dr Estrade"]  # a refusal is not in the team
    assert ctx.objectives == "Reprendre la marche quotidienne."
    assert (ctx.crq[0].label, ctx.crq[0].before, ctx.crq[0].after) == ("Dyspnée", 3.2, 4.4)
    assert (ctx.endurance_before_s, ctx.endurance_after_s) == (420, 765)
    assert ctx.sessions_done == 15 and ctx.sessions_target == "55 à 60"
    assert ctx.weekly_volume == ((1, 105), (2, 110), (3, None), (4, 120))
    assert ctx.events[0].severity == "Élevée (hospitalisation)"
    assert ctx.events[0].outcome == "Suspension du 21/12/2025 au 31/12/2025"
    assert ctx.orientation == "Sport Santé Bien-Être"
    assert ctx.maintenance_project == "3 séances d'activité physique par semaine"
    assert ctx.sections == (("bilan", "Bien"),)
