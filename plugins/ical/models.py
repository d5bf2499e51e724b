"""The calendar plugin's tables: the secret addresses of members' private feeds.

(Imports keep theirs in import_models.py.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow


class FeedToken(Base):
    """The secret of a private feed: an account's (``identity_id`` None: the events of all its
    identities, which only that account ever reads) or one identity's.

    The address's secret is an HMAC of ``nonce`` with the instance's secret key
    (plugins.ical.tokens), so the settings page can show it again while a copy of the
    database alone gives nobody the feeds; ``secret_hash`` (its SHA-256) finds the row
    from an address. A new nonce replaces the old one: the old address stops at once."""

    __tablename__ = "ical_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
