"""The policy's table: the hourly counts of published events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime


class PublishedCount(Base):
    __tablename__ = "testkit_policy_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published: Mapped[int]
