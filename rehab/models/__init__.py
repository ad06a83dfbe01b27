"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from rehab.models.audit import AuditEvent
from rehab.models.organisation import Association
from rehab.models.patient import Patient
from rehab.models.plan import CalendarFeed, PlanEvent, Suspension, Task
from rehab.models.programme import Programme, ProgrammeTransition
from rehab.models.user import LoginAttempt, User, UserRole, UserSector, UserSession

__all__ = [
    "Association",
    "AuditEvent",
    "CalendarFeed",
    "LoginAttempt",
    "Patient",
    "PlanEvent",
    "Programme",
    "ProgrammeTransition",
    "Suspension",
    "Task",
    "User",
    "UserRole",
    "UserSector",
    "UserSession",
]
