"""A local actor's collections: followers, following (counts) and outbox (its public events).

Follower lists are not published, only their size, as Mastodon does by default: who
follows whom is the followers' business. The outbox shows the latest public events as
the Create activities that announced them, so a server discovering an identity can
fill its page: those an anonymous reader may see here (core.events.listing), so what
a plugin hides is not shown there either.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from sqlalchemy import func, select

from core.context import Ctx
from core.events.listing import SHOWS_EVENTS, visible_events
from core.events.models import Event
from plugins.federation_activitypub.activities import AS_CONTEXT, carrying
from plugins.federation_activitypub.actors import local_actor_urls
from plugins.federation_activitypub.discovery import ap_response
from plugins.federation_activitypub.documents import EVENT_CONTEXT
from plugins.federation_activitypub.follows import local_identity_by_handle
from plugins.federation_activitypub.models import ApFollow
from plugins.federation_activitypub.outgoing import event_out

OUTBOX_ITEMS = 20


def _collection(collection_id: str, total: int, items: list[Any] | None = None, context: Any = AS_CONTEXT) -> Response:
    document: dict[str, Any] = {"@context": context, "id": collection_id, "type": "OrderedCollection",
                                "totalItems": total}
    if items is not None:
        document["orderedItems"] = items
    return ap_response(document)


def _not_found() -> Response:
    return ap_response({"error": "no such actor"}, status_code=404)


async def _follow_collection(ctx: Ctx, handle: str, name: str, side: Any) -> Response:
    """``followers`` or ``following``: the accepted follows on ``side`` of this identity, counted."""
    identity = await local_identity_by_handle(ctx, handle)
    if identity is None:
        return _not_found()
    accepted = select(func.count()).select_from(ApFollow).where(side == identity.id, ApFollow.accepted)
    total = await ctx.session.scalar(accepted)
    return _collection(local_actor_urls(ctx.settings, identity.username)[name], total or 0)


@get("/{handle:str}/followers", include_in_schema=False)
async def followers(ctx: Ctx, handle: str) -> Response:
    return await _follow_collection(ctx, handle, "followers", ApFollow.followed_id)


@get("/{handle:str}/following", include_in_schema=False)
async def following(ctx: Ctx, handle: str) -> Response:
    return await _follow_collection(ctx, handle, "following", ApFollow.follower_id)


@get("/{handle:str}/outbox", include_in_schema=False, opt=SHOWS_EVENTS)
async def outbox(ctx: Ctx, handle: str) -> Response:
    identity = await local_identity_by_handle(ctx, handle)
    if identity is None:
        return _not_found()
    public = await visible_events(ctx, select(Event).where(Event.organizer_id == identity.id, Event.visibility == "public"))
    total = await ctx.session.scalar(select(func.count()).select_from(public.subquery()))
    events = await ctx.session.scalars(public.order_by(Event.published_at.desc(), Event.id.desc()).limit(OUTBOX_ITEMS))
    items = [{k: v for k, v in carrying(await event_out(ctx, event), "Create").items() if k != "@context"}
             for event in events]
    return _collection(local_actor_urls(ctx.settings, identity.username)["outbox"], total or 0, items, EVENT_CONTEXT)


def collection_handlers() -> list[Any]:
    return [followers, following, outbox]
