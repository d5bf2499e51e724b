"""Follows both ways: remote actors following local identities, and local identities following out.

Inbound: a Follow of a local identity is recorded as accepted at once (identities do
not approve followers by hand) and answered with an Accept; Undo{Follow} removes it.
Outbound: following records a pending ``ApFollow`` and delivers a Follow; the remote
side's Accept makes it accepted, its Reject removes it. Every handler here runs in the
worker, is given the verified sender, and acts only on follows that sender is part of.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from core.context import Ctx
from core.errors import InvalidInput, NotFound
from core.guarded_http import FetchError
from core.identities.models import Identity
from core.identities.service import find_local_identity
from core.settings import Settings
from plugins.federation_activitypub import activities
from plugins.federation_activitypub.actors import RELAY_USERNAME, actor_id, local_actor
from plugins.federation_activitypub.delivery import enqueue_delivery
from plugins.federation_activitypub.models import ApActor, ApFollow
from plugins.federation_activitypub.parse import Refused, ref
from plugins.federation_activitypub.remote_actors import remote_actors


def local_username(settings: Settings, url: str) -> str | None:
    """The username of a local actor id (``/@name`` or ``/relay``), None for any other URL."""
    if url == actor_id(settings, RELAY_USERNAME):
        return RELAY_USERNAME
    prefix = settings.url("/@")
    name = url.removeprefix(prefix)
    return name if url.startswith(prefix) and name and "/" not in name else None


async def local_identity_at(ctx: Ctx, url: str) -> Identity | None:
    username = local_username(ctx.settings, url)
    return None if username is None else await find_local_identity(ctx, username)


async def local_identity_by_handle(ctx: Ctx, handle: str) -> Identity | None:
    """The local actor of a path's first segment: ``@name`` (``/@name/inbox``...), or ``relay``."""
    if handle == RELAY_USERNAME:
        return await find_local_identity(ctx, RELAY_USERNAME)
    return await find_local_identity(ctx, handle[1:].lower()) if handle.startswith("@") else None



# --- inbound -----------------------------------------------------------------------


async def on_follow(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    target = ref(activity.get("object"), "object")
    identity = await local_identity_at(ctx, target)
    if identity is None:
        raise Refused(f"{target} is not an identity of this instance")
    follow = await _follow_between(ctx, sender.identity_id, identity.id)
    if follow is None:
        follow = ApFollow(follower_id=sender.identity_id, followed_id=identity.id)
        ctx.session.add(follow)
    follow.activity_id, follow.accepted = activity["id"], True
    local = await local_actor(ctx.session, ctx.settings, identity)
    await enqueue_delivery(ctx.session, sender.inbox, activities.accept(local.ap_id, activity), local)
    return f"{sender.ap_id} follows {identity.username}"


async def on_undo(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Undo{Follow}: the sender stops following one of our identities."""
    follow = await _follow_named(ctx, activity.get("object"), sender.identity_id, sender_follows=True)
    if follow is None:
        return "ignored: the sender has no such follow here"
    await ctx.session.delete(follow)
    return f"{sender.ap_id} unfollowed"


async def on_accept(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Accept{Follow}: a remote actor accepted one of our identities as follower."""
    return await _answered(ctx, activity, sender, accepted=True)


async def on_reject(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Reject{Follow}: refused, or a follower removed later; either way the follow ends."""
    return await _answered(ctx, activity, sender, accepted=False)


async def _answered(ctx: Ctx, activity: dict[str, Any], sender: ApActor, accepted: bool) -> str:
    follow = await _follow_named(ctx, activity.get("object"), sender.identity_id, sender_follows=False)
    if follow is None:
        return f"ignored: no follow of {sender.ap_id} is known"
    if accepted:
        follow.accepted = True
    else:
        await ctx.session.delete(follow)
    return f"follow of {sender.ap_id} {'accepted' if accepted else 'rejected'}"


async def _follow_between(ctx: Ctx, follower_id: int, followed_id: int) -> ApFollow | None:
    return await ctx.session.scalar(
        select(ApFollow).where(ApFollow.follower_id == follower_id, ApFollow.followed_id == followed_id)
    )


async def _follow_named(ctx: Ctx, obj: Any, sender_id: int, sender_follows: bool) -> ApFollow | None:
    """The follow an Accept, Reject or Undo names, among those the sender is part of.

    By the Follow's id; or, when the peer embeds a Follow whose id it rewrote, by the
    two ends that Follow names.
    """
    if isinstance(obj, dict) and obj.get("type", "Follow") != "Follow":
        return None
    sender_side = ApFollow.follower_id if sender_follows else ApFollow.followed_id
    found = await ctx.session.scalar(
        select(ApFollow).where(sender_side == sender_id, ApFollow.activity_id == ref(obj, "object"))
    )
    if found is not None or not isinstance(obj, dict):
        return found
    local_end = obj.get("object") if sender_follows else obj.get("actor")
    local = await local_identity_at(ctx, ref(local_end, "object")) if local_end else None
    if local is None:
        return None
    if sender_follows:
        return await _follow_between(ctx, sender_id, local.id)
    return await _follow_between(ctx, local.id, sender_id)


# --- outbound ----------------------------------------------------------------------


async def remote_actor(ctx: Ctx, target: str) -> ApActor:
    """The remote actor a person typed (``@name@host`` or a URL), as a field error when unusable."""
    actors = remote_actors(ctx)
    try:
        return await actors.by_handle_or_url(target)
    except FetchError as exc:
        raise InvalidInput.field("target", exc.disclosed()) from exc
    except Refused as exc:
        raise InvalidInput.field("target", exc.reason) from exc


async def follow(ctx: Ctx, identity: Identity, remote: ApActor) -> ApFollow:
    """``identity`` asks to follow a remote actor: a pending follow, and a Follow on its way."""
    existing = await _follow_between(ctx, identity.id, remote.identity_id)
    if existing is not None and existing.accepted:
        return existing
    local = await local_actor(ctx.session, ctx.settings, identity)
    request = activities.follow(local.ap_id, remote.ap_id)
    if existing is None:
        existing = ApFollow(follower_id=identity.id, followed_id=remote.identity_id, accepted=False)
        ctx.session.add(existing)
    existing.activity_id = request["id"]
    await enqueue_delivery(ctx.session, remote.inbox, request, local)
    return existing


async def unfollow(ctx: Ctx, identity: Identity, remote: ApActor) -> None:
    """Stop following: the follow is removed here and an Undo{Follow} tells the other side."""
    existing = await _follow_between(ctx, identity.id, remote.identity_id)
    if existing is None:
        raise NotFound(f"{identity.username} does not follow {remote.ap_id}")
    local = await local_actor(ctx.session, ctx.settings, identity)
    request = {"id": existing.activity_id, "type": "Follow", "actor": local.ap_id, "object": remote.ap_id}
    await enqueue_delivery(ctx.session, remote.inbox, activities.undo(local.ap_id, request), local)
    await ctx.session.execute(delete(ApFollow).where(ApFollow.id == existing.id))
