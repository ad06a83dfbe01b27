"""The fields of every home form, declared once: the template renders them, the service validates them.

A declaration rather than one FlaskForm class per form, because the same field list also drives the
offline draft (every field is a plain input the browser can store) and the typed tables' copies.
Validation returns every error at once, in French, and never drops what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rehab.domain.outcomes import CRQ_DOMAIN_LABELS, CRQ_DOMAINS, parse_duration, range_error


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # int | decimal | date | duration | text | textarea | bool | choice
    range: str | None = None  # key of rehab.domain.outcomes.RANGES
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    hint: str | None = None

    @property
    def inputmode(self) -> str | None:
        # mm:ss needs the colon, which numeric keypads lack: durations keep the full keyboard.
        return {"int": "numeric", "decimal": "decimal"}.get(self.kind)


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]
    crq: bool = False


@dataclass(frozen=True)
class FormSpec:
    code: str
    title: str
    sections: tuple[Section, ...]
    date_label: str = "Date"

    @property
    def fields(self) -> list[Field]:
        return [f for s in self.sections for f in s.fields]


CALL_OUTCOMES = (("reached", "Patient joint"), ("unreachable", "Injoignable — à rappeler"),
                 ("hospitalised", "Hospitalisé"), ("declined", "A refusé l'appel"))
MODALITIES = (("continuous", "Continu"), ("intermittent", "Intermittent"), ("interval", "Fractionné (intervalles)"))
CHANNELS = (("phone", "Téléphone"), ("video", "Visioconsultation"))
ADHERENCE = (("good", "Bonne"), ("partial", "Partielle"), ("poor", "Mauvaise"))
ORIENTATIONS = (("association", "Association de patients"), ("maintenance_group", "Groupe d'entretien"),
                ("sport_sante", "Sport Santé Bien-Être"), ("none", "Aucune"))
NATURES = (("respiratory", "Respiratoire"), ("musculo", "Musculo-articulaire / orthopédique"),
           ("motivational", "Motivationnelle"), ("cardiovascular", "Cardiovasculaire"), ("other", "Autre"))


def _crq_section(title: str) -> Section:
    fields = tuple(
        Field(f"crq_{n}", f"Item {n} ({CRQ_DOMAIN_LABELS[domain]})", "int", "crq_item")
        for domain, numbers in CRQ_DOMAINS.items() for n in numbers)
    return Section(title, fields, crq=True)


def _endurance_section() -> Section:
    return Section("Test d'endurance (charge constante à 80 % de la PMT)", (
        Field("max_power", "Puissance maximale théorique (W)", "int", "load",
              hint="La charge du test (80 %) est calculée à l'enregistrement."),
        Field("endurance_time", "Temps jusqu'à épuisement (mm:ss)", "duration"),
        Field("hr_start", "FC début (bpm)", "int", "heart_rate"), Field("hr_end", "FC fin (bpm)", "int", "heart_rate"),
        Field("spo2_start", "SpO2 début (%)", "int", "spo2"), Field("spo2_end", "SpO2 fin (%)", "int", "spo2"),
        Field("borg_start", "Borg dyspnée début (0–10)", "decimal", "borg"),
        Field("borg_end", "Borg dyspnée fin (0–10)", "decimal", "borg"),
    ))


def _call_fields() -> tuple[Field, ...]:
    return (
        Field("outcome", "Issue de l'appel", "choice", required=True, choices=CALL_OUTCOMES),
        Field("sessions", "Séances faites cette semaine", "int", "sessions_week"),
        Field("minutes_per_session", "Minutes par séance", "int", "minutes"),
        Field("watts", "Puissance par séance (W)", "int", "load"),
        Field("modality", "Modalité", "choice", choices=MODALITIES),
        Field("symptoms", "Symptômes", "textarea"), Field("difficulties", "Difficultés", "textarea"),
        Field("benefits", "Bénéfices ressentis", "textarea"),
        Field("next_prescription", "Prescription de la semaine prochaine", "textarea"),
    )


SPECS: dict[str, FormSpec] = {s.code: s for s in (
    FormSpec("inclusion_visit", "Visite d'inclusion", (
        Section("Inclusion", (
            Field("consent_date", "Consentement signé le", "date", required=True),
            Field("ergocycle_training", "Formation à l'ergocycle faite", "bool"),
            Field("mmrc", "Grade mMRC (0–4)", "int", "mmrc"),
            Field("eva", "EVA (0–10)", "decimal", "eva"))),
        Section("Bilan Éducatif Partagé", (
            Field("bep_needs", "Besoins du patient", "textarea"),
            Field("bep_objectives", "Objectifs éducatifs (par priorité)", "textarea"),
            Field("bep_agreed", "Objectifs convenus avec le patient", "bool"))),
        Section("Accompagnements non médicamenteux", (
            Field("weight", "Poids (kg)", "decimal", "weight", required=True),
            Field("height", "Taille (cm)", "int", "height", required=True),
            Field("smoker", "Tabagisme actif ou sevrage récent fragile", "bool"),
            Field("psychotropic", "Traitement psychotrope", "bool"),
            Field("psychology_request", "Demande du patient (soutien psychologique)", "bool"))),
        _crq_section("CRQ (avant programme)"), _endurance_section(),
        Section("Notes", (Field("notes", "Notes", "textarea"),)),
    ), "Date de la visite"),
    FormSpec("weekly_call", "Appel hebdomadaire", (Section("Appel", _call_fields()),), "Date de l'appel"),
    FormSpec("reinforcement_call", "Appel de renforcement", (Section("Appel", _call_fields()),), "Date de l'appel"),
    FormSpec("mid_programme_visit", "Visite mi-programme", (
        Section("Bilan intermédiaire", (
            Field("eva", "EVA satisfaction (0–10)", "decimal", "eva"),
            Field("odometer_km", "Compteur de l'ergocycle (km)", "int", "km"),
            Field("sessions_declared", "Séances déclarées depuis le début", "int", "count"),
            Field("progress", "Progrès", "textarea"), Field("adaptations", "Activités adaptées", "textarea"),
            Field("educational_review", "Bilan éducatif intermédiaire", "textarea"),
            Field("medical_follow_up", "Suivi médical vérifié", "bool"),
            Field("notes", "Notes", "textarea"))),
    ), "Date de la visite"),
    FormSpec("closing_visit", "Visite de clôture", (
        Section("Bilan global", (
            Field("eva", "EVA satisfaction (0–10)", "decimal", "eva"),
            Field("attestation_date", "Attestation de fin de programme signée le", "date"),
            Field("odometer_km", "Compteur de l'ergocycle (km)", "int", "km"),
            Field("sessions_declared", "Séances déclarées au total", "int", "count"),
            Field("etp_evaluations", "Évaluations ETP de chaque professionnel", "textarea"))),
        _crq_section("CRQ (après programme)"), _endurance_section(),
        Section("Après le programme", (
            Field("long_term_project", "Projet d'activité à long terme", "textarea"),
            Field("project_per_week", "Séances d'activité prévues par semaine", "int", "sessions_week"),
            Field("orientation", "Orientation", "choice", choices=ORIENTATIONS),
            Field("notes", "Notes", "textarea"))),
    ), "Date de la visite"),
    FormSpec("follow_up_call", "Appel de suivi", (
        Section("Appel", (
            Field("channel", "Mode", "choice", required=True, choices=CHANNELS),
            Field("unscheduled_consultations", "Consultations non programmées", "int", "count"),
            Field("hospitalisations", "Hospitalisations", "int", "count"),
            Field("hospital_days", "Jours d'hospitalisation", "int", "days"),
            Field("hospitalisation_dates", "Dates des hospitalisations", "text"),
            Field("adherence", "Observance médicamenteuse", "choice", choices=ADHERENCE),
            Field("sessions_per_week", "Séances d'activité par semaine", "int", "sessions_week"),
            Field("project_per_week", "Projet convenu (séances par semaine)", "int", "sessions_week"),
            Field("notes", "Notes", "textarea"))),
    ), "Date de l'appel"),
    FormSpec("reinforcement_visit", "Visite de renforcement", (
        Section("Renforcement", (
            Field("motivational_interview", "Entretien motivationnel", "textarea"),
            Field("gap_analysis", "Analyse des écarts", "textarea"),
            Field("micro_project", "Micro-projet sur 4 semaines", "textarea"),
            Field("notes", "Notes", "textarea"))),
    ), "Date de la visite"),
)}


_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_fr_date(text: str) -> date:
    """dd/mm/yyyy as typed, or yyyy-mm-dd as a date picker sends it."""
    text = text.strip()
    match = _FR_DATE.match(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Date illisible ou inexistante « {text} » : saisissez jj/mm/aaaa.") from None


def _number(f: Field, text: str) -> Any:
    # A bounded text and exponent: « 1e1000000 » would otherwise cost seconds of CPU to turn into an int.
    if len(text) > 20:
        raise ValueError(f"{f.label} : « {text[:20]}… » n'est pas un nombre plausible.")
    try:
        value: Any = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"{f.label} : « {text} » n'est pas un nombre.") from None
    if not value.is_finite() or not -6 <= value.adjusted() <= 6:
        raise ValueError(f"{f.label} : « {text} » n'est pas un nombre plausible.")
    if f.kind == "int":
        if value != value.to_integral_value():
            raise ValueError(f"{f.label} : un nombre entier est attendu.")
        value = int(value)
    if f.range and (message := range_error(f.range, float(value))):
        raise ValueError(message)
    return value


def _clean_one(f: Field, raw: str) -> Any:
    if f.kind == "bool":
        return raw in {"y", "on", "1", "true"}
    if not raw:
        if f.required:
            raise ValueError(f"{f.label} : champ obligatoire.")
        return None
    if f.kind in {"int", "decimal"}:
        return _number(f, raw)
    if f.kind == "date":
        return parse_fr_date(raw)
    if f.kind == "duration":
        return parse_duration(raw)
    if f.kind == "choice" and raw not in dict(f.choices):
        raise ValueError(f"{f.label} : choix inconnu.")
    return raw[:5000]


def clean(spec: FormSpec, data: dict[str, str], *, today: date) -> Cleaned:
    """Typed values and a French message per invalid field; the date of the act may not be in the future."""
    out = Cleaned()
    try:
        out.values["performed_on"] = _clean_one(Field("performed_on", spec.date_label, "date", required=True),
                                                (data.get("performed_on") or "").strip())
        if out.values["performed_on"] > today:
            out.errors["performed_on"] = f"{spec.date_label} ne peut pas être dans le futur."
    except ValueError as exc:
        out.errors["performed_on"] = str(exc)
    for f in spec.fields:
        try:
            out.values[f.name] = _clean_one(f, (data.get(f.name) or "").strip())
        except ValueError as exc:
            out.errors[f.name] = str(exc)
    return out


def to_json(values: dict[str, Any]) -> dict[str, Any]:
    """The payload stored as JSON: dates in ISO, decimals as strings."""
    return {k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
            for k, v in values.items()}
