"""Who receives what: a local identity's activities go to its accepted remote followers.

One delivery per inbox: followers on the same server that publish a shared inbox get
one copy there (Mastodon, Mobilizon and Convene all do), the others each get theirs.
The lifecycle hooks call this inside the request's transaction: it only writes outbox
rows, which commit (or roll back) with the change that caused them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from plugins.federation_activitypub.activities import event_activity, event_deletion
from plugins.federation_activitypub.actors import local_actor
from plugins.federation_activitypub.delivery import enqueue_delivery
from plugins.federation_activitypub.models import ApActor, ApFollow

FEDERATED_VISIBILITIES = ("public", "unlisted")


async def follower_inboxes(session: AsyncSession, identity_id: int) -> list[str]:
    """The inboxes that reach every accepted remote follower once."""
    rows = await session.execute(
        select(ApActor.inbox, ApActor.shared_inbox)
        .join(ApFollow, ApFollow.follower_id == ApActor.identity_id)
        .where(ApFollow.followed_id == identity_id, ApFollow.accepted, ApActor.private_key_pem.is_(None))
    )
    return sorted({shared or inbox for inbox, shared in rows if shared or inbox})


async def send_to_followers(ctx: Ctx, identity: Identity, activity: dict[str, Any]) -> int:
    """Queue ``activity`` for each follower inbox; returns how many deliveries were queued."""
    inboxes = await follower_inboxes(ctx.session, identity.id)
    if inboxes:
        sender = await local_actor(ctx.session, ctx.settings, identity)
        for inbox in inboxes:
            await enqueue_delivery(ctx.session, inbox, activity, sender)
    return len(inboxes)


def federates(event: Event) -> bool:
    """Local, published, and public or unlisted: private events never leave the instance."""
    return event.organizer.is_local and not event.draft and event.visibility in FEDERATED_VISIBILITIES


async def event_changed(ctx: Ctx, event: Event, kind: str) -> None:
    """Create (published) or Update (edited, cancelled) of a local event, to its organiser's followers."""
    if federates(event):
        await send_to_followers(ctx, event.organizer, event_activity(ctx.settings, event, kind))


async def event_deleted(ctx: Ctx, event: Event) -> None:
    if federates(event):
        await send_to_followers(ctx, event.organizer, event_deletion(ctx.settings, event))
