"""The domain model. Each feature owns its module; ALL_MODELS is the schema in dependency order."""
from .base import BaseModel, JSONField, utcnow
from .chat import (
    Answer,
    ChatMessage,
    ChatSchedule,
    ChatSession,
    MeToo,
    Report,
    SafeguardingConcern,
    Sanction,
    SessionPresence,
    SessionStaff,
)
from .console import CentreRetirement, Invite, MonthlyVisits, RecoveryCode, Setting, StaffFactor, StaffPasskey
from .feed import Follow, Post
from .logins import Login, LoginFailure
from .maps import SectorMove
from .meetups import CalendarFeed, Meetup, MeetupMessage, MeetupOfficer, Signup
from .people import AuditLog, Staff, Youth
from .places import Sector, SectorMap, SectorPostcode, SectorRetirement, YouthCentre
from .push import Delivery, Notification, PushSubscription

ALL_MODELS = [
    Sector, SectorPostcode, YouthCentre, Staff, Youth, AuditLog,
    Follow, Post,
    ChatSchedule, ChatSession, SessionStaff, ChatMessage, MeToo, Answer, Report, Sanction, SafeguardingConcern,
    SessionPresence,
    Meetup, MeetupOfficer, Signup, MeetupMessage, CalendarFeed,
    PushSubscription, Notification, Delivery,
    SectorMap, SectorRetirement, SectorMove,
    Login, LoginFailure,
    Invite, Setting, StaffFactor, RecoveryCode, CentreRetirement, StaffPasskey, MonthlyVisits,
]

__all__ = [model.__name__ for model in ALL_MODELS] + ["ALL_MODELS", "BaseModel", "JSONField", "utcnow"]
