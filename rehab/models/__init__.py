"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from rehab.models.audit import AuditEvent
from rehab.models.care_team import CareTeamMember
from rehab.models.committee import CommitteeAttendee, CommitteeItem, CommitteeMeeting
from rehab.models.consent import Consent, ContactCall, PracticalData
from rehab.models.directory import Professional
from rehab.models.dossier import Dossier, DossierPiece, UploadedFile
from rehab.models.fleet import Ergocycle, MaintenanceLog, Movement, ProviderOrder, Reservation
from rehab.models.home_forms import (
    CrqAdministration,
    CrqWording,
    EnduranceTest,
    FollowUpCallRecord,
    FormDraft,
    FormSubmission,
    HospitalisationCount,
    IntercurrentEvent,
    ProfessionalSession,
    VisitRecord,
    WeeklyCallRecord,
)
from rehab.models.letters import Letter, LetterDispatch, LetterReview, LetterVersion
from rehab.models.organisation import Association
from rehab.models.patient import Patient
from rehab.models.payments import PaymentBatch, PaymentLine, PaymentLineSession
from rehab.models.plan import CalendarFeed, PlanEvent, Suspension, Task
from rehab.models.programme import Programme, ProgrammeTransition
from rehab.models.reminders import Notification, NotificationPreference, Reminder, SchedulerLock, SchedulerRun
from rehab.models.satisfaction import ProfessionalSatisfaction
from rehab.models.user import LoginAttempt, User, UserRole, UserSector, UserSession

__all__ = [
    "Association",
    "AuditEvent",
    "CalendarFeed",
    "CareTeamMember",
    "CommitteeAttendee",
    "CommitteeItem",
    "CommitteeMeeting",
    "Consent",
    "ContactCall",
    "CrqAdministration",
    "CrqWording",
    "Dossier",
    "DossierPiece",
    "EnduranceTest",
    "Ergocycle",
    "FollowUpCallRecord",
    "FormDraft",
    "FormSubmission",
    "HospitalisationCount",
    "IntercurrentEvent",
    "Letter",
    "LetterDispatch",
    "LetterReview",
    "LetterVersion",
    "LoginAttempt",
    "MaintenanceLog",
    "Movement",
    "Notification",
    "NotificationPreference",
    "Patient",
    "PaymentBatch",
    "PaymentLine",
    "PaymentLineSession",
    "PlanEvent",
    "PracticalData",
    "Professional",
    "ProfessionalSatisfaction",
    "ProfessionalSession",
    "Programme",
    "ProgrammeTransition",
    "ProviderOrder",
    "Reminder",
    "Reservation",
    "SchedulerLock",
    "SchedulerRun",
    "Suspension",
    "Task",
    "UploadedFile",
    "User",
    "UserRole",
    "UserSector",
    "UserSession",
    "VisitRecord",
    "WeeklyCallRecord",
]
