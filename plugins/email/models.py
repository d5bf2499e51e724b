"""The email plugin's tables: permanent refusals, and addresses that want no shared events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow


class EmailRefusal(Base):
    """A mail the SMTP server refused for good (5xx), or an address we refused to send to.

    Kept so an operator sees why someone got nothing, and so later sessions (unsubscribe,
    hard bounces) can stop mailing an address that bounces. Not retried.
    """

    __tablename__ = "email_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(String(320), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    # RCPT TO, DATA, or "address" for one we would not send to (header injection, several addresses)
    stage: Mapped[str] = mapped_column(String(20))
    code: Mapped[int] = mapped_column(Integer, default=0)
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShareOptOut(Base):
    """An address that asked for no more "shared an event with you" mails from this instance.

    Kept as a hash of the address (lower case): the table tells whether an address opted
    out, but lists nobody's address. The opt-out link carries the same hash, signed.
    """

    __tablename__ = "email_share_opt_outs"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
