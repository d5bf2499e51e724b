"""What the notifications keep: each identity's choices, and changes waiting to settle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow


class NotificationPreference(Base):
    """An identity's choice for a topic; a topic without a row has its default."""

    __tablename__ = "notification_preferences"

    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class EventChangeNotice(Base):
    """An edit of an event's time or place that participants are told of once the edits settle.

    ``previous`` keeps the values from before the first edit of the series, so several
    saves in a row make one message that compares the first state with the last, and
    edits that put everything back make none. ``due_at`` moves on with every save.
    """

    __tablename__ = "event_change_notices"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
