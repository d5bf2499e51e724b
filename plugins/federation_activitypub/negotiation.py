"""Answering ``/@name`` and ``/events/uuid`` with ActivityStreams JSON when a server asks for it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from sqlalchemy import select

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event
from core.identities.models import Identity
from plugins.federation_activitypub.actors import local_actor
from plugins.federation_activitypub.discovery import ap_response
from plugins.federation_activitypub.documents import ACTOR_CONTEXT
from plugins.federation_activitypub.models import ApObject
from plugins.federation_activitypub.outgoing import actor_out, event_out

# what servers ask for on an actor's or an event's page URL (the page cache never answers them)
ACTIVITY_MEDIA_TYPES = ("application/activity+json", "application/ld+json")


def wants_activity_json(request: Request) -> bool:
    """``application/activity+json``, or ``application/ld+json`` (with or without the AS profile)."""
    accept = request.headers.get("accept", "").lower()
    return any(media_type in accept for media_type in ACTIVITY_MEDIA_TYPES)


async def negotiate(ctx: Ctx, request: Request, kind: str, key: str, obj: Any) -> Response | None:
    if not wants_activity_json(request):
        return None
    session, settings = ctx.session, ctx.settings
    if kind == "identity" and isinstance(obj, Identity) and obj.is_local:
        return ap_response(await actor_out(ctx, obj, await local_actor(session, settings, obj)))
    if kind == "event":
        if isinstance(obj, Event) and obj.organizer.is_local and not obj.draft and obj.visibility != "private":
            return ap_response(await event_out(ctx, obj))
        url = settings.url(f"/events/{key}")
        deleted = await session.scalar(select(ApObject.deleted_at).where(ApObject.ap_id == url,
                                                                          ApObject.deleted_at.is_not(None)))
        if deleted is not None:
            return ap_response({"@context": ACTOR_CONTEXT, "id": url, "type": "Tombstone", "formerType": "Event",
                                "deleted": deleted.isoformat().replace("+00:00", "Z")}, status_code=410)
    return ap_response({"error": "not found"}, status_code=404)


async def record_tombstone(ctx: Ctx, event: Event) -> None:
    """Remember a deleted local event so its URL answers 410 Gone with a Tombstone."""
    if not event.organizer.is_local or event.draft:
        return
    url = ctx.settings.url(f"/events/{event.uuid}")
    row = await ctx.session.scalar(select(ApObject).where(ApObject.ap_id == url))
    if row is None:
        ctx.session.add(ApObject(ap_id=url, kind="event", local_id=None, deleted_at=utcnow()))
    else:
        row.local_id, row.deleted_at = None, utcnow()
