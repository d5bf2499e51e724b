"""Forgetting what the inbox no longer needs: old processed activities, expired retired keys.

``ap_inbox`` keeps each received activity so that one sent again (a peer retrying a
delivery it thinks failed) is recognised by its id and processed once. Peers retry
for about two days, so a processed activity is kept ``inbox_retention_days`` (at
least a week, 30 days by default) and then deleted. Activities not yet processed are
never deleted. Replay protection does not depend on these rows: a captured signed
request is refused by ``replay.py`` until its signature is too old to be accepted.

There is no hook for periodic plugin work, and every processed activity already
passes through the worker; so the worker purges here, after each activity, at most
``BATCH`` rows at a time (an indexed range on ``received_at``, nothing to do most
times). An instance that receives nothing accumulates nothing, and one that receives
much purges as much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from plugins.federation_activitypub import retired_keys
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.models import ApInboxActivity

BATCH = 500


@dataclass(frozen=True)
class Purged:
    activities: int
    keys: int


async def purge(session: AsyncSession, config: FederationConfig, batch: int = BATCH) -> Purged:
    """Delete up to ``batch`` processed activities older than the retention, and the expired keys."""
    cutoff = utcnow() - timedelta(days=config.inbox_retention_days)
    oldest = (select(ApInboxActivity.id)
              .where(ApInboxActivity.received_at < cutoff, ApInboxActivity.outcome != "")
              .order_by(ApInboxActivity.received_at).limit(batch))
    result = await session.execute(
        delete(ApInboxActivity).where(ApInboxActivity.id.in_(oldest)).execution_options(synchronize_session=False))
    return Purged(result.rowcount, await retired_keys.forget_expired(session))
