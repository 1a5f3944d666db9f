from .audit import AuditEntry, AuditLogIsAppendOnly
from .calendar import CalendarOverride
from .enterprises import Enterprise
from .imports import ImportJob
from .ladder import LadderOffset, LadderSerial, LadderStep, Rung
from .notifications import ChannelKind, Delivery, Notification, WebhookChannel
from .people import Person, PersonRole
from .regions import Region, Unit
from .tokens import ApiToken

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "CalendarOverride",
    "ChannelKind",
    "Delivery",
    "Enterprise",
    "ImportJob",
    "LadderOffset",
    "LadderSerial",
    "LadderStep",
    "Notification",
    "Person",
    "PersonRole",
    "Region",
    "Rung",
    "Unit",
    "WebhookChannel",
]
