"""Forgetting what federation no longer needs, as a periodic task of the workers.

``ap_inbox`` keeps each received activity so that one sent again (a peer retrying a
delivery it thinks failed) is recognised by its id and processed once. Peers retry
for about two days, so a processed activity is kept ``inbox_retention_days`` (at
least a week, 30 days by default) and then deleted. Activities not yet processed are
never deleted. Replay protection does not depend on these rows: a captured signed
request is refused by ``replay.py`` until its signature is too old to be accepted,
and its row goes then. Keys of deleted identities go once no retry can need them.

Old rows go in batches of ``BATCH``, each committed on its own (short locks), until
a batch comes back short or ``MAX_BATCHES`` were deleted: a backlog drains over a few
runs instead of holding the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Ctx
from core.db.base import rowcount, utcnow
from core.periodic import PeriodicTask
from plugins.federation_activitypub import retired_keys
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.instance import PLUGIN_NAME
from plugins.federation_activitypub.models import ApInboxActivity
from plugins.federation_activitypub.replay import forget_expired

BATCH = 500
MAX_BATCHES = 20
EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class Purged:
    activities: int
    keys: int


async def purge(session: AsyncSession, config: FederationConfig) -> Purged:
    """Delete the processed activities older than the retention (batch by batch), and what expired."""
    cutoff = utcnow() - timedelta(days=config.inbox_retention_days)
    oldest = (select(ApInboxActivity.id)
              .where(ApInboxActivity.received_at < cutoff, ApInboxActivity.outcome != "")
              .order_by(ApInboxActivity.received_at).limit(BATCH))
    activities = 0
    for _ in range(MAX_BATCHES):
        result = await session.execute(
            delete(ApInboxActivity).where(ApInboxActivity.id.in_(oldest)).execution_options(synchronize_session=False))
        await session.commit()
        activities += rowcount(result)
        if rowcount(result) < BATCH:
            break
    await forget_expired(session)
    return Purged(activities, await retired_keys.forget_expired(session))


async def _purge(ctx: Ctx) -> None:
    await purge(ctx.session, ctx.config(PLUGIN_NAME))


PURGE_TASK = PeriodicTask(f"{PLUGIN_NAME}.purge", EVERY, _purge)
