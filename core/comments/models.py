from __future__ import annotations

import uuid as uuid_module
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, UTCDateTime, utcnow
from core.i18n import StoredMessage
from core.identities.models import Identity


class Comment(Base):
    """A comment or a reply. A deleted comment keeps its row (text emptied) so replies keep their thread."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid_module.UUID] = mapped_column(Uuid, unique=True, default=uuid_module.uuid4)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id", ondelete="SET NULL"), index=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # held for a moderator's review: shown to its author alone until released
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_reasons: Mapped[list[StoredMessage]] = mapped_column(JSON, default=list)
    # True when the comment was shown before an edit was held (its release is an update, not a new comment)
    held_edit: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[Identity | None] = relationship(lazy="joined")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
