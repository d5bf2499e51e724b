"""Federation's side of the moderation plugin's hooks: what a moderator decides, told to other servers.

The moderation plugin never imports this package, nor this package it: it calls its own
hooks (plugins/moderation/hookspecs.py), and these implementations are marked
``optionalhook`` so federation still starts where moderation is off.

- A suspended local identity is ``Delete``\\ d, as Mastodon does, on the servers that
  know it: its followers', its events' remote participants' and the organisers' of
  the remote events it joined. Nothing is deleted here; its actor URL answers 404
  while it is suspended (the moderation plugin's identity filter hides it). Lifting the
  suspension sends its ``Update`` to the same servers, which take the actor in again.
- ``moderation_resolve_target``: the event, comment or identity an ActivityPub id names,
  ours or a stored copy of another server's.
- Reports forwarded as ``Flag`` (flags_out.py) and domain decisions (domain_moderation.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event, Participation
from core.identities.models import Identity
from core.plugins import hookimpl
from plugins.federation_activitypub import domain_moderation, flags_out
from plugins.federation_activitypub.actor_updates import person_deletion, person_update
from plugins.federation_activitypub.actors import RELAY_USERNAME, actor_row
from plugins.federation_activitypub.fanout import follower_inboxes, participant_inboxes, send_to_followers
from plugins.federation_activitypub.follows import local_username
from plugins.federation_activitypub.models import ApActor, ApFollow
from plugins.federation_activitypub.object_ids import reply_target
from plugins.federation_activitypub.outgoing import actor_out


async def servers_knowing(ctx: Ctx, identity: Identity) -> list[str]:
    """The inboxes of the servers that hold something of ``identity``, besides its followers'."""
    inboxes: set[str] = set()
    for event_id in await ctx.session.scalars(select(Event.id).where(Event.organizer_id == identity.id)):
        inboxes.update(await participant_inboxes(ctx.session, event_id))
    organisers = await ctx.session.execute(
        select(ApActor.inbox, ApActor.shared_inbox)
        .join(Event, Event.organizer_id == ApActor.identity_id)
        .join(Participation, Participation.event_id == Event.id)
        .where(Participation.identity_id == identity.id, ApActor.private_key_pem.is_(None)))
    inboxes.update(shared or inbox for inbox, shared in organisers if shared or inbox)
    return sorted(inboxes - set(await follower_inboxes(ctx.session, identity.id)))


@hookimpl(optionalhook=True)
async def moderation_identity_suspended(ctx: Ctx, identity: Identity) -> None:
    if identity.is_local and await actor_row(ctx.session, identity.id) is not None:
        await send_to_followers(ctx, identity, person_deletion(ctx.settings, identity),
                                also=await servers_knowing(ctx, identity))


@hookimpl(optionalhook=True)
async def moderation_identity_unsuspended(ctx: Ctx, identity: Identity) -> None:
    actor = await actor_row(ctx.session, identity.id) if identity.is_local else None
    if actor is not None:
        await send_to_followers(ctx, identity, person_update(await actor_out(ctx, identity, actor)),
                                also=await servers_knowing(ctx, identity))


@hookimpl(optionalhook=True)
async def moderation_resolve_target(ctx: Ctx, url: str) -> Event | Comment | Identity | None:
    """Ours: a federated event, a comment on one, a local actor; stored: by the id the origin gave it."""
    username = local_username(ctx.settings, url)
    if username == RELAY_USERNAME:
        return None  # the instance itself: nobody to report
    if username is not None:
        return await ctx.session.scalar(select(Identity).where(Identity.username == username, Identity.domain == ""))
    found = await reply_target(ctx.session, ctx.settings, url)
    if found is not None:
        return found.parent or found.event
    return await ctx.session.scalar(
        select(Identity).join(ApActor, ApActor.identity_id == Identity.id)
        .where(or_(ApActor.ap_id == url, ApActor.url == url), ApActor.private_key_pem.is_(None)).limit(1))


@hookimpl(optionalhook=True)
async def moderation_forward_report(ctx: Ctx, report: Any, comment: str) -> bool | None:
    return await flags_out.forward(ctx, report, comment)


@hookimpl(optionalhook=True)
async def moderation_domain_policy(ctx: Ctx, domain: str, policy: str, reason: str) -> bool | None:
    return await domain_moderation.apply(ctx, domain, policy, reason)


@hookimpl(optionalhook=True)
async def moderation_followed_identities(ctx: Ctx) -> Any:
    if not ctx.viewer.identity_ids:
        return None
    return select(ApFollow.followed_id).where(ApFollow.follower_id.in_(ctx.viewer.identity_ids), ApFollow.accepted)


@hookimpl
async def convene_filter_events(ctx: Ctx) -> ColumnElement[bool] | None:
    return await domain_moderation.shown_unless_limited(ctx, Event.organizer_id)


@hookimpl
async def convene_filter_comments(ctx: Ctx) -> ColumnElement[bool] | None:
    return await domain_moderation.shown_unless_limited(ctx, Comment.author_id)
