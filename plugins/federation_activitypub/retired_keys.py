"""Keys of deleted local identities, kept only while deliveries they signed may still be retried.

Deleting an identity deletes its ``ApActor`` row (a foreign-key cascade), private key
included, in the same transaction that queued its last deliveries: Delete of its
events and Delete of the identity itself. Those are sent after the commit, and
retried for up to ``KEEP``, so the key is copied here first; the delivery job signs
with it when the actor row is gone. Followers verify with the public key they hold,
since ``/@name`` no longer answers. The copy is forgotten once no retry can need it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, Text, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, rowcount, utcnow
from core.outbox import MAX_ATTEMPTS, backoff
from plugins.federation_activitypub.models import ApActor

# every wait of the outbox's back-off, and a day of margin for a worker that was down
KEEP = sum((backoff(attempt) for attempt in range(1, MAX_ATTEMPTS)), timedelta(days=1))


class ApRetiredKey(Base):
    __tablename__ = "ap_retired_keys"

    identity_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key_id: Mapped[str] = mapped_column(String(2000))
    private_key_pem: Mapped[str] = mapped_column(Text)
    keep_until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


async def retire(session: AsyncSession, actor: ApActor) -> None:
    """Keep ``actor``'s key for the deliveries queued before its identity goes."""
    if actor.private_key_pem is None:
        return
    # an id SQLite gave again after its identity was deleted replaces that identity's key
    await session.execute(delete(ApRetiredKey).where(ApRetiredKey.identity_id == actor.identity_id))
    session.add(ApRetiredKey(identity_id=actor.identity_id, key_id=actor.key_id,
                             private_key_pem=actor.private_key_pem, keep_until=utcnow() + KEEP))
    await session.flush()


async def retired_key(session: AsyncSession, identity_id: int) -> ApRetiredKey | None:
    return await session.get(ApRetiredKey, identity_id)


async def forget_expired(session: AsyncSession) -> int:
    """Drop the keys no retry can need any more; returns how many."""
    result = await session.execute(delete(ApRetiredKey).where(ApRetiredKey.keep_until < utcnow()))
    return rowcount(result)
