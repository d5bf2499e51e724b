"""Documents as other servers get them: built here, then extended by plugins.

Every Event, actor and Note this instance serves or sends goes through
``federation_activitypub_document``, so a plugin adds its keys (a group's ``attributedTo``,
a moderation note) once and they appear wherever the document travels: fetched by its
URL, in an actor's outbox, or inside a Create or Update.
"""

from __future__ import annotations

from typing import Any

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from plugins.federation_activitypub.documents import NoteAddress, actor_document, event_document, note_document
from plugins.federation_activitypub.models import ApActor


async def extended(ctx: Ctx, obj: Any, document: dict[str, Any]) -> dict[str, Any]:
    await ctx.call("federation_activitypub_document", obj=obj, document=document)
    return document


async def event_out(ctx: Ctx, event: Event) -> dict[str, Any]:
    return await extended(ctx, event, event_document(ctx.settings, event))


async def actor_out(ctx: Ctx, identity: Identity, row: ApActor) -> dict[str, Any]:
    return await extended(ctx, identity, actor_document(ctx.settings, identity, row))


async def note_out(ctx: Ctx, comment: Comment, address: NoteAddress) -> dict[str, Any]:
    return await extended(ctx, comment, note_document(ctx.settings, comment, address))
