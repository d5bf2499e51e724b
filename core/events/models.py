from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, UTCDateTime, utcnow
from core.i18n import StoredMessage
from core.identities.models import Identity

# Mobilizon's category list, so categories survive federation both ways.
CATEGORIES = (
    "ARTS", "BOOK_CLUBS", "BUSINESS", "CAUSES", "COMEDY", "CRAFTS", "FOOD_DRINK", "HEALTH",
    "MUSIC", "AUTO_BOAT_AIR", "COMMUNITY", "FAMILY_EDUCATION", "FASHION_BEAUTY", "FILM_MEDIA",
    "GAMES", "LANGUAGE_CULTURE", "LEARNING", "LGBTQ", "MOVEMENTS_POLITICS", "NETWORKING",
    "PARTY", "PERFORMING_VISUAL_ARTS", "PETS", "PHOTOGRAPHY", "OUTDOORS_ADVENTURE",
    "SPIRITUALITY_RELIGION_BELIEFS", "SCIENCE_TECH", "SPORTS", "THEATRE", "MEETING",
)
VISIBILITIES = ("public", "unlisted", "private")
JOIN_MODES = ("free", "restricted", "external")
# what an organiser sets; "cancelled" comes only from cancelling the event
EditableStatus = Literal["tentative", "confirmed"]
STATUSES = (*get_args(EditableStatus), "cancelled")
# Roles as Mobilizon names them. Attending roles take a place, except the creator's.
ROLES = ("creator", "administrator", "moderator", "participant", "not_approved", "rejected")
ATTENDING_ROLES = ("creator", "administrator", "moderator", "participant")
COUNTED_ROLES = ("administrator", "moderator", "participant")

event_tags = Table(
    "event_tags",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(50))


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_listing", "draft", "visibility", "begins_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(Uuid, unique=True, default=uuid_module.uuid4)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    begins_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # the physical address, flattened: one place per event
    address_name: Mapped[str] = mapped_column(String(200), default="")
    address_street: Mapped[str] = mapped_column(String(200), default="")
    address_postal_code: Mapped[str] = mapped_column(String(20), default="")
    address_locality: Mapped[str] = mapped_column(String(100), default="")
    address_region: Mapped[str] = mapped_column(String(100), default="")
    address_country: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    online_url: Mapped[str] = mapped_column(String(500), default="")
    banner: Mapped[str | None] = mapped_column(String(300))
    # a picture another server serves (a remote event's banner), shown by its https URL when no banner was uploaded
    banner_url: Mapped[str] = mapped_column(String(2000), default="")
    # what the event links to besides its online address (a remote event's attachments): {name, url, media_type}
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(40), default="MEETING")
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    join_mode: Mapped[str] = mapped_column(String(20), default="free")
    external_participation_url: Mapped[str] = mapped_column(String(500), default="")
    max_participants: Mapped[int | None] = mapped_column(Integer)
    # confirmed places taken; changed only by conditional UPDATEs so capacity holds under concurrency
    participant_count: Mapped[int] = mapped_column(Integer, default=0)
    comments_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    draft: Mapped[bool] = mapped_column(Boolean, default=True)
    cancellation_message: Mapped[str] = mapped_column(String(1000), default="")
    # held for a moderator's review (core.events.service): shown to nobody but its organiser until released
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_reasons: Mapped[list[StoredMessage]] = mapped_column(JSON, default=list)
    # what changed since it was last shown, with the values shown then; None when it was never shown
    held_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # how many times what people see of the event changed (not its count of participants): calendars
    # take a copy with a higher number as the newer one (RFC 5545 SEQUENCE), whatever the clocks say
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organizer: Mapped[Identity] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=event_tags, lazy="selectin", order_by=Tag.slug)

    @property
    def has_address(self) -> bool:
        return bool(self.address_name or self.address_street or self.address_locality)

    @property
    def remaining_places(self) -> int | None:
        if self.max_participants is None:
            return None
        return max(self.max_participants - self.participant_count, 0)

    @property
    def is_full(self) -> bool:
        return self.remaining_places == 0

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


# "not over yet" is coalesce(ends_at, begins_at) >= now: with this index, counting upcoming events is a range scan
Index("ix_events_upcoming", Event.draft, Event.visibility, func.coalesce(Event.ends_at, Event.begins_at))


class DeletedEvent(Base):
    """The address of a deleted event that anyone could read: kept (and nothing else of the
    event) so the page says "this event was deleted" (410) rather than "no such page" (404)
    to people following an old link."""

    __tablename__ = "deleted_events"

    uuid: Mapped[uuid_module.UUID] = mapped_column(Uuid, primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Participation(Base):
    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("event_id", "identity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(Uuid, unique=True, default=uuid_module.uuid4)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # when the participant was reminded of the event (cleared when its time moves)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when the organiser was told of this request (at once, or in their hourly digest)
    request_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship(lazy="joined")
    identity: Mapped[Identity] = relationship(lazy="joined")

    @property
    def takes_a_place(self) -> bool:
        return self.role in COUNTED_ROLES


class Announcement(Base):
    """A message an organiser wrote to the people of an event: mailed to them, and shown to
    them (and only them) on the event page. ``audience``: going, pending or all."""

    __tablename__ = "event_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(Uuid, unique=True, default=uuid_module.uuid4)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
