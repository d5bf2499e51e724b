"""Imports every core model so the metadata is complete (migrations, tests)."""

from core.accounts.models import Account, AccountToken, Credential
from core.comments.models import Comment
from core.db.base import Base
from core.events.models import Announcement, DeletedEvent, Event, Participation, Tag
from core.identities.models import Identity
from core.notifications.models import EventChangeNotice, NotificationPreference
from core.outbox import OutboxRow
from core.periodic import PeriodicRun
from core.ratelimit import RateCounter

metadata = Base.metadata

__all__ = ["Account", "AccountToken", "Announcement", "Comment", "Credential", "DeletedEvent", "Event",
           "EventChangeNotice", "Identity", "NotificationPreference", "OutboxRow",
           "Participation", "PeriodicRun", "RateCounter", "Tag", "metadata"]
