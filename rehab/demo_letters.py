"""Demo enrichment for issue 6: synthesis letters at each workflow step, so that the médecin directeur's
« À valider » queue, the coordinateur's review and the référent's drafts all have something to show.

No validation here: validating writes the frozen PDF under the instance folder, which the demo builder
does not know; the médecin validates from the queue during a demonstration."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab.domain.programme_states import Status
from rehab.models import Programme, User
from rehab.services import letters

TEXTS = {"bilan": "Patient motivé, bonne compréhension des signes d'alerte. Objectifs éducatifs fixés avec "
                  "l'épouse : gestion de l'essoufflement à l'effort, reprise de la marche.",
         "evolution": "Séances régulières, 5 par semaine en moyenne ; la charge a pu être augmentée de 10 W.",
         "commentaire": "Rien à signaler."}


def enrich(session: Session, *, now: datetime) -> None:
    rng = random.Random(20266)  # noqa: S311 — seeded demo data, not cryptography
    users = {u.username: u for u in session.scalars(select(User))}
    coordinateur = users.get("coordinateur")
    running = list(session.scalars(select(Programme).where(Programme.status == Status.EN_COURS.value,
                                                           Programme.referent_id.is_not(None),
                                                           Programme.d0.is_not(None)).order_by(Programme.id)))
    steps = ("reviewed", "reviewed", "submitted", "draft")
    for programme, step in zip(running, steps, strict=False):
        referent = session.get_one(User, programme.referent_id)
        at = now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        kind = "mi_programme" if step == "draft" else "initiale"
        version = letters.start(session, programme=programme, kind=kind, user=referent, now=at)
        letters.save_draft(session, version=version, sections=dict(TEXTS), revision=version.revision,
                           user=referent, now=at)
        if step == "draft":
            continue
        letters.submit(session, version=version, user=referent, now=at)
        if step == "reviewed" and coordinateur is not None:
            letters.review(session, version=version, comments="Relu, à valider.", passed=True,
                           user=coordinateur, now=at + timedelta(hours=2))
