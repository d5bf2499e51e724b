"""The moderation plugin's tables: suspended identities, and the log of what moderators did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow


class Suspension(Base):
    __tablename__ = "testkit_suspensions"

    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    suspended_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ModerationLog(Base):
    """One line per moderator action on what is not theirs: who, what, on which thing."""

    __tablename__ = "testkit_moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(100))
