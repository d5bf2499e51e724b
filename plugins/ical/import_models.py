"""The import side's tables: calendars an identity subscribes to, and what each import made.

``ImportedEvent`` remembers, per identity and per source (an uploaded file, or one
subscription's URL), which of our events an upstream UID (and, for one occurrence of a
recurring event, its RECURRENCE-ID) became, so a second import of the same calendar
updates those events instead of making new ones, and an event that left the calendar
can be found and cancelled. The key is a hash because UIDs and URLs are long and
strangers choose them; the readable parts are kept beside it. When someone deletes an
imported event, its row stays with ``event_id`` None, so the next refresh does not
bring the event back.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow

URL_MAX = 2000
UPLOAD_SOURCE = "upload"  # the source of every uploaded file of an identity: one re-upload updates the last


class CalendarSubscription(Base):
    """An identity's subscription to a calendar URL, fetched again every ``import_refresh_minutes``."""

    __tablename__ = "ical_subscriptions"
    __table_args__ = (UniqueConstraint("identity_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    publish: Mapped[bool] = mapped_column(Boolean, default=False)
    # the validators the server gave with the last calendar read, sent back to get a 304
    etag: Mapped[str] = mapped_column(String(500), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_fetch_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # "" (never fetched), "imported", "not_modified" or "failed"
    last_status: Mapped[str] = mapped_column(String(20), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    # the last import's counts and its errors ({"line": n, "message": text}), shown to the importer
    last_summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # a refresh under way (queued or running) holds the subscription: see plugins.ical.claims
    importing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))


class ImportedEvent(Base):
    """One upstream event (or occurrence) and the event of ours it became."""

    __tablename__ = "ical_imported_events"
    __table_args__ = (UniqueConstraint("identity_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(URL_MAX))
    uid: Mapped[str] = mapped_column(String(1000))
    recurrence_id: Mapped[str] = mapped_column(String(40), default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    # a hash of what the import last set, so an unchanged VEVENT costs no update
    digest: Mapped[str] = mapped_column(String(64), default="")
    begins_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def import_key(source: str, uid: str, recurrence_id: str) -> str:
    """The hash that names one upstream event of one source (unique per identity)."""
    return hashlib.sha256("\x00".join((source, uid, recurrence_id)).encode()).hexdigest()
