"""The documents posted to a patient before, during and after the programme.

Their content follows the cahier des charges (étape 2, « contact patient »: an information document summing up
the phone call, the acte d'adhésion, the quality-of-life questionnaire returned at the inclusion visit). The CRQ
itself is a licensed questionnaire: only its cover letter is produced here, never its wording.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from reports.context import PatientDocumentContext, PersonalScheduleContext
from reports.fr import long_date, short_date, weekday_date
from reports.letters import PatientLetter
from reports.text import para, paragraphs


def _start(ctx: PatientDocumentContext) -> str:
    return f"le {weekday_date(ctx.d0)}" if ctx.d0 else "à la date convenue avec vous par téléphone"


class InformationLetter(PatientLetter):
    TITLE = "Lettre d'information — réhabilitation respiratoire à domicile"
    SUBJECT = "votre programme de réhabilitation respiratoire à domicile"

    def _body(self) -> list[Flowable]:
        ctx = self.ctx
        referent = f"{ctx.referent_name}, votre référent de programme," if ctx.referent_name else (
            "votre référent de programme")
        return [
            *self.p("Comme convenu lors de notre échange téléphonique, voici le résumé de l'organisation du "
                    "programme de réhabilitation respiratoire qui vous a été proposé et que le comité de "
                    "concertation de réhabilitation a validé."),
            self.heading("Douze semaines de réentraînement chez vous"),
            *self.p(f"Le programme commence {_start(ctx)} par une visite d'inclusion à votre domicile : "
                    f"{referent} vous présente le déroulement, vous forme à l'ergocycle et fixe avec vous vos "
                    "objectifs."),
            *self.bullets([
                "un ergocycle médicalisé est livré et installé chez vous par un prestataire partenaire, "
                "puis repris à la fin des 12 semaines ;",
                "vous pédalez en autonomie 4 à 6 fois par semaine (55 à 60 séances au total) et notez vos "
                "séances dans le classeur du programme ;",
                "votre référent vous appelle chaque semaine pour adapter l'entraînement ;",
                "il revient vous voir à la 6e et à la 12e semaine pour faire le point ;",
                "vos professionnels de santé habituels (médecin traitant, kinésithérapeute ou infirmier, "
                "diététicien…) sont associés à votre prise en charge.",
            ]),
            self.heading("Quarante semaines d'accompagnement ensuite"),
            *self.p("Après les 12 semaines, nous restons à vos côtés pendant 40 semaines : votre référent vous "
                    "appelle 1, 2, 3 et 6 mois après la fin du réentraînement pour vous aider à garder une "
                    "activité physique régulière, puis un bilan est réalisé à 12 mois."),
            self.heading("Nous joindre"),
            *self.p(f"La cellule de coordination répond au {ctx.coordination_phone}, du lundi au vendredi de "
                    "9 h à 19 h. N'hésitez pas à appeler au moindre problème de santé ou d'organisation."),
            *self.p("Vous trouverez avec ce courrier l'acte d'adhésion et le questionnaire de qualité de vie : "
                    "merci de les tenir prêts pour la visite d'inclusion."),
            *self.p("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations dévouées."),
        ]


class ActeAdhesion(PatientLetter):
    TITLE = "Acte d'adhésion au programme de réhabilitation respiratoire à domicile"
    SUBJECT = "acte d'adhésion (consentement éclairé)"
    SALUTATION = ""

    def _body(self) -> list[Flowable]:
        ctx = self.ctx
        return [
            *self.p(f"Je soussigné(e) {ctx.patient_name}, né(e) le {long_date(ctx.patient_birth_date)}, "
                    "déclare avoir reçu une information claire sur le programme de réhabilitation respiratoire "
                    "coordonné à domicile (12 semaines de réentraînement puis 40 semaines d'accompagnement) et "
                    "accepte d'y participer. Je peux y mettre fin à tout moment sans conséquence sur mes soins."),
            self.heading("Mes engagements"),
            *self.bullets([
                "réaliser le réentraînement sur l'ergocycle 4 à 6 fois par semaine et noter mes séances ;",
                "recevoir mon référent lors des visites à domicile et répondre à ses appels ;",
                "prendre soin de l'ergocycle prêté et permettre sa reprise en fin de programme ;",
                "signaler sans attendre tout problème de santé à la cellule de coordination.",
            ]),
            self.heading("Les engagements de l'équipe"),
            *self.bullets([
                "organiser la livraison de l'ergocycle et me former à son utilisation ;",
                "m'accompagner chaque semaine et adapter l'entraînement à mon état ;",
                "informer et coordonner mes professionnels de santé habituels ;",
                f"répondre au {ctx.coordination_phone} du lundi au vendredi de 9 h à 19 h.",
            ]),
            self.heading("Protection de mes données"),
            *self.p(f"Les données de santé nécessaires à ma prise en charge sont enregistrées par "
                    f"{ctx.letterhead.name}, conservées de façon sécurisée et partagées uniquement avec les "
                    "professionnels qui me soignent et participent au programme. Conformément au règlement "
                    "général sur la protection des données, je dispose d'un droit d'accès, de rectification et "
                    "de limitation, que j'exerce auprès de la cellule de coordination."),
            Spacer(1, 4 * mm),
            self._signatures(),
        ]

    def _signature(self) -> list[Flowable]:
        return []

    def _signatures(self) -> Flowable:
        style = self.styles["cell"]
        referent = self.ctx.referent_name or "Le référent de programme"
        cells = [[para(f"Le patient : {self.ctx.patient_name}", style), para(f"Le référent : {referent}", style)],
                 [para("Fait à ………………………, le ……/……/…………", style),
                  para("Fait à ………………………, le ……/……/…………", style)],
                 [para("Signature", style), para("Signature", style)]]
        table = Table(cells, colWidths=[self.frame_width / 2] * 2, rowHeights=[None, None, 28 * mm])
        table.setStyle(TableStyle([("BOX", (0, 0), (0, -1), 0.5, "#888888"), ("BOX", (1, 0), (1, -1), 0.5, "#888888"),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return KeepTogether([table])


class QolCoverLetter(PatientLetter):
    TITLE = "Questionnaire de qualité de vie — lettre d'accompagnement"
    SUBJECT = "votre questionnaire de qualité de vie"

    def _body(self) -> list[Flowable]:
        ctx = self.ctx
        return [
            *self.p("Vous trouverez ci-joint un questionnaire de qualité de vie. Il nous permet de mesurer, avec "
                    "vos propres mots, ce que votre maladie respiratoire change à votre vie quotidienne, puis "
                    "d'apprécier le bénéfice du programme en le comparant à celui que vous remplirez à la fin."),
            *self.p(f"Merci de le remplir seul(e), tranquillement, et de le remettre à votre référent lors de la "
                    f"visite d'inclusion, {_start(ctx)}. Il n'y a pas de bonne ou de mauvaise réponse."),
            *self.p(f"Pour toute question, la cellule de coordination est joignable au {ctx.coordination_phone}, "
                    "du lundi au vendredi de 9 h à 19 h."),
            *self.p("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations dévouées."),
        ]


class AttestationFinProgramme(PatientLetter):
    TITLE = "Attestation de fin de programme"
    SUBJECT = "attestation de fin de programme de réhabilitation respiratoire"
    SALUTATION = ""

    def _body(self) -> list[Flowable]:
        ctx = self.ctx
        start = f"commencé le {long_date(ctx.d0)}" if ctx.d0 else "coordonné à domicile"
        return [
            *self.p(f"{ctx.letterhead.name} atteste que {ctx.patient_name}, né(e) le "
                    f"{long_date(ctx.patient_birth_date)}, a suivi le programme de réhabilitation respiratoire "
                    f"à domicile n° {ctx.programme_number}, {start}, comprenant 12 semaines de réentraînement à "
                    "l'effort et d'éducation thérapeutique à domicile."),
            *self.p("Le suivi à distance se poursuit pendant 40 semaines afin de maintenir les bénéfices "
                    "obtenus. Attestation délivrée pour servir et valoir ce que de droit."),
        ]


class PersonalSchedule(PatientLetter):
    TITLE = "Mon calendrier de visites et d'appels"
    SUBJECT = "votre calendrier de visites et d'appels"
    SALUTATION = ""

    def __init__(self, ctx: PersonalScheduleContext) -> None:
        super().__init__(ctx.document)
        self.entries = ctx.entries

    def _body(self) -> list[Flowable]:
        style, bold = self.styles["cell"], self.styles["cell_bold"]
        rows: list[list[Any]] = [[para("Date", bold), para("Rendez-vous", bold), para("Avec", bold)]]
        for entry in sorted(self.entries, key=lambda e: e.day):
            rows.append([para(weekday_date(entry.day), style), paragraphs(entry.label, style) or "",
                         paragraphs(entry.who, style) or ""])
        if len(rows) == 1:
            return self.p("Aucun rendez-vous n'est encore planifié.")
        width = self.frame_width
        table = Table(rows, colWidths=[width * 0.36, width * 0.40, width * 0.24], repeatRows=1, splitInRow=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, "#999999"), ("BACKGROUND", (0, 0), (-1, 0), "#e8eef5"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        note = (f"Un empêchement ? Appelez le {self.ctx.coordination_phone} (lundi–vendredi, 9 h–19 h). "
                f"Calendrier établi le {short_date(self.ctx.today)}.")
        return [table, Spacer(1, 4 * mm), *self.p(note)]


def render_information_letter(ctx: PatientDocumentContext) -> bytes:
    """The information letter posted after the phone call (programme, visits, calls, ergocycle, phone)."""
    return InformationLetter(ctx).render()


def render_acte_adhesion(ctx: PatientDocumentContext) -> bytes:
    """The acte d'adhésion: commitments, data protection notice, dated signature blocks."""
    return ActeAdhesion(ctx).render()


def render_qol_cover_letter(ctx: PatientDocumentContext) -> bytes:
    """The cover letter of the quality-of-life questionnaire (the questionnaire itself is not reproduced)."""
    return QolCoverLetter(ctx).render()


def render_attestation_fin_programme(ctx: PatientDocumentContext) -> bytes:
    """The attestation that the patient completed the 12-week programme."""
    return AttestationFinProgramme(ctx).render()


def render_personal_schedule(ctx: PersonalScheduleContext) -> bytes:
    """A printable table of the patient's visits and calls, with French weekday dates."""
    return PersonalSchedule(ctx).render()
