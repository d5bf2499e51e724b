"""The tables of anonymous participation: who joined an event with an address, and which events allow it."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, UTCDateTime, utcnow
from core.events.models import Event

# unconfirmed: the link was mailed, not opened; it counts for nothing and is purged after a while.
# participant: counted (a place taken); not_approved: waits for the organiser; rejected: declined.
ANONYMOUS_ROLES = ("unconfirmed", "participant", "not_approved", "rejected")


class AnonymousParticipation(Base):
    """A person without an account who joined ``event`` with ``email``: one live row per (event, address).

    The address is kept lowercased so the same person cannot hold two places by changing
    the case; it is only ever used to write to them, never shown or federated.
    """

    __tablename__ = "email_anonymous_participations"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(Uuid, unique=True, default=uuid_module.uuid4)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(String(1000), default="")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    role: Mapped[str] = mapped_column(String(20), default="unconfirmed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the reminder before the event went (cleared when the event's start moves, so it goes again)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when the organiser was told of this request to join (at once, or in their hourly digest)
    request_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship(lazy="joined")


class AnonymousEvent(Base):
    """The per-event switch: a row means the organiser lets people join this event with an address."""

    __tablename__ = "email_anonymous_events"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
