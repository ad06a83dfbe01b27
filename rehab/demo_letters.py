"""Demo enrichment for issue 6: letters at every workflow step, so that `make run` shows the whole flow — the
référent's drafts, the coordinateur's review, the médecin directeur's « À valider » queue (a synthesis and
the closing letter of an interrupted programme), and a synthesis validated and dispatched with its log, as
well as initial letters issued and sent to a care team.

Programmes that have started get a care team (the patient's médecin traitant and pneumologue, and for some a
kinésithérapeute reached by post) so that every dispatch has recipients. Validating writes the frozen PDF
under the instance folder: it only happens when the demo is loaded by the application's CLI (an app
context says where that folder is); electronic sends go to the development outbox, never to a server.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.clock import local_date
from rehab.domain.programme_states import Status
from rehab.models import CareTeamMember, Professional, Programme, User
from rehab.models.letters import LetterVersion
from rehab.services import documents, letter_dispatch, letters

TEXTS = {"bilan": "Patient motivé, bonne compréhension des signes d'alerte. Objectifs éducatifs fixés avec "
                  "l'épouse : gestion de l'essoufflement à l'effort, reprise de la marche.",
         "evolution": "Séances régulières, 5 par semaine en moyenne ; la charge a pu être augmentée de 10 W.",
         "suite": "Reprise du programme à discuter à distance de l'hospitalisation, avec le pneumologue.",
         "commentaire": "Rien à signaler."}
STARTED = (Status.EN_COURS.value, Status.SUIVI.value, Status.TERMINE.value, Status.INTERROMPU.value)
KINES = (("Mme Lucie Garrigues", "12 avenue de Muret", "31300", "Toulouse"),
         ("M. Pierre Azéma", "4 rue des Arts", "34000", "Montpellier"))


def _kines(session: Session, now: datetime) -> list[Professional]:
    pros = []
    for name, street, postcode, town in KINES:
        pro = Professional(kind="kinesitherapeute", name=name, address=street, postal_code=postcode, city=town,
                           department=postcode[:2], preferred_channel="post", created_at=now, updated_at=now)
        pro.refresh_search_key()
        session.add(pro)
        pros.append(pro)
    session.flush()
    return pros


def _care_teams(session: Session, *, now: datetime, rng: random.Random) -> None:
    """Started programmes without a team get the patient's doctors (and, one in two, a kiné by post)."""
    kines = _kines(session, now)
    with_team = set(session.scalars(select(CareTeamMember.programme_id)))
    for programme in session.scalars(select(Programme).where(Programme.status.in_(STARTED),
                                                             Programme.d0.is_not(None)).order_by(Programme.id)):
        if programme.id in with_team or programme.d0 is None:
            continue
        patient = programme.patient
        members = [("medecin_traitant", patient.medecin_traitant_id), ("pneumologue", patient.pneumologue_id)]
        if rng.random() < 0.5:
            members.append(("paramedical", rng.choice(kines).id))
        for role, pro_id in members:
            if pro_id:
                session.add(CareTeamMember(programme_id=programme.id, role=role, professional_id=pro_id,
                                           agreed_on=programme.d0 - timedelta(days=7), created_at=now))
    session.flush()


def _draft(session: Session, programme: Programme, kind: str, *, at: datetime) -> LetterVersion:
    referent = session.get_one(User, programme.referent_id)
    version = letters.start(session, programme=programme, kind=kind, user=referent, now=at)
    letters.save_draft(session, version=version, sections=dict(TEXTS), revision=version.revision,
                       user=referent, now=at)
    return version


def enrich(session: Session, *, now: datetime) -> None:
    rng = random.Random(20266)  # noqa: S311 — seeded demo data, not cryptography
    users = {u.username: u for u in session.scalars(select(User))}
    coordinateur = users.get("coordinateur")
    _care_teams(session, now=now, rng=rng)
    running = list(session.scalars(select(Programme).where(Programme.status == Status.EN_COURS.value,
                                                           Programme.referent_id.is_not(None),
                                                           Programme.d0.is_not(None)).order_by(Programme.id)))
    steps = ("reviewed", "reviewed", "submitted", "draft", "dispatched")
    for programme, step in zip(running, steps, strict=False):
        at = now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        version = _draft(session, programme, "mi_programme" if step == "draft" else "initiale", at=at)
        if step == "draft":
            continue
        letters.submit(session, version=version, user=session.get_one(User, programme.referent_id), now=at)
        if step in ("reviewed", "dispatched") and coordinateur is not None:
            letters.review(session, version=version, comments="Relu, à valider.", passed=True,
                           user=coordinateur, now=at + timedelta(hours=2))
        if step == "dispatched":
            _validate_and_send(session, version, users, now=at + timedelta(days=1))
    stopped = session.scalar(select(Programme).where(Programme.status == Status.INTERROMPU.value,
                                                     Programme.referent_id.is_not(None),
                                                     Programme.d0.is_not(None)).order_by(Programme.id).limit(1))
    if stopped is not None:  # the closing letter, straight to the médecin directeur's queue
        at = now - timedelta(days=1, hours=3)
        version = _draft(session, stopped, "interruption", at=at)
        letters.submit(session, version=version, user=session.get_one(User, stopped.referent_id), now=at)


def _validate_and_send(session: Session, version: LetterVersion, users: dict[str, User], *,
                       now: datetime) -> None:
    """Validation by the médecin directeur, then dispatch by the assistante (outbox and print batch); the
    same programme's initial letters to the care team are issued and sent too."""
    medecin, assistante = users.get("medecin"), users.get("assistante")
    if not has_app_context() or medecin is None or assistante is None:
        return  # no instance folder known: the validation stays in the médecin's queue
    root = documents.files_root(current_app.config, current_app.instance_path)
    head = documents.letterhead(current_app.config, current_app.instance_path)
    today = local_date(now)
    letters.validate(session, version=version, user=medecin, now=now, today=today, head=head, root=root)
    initial = letters.issue(session, programme=version.letter.programme, kind="initial_pros", user=assistante,
                            now=now, today=today, head=head, root=root)
    for sent in (version, initial):
        letter_dispatch.send_electronic(session, version=sent, config={}, root=root, user=assistante, now=now)
        if any(d.channel == "post" and d.address for d in sent.dispatches):
            letter_dispatch.print_batch(session, version=sent, head=head, root=root, user=assistante, now=now)
