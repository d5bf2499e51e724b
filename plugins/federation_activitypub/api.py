"""API: a local identity follows or unfollows a remote actor (``@name@host`` or its URL)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import post
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.auth import Caller, signed_in
from core.context import Ctx
from core.identities.service import own_identity
from plugins.federation_activitypub import follows


class FollowTarget(msgspec.Struct, forbid_unknown_fields=True):
    target: Annotated[str, Meta(min_length=3, max_length=500)]
    """``@name@host``, ``name@host``, or the actor's URL."""


class FollowOut(msgspec.Struct):
    actor: str
    state: Literal["pending", "accepted"]


@post("/api/v1/identities/{username:str}/follow", status_code=202, tags=["federation"], guards=[signed_in])
async def follow(ctx: Ctx, api: Caller, username: str, data: FollowTarget) -> FollowOut:
    """Follow a remote actor: pending until its server accepts."""
    identity = await own_identity(ctx, api.require_account(), username, field="username")
    remote = await follows.remote_actor(ctx, data.target)
    record = await follows.follow(ctx, identity, remote)
    return FollowOut(actor=remote.ap_id, state="accepted" if record.accepted else "pending")


@post("/api/v1/identities/{username:str}/unfollow", status_code=HTTP_204_NO_CONTENT, tags=["federation"],
      guards=[signed_in])
async def unfollow(ctx: Ctx, api: Caller, username: str, data: FollowTarget) -> None:
    """Stop following a remote actor (its server is told with an Undo)."""
    identity = await own_identity(ctx, api.require_account(), username, field="username")
    remote = await follows.remote_actor(ctx, data.target)
    await follows.unfollow(ctx, identity, remote)


def api_handlers() -> list[Any]:
    return [follow, unfollow]
