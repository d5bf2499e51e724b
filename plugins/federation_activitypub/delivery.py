"""Delivery: one durable outbox row per target inbox, signed and posted by the worker.

The answer decides what happens next:

- 2xx: delivered;
- 429, 5xx, no answer at all: raise, and the outbox retries with back-off (~2 days);
- any other status (404, 410, 401...), or a destination our policy or the guarded
  client refuses: ``PermanentFailure``, because trying again cannot help. The policy
  is asked when the row runs, so a domain blocked after its rows were queued gets
  nothing more.

Each domain's health is kept in ``ApDomain``: its first failure starts
``failing_since``; once it has failed for ``unavailable_after_hours`` it is marked
unavailable and its deliveries are dropped at once, until it sends us a signed
activity (the inbox clears the mark) or answers a delivery again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Ctx
from core.db.base import utcnow
from core.db.insert_new import insert_new
from core.guarded_http import BlockedDestination, FetchError, host_of
from core.outbox import OutboxRow, PermanentFailure, enqueue_all
from plugins.federation_activitypub.instance import Federation, federation
from plugins.federation_activitypub.keys import load_private_key
from plugins.federation_activitypub.models import ApActor, ApDomain
from plugins.federation_activitypub.policy import permits
from plugins.federation_activitypub.retired_keys import ApRetiredKey, retired_key
from plugins.federation_activitypub.signatures import Signer

DELIVER_JOB = "ap_deliver"


class DeliveryFailed(Exception):
    """The inbox did not take the activity this time; the outbox will try again later."""


async def enqueue_deliveries(
    session: AsyncSession, inboxes: Sequence[str], activity: dict[str, Any], sender: ApActor
) -> list[OutboxRow]:
    """Send ``activity`` to each inbox signed by ``sender``, once the transaction commits.

    One outbox row per inbox, written in one batch (a fan-out to thousands of servers
    must not cost a statement each). ``sender`` comes from ``actors.local_actor``: its
    key exists before any delivery needs it, so concurrent deliveries never race to make it.
    """
    payloads = [{"inbox": inbox, "activity": activity, "identity_id": sender.identity_id} for inbox in inboxes]
    return await enqueue_all(session, DELIVER_JOB, payloads)


async def enqueue_delivery(session: AsyncSession, inbox: str, activity: dict[str, Any], sender: ApActor) -> OutboxRow:
    """``enqueue_deliveries`` to one inbox."""
    return (await enqueue_deliveries(session, [inbox], activity, sender))[0]


async def deliver(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``ap_deliver`` outbox handler."""
    session, instance = ctx.session, federation(ctx)
    inbox = payload["inbox"]
    domain = await _destination(session, instance, inbox)
    health = await session.get(ApDomain, domain)
    if health is not None and health.unavailable:
        raise PermanentFailure(f"{domain} is unavailable (failing since {health.failing_since}); skipped")
    signer = await _signer(session, payload["identity_id"])
    try:
        response = await instance.client().post(inbox, msgspec.json.encode(payload["activity"]), signer=signer)
    except BlockedDestination as exc:
        raise PermanentFailure(f"{inbox}: {exc.reason}") from exc
    except FetchError as exc:
        await _record_failure(session, instance, domain)
        raise DeliveryFailed(f"{inbox}: {exc.reason}") from exc
    if response.status == 429 or response.status >= 500:
        await _record_failure(session, instance, domain)
        raise DeliveryFailed(f"{inbox} answered HTTP {response.status}")
    await _record_success(session, domain)
    if not 200 <= response.status < 300:
        raise PermanentFailure(f"{inbox} answered HTTP {response.status}")


async def _destination(session: AsyncSession, instance: Federation, inbox: str) -> str:
    """The inbox's domain, if the federation policy lets us post there now (not when it was queued)."""
    try:
        domain = host_of(inbox)
    except FetchError as exc:
        raise PermanentFailure(f"{inbox}: {exc.reason}") from exc
    if not await permits(session, instance.config, domain):
        raise PermanentFailure(f"{domain} is blocked by this instance's federation policy")
    return domain


async def _signer(session: AsyncSession, identity_id: int) -> Signer:
    """The sender's key; a deleted identity's retired key for what it queued before it went."""
    key: ApActor | ApRetiredKey | None = await session.scalar(select(ApActor).where(ApActor.identity_id == identity_id))
    if key is None or key.private_key_pem is None:
        key = await retired_key(session, identity_id)
    if key is None or key.private_key_pem is None:
        raise PermanentFailure(f"identity {identity_id} no longer exists to sign this delivery")
    return _cached_signer(key.key_id, key.private_key_pem)


@lru_cache(maxsize=1024)
def _cached_signer(key_id: str, private_key_pem: str) -> Signer:
    """Loading a PEM costs more than signing: keep the loaded keys of active senders."""
    return Signer(key_id, load_private_key(private_key_pem))


async def _record_failure(session: AsyncSession, instance: Federation, domain: str) -> None:
    """Start or extend the domain's failing period; committed now, since the handler then raises."""
    await insert_new(session, ApDomain.domain, {"domain": domain, "unavailable": False})
    row = await session.get_one(ApDomain, domain, populate_existing=True)
    now = utcnow()
    row.failing_since = row.failing_since or now
    if now - row.failing_since >= timedelta(hours=instance.config.unavailable_after_hours):
        row.unavailable = True
    await session.commit()


async def _record_success(session: AsyncSession, domain: str) -> None:
    """The domain answered: it is healthy (a 4xx is an answer too); committed now, before any raise."""
    values = {"failing_since": None, "unavailable": False, "last_success_at": utcnow()}
    if await insert_new(session, ApDomain.domain, {"domain": domain, **values}) is None:
        await session.execute(update(ApDomain).where(ApDomain.domain == domain).values(**values))
    await session.commit()
