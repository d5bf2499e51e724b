"""The federation plugin's tables. Core knows nothing of them.

Local identities and events keep their core rows; these tables add what ActivityPub
needs beside them: actor keys and endpoints, the mapping between ActivityPub ids and
local rows (including tombstones, so a Delete that arrives before its Create is
remembered), follows, received activities (for idempotence) and domain health.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow


class ApActor(Base):
    """ActivityPub details of an identity: keys for local ones, endpoints and key for remote ones."""

    __tablename__ = "ap_actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), unique=True)
    ap_id: Mapped[str] = mapped_column(String(2000), unique=True)
    inbox: Mapped[str] = mapped_column(String(2000), default="")
    shared_inbox: Mapped[str] = mapped_column(String(2000), default="")
    followers_url: Mapped[str] = mapped_column(String(2000), default="")
    key_id: Mapped[str] = mapped_column(String(2000), default="")
    public_key_pem: Mapped[str] = mapped_column(Text, default="")
    private_key_pem: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000), default="")
    icon_url: Mapped[str] = mapped_column(String(2000), default="")
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApObject(Base):
    """An ActivityPub id and the local row it stands for (``deleted_at`` set: a tombstone)."""

    __tablename__ = "ap_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    ap_id: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # event | comment | participation
    local_id: Mapped[int | None] = mapped_column(Integer, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApFollow(Base):
    """One identity follows another (either may be remote); accepted once the followed side says so."""

    __tablename__ = "ap_follows"
    __table_args__ = (UniqueConstraint("follower_id", "followed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    followed_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[str] = mapped_column(String(2000))
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApInboxActivity(Base):
    """An inbound activity, stored when it arrives: the same id twice has one effect."""

    __tablename__ = "ap_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(2000), unique=True)
    actor: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)  # for the purge
    outcome: Mapped[str] = mapped_column(String(500), default="")


class ApDomain(Base):
    """Delivery health of a remote domain: failing for days makes it unavailable until it speaks again."""

    __tablename__ = "ap_domains"

    domain: Mapped[str] = mapped_column(String(300), primary_key=True)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unavailable: Mapped[bool] = mapped_column(Boolean, default=False)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
