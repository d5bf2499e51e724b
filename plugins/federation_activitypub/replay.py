"""Replay protection: a signed request is accepted once, however often it is sent again.

A captured request stays valid until its signature is too old (``signatures.MAX_AGE``),
so its ``replay_key`` is remembered until then and a second arrival is refused. Rows
past their ``valid_until`` are forgotten by the worker: the signature check itself
refuses those requests by then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow
from core.db.insert_new import insert_new
from plugins.federation_activitypub.signatures import VerifiedSignature


class ApSeenSignature(Base):
    __tablename__ = "ap_seen_signatures"

    replay_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


async def first_use(session: AsyncSession, verified: VerifiedSignature) -> bool:
    """Record the signature; False when it was seen before (a replay)."""
    values = {"replay_key": verified.replay_key, "valid_until": verified.valid_until}
    return await insert_new(session, ApSeenSignature.replay_key, values) is not None


async def forget_expired(session: AsyncSession) -> None:
    await session.execute(delete(ApSeenSignature).where(ApSeenSignature.valid_until < utcnow()))
