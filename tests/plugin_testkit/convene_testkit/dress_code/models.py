"""The dress code of each event that has one."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class EventDressCode(Base):
    __tablename__ = "testkit_dress_codes"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    dress_code: Mapped[str] = mapped_column(String(40))
