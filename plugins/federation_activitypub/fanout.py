"""Who receives what: a local identity's activities go to its accepted remote followers.

A local event's changes also go to its remote participants, whose servers hold a copy
of it whether or not anyone there follows the organiser. One delivery per inbox:
actors on the same server that publish a shared inbox get one copy there (Mastodon,
Mobilizon and Convene all do), the others each get theirs.
The lifecycle hooks call this inside the request's transaction: it only writes outbox
rows, which commit (or roll back) with the change that caused them.

Private events never leave the instance, so an event made private is withdrawn from
the servers that hold a copy with the Delete they would get if it were deleted, and
one made public or unlisted again is sent to them anew, as a Create: an Update of an
object they do not hold is ignored by Mastodon, for one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Ctx
from core.events.models import Event, Participation
from core.identities.models import Identity
from plugins.federation_activitypub.activities import (
    carrying,
    event_deletion,
    event_recreation,
    event_withdrawal,
)
from plugins.federation_activitypub.actors import local_actor
from plugins.federation_activitypub.delivery import enqueue_deliveries
from plugins.federation_activitypub.models import ApActor, ApFollow
from plugins.federation_activitypub.outgoing import event_out

FEDERATED_VISIBILITIES = ("public", "unlisted")


async def follower_inboxes(session: AsyncSession, identity_id: int) -> list[str]:
    """The inboxes that reach every accepted remote follower once."""
    rows = await session.execute(
        select(ApActor.inbox, ApActor.shared_inbox)
        .join(ApFollow, ApFollow.follower_id == ApActor.identity_id)
        .where(ApFollow.followed_id == identity_id, ApFollow.accepted, ApActor.private_key_pem.is_(None))
    )
    return sorted({shared or inbox for inbox, shared in rows if shared or inbox})


async def participant_inboxes(session: AsyncSession, event_id: int) -> list[str]:
    """The inboxes that reach every remote participant of an event once (pending ones too)."""
    rows = await session.execute(
        select(ApActor.inbox, ApActor.shared_inbox)
        .join(Participation, Participation.identity_id == ApActor.identity_id)
        .where(Participation.event_id == event_id, ApActor.private_key_pem.is_(None))
    )
    return sorted({shared or inbox for inbox, shared in rows if shared or inbox})


async def send_to_followers(ctx: Ctx, identity: Identity, activity: dict[str, Any], also: Sequence[str] = ()) -> int:
    """Queue ``activity`` for each follower inbox and the ``also`` ones; returns how many were queued."""
    inboxes = sorted(set(await follower_inboxes(ctx.session, identity.id)) | set(also))
    if inboxes:
        sender = await local_actor(ctx.session, ctx.settings, identity)
        await enqueue_deliveries(ctx.session, inboxes, activity, sender)
    return len(inboxes)


def published_here(event: Event) -> bool:
    """Local, published and not held for review: other servers may hold a copy, unless it was private all along."""
    return event.organizer.is_local and not event.draft and event.held_at is None


def federates(event: Event) -> bool:
    """Local, published, and public or unlisted: private events never leave the instance."""
    return published_here(event) and event.visibility in FEDERATED_VISIBILITIES


async def send_about_event(ctx: Ctx, event: Event, activity: dict[str, Any]) -> None:
    """To every server that holds a copy of the event: its organiser's followers' and its remote participants'."""
    participants = await participant_inboxes(ctx.session, event.id)
    await send_to_followers(ctx, event.organizer, activity, also=participants)


async def event_changed(ctx: Ctx, event: Event, kind: str) -> None:
    """Create (published) or Update (cancelled) of a local event, to followers and participants."""
    if federates(event):
        await send_about_event(ctx, event, carrying(await event_out(ctx, event), kind))


async def event_edited(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    """Update of an edited local event; Delete when it was made private, Create when it was private."""
    if not published_here(event):
        return
    if "visibility" in changed and event.visibility == "private":
        activity = event_withdrawal(ctx.settings, event)  # it was public or unlisted: servers hold a copy
    elif changed.get("visibility") == "private":
        activity = event_recreation(await event_out(ctx, event))  # servers dropped their copy, or never had one
    elif federates(event):
        activity = carrying(await event_out(ctx, event), "Update")
    else:
        return
    await send_about_event(ctx, event, activity)


async def event_deleted(ctx: Ctx, event: Event) -> None:
    if federates(event):
        await send_about_event(ctx, event, event_deletion(ctx.settings, event))
