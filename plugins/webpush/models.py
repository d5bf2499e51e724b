"""The Web Push plugin's tables: the devices that asked for pushes, and the instance's VAPID key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow

ENDPOINT_MAX = 2048


class PushSubscription(Base):
    """A browser's push subscription for an account: where to post, and the keys to encrypt with.

    The endpoint is a capability URL of the push service (whoever knows it may post to
    the device), so it is never shown back beyond its origin. One endpoint belongs to
    one account: a browser that signs in to another account and subscribes moves there.
    """

    __tablename__ = "webpush_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(ENDPOINT_MAX), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))  # base64url of the browser's P-256 public key
    auth: Mapped[str] = mapped_column(String(40))  # base64url of the 16-byte authentication secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VapidKey(Base):
    """The instance's VAPID key when the config gives none: one row, made on first use, never changed
    (browsers' subscriptions are bound to it)."""

    __tablename__ = "webpush_vapid_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
