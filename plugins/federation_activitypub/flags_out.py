"""A report about another server's content, forwarded there as a ``Flag`` from this instance.

The shape is the one Mastodon and Mobilizon send and read: the instance actor
(``/relay``) flags, so the reporter stays hidden (no reporter, no local identity in the
activity); ``object`` lists the reported actor first (Mobilizon takes the first actor it
finds as the reported one), then the event or comment; ``content`` carries the words
the moderator chose to pass on, or nothing. It goes to the reported actor's server
(its shared inbox, else its inbox) through the durable delivery outbox.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from plugins.federation_activitypub.activities import AS_CONTEXT
from plugins.federation_activitypub.actors import RELAY_USERNAME, actor_id, local_actor, relay_identity
from plugins.federation_activitypub.delivery import enqueue_delivery
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.object_ids import comment_ap_id, event_ap_id


def flag(instance_actor: str, objects: list[str], content: str) -> dict[str, Any]:
    """The ``Flag`` of ``objects`` (the reported actor first) by the instance actor, addressed to that actor."""
    return {"@context": AS_CONTEXT, "id": f"{instance_actor}#flags/{uuid.uuid4().hex}", "type": "Flag",
            "actor": instance_actor, "content": content, "object": objects, "to": [objects[0]]}


async def forward(ctx: Ctx, report: Any, comment: str) -> bool:
    """Queue the Flag of ``report`` (a moderation Report) to the reported actor's server; False when
    the reported identity is local, gone, or has no known inbox."""
    session = ctx.session
    if report.reported_identity_id is None:
        return False
    reported = await session.scalar(select(ApActor).where(ApActor.identity_id == report.reported_identity_id,
                                                          ApActor.private_key_pem.is_(None)))
    inbox = reported.shared_inbox or reported.inbox if reported is not None else ""
    if reported is None or not inbox:
        return False
    objects = [reported.ap_id, *await _named(ctx, report)]
    sender = await local_actor(session, ctx.settings, await relay_identity(session))
    activity = flag(actor_id(ctx.settings, RELAY_USERNAME), list(dict.fromkeys(objects)), comment)
    await enqueue_delivery(session, inbox, activity, sender)
    return True


async def _named(ctx: Ctx, report: Any) -> list[str]:
    """The ActivityPub ids of the reported event or comment, where the origin gave them one."""
    session, named = ctx.session, []
    comment = await session.get(Comment, report.comment_id) if report.comment_id else None
    if comment is not None:
        named.append(await comment_ap_id(session, ctx.settings, comment))
    event = await session.get(Event, report.event_id) if report.event_id and comment is None else None
    if event is not None:
        named.append(await event_ap_id(session, ctx.settings, event))
    return [ap_id for ap_id in named if ap_id]
