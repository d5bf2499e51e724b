"""Imports every core model so the metadata is complete (migrations, tests)."""

from core.accounts.models import Account, AccountToken, Credential
from core.comments.models import Comment
from core.db.base import Base
from core.events.models import DeletedEvent, Event, Participation, Tag
from core.identities.models import Identity
from core.outbox import OutboxRow
from core.periodic import PeriodicRun
from core.ratelimit import RateCounter

metadata = Base.metadata

__all__ = ["Account", "AccountToken", "Comment", "Credential", "DeletedEvent", "Event", "Identity", "OutboxRow",
           "Participation", "PeriodicRun", "RateCounter", "Tag", "metadata"]
