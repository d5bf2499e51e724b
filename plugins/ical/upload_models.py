"""An uploaded calendar file waiting for (or done with) its import in the background.

An upload is imported by an outbox job (background.py), not inside the request: a
large calendar takes minutes. The file's bytes are kept only until that import ends
(``data`` is then emptied); the report (``summary``: counts and errors with their
lines) stays for the importer to read, and only the newest ``KEPT_UPLOADS`` of an
identity are kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow

KEPT_UPLOADS = 10  # reports of an identity's uploads kept (the oldest finished ones go first)


class UploadedCalendar(Base):
    """One uploaded .ics file and the outcome of its import."""

    __tablename__ = "ical_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    publish: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once imported (or refused)
    size: Mapped[int] = mapped_column(default=0)
    # "waiting" (queued), "importing", "imported" or "failed" (refused as a whole: ``error``)
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    error: Mapped[str] = mapped_column(Text, default="")
    # the import's counts and its errors ({"line": n, "message": text}), as a subscription keeps them
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the job importing it holds it: see plugins.ical.claims
    importing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
