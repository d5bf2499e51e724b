"""The URLs of comments: ``/comments/{uuid}`` (a Note, or its page) and an event's ``replies``.

A local identity's comment has ``/comments/{uuid}`` as its ActivityPub id, so other
servers can fetch it: they get the Note as it was sent (or 410 Gone with a Tombstone
once it is deleted). People following that link land on the comment in its event page.
``/events/{uuid}/replies`` is the collection the Event document names: the ids of the
event's first-level comments, oldest first, as Mastodon lists a status's replies.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect
from sqlalchemy import func, select

from core.comments.models import Comment
from core.comments.service import visible_comments
from core.context import Ctx
from core.events.listing import SHOWS_EVENTS, visible_events
from core.events.models import Event
from plugins.federation_activitypub.activities import AS_CONTEXT
from plugins.federation_activitypub.comment_delivery import conversation_of
from plugins.federation_activitypub.discovery import ap_response
from plugins.federation_activitypub.documents import tombstone_document
from plugins.federation_activitypub.fanout import federates
from plugins.federation_activitypub.negotiation import wants_activity_json
from plugins.federation_activitypub.object_ids import comment_ap_id, is_shared, local_comment_id
from plugins.federation_activitypub.outgoing import note_out

REPLIES_ITEMS = 100


@get("/comments/{key:str}", include_in_schema=False, opt=SHOWS_EVENTS)
async def comment(ctx: Ctx, request: Request, key: str) -> Response:
    found = await _comment(ctx, key)
    event = await _event_of(ctx, found) if found is not None else None
    if found is None or event is None or not is_shared(event):
        return _not_found(request)
    if not wants_activity_json(request):
        return Redirect(f"/events/{event.uuid}#c-{found.uuid}")
    if found.author is not None and not found.author.is_local:  # its id is on its author's server
        return _not_found(request)
    if found.deleted_at is not None:
        return ap_response(tombstone_document(local_comment_id(ctx.settings, found), "Note", found.deleted_at),
                           status_code=410)
    conversation = await conversation_of(ctx, found)
    if conversation is None:
        return _not_found(request)
    return ap_response(await note_out(ctx, found, conversation.address))


@get("/events/{key:str}/replies", include_in_schema=False, opt=SHOWS_EVENTS)
async def replies(ctx: Ctx, key: str) -> Response:
    event = await _event(ctx, key)
    if event is None or not federates(event):
        return ap_response({"error": "no such event"}, status_code=404)
    first_level = await visible_comments(ctx, select(Comment).where(
        Comment.event_id == event.id, Comment.in_reply_to_id.is_(None), Comment.deleted_at.is_(None)))
    total = await ctx.session.scalar(select(func.count()).select_from(first_level.subquery()))
    items = []
    for item in await ctx.session.scalars(first_level.order_by(Comment.created_at, Comment.id).limit(REPLIES_ITEMS)):
        ap_id = await comment_ap_id(ctx.session, ctx.settings, item)
        if ap_id is not None:
            items.append(ap_id)
    return ap_response({"@context": AS_CONTEXT, "id": ctx.settings.url(f"/events/{event.uuid}/replies"),
                        "type": "OrderedCollection", "totalItems": total or 0, "orderedItems": items})


def _not_found(request: Request) -> Response:
    if wants_activity_json(request):
        return ap_response({"error": "no such comment"}, status_code=404)
    return Response("no such comment", status_code=404, media_type="text/plain")


async def _comment(ctx: Ctx, key: str) -> Comment | None:
    """The comment if an anonymous reader may see it here (a plugin may hide it, as on its event's page)."""
    parsed = _uuid(key)
    query = await visible_comments(ctx, select(Comment).where(Comment.uuid == parsed))
    return await ctx.session.scalar(query) if parsed else None


async def _event(ctx: Ctx, key: str) -> Event | None:
    """The event if an anonymous reader may see it here (what a plugin hides is not served either)."""
    parsed = _uuid(key)
    return await ctx.session.scalar(await visible_events(ctx, select(Event).where(Event.uuid == parsed))) if parsed else None


async def _event_of(ctx: Ctx, comment: Comment) -> Event | None:
    return await ctx.session.scalar(await visible_events(ctx, select(Event).where(Event.id == comment.event_id)))


def _uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


def comment_handlers() -> list[Any]:
    return [comment, replies]
