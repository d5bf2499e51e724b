"""API: the caller's identities, and public profiles."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import UNSET

from core.api.openapi import refusals
from core.api.uploads import PictureUpload
from core.auth import Caller, signed_in
from core.context import Ctx
from core.identities import service
from core.identities.models import Identity
from core.identities.schemas import IdentityCreate, IdentityOut, IdentityUpdate, MyIdentityOut, identity_out, my_identity_out


async def _mine(ctx: Ctx, caller: Caller, username: str) -> Identity:
    return await service.own_identity(ctx, caller.require_account(), username)


class IdentityController(Controller):
    path = "/api/v1/identities"
    tags = ["identities"]

    @get("", guards=[signed_in])
    async def list_mine(self, ctx: Ctx, api: Caller) -> list[MyIdentityOut]:
        api.require_account()
        return [my_identity_out(i, ctx.settings) for i in api.identities]

    @post("", status_code=201, guards=[signed_in], responses=refusals(403, 409))
    async def create(self, ctx: Ctx, api: Caller, data: IdentityCreate) -> MyIdentityOut:
        identity = await service.create_identity(ctx, api.require_account(), data.username, data.display_name, data.bio)
        return my_identity_out(identity, ctx.settings)

    @get("/{username:str}")
    async def show(self, ctx: Ctx, username: str) -> IdentityOut:
        """A local identity's public profile."""
        return identity_out(await service.local_identity(ctx, username), ctx.settings)

    @patch("/{username:str}", guards=[signed_in], responses=refusals(403))
    async def update(self, ctx: Ctx, api: Caller, username: str, data: IdentityUpdate) -> MyIdentityOut:
        identity = await _mine(ctx, api, username)
        await service.update_identity(
            ctx, identity,
            display_name=None if data.display_name is UNSET else data.display_name,
            bio=None if data.bio is UNSET else data.bio,
        )
        return my_identity_out(identity, ctx.settings)

    @put("/{username:str}/avatar", guards=[signed_in], responses=refusals(403))
    async def set_avatar(
        self, ctx: Ctx, api: Caller, username: str,
        data: Annotated[PictureUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> MyIdentityOut:
        """Upload an avatar (multipart file part ``data``): PNG, JPEG, GIF or WebP, checked and re-encoded."""
        identity = await _mine(ctx, api, username)
        content = await data.data.read(ctx.settings.limits.avatar_max_bytes + 1)
        await service.update_identity(ctx, identity, avatar=content)
        return my_identity_out(identity, ctx.settings)

    @delete("/{username:str}/avatar", status_code=HTTP_204_NO_CONTENT, guards=[signed_in],
            responses=refusals(403, 422))
    async def remove_avatar(self, ctx: Ctx, api: Caller, username: str) -> None:
        await service.update_identity(ctx, await _mine(ctx, api, username), remove_avatar=True)

    @post("/{username:str}/default", status_code=200, guards=[signed_in], responses=refusals(422))
    async def make_default(self, ctx: Ctx, api: Caller, username: str) -> MyIdentityOut:
        identity = await _mine(ctx, api, username)
        await service.set_default_identity(ctx, api.require_account(), identity)
        return my_identity_out(identity, ctx.settings)

    @delete("/{username:str}", status_code=HTTP_204_NO_CONTENT, guards=[signed_in], responses=refusals(409, 422))
    async def delete_identity(self, ctx: Ctx, api: Caller, username: str) -> None:
        """Delete an identity with its events; its places are given back, its comments anonymised."""
        await service.delete_identity(ctx, await _mine(ctx, api, username))
